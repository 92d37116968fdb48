"""plugnmeet back end: client and simulator."""
