"""Pure-Python domain: models, errors, colours. No Qt, no httpx."""
