"""What a tip may contain, decided before it is stored, and how its text is shown safely.

Links are refused rather than kept as plain text: tips are about what people do with their
hands and a tennis ball, a link adds nothing a sentence can't say, and links are how spam and
"miracle cure" shops get in. Mentions are defused for display on every platform (an invisible
space after each @), on top of each adapter's own escaping.
"""

from __future__ import annotations

import hashlib

from bot.content.models import normalize_name
from bot.i18n import N_, Explained
from bot.links import find_link
from bot.text import clean, shorten

MAX_CHARS = 500
MIN_CHARS = 15


_TOO_LONG = N_("Tips can be up to %(most)d characters; yours has %(count)s.")


class TipRefused(Explained, ValueError):
    """Why a tip (or a tip action) cannot be done, said in the person's language
    (`exc.said(ctx.t)`)."""


def checked_text(raw: str) -> str:
    """The tip as it will be stored, or TipRefused saying what to change."""
    if len(raw) > MAX_CHARS * 20:  # don't even clean a flood
        raise TipRefused(_TOO_LONG, most=MAX_CHARS, count=f"{len(raw):,}")
    text = clean(raw)
    if len(text) > MAX_CHARS:
        raise TipRefused(_TOO_LONG, most=MAX_CHARS, count=f"{len(text):,}")
    if len(text) < MIN_CHARS:
        raise TipRefused(
            N_("A tip needs a few more words (at least %(least)d characters)."), least=MIN_CHARS
        )
    link = find_link(text)
    if link is not None:
        raise TipRefused(
            N_(
                "Links can't go in tips, to keep spam out. Describe what helps in your own words "
                "(I read \u201c%(link)s\u201d as a web address; a space after a full stop keeps "
                "words apart)."
            ),
            link=shorten(link, 40),
        )
    return text


def credit_name(display_name: str) -> str:
    """The name a tip is credited to: the person's, unless it would show as a link."""
    name = shorten(display_name, 100)
    if not name or find_link(name) is not None:
        return "a member"
    return name


def text_key(text: str) -> str:
    """The same tip, whatever its case, spacing or punctuation."""
    return hashlib.sha256(normalize_name(text).encode()).hexdigest()[:32]


def defused(text: str) -> str:
    """Text safe to post to a group: no @mention can ping anyone."""
    return text.replace("@", "@\u200b")
