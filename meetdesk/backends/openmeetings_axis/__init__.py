"""openmeetings_axis back end: client and simulator."""
