"""German and Spanish words of a physio's sheet, said the English way the routine parser
reads: "Kinn einziehen: 5 s halten, 10 Mal" reads as "... 5 s hold, 10 times", "mantener 5 s,
3 rondas" as "hold 5 s, 3 rounds" (as `bot.reminders.wordings` does for time words).

Word for word, so every character of the English reading knows where it came from: the name
a person gave their routine is cut from what they typed, never from the rewrite.
"""

from __future__ import annotations

import re

_WORDS = {
    # how long
    "sekunden": "seconds", "sekunde": "second", "sek": "s", "sec": "s",
    "minuten": "minutes", "minute": "minute",
    "segundos": "seconds", "segundo": "second", "seg": "s", "minutos": "minutes",
    "minuto": "minute",
    # how many times
    "mal": "times", "veces": "times", "vez": "times", "einmal": "once", "zweimal": "twice",
    "wiederholungen": "reps", "wiederholung": "reps", "wdh": "reps", "wh": "reps",
    "repeticiones": "reps", "repetici\u00f3n": "reps", "repeticion": "reps",
    "runden": "rounds", "runde": "round", "durchg\u00e4nge": "rounds", "durchgang": "round",
    "s\u00e4tze": "sets", "satz": "set", "rondas": "rounds", "ronda": "round",
    "series": "sets", "serie": "set", "vueltas": "rounds", "vuelta": "round",
    # holding, and resting between
    "halten": "hold", "halte": "hold", "halt": "hold", "h\u00e4lt": "hold", "mantener": "hold",
    "mant\u00e9n": "hold", "manten": "hold", "sostener": "hold", "sost\u00e9n": "hold",
    "aguantar": "hold", "aguanta": "hold", "f\u00fcr": "for", "durante": "for",
    "pausen": "rest", "pausa": "rest", "descanso": "rest", "descansa": "rest",
    "descansar": "rest", "dazwischen": "between", "entre": "between", "de": "of",
    # numbers
    "ein": "one", "eine": "one", "eins": "one", "einen": "one", "un": "one", "una": "one",
    "uno": "one", "zwei": "two", "dos": "two", "drei": "three", "tres": "three",
    "vier": "four", "cuatro": "four", "f\u00fcnf": "five", "cinco": "five",
    "sechs": "six", "seis": "six", "zehn": "ten", "diez": "ten", "f\u00fcnfzehn": "fifteen",
    "quince": "fifteen", "zwanzig": "twenty", "veinte": "twenty", "drei\u00dfig": "thirty",
    "treinta": "thirty", "sechzig": "sixty", "sesenta": "sixty",
}  # fmt: skip
_TOKEN = re.compile(r"\w+")
_TIMES = re.compile(r"(\d{1,4})mal", re.IGNORECASE)  # "10mal": 10 times


def _english(word: str) -> str | None:
    said = word.casefold()
    found = _WORDS.get(said)
    if found is not None:
        return found
    times = _TIMES.fullmatch(said)
    return f"{times.group(1)} times" if times else None


def in_english(text: str) -> tuple[str, list[int]]:
    """`text` with its German and Spanish sheet words in English, and for each character of
    that, the index in `text` it came from."""
    parts: list[str] = []
    origin: list[int] = []
    end = 0
    for found in _TOKEN.finditer(text):
        english = _english(found.group())
        if english is None:
            continue
        parts.append(text[end : found.start()])
        origin.extend(range(end, found.start()))
        parts.append(english)
        origin.extend([found.start()] * len(english))
        end = found.end()
    parts.append(text[end:])
    origin.extend(range(end, len(text)))
    return "".join(parts), origin


def english(text: str) -> str:
    """`text` with its German and Spanish sheet words in English."""
    return in_english(text)[0]
