"""Reading a routine as people write it from their sheet: "chin tucks: hold 5 s, 10 times",
"doorway stretch 30 s, 3 rounds, rest 10 s", "press the ball into the knot for 20 seconds x 3";
and in German and Spanish ("Kinn einziehen: 5 s halten, 10 Mal", "mantener 5 s, 3 rondas"),
whose sheet words are read the English way first (`bot.routines.sheet_words`).

Durations are read the way content durations are (`bot.content.durations`); what is left is
the person's words. Anything that is not understood gets an explanation with examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.durations import seconds_named
from bot.content.models import normalize_name
from bot.i18n import N_, Explained
from bot.routines.model import MAX_NAME, MAX_STEP_CHARS, MAX_STEPS
from bot.routines.sheet_words import english, in_english
from bot.text import clean, shorten

# Longer input is not read at all: a sheet's line is short.
MAX_INPUT = 2000
EXAMPLES = (N_("hold 5 s, 10 times"), N_("30 s, 3 rounds"), N_("20 seconds x 3, rest 15 s"))

_NUMBER_WORDS = {
    "once": 1, "twice": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
_COUNT = r"(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")"
_ROUNDS = re.compile(
    rf"(?:\b{_COUNT}\s*(?:x\b|\u00d7|times\b|rounds?\b|reps?\b|repetitions?\b|sets?\b)"
    rf"|(?:\bx|\u00d7)\s*{_COUNT}\b|\b(once|twice)\b)",
    re.IGNORECASE,
)
_DURATION = (
    r"(?:half\s+an?|\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|ten|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|ninety)[\s-]*(?:seconds?|secs?|s|minutes?|mins?)\b"
)
_REST = re.compile(
    rf"\b(?:rest|pause|break|relax|recover|between)\w*\s+(?:for\s+|of\s+)?({_DURATION})"
    rf"|({_DURATION})\s+(?:of\s+)?(?:rest|pause|break)\b",
    re.IGNORECASE,
)
_FIRST_DURATION = re.compile(_DURATION, re.IGNORECASE)
# Words that mean pressing on a knot: the hold then counts as a pressure hold (capped at
# 60 s a press, and the spot's daily round limit).
_PRESSURE = re.compile(
    r"\b(press\w*|pressure|ball|massager|knot|trigger|thumb|knuckle|lean\s+into|acupressure|"
    r"squeez\w*|pinch\w*|dig\w*|"
    # German and Spanish: drücken, Ball, Knoten, Daumen; presionar, pelota, nudo, pulgar
    r"presion\w*|presi\u00f3n|pelota\w*|nudos?|pulgar\w*|apriet\w*|digitopresi\u00f3n)\b"
    # German compounds hide them inside a word: Daumendruck, Triggerpunkte, Tennisball.
    r"|(?:\b|daumen|finger|punkt)dr[u\u00fc]ck|daumen|knoten|triggerpunkt|\w*b[a\u00e4]ll(?:e|en)?\b",
    re.IGNORECASE,
)
_TIMING_START = re.compile(rf"\b(?:hold|holding|for|stay)?\s*{_DURATION}|{_ROUNDS.pattern}", re.I)


class RoutineParseError(Explained, ValueError):
    """What could not be read, said in the person's language (`exc.said(ctx.t)`)."""


@dataclass(frozen=True)
class Timing:
    press_seconds: int
    rounds: int
    rest_seconds: int | None  # None: not said (a default is used)


def tidy(said: str, limit: int) -> str:
    """What a person typed, cleaned and cut to `limit` (odd and huge input included)."""
    return shorten(said[:MAX_INPUT], limit)


def _count(text: str) -> int:
    text = text.casefold()
    return _NUMBER_WORDS[text] if text in _NUMBER_WORDS else int(text)


def parse_timing(said: str) -> Timing:
    """'hold 5 s, 10 times' -> 5 s, 10 rounds; '30 s, 3 rounds, rest 10 s' -> 30, 3, 10."""
    text = english(clean(said[:MAX_INPUT]))
    rest: int | None = None
    found_rest = _REST.search(text)
    if found_rest:
        rest = seconds_named(found_rest.group(1) or found_rest.group(2))[0]
        text = text[: found_rest.start()] + " " + text[found_rest.end() :]
    durations = seconds_named(text)
    if not durations:
        raise RoutineParseError(
            N_(
                "How long is each hold? Say it with seconds or minutes, like \u201chold 5 s, "
                "10 times\u201d; \u201c30 s, 3 rounds\u201d; \u201c20 seconds x 3, rest 15 s\u201d."
            )
        )
    rounds_found = _ROUNDS.search(text)
    rounds = 1
    if rounds_found:
        rounds = _count(next(g for g in rounds_found.groups() if g))
    if rounds < 1:
        raise RoutineParseError(
            N_("At least one round, please: like \u201chold 5 s, 3 times\u201d.")
        )
    if durations[0] < 1:
        raise RoutineParseError(N_("Each hold needs at least a second."))
    return Timing(durations[0], rounds, rest)


def has_timing(said: str) -> bool:
    return bool(seconds_named(english(said[:MAX_INPUT])))


def split_one_line(said: str) -> tuple[str, str]:
    """'chin tucks: hold 5 s, 10 times' -> ('chin tucks', 'hold 5 s, 10 times'); without a
    colon the name is what comes before the first time ('doorway stretch 30 s, 3 rounds')."""
    text = clean(said[:MAX_INPUT])
    name, colon, rest = text.partition(":")
    if colon and has_timing(rest):
        return name.strip(" -\u2013,"), rest.strip()
    read, origin = in_english(text)
    found = _TIMING_START.search(read)
    if found is None or not has_timing(text):
        return text, ""
    start = origin[found.start()] if found.start() < len(origin) else len(text)
    return text[:start].strip(" -\u2013,:"), text[start:].strip()


def name_of(said: str) -> str:
    """A routine's name as it will be kept; RoutineParseError if there is nothing to call it."""
    name = tidy(said, MAX_NAME)
    if not normalize_name(name):
        raise RoutineParseError(
            N_(
                "What should I call it? A few words, like \u201cchin tucks\u201d or "
                "\u201cdoorway stretch\u201d."
            )
        )
    return name


def steps_of(said: str) -> tuple[str, ...]:
    """The steps as they wrote them: one a line, or sentences; at most a few, each short."""
    text = said[:MAX_INPUT]
    parts = [p for p in re.split(r"\n+|(?<=[.!?;])\s+|\s*\d+[.)]\s+", text) if p]
    steps = tuple(s for s in (tidy(p, MAX_STEP_CHARS) for p in parts) if normalize_name(s))
    return steps[:MAX_STEPS]


def presses(*said: str) -> bool:
    """Whether the words describe pressing on a spot (a ball, a thumb, the knot)."""
    return any(_PRESSURE.search(s) for s in said)


def name_key(name: str) -> str:
    return normalize_name(name)[:MAX_NAME]
