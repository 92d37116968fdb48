"""Back ends: the Provider contract, the shared HTTP client, and one package per back end. No Qt here."""
