"""The words people use for times: "7:30 in the evening", "7:30pm", "19.30", "noon",
"after work", "every morning", "at bedtime", and when a repeat ends ("for 2 weeks",
"10 times", "until Friday", "until 24 December").

Phrases are rewritten into the plain forms the grammar in `bot.reminders.parse` reads
("7:30 in the evening" -> "19:30"), so each phrase is in one table here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, Explained
from bot.reminders.schedule import resolve
from bot.reminders.wordings import plain_english


class ParseError(Explained, ValueError):
    """What was not understood, said kindly; the message is shown to the user."""


# A time as people type it: 9, 9:30, 9.30, 9h30, 9am, 9:30 pm, noon, midnight.
TIME = r"(?:[0-9]{1,2}(?:[:.h][0-9]{2})?\s*(?:am|pm)?|noon|midnight)"
# Named moments of the day, when no clock time is given with them.
NAMED: dict[str, time] = {
    "morning": time(8, 0),
    "lunch": time(12, 30),
    "lunchtime": time(12, 30),
    "afternoon": time(15, 0),
    "evening": time(19, 0),
    "night": time(22, 0),
}
AFTER_WORK = time(17, 30)
WORKDAY = (time(9, 0), time(17, 0))  # "during the workday", "9 to 5"
TONIGHT = time(21, 0)
_MONTH_NAMES = (
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"),
)  # fmt: skip
MONTHS = {name: i + 1 for i, names in enumerate(_MONTH_NAMES) for name in names}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
DAY_NAMES = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
MAX_REPEAT_DAYS = 366


def parse_time(text: str) -> time:
    """One clock time: "9", "9:30", "19.30", "7:30pm", "noon"."""
    text = text.strip().lower()
    if text == "noon":
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = re.fullmatch(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?\s*(am|pm)?", text.replace(" ", ""))
    if not match:
        raise ParseError(
            N_("I can't read the time \u201c%(said)s\u201d; try 9:00 or 21:30."), said=text
        )
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise ParseError(N_("\u201c%(said)s\u201d is not a time; try 9am or 21:30."), said=text)
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(
            N_("\u201c%(said)s\u201d is not a time of day; try 9:00 or 21:30."), said=text
        )
    return time(hour, minute)


def _hm(t: time) -> str:
    return f"{t:%H:%M}"


def _later_half(clock: str) -> str:
    """A time said with "in the evening" or "tonight": 7:30 -> 19:30 (19:30 stays)."""
    t = parse_time(clock)
    return _hm(t.replace(hour=t.hour + 12) if t.hour < 12 else t)


def _earlier_half(clock: str) -> str:
    t = parse_time(clock)
    return _hm(t.replace(hour=0) if t.hour == 12 else t)


# (pattern, replacement): applied in order; a replacement may be a function of the match.
REWRITES: tuple[tuple[str, object], ...] = (
    (r"\ba\.?m\.?(?=\s|$|[,;])", "am"),
    (r"\bp\.?m\.?(?=\s|$|[,;])", "pm"),
    (r"\bo'?clock\b", ""),
    (r"\bmid-?day\b", "noon"),
    (
        rf"\b(?:at\s+)?({TIME})\s+(?:in the\s+|at\s+)?(?:evening|night|afternoon|tonight)\b",
        lambda m: f"at {_later_half(m.group(1))}",
    ),
    (
        rf"\b(?:at\s+)?({TIME})\s+in the\s+morning\b",
        lambda m: f"at {_earlier_half(m.group(1))}",
    ),
    (rf"\btonight\s+at\s+({TIME})", lambda m: f"today at {_later_half(m.group(1))}"),
    (r"\btonight\b", f"today at {_hm(TONIGHT)}"),
    (r"\bafter work\b", f"at {_hm(AFTER_WORK)} on weekdays"),
    (
        r"\b(?:during|in|through)\s+(?:the\s+)?(?:work\s*day|working day|work hours|working "
        r"hours|office hours)\b",
        f"from {_hm(WORKDAY[0])} to {_hm(WORKDAY[1])} on weekdays",
    ),
    (
        r"\b(?:every|each)\s+(morning|afternoon|evening|night|lunchtime|lunch)\b",
        lambda m: f"daily at {_hm(NAMED[m.group(1)])}",
    ),
    (
        r"\b(?:in the|at|at the|around|before|after)\s+(morning|afternoon|evening|night|"
        r"lunchtime|lunch)\b",
        lambda m: f"at {_hm(NAMED[m.group(1)])}",
    ),
)
BEDTIME = re.compile(r"\b(?:at|before|by)?\s*(?:bed\s*time|bed|going to bed|night time)\b")


def rewrite(said: str, bedtime: time | None) -> tuple[str, bool]:
    """`said` in the grammar's plain forms; True if it needs a bedtime that is not known.
    German and Spanish time words are said the English way first (`bot.reminders.wordings`)."""
    said = plain_english(said)
    for pattern, replacement in REWRITES:
        said = re.sub(pattern, replacement, said)  # type: ignore[call-overload]
    needs_bedtime = False
    if re.search(r"\b(?:at|before|by)\s+(?:bed\s*time|bed)\b|\bbedtime\b", said):
        if bedtime is None:
            needs_bedtime = True
            said = BEDTIME.sub(" ", said)
        else:
            said = BEDTIME.sub(f" at {_hm(bedtime)} ", said)
    return " ".join(said.split()), needs_bedtime


@dataclass(frozen=True)
class Ending:
    """When a repeat stops: a last moment, and the count asked for if it was one."""

    ends_at: datetime | None = None
    count: int = 0
    said: str = ""


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return resolve(day, time(23, 59), zone)


def ending(said: str, now: datetime, zone: ZoneInfo) -> tuple[str, Ending]:
    """Take "for 2 weeks", "10 times", "until Friday", "until 24 December" out of `said`."""
    today = now.astimezone(zone).date()
    match = re.search(
        r"\bfor\s+([0-9]+|a|an|one|two|three|four|five|six)\s+(day|week|month)s?\b", said
    )
    if match:
        amount = _NUMBERS.get(match.group(1)) or int(match.group(1))
        days = amount * {"day": 1, "week": 7, "month": 30}[match.group(2)]
        _check_days(days)
        last = today + timedelta(days=days - 1)
        return _cut(said, match), Ending(_end_of_day(last, zone), said=match.group(0))
    match = re.search(r"\b([0-9]+)\s+times\b(?!\s+a\s+day)", said)
    if match:
        count = int(match.group(1))
        if not 1 <= count <= 1000:
            raise ParseError(N_("Tell me how many times from 1 to 1000, like 10 times."))
        return _cut(said, match), Ending(count=count, said=match.group(0))
    match = re.search(
        rf"\buntil\s+(?:the\s+)?([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b", said
    )
    if match is None:
        match = re.search(rf"\buntil\s+({_MONTH})\s+([0-9]{{1,2}})(?:st|nd|rd|th)?\b", said)
        if match is not None:
            day_text, month_text = match.group(2), match.group(1)
    else:
        day_text, month_text = match.group(1), match.group(2)
    if match:
        last = _date_ahead(today, MONTHS[month_text], int(day_text))
        _check_days((last - today).days)
        return _cut(said, match), Ending(_end_of_day(last, zone), said=match.group(0))
    names = "|".join(sorted(DAY_NAMES, key=len, reverse=True))
    match = re.search(rf"\buntil\s+(?:next\s+)?({names})\b", said)
    if match:
        ahead = (DAY_NAMES[match.group(1)] - today.weekday()) % 7 or 7
        last = today + timedelta(days=ahead)
        return _cut(said, match), Ending(_end_of_day(last, zone), said=match.group(0))
    return said, Ending()


def _date_ahead(today: date, month: int, day: int) -> date:
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            raise ParseError(
                N_("There is no %(day)d/%(month)d; which day do you mean?"), day=day, month=month
            ) from None
        if found >= today:
            return found
    raise ParseError(N_("That day has passed."))


def _check_days(days: int) -> None:
    if days < 1 or days > MAX_REPEAT_DAYS:
        raise ParseError(N_("A repeat can end from tomorrow to a year from now."))


def _cut(said: str, match: re.Match[str]) -> str:
    return " ".join((said[: match.start()] + " " + said[match.end() :]).split())
