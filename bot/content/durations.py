"""Durations named in content text ("about 20 seconds", "half a minute"), so a hold's hard cap
can be checked against what its cautions promise: a caution is a promise the timer must keep."""

from __future__ import annotations

import re

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip
_UNITS = {"second": 1, "sec": 1, "s": 1, "minute": 60, "min": 60}
# A figure may touch its unit ("20s"); a word needs a space or hyphen ("as" is not "a s").
_AMOUNT = (
    r"(?:(?P<half>half)\s+an?[\s-]+|(?P<digits>\d+(?:[.,]\d+)?)[\s-]*|(?P<word>"
    + "|".join(_NUMBER_WORDS)
    + r")[\s-]+)"
)
_DURATION = re.compile(rf"\b{_AMOUNT}(?P<unit>seconds?|secs?|s|minutes?|mins?)\b", re.IGNORECASE)


def seconds_named(text: str) -> list[int]:
    """Every duration `text` names, in seconds: 'about 20 seconds, never longer' -> [20]."""
    found: list[int] = []
    for m in _DURATION.finditer(text):
        if m.group("half"):
            value = 0.5
        elif word := m.group("word"):
            value = float(_NUMBER_WORDS[word.casefold()])
        else:
            value = float(m.group("digits").replace(",", "."))
        unit = m.group("unit").casefold().removesuffix("s") or "s"
        found.append(round(value * _UNITS[unit]))
    return found
