"""openmeetings back end: client and simulator."""
