"""PySide6 user interface. No httpx here: everything goes through meetdesk.services."""
