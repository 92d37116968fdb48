"""Removing secrets from URLs and from text that quotes URLs (error details, log lines).

It lives in the domain so that every error can scrub its own detail (see ``MeetdeskError``): whatever a back
end puts into a message, a URL in it never carries a password, a session id or a token out.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SENSITIVE_QUERY_KEYS = frozenset(
    {"access_token", "secure", "securehash", "jwt", "token", "sid", "pass", "password", "userpass", "secret",
     "checksum", "session_id", "sessionid", "hash", "api_key", "apikey", "signature", "invitation",
     "invitationhash", "hashcode", "auth", "code", "otp", "pin"}
)
REDACTED = "***"

#: a query key that names a secret even inside a longer name (``userpass``, ``moderatorPW``, ``refresh_token``)
_SECRET_KEY_PART = re.compile(r"pass|pw$|token|secret|sid$|hash|secure|invitation|signature|checksum|_key$",
                              re.IGNORECASE)
#: ``key=value`` outside a full URL: a relative URL, a form body, a query string quoted on its own
_PAIR_IN_TEXT = re.compile(r"""(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]*)=([^&\s"'<>#]*)""")
_URL_IN_TEXT = re.compile(r"""[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+""")


def is_secret_key(key: str) -> bool:
    low = key.strip().lower()
    return low in SENSITIVE_QUERY_KEYS or bool(_SECRET_KEY_PART.search(low))


def redact_url(url: object) -> str:
    """``url`` with every secret-looking query value and any userinfo password replaced by ``***``."""
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:  # not even a URL: hide everything after the first ? or @
        return re.sub(r"[?@].*", "?" + REDACTED, text)
    if parts.query:
        pairs = [(k, REDACTED if is_secret_key(k) else v)
                 for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        parts = parts._replace(query=urlencode(pairs, safe="*"))
    if "@" in parts.netloc:
        userinfo, _, hostport = parts.netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        parts = parts._replace(netloc=f"{user}:{REDACTED}@{hostport}" if ":" in userinfo else f"{REDACTED}@{hostport}")
    return urlunsplit(parts)


def redact_urls_in(text: str) -> str:
    """Every URL inside ``text`` redacted (error details quote the URLs httpx complains about)."""
    text = _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)
    return _PAIR_IN_TEXT.sub(lambda m: f"{m.group(1)}={REDACTED}" if is_secret_key(m.group(1)) else m.group(0),
                             text)


