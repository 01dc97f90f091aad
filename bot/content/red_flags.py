"""Red flags in what people type: signs that need a professional before any self-care.

Patterns are content (`red_flags` in content/safety.yaml), written as plain words:

    numb                      any form of the word: numb, numbness, numbed
    pins and needles          these words in this order
    shooting ... down ... leg `...` lets up to three other words sit in between
    arm|leg                   `|` between words: either word
    fever + back ... pain     `+`: both parts anywhere in the same message

Each pattern is parsed and stemmed once, when the content loads. A mention with "no", "not",
"without", "never", "don't" ... a few words before it (in the same clause) is negated: the reply
then carries the flag's gentle reminder instead of its advice, never silence. This is matching
words against a list, not understanding: it leans towards saying too much.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from bot.content.library import ContentLibrary
    from bot.content.models import RedFlag

# Only this much of a message is looked at (Telegram's longest message), so odd or huge input
# costs bounded work; then at most this many words.
MAX_CHARS = 4096
MAX_WORDS = 1000
# How many words before a mention may negate it ("I don't have any numbness").
NEGATION_WINDOW = 4
# How many other words `...` allows, and how much one pattern may say (bounds the work per word).
GAP_WORDS = 3
MAX_PHRASE_WORDS = 8
MAX_GAPS = 3

NEGATORS = frozenset((
    "no", "not", "never", "without", "none", "nor", "neither", "dont", "doesnt", "didnt",
    "isnt", "arent", "wasnt", "werent", "havent", "hasnt", "hadnt", "wont", "aint", "nothing",
    # German and Spanish ("keine Taubheit", "sin hormigueo"), for the patterns in those languages
    "kein", "keine", "keinen", "keiner", "nicht", "ohne", "nie", "niemals",
    "sin", "nunca", "ni", "tampoco", "nada",
))  # fmt: skip
# Words that start a new clause: a negation before them does not reach past them.
CLAUSE_WORDS = frozenset(["but", "although", "though", "however", "yet", "except", "apart"])

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")
_BETWEEN_WORDS = re.compile("\u200b")  # an invisible space still separates words
_LINE_BREAKS = re.compile("[\u0085\u2028\u2029]")
_TOKEN = re.compile(r"[^\W_]+|(?P<stop>[.!?;\n\u3002]+)|(?P<pause>[,:()\[\]\"\u2013\u2014/])")
_WORD = re.compile(r"[^\W_]+")
# Suffixes folded away so one written form matches the others (tingling, tingles -> tingl).
_SUFFIXES = (
    "iness", "ness", "ingly", "edly", "ies", "ied", "ing", "ish", "ful", "ly", "ed", "es", "s",
    "y", "e",
)  # fmt: skip
_MIN_STEM = 3


class Token(NamedTuple):
    word: str  # folded (case, width, apostrophes): "dont"
    stem: str
    sentence: int
    clause: int


@dataclass(frozen=True)
class Phrase:
    """Words in order; `gaps[i]` is how many other words may come before `slots[i]`."""

    slots: tuple[frozenset[str], ...]
    gaps: tuple[int, ...]


@dataclass(frozen=True)
class Pattern:
    """Phrases that must all be in the message (`+` in the content file)."""

    parts: tuple[Phrase, ...]


@dataclass(frozen=True)
class Match:
    """A red flag someone mentioned; `negated` when every mention was negated."""

    flag: RedFlag
    negated: bool


def fold(text: str) -> str:
    """Case, full-width letters, apostrophes and invisible characters stop mattering."""
    text = _APOSTROPHES.sub("", text[:MAX_CHARS])
    text = _LINE_BREAKS.sub("\n", _BETWEEN_WORDS.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text[: MAX_CHARS * 2] if unicodedata.category(c) != "Cf")


def stem(word: str) -> str:
    """A crude English stem: numbness -> numb, tingling -> tingl, stopped -> stop."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def tokens(text: str) -> list[Token]:
    """The words of a message with the sentence and clause each belongs to."""
    found: list[Token] = []
    sentence = clause = 0
    for m in _TOKEN.finditer(fold(text)):
        if m.group("stop"):
            sentence, clause = sentence + 1, clause + 1
        elif m.group("pause"):
            clause += 1
        else:
            word = m.group()
            if word in CLAUSE_WORDS:
                clause += 1
            found.append(Token(word, stem(word), sentence, clause))
            if len(found) >= MAX_WORDS:
                break
    return found


def parse_phrase(text: str) -> Phrase:
    """'shooting ... down ... arm|leg' -> a Phrase; ValueError says what is wrong, for people."""
    if "+" in text:
        raise ValueError("'+' only works in patterns, not here")
    slots: list[frozenset[str]] = []
    gaps: list[int] = []
    gap = 0
    for piece in fold(text).split():
        if piece == "...":
            if not slots or gap:
                raise ValueError(f"'...' must sit between words in '{text.strip()}'")
            gap = GAP_WORDS
            continue
        words = piece.split("|")
        bad = [w for w in words if not _WORD.fullmatch(w)]
        if bad:
            raise ValueError(
                f"'{piece}' should be a word or words joined by '|' (letters and digits only; "
                "write a hyphen as a space)"
            )
        slots.append(frozenset(stem(w) for w in words))
        gaps.append(gap)
        gap = 0
    if not slots:
        raise ValueError("has no words")
    if gap:
        raise ValueError(f"'...' must sit between words in '{text.strip()}'")
    if len(slots) > MAX_PHRASE_WORDS:
        raise ValueError(f"is longer than {MAX_PHRASE_WORDS} words; split it into two patterns")
    if sum(1 for g in gaps if g) > MAX_GAPS:
        raise ValueError(f"has more than {MAX_GAPS} '...'")
    return Phrase(tuple(slots), tuple(gaps))


def parse_pattern(text: str) -> Pattern:
    """'fever + back ... pain' -> a Pattern of two phrases."""
    parts = text.split("+")
    if any(not p.strip() for p in parts):
        raise ValueError("'+' needs words on both sides")
    return Pattern(tuple(parse_phrase(p) for p in parts))


@dataclass(frozen=True)
class _Compiled:
    flag: RedFlag
    patterns: tuple[Pattern, ...]
    unless: tuple[Phrase, ...]


class RedFlagIndex:
    """Every red flag's patterns, parsed once per content load."""

    def __init__(self, flags: Iterable[RedFlag]) -> None:
        self._flags = tuple(
            _Compiled(
                flag,
                tuple(parse_pattern(p) for p in flag.patterns),
                tuple(parse_phrase(u) for u in flag.unless),
            )
            for flag in flags
        )

    def find(self, said: str) -> list[Match]:
        """The flags `said` mentions: said plainly first (urgent ones first), then negated."""
        words = tokens(said)
        if not words:
            return []
        where: dict[str, list[int]] = defaultdict(list)
        for i, token in enumerate(words):
            where[token.stem].append(i)
        found: list[tuple[int, Match]] = []
        for order, compiled in enumerate(self._flags):
            masked = {i for u in compiled.unless for hit in _hits(words, where, u) for i in hit}
            seen = [_status(words, where, p, masked) for p in compiled.patterns]
            if True in seen:
                found.append((order, Match(compiled.flag, negated=False)))
            elif False in seen:
                found.append((order, Match(compiled.flag, negated=True)))
        found.sort(key=lambda item: (item[1].negated, not item[1].flag.urgent, item[0]))
        return [match for _, match in found]


def red_flags(content: ContentLibrary, said: str) -> list[Match]:
    """The red flags in what someone typed, urgent ones first."""
    return content.red_flag_index.find(said)


def _status(
    words: Sequence[Token], where: dict[str, list[int]], pattern: Pattern, masked: set[int]
) -> bool | None:
    """True: every part said plainly; False: all there but some only negated; None: absent."""
    plain = True
    for phrase in pattern.parts:
        hits = [h for h in _hits(words, where, phrase) if masked.isdisjoint(h)]
        if not hits:
            return None
        plain = plain and any(not _negated(words, h) for h in hits)
    return plain


def _hits(
    words: Sequence[Token], where: dict[str, list[int]], phrase: Phrase
) -> list[tuple[int, ...]]:
    """Every place the phrase occurs, as the positions of its words."""
    starts = sorted({i for s in phrase.slots[0] for i in where.get(s, ())})
    hits = []
    for start in starts:
        rest = _rest(words, phrase, 1, start)
        if rest is not None:
            hits.append((start, *rest))
    return hits


def _rest(words: Sequence[Token], phrase: Phrase, slot: int, prev: int) -> tuple[int, ...] | None:
    if slot == len(phrase.slots):
        return ()
    last = min(prev + 1 + phrase.gaps[slot], len(words) - 1)
    for j in range(prev + 1, last + 1):
        if words[j].sentence != words[prev].sentence:
            return None
        if words[j].stem in phrase.slots[slot]:
            rest = _rest(words, phrase, slot + 1, j)
            if rest is not None:
                return (j, *rest)
    return None


def _negated(words: Sequence[Token], hit: tuple[int, ...]) -> bool:
    """A negation shortly before the mention (same clause), or inside its `...` gaps."""
    start = hit[0]
    for j in range(start - 1, max(start - 1 - NEGATION_WINDOW, -1), -1):
        if words[j].clause != words[start].clause:
            break
        if words[j].word in NEGATORS:
            return True
    gaps = set(range(start, hit[-1] + 1)) - set(hit)
    return any(words[j].word in NEGATORS for j in gaps)
