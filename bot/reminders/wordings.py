"""German and Spanish time words, said the English way the grammar reads: "um 19:30" is
"at 19:30", "a las 7 de la tarde" is "at 7 in the evening", "jeden Werktag" is "on weekdays",
"cada 2 horas" is "every 2 hours".

`bot.reminders.timewords.rewrite` applies this table before its own, so a phrase in any
language ends in the same plain forms and one grammar (`bot.reminders.parse`) reads them
all. Only phrases with a time or a day in them are rewritten, never a person's other words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A clock time as typed before the English rewrites: 9, 9:30, 19.30 (and "19 uhr" below).
_T = r"[0-9]{1,2}(?:[:.h][0-9]{2})?"
_NUMBER = r"[0-9]+|eine?n?|zwei|drei|vier|f\u00fcnf|sechs|una?|dos|tres|cuatro|cinco|seis"
_NUMBERS = {
    "ein": "1", "eine": "1", "einen": "1", "zwei": "2", "drei": "3", "vier": "4",
    "f\u00fcnf": "5", "sechs": "6", "un": "1", "una": "1", "dos": "2", "tres": "3",
    "cuatro": "4", "cinco": "5", "seis": "6",
}  # fmt: skip
DAYS = {
    "montag": "monday", "dienstag": "tuesday", "mittwoch": "wednesday",
    "donnerstag": "thursday", "freitag": "friday", "samstag": "saturday",
    "sonnabend": "saturday", "sonntag": "sunday",
    "lunes": "monday", "martes": "tuesday", "mi\u00e9rcoles": "wednesday",
    "miercoles": "wednesday", "jueves": "thursday", "viernes": "friday",
    "s\u00e1bado": "saturday", "sabado": "saturday", "domingo": "sunday",
}  # fmt: skip
MONTHS = {
    "januar": "january", "j\u00e4nner": "january", "februar": "february", "m\u00e4rz": "march",
    "april": "april", "mai": "may", "juni": "june", "juli": "july", "august": "august",
    "september": "september", "oktober": "october", "november": "november",
    "dezember": "december",
    "enero": "january", "febrero": "february", "marzo": "march", "abril": "april",
    "mayo": "may", "junio": "june", "julio": "july", "agosto": "august",
    "septiembre": "september", "setiembre": "september", "octubre": "october",
    "noviembre": "november", "diciembre": "december",
}  # fmt: skip
_DAY = "(" + "|".join(sorted(DAYS, key=len, reverse=True)) + ")"
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_UNITS = {
    "tag": "days", "tage": "days", "tagen": "days", "woche": "weeks", "wochen": "weeks",
    "monat": "months", "monate": "months", "monaten": "months",
    "d\u00eda": "days", "dia": "days", "d\u00edas": "days", "dias": "days",
    "semana": "weeks", "semanas": "weeks", "mes": "months", "meses": "months",
}  # fmt: skip
_UNIT = "(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
_MINUTES = r"(?:minuten|minutos|min)"
_HOURS = r"(?:stunden|stunde|horas|hora|std|h)"


def _n(word: str) -> str:
    return _NUMBERS.get(word, word)


def _half(hour: str) -> str:
    """German "halb 8" is half past seven."""
    return f"{(int(hour) - 1) % 24}:30"


Replacement = str | Callable[[re.Match[str]], str]

# (pattern, replacement), applied in order to the lower-cased text; longer phrases first.
REWRITES: tuple[tuple[str, Replacement], ...] = (
    # How a request starts: "erinnere mich daran, ...", "recuérdame ...".
    (r"^(?:bitte\s+)?erinnere?\s+(?:mich|uns)\s+(?:daran,?\s+|an\s+)?", "remind me to "),
    (r"^(?:por favor,?\s+)?recu[\u00e9e]rda(?:me|nos)\s+(?:que\s+)?", "remind me to "),
    # Clock times: "19 uhr 30", "19.30 uhr", "halb 8".
    (r"\b([0-9]{1,2})\s*uhr\s*([0-9]{2})\b", r"\1:\2"),
    (rf"\b({_T})\s*uhr\b", r"\1"),
    (r"\bhalb\s+([0-9]{1,2})\b", lambda m: _half(m.group(1))),
    (rf"\b({_T})\s+mittags?\b", r"\1 in the afternoon"),
    (r"\b(?:um\s+|a\s+)?(?:mittag|mediod\u00eda|mediodia)s?\b", "at noon"),
    (r"\bal\s+at noon\b", "at noon"),
    (r"\bmitternacht\b|\bmedianoche\b", "midnight"),
    # Parts of the day after a time: "7 de la tarde", "7 abends", "8 de la mañana".
    (rf"\b({_T})\s+(?:de la tarde|de la noche|abends|am abend|nachts)\b", r"\1 in the evening"),
    (rf"\b({_T})\s+(?:de la ma\u00f1ana|de la manana|morgens|fr\u00fch)\b", r"\1 in the morning"),
    # Windows: "von 9 bis 17", "zwischen 9 und 17", "de 9 a 17", "desde las 9 hasta las 17".
    (rf"\bvon\s+({_T})\s+bis\s+({_T})\b", r"from \1 to \2"),
    (rf"\bzwischen\s+({_T})\s+und\s+({_T})\b", r"from \1 to \2"),
    (
        rf"\b(?:de|desde)\s+(?:las\s+|la\s+)?({_T})\s+(?:a|hasta)\s+(?:las\s+|la\s+)?({_T})\b",
        r"from \1 to \2",
    ),
    (rf"\bentre\s+(?:las\s+|la\s+)?({_T})\s+y\s+(?:las\s+|la\s+)?({_T})\b", r"from \1 to \2"),
    # "um 19:30", "a las 19:30", "a la 1".
    (rf"\bum\s+({_T})", r"at \1"),
    (rf"\ba\s+las?\s+({_T})", r"at \1"),
    # How often.
    (rf"\balle\s+([0-9]+(?:[.,][0-9]+)?)\s*{_HOURS}\b", r"every \1 hours"),
    (rf"\balle\s+([0-9]+)\s*{_MINUTES}\b", r"every \1 minutes"),
    (rf"\bcada\s+([0-9]+(?:[.,][0-9]+)?)\s*{_HOURS}\b", r"every \1 hours"),
    (rf"\bcada\s+([0-9]+)\s*{_MINUTES}\b", r"every \1 minutes"),
    (r"\b(?:jede\s+halbe\s+stunde|halbst\u00fcndlich|cada\s+media\s+hora)\b", "every half hour"),
    (
        r"\b(?:jede\s+stunde|st\u00fcndlich|einmal\s+pro\s+stunde|cada\s+hora|una\s+vez\s+por"
        r"\s+hora)\b",
        "every hour",
    ),
    # In a while: "in 20 Minuten", "en 2 horas".
    (rf"\b(?:in|en)\s+([0-9]+(?:[.,][0-9]+)?)\s*{_MINUTES}\b", r"in \1 min"),
    (rf"\b(?:in|en)\s+([0-9]+(?:[.,][0-9]+)?)\s*{_HOURS}\b", r"in \1 hours"),
    # Days: "jeden Werktag", "werktags", "cada día laborable", "entre semana".
    (
        r"\b(?:(?:an\s+|jeden\s+)?werktag(?:en|s)?|montags?\s+bis\s+freitags?|wochentags|"
        r"(?:cada\s+|los\s+)?d[\u00edi]as?\s+(?:laborables?|h[\u00e1a]biles?|de\s+semana)|"
        r"entre\s+semana|de\s+lunes\s+a\s+viernes)\b",
        "on weekdays",
    ),
    (r"\b(?:am\s+wochenende|an\s+wochenenden|(?:los\s+)?fines?\s+de\s+semana)\b", "on weekends"),
    (
        r"\b(?:t\u00e4glich|jeden\s+tag|todos\s+los\s+d[\u00edi]as|cada\s+d[\u00edi]a|"
        r"diariamente|a\s+diario)\b",
        "every day",
    ),
    (rf"\b{_DAY}s?\s+(?:bis|a)\s+{_DAY}s?\b", lambda m: f"{DAYS[m[1]]} to {DAYS[m[2]]}"),
    # Parts of the day on their own.
    (r"\bheute\s+abend\b|\besta\s+noche\b", "tonight"),
    (
        r"\b(?:jeden\s+morgen|jeden\s+fr\u00fch|cada\s+ma\u00f1ana|todas\s+las\s+ma\u00f1anas)\b",
        "every morning",
    ),
    (r"\b(?:jeden\s+abend|todas\s+las\s+tardes|cada\s+tarde)\b", "every evening"),
    (r"\b(?:jede\s+nacht|cada\s+noche|todas\s+las\s+noches)\b", "every night"),
    (r"\b(?:morgens|am\s+morgen|por\s+la\s+ma\u00f1ana)\b", "in the morning"),
    (r"\b(?:abends|am\s+abend|por\s+la\s+tarde)\b", "in the evening"),
    (r"\b(?:nachts|in\s+der\s+nacht|por\s+la\s+noche)\b", "at night"),
    (
        r"\b(?:nach\s+der\s+arbeit|nach\s+feierabend|despu[\u00e9e]s\s+del\s+trabajo|al\s+salir"
        r"\s+del\s+trabajo)\b",
        "after work",
    ),
    (
        r"\b(?:w\u00e4hrend\s+der\s+arbeit(?:szeit)?|w\u00e4hrend\s+des\s+arbeitstags|durante\s+"
        r"(?:el\s+trabajo|la\s+jornada(?:\s+laboral)?)|en\s+horario\s+laboral)\b",
        "during the workday",
    ),
    (
        r"\b(?:vor\s+dem\s+schlafen(?:gehen)?|zur\s+schlafenszeit|beim\s+zubettgehen|antes\s+de"
        r"\s+(?:dormir|acostarme)|al\s+acostarme|a\s+la\s+hora\s+de\s+dormir)\b",
        "at bedtime",
    ),
    (r"\bheute\b|\bhoy\b", "today"),
    (r"\b(?<!jeden\s)(?<!am\s)(?<!guten\s)morgen\b|\bma\u00f1ana\b|\bmanana\b", "tomorrow"),
    (r"\b(?:bis|hasta)\s+tomorrow\b", "until tomorrow"),
    # How a repeat ends: "für 2 Wochen", "durante 2 semanas", "10 mal", "bis Freitag".
    (
        rf"\b(?:f\u00fcr|durante)\s+({_NUMBER})\s+{_UNIT}\b",
        lambda m: f"for {_n(m[1])} {_UNITS[m[2]]}",
    ),
    (rf"\b([0-9]+)\s+{_UNIT}\s+lang\b", lambda m: f"for {m[1]} {_UNITS[m[2]]}"),
    (r"\b([0-9]+)\s*(?:-\s*)?(?:mal|veces)\b", r"\1 times"),
    (
        rf"\b(?:bis|hasta)\s+(?:zum\s+|el\s+)?([0-9]{{1,2}})\.?\s+(?:de\s+)?{_MONTH}\b",
        lambda m: f"until {m[1]} {MONTHS[m[2]]}",
    ),
    (
        rf"\b(?:bis|hasta)\s+(?:zum\s+|el\s+|n\u00e4chsten\s+|el\s+pr\u00f3ximo\s+)?{_DAY}\b",
        lambda m: f"until {DAYS[m[1]]}",
    ),
    # A day on its own: "montags", "am Montag", "los lunes".
    (rf"\b(?:jeden\s+|am\s+|los\s+|cada\s+|el\s+)?{_DAY}s?\b", lambda m: f"on {DAYS[m[1]]}"),
)
_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in REWRITES)


def plain_english(said: str) -> str:
    """`said` (lower case) with its German and Spanish time words said the English way."""
    for pattern, replacement in _COMPILED:
        said = pattern.sub(replacement, said)
    return said
