"""Veeting Rooms ("Web Meeting" v6 white-label API)."""
