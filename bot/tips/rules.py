"""What a tip may contain, decided before it is stored, and how its text is shown safely.

Links are refused rather than kept as plain text: tips are about what people do with their
hands and a tennis ball, a link adds nothing a sentence can't say, and links are how spam and
"miracle cure" shops get in. Mentions are defused for display on every platform (an invisible
space after each @), on top of each adapter's own escaping.
"""

from __future__ import annotations

import hashlib
import re

from bot.content.models import normalize_name
from bot.text import clean

MAX_CHARS = 500
MIN_CHARS = 15
_LINK = re.compile(
    r"(https?://|www\.|\bt\.me/|discord(?:app)?\.(?:gg|com)/|"
    r"\b[\w-]{2,}\.(?:com|net|org|io|gg|me|ly|co|app|xyz|info|shop|store|ru|de|uk|biz|link)\b)",
    re.IGNORECASE,
)


class TipRefused(ValueError):
    """Why a tip (or a tip action) cannot be done; the message is shown as it is."""


def checked_text(raw: str) -> str:
    """The tip as it will be stored, or TipRefused saying what to change."""
    if len(raw) > MAX_CHARS * 20:  # don't even clean a flood
        raise TipRefused(f"Tips can be up to {MAX_CHARS} characters; yours has {len(raw):,}.")
    text = clean(raw)
    if len(text) > MAX_CHARS:
        raise TipRefused(f"Tips can be up to {MAX_CHARS} characters; yours has {len(text):,}.")
    if len(text) < MIN_CHARS:
        raise TipRefused(f"A tip needs a few more words (at least {MIN_CHARS} characters).")
    if _LINK.search(text):
        raise TipRefused(
            "Links can't go in tips, to keep spam out. Describe what helps in your own words."
        )
    return text


def text_key(text: str) -> str:
    """The same tip, whatever its case, spacing or punctuation."""
    return hashlib.sha256(normalize_name(text).encode()).hexdigest()[:32]


def defused(text: str) -> str:
    """Text safe to post to a group: no @mention can ping anyone."""
    return text.replace("@", "@\u200b")
