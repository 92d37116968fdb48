"""The command line: the same services as the window, without one. Entry: :func:`meetdesk.cli.main.run_cli`."""
