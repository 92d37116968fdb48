"""One async client per back end. No Qt here."""
