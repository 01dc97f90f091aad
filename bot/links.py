"""Does text contain something a chat client would turn into a link?

Tips, the names credited under them and the words people give their reminders are posted
to groups, where a link is how spam and "miracle cure" shops get in. A web address is found
by its top-level domain, read from the Public Suffix List (the `publicsuffixlist` package,
updated with each of its releases) rather than from a hand-written list, so `cure-shop.online`
counts as well as `example.com`, while "e.g." or "3.5" do not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from publicsuffixlist import PublicSuffixList

_SCHEME = re.compile(r"\b[a-z][a-z0-9+.-]{1,15}://\S+|\bwww\.\S+", re.IGNORECASE)
# A dotted name: labels of letters, digits and hyphens, the last one starting with a letter.
_DOTTED = re.compile(r"(?<![\w.-])(?:[^\W_][\w-]*\.)+[^\W\d_][\w-]*", re.UNICODE)


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList(accept_unknown=False)


def find_link(text: str) -> str | None:
    """The first thing in `text` a chat client would show as a link, or None."""
    folded = unicodedata.normalize("NFKC", text)  # a full-width dot is a dot to a client
    scheme = _SCHEME.search(folded)
    if scheme:
        return scheme.group()
    for match in _DOTTED.finditer(folded):
        name = match.group().rstrip("-").lower()
        if _suffixes().privatesuffix(name) is not None:
            return match.group()
    return None
