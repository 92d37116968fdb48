"""meetdesk — a desktop console for meeting coordinators."""

__version__ = "0.1.0"
APP_ID = "org.meetdesk.MeetDesk"
APP_NAME = "meetdesk"
