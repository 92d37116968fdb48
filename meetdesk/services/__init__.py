"""Application logic between the UI/CLI and the providers. No widgets here."""
