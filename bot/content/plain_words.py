"""Plain words to a spot: "I clench my teeth" means the jaw, unclenching first, with a mouth
guard reminder offered; "my shoulders are up to my chin" means the shoulder drop first.

The phrases are content (content/understanding.yaml), written in the red-flag pattern language
of bot/content/red_flags.py, so any form of a word matches and words may sit in between. The
first entry that matches wins, so specific entries come first in the file. A mention with "no",
"not", "don't" ... just before it ("I don't clench") does not count. This is matching words
against a list, not understanding a body: it points to techniques, it never names a cause.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from bot.content.models import Understanding
from bot.content.red_flags import NEGATORS, Pattern, Phrase, Token, parse_pattern, tokens

# How many words before a mention may negate it: "don't clench", "never really grind".
NEGATION_WINDOW = 2


class PlainWords:
    """The understanding entries' phrases, parsed once per content load."""

    def __init__(self, entries: Iterable[Understanding]) -> None:
        self._entries = tuple((e, tuple(parse_pattern(p) for p in e.phrases)) for e in entries)

    def find(self, said: str) -> Understanding | None:
        """The first entry whose phrases `said` contains (not negated), or None."""
        words = tokens(said)
        if not words:
            return None
        where: dict[str, list[int]] = defaultdict(list)
        for i, token in enumerate(words):
            where[token.stem].append(i)
        for entry, patterns in self._entries:
            if any(_said(words, where, p) for p in patterns):
                return entry
        return None


def _said(words: Sequence[Token], where: dict[str, list[int]], pattern: Pattern) -> bool:
    return all(
        any(not _negated(words, start) for start in _starts(words, where, phrase))
        for phrase in pattern.parts
    )


def _starts(words: Sequence[Token], where: dict[str, list[int]], phrase: Phrase) -> list[int]:
    """Where the phrase begins, each time it occurs in one sentence."""
    firsts = sorted({i for s in phrase.slots[0] for i in where.get(s, ())})
    return [i for i in firsts if _rest(words, phrase, 1, i)]


def _rest(words: Sequence[Token], phrase: Phrase, slot: int, prev: int) -> bool:
    if slot == len(phrase.slots):
        return True
    last = min(prev + 1 + phrase.gaps[slot], len(words) - 1)
    for j in range(prev + 1, last + 1):
        if words[j].sentence != words[prev].sentence:
            return False
        if words[j].stem in phrase.slots[slot] and _rest(words, phrase, slot + 1, j):
            return True
    return False


def _negated(words: Sequence[Token], start: int) -> bool:
    for j in range(start - 1, max(start - 1 - NEGATION_WINDOW, -1), -1):
        if words[j].clause != words[start].clause:
            return False
        if words[j].word in NEGATORS:
            return True
    return False
