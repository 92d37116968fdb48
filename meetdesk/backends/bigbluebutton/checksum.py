"""Signing BigBlueButton API calls.

The server hashes ``call name + the raw query string it received (checksum removed) + shared secret`` and
picks the algorithm by the checksum's length (bbb-common-web ``GetChecksum.java`` and
``GetChecksumValidator.java``). So the query is encoded once, signed, and sent byte for byte as signed:
never hand the parameters to httpx as a mapping after signing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import quote_plus, urlencode

#: algorithm → hex length; the server's ``supportedChecksumAlgorithms`` default lists all four (BBB ≥ 2.5)
ALGORITHMS: dict[str, int] = {"sha1": 40, "sha256": 64, "sha384": 96, "sha512": 128}
DEFAULT_ALGORITHM = "sha256"


def encode_query(params: Iterable[tuple[str, str]]) -> str:
    """``k=v&…`` with form encoding (space → ``+``), the way Java's URLEncoder and most BBB clients send it."""
    return urlencode(list(params), quote_via=quote_plus)


def checksum(call: str, query: str, secret: str, algorithm: str = DEFAULT_ALGORITHM) -> str:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown checksum algorithm {algorithm!r}")
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


def signed_query(call: str, params: Iterable[tuple[str, str]], secret: str,
                 algorithm: str = DEFAULT_ALGORITHM) -> str:
    """The complete query string of a signed call: the encoded parameters and ``checksum`` last."""
    query = encode_query(params)
    digest = checksum(call, query, secret, algorithm)
    return f"{query}&checksum={digest}" if query else f"checksum={digest}"
