"""Taming user-supplied text before the core echoes or stores it."""

from __future__ import annotations

import re
import unicodedata

# Control characters, and the invisible ones that reorder or hide text (bidi overrides,
# zero-width joiners and spaces): they have no place in a tip or an echoed argument.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_SPACES = re.compile(r"[ \t\r\n\u00a0\u2000-\u200a\u2028\u2029\u3000]+")


def clean(text: str) -> str:
    """NFC-normalised, with invisible and control characters removed and spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def shorten(text: str, limit: int) -> str:
    """Cut cleaned text to `limit` characters, marking the cut."""
    text = clean(text[: limit * 4])
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
