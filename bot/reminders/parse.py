"""Understanding `/remind ...`: "every 2 hours from 9 to 18 on weekdays", "at 22:30 mouth guard".

The grammar is small and forgiving: a kind (relax by default), then either an interval with an
optional window and days, fixed times with optional days, or a one-off ("in 20 min",
"tomorrow at 9"). Anything it cannot read gets an explanation with examples, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.reminders.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, Schedule, ScheduleKind, resolve

MIN_INTERVAL_MINUTES = 15
MAX_INTERVAL_MINUTES = 12 * 60
MAX_TIMES = 12
MAX_ONE_OFF_DAYS = 30
DEFAULT_WINDOW = (time(9, 0), time(21, 0))

KIND_WORDS: dict[str, tuple[str, ...]] = {
    "mouth-guard": ("mouth guard", "mouthguard", "night guard", "nightguard", "guard", "bedtime"),
    "legs-up": ("legs up", "legs-up", "legsup", "leg rest", "evening rest"),
    "stretch-break": ("stretch break", "stretch", "break"),
    "relax": ("relax", "shoulders", "unclench", "breathe"),
}
DAY_NAMES = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
# Words that make a reminder one for everyone in a community chat ("/remind here ...").
SHARED_WORDS = re.compile(r"\b(here|channel|group|community|everyone|for all)\b", re.IGNORECASE)
_TIME = r"(?:[0-9]{1,2}(?:[:.h][0-9]{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|noon|midnight)"
_DAY = r"(?:" + "|".join(sorted(DAY_NAMES, key=len, reverse=True)) + r")s?"


class ParseError(ValueError):
    """What was not understood, said kindly; the message is shown to the user."""


@dataclass(frozen=True)
class ReminderRequest:
    kind: str
    schedule: Schedule
    shared: bool  # for the whole community chat, not just the person asking
    kind_named: bool = True  # the words named the kind (else it is the default, relax)


def parse_time(text: str) -> time:
    text = text.strip().lower().replace(".", "")
    if text == "noon":
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = re.fullmatch(r"([0-9]{1,2})(?:[:h]([0-9]{2}))?\s*(am|pm)?", text.replace(" ", ""))
    if not match:
        raise ParseError(f"I can't read the time \u201c{text}\u201d; try 9:00 or 21:30.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise ParseError(f"\u201c{text}\u201d is not a time; try 9am or 21:30.")
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(f"\u201c{text}\u201d is not a time of day; try 9:00 or 21:30.")
    return time(hour, minute)


def _days(text: str) -> frozenset[int] | None:
    if re.search(r"\b(weekdays?|workdays?|work days|business days)\b", text):
        return WEEKDAYS
    if re.search(r"\bweekends?\b", text):
        return WEEKENDS
    if re.search(r"\b(daily|every day|everyday)\b", text):
        return ALL_DAYS
    days: set[int] = set()
    for first, last in re.findall(rf"\b({_DAY})\s*(?:-|to|through|until)\s*({_DAY})\b", text):
        a, b = DAY_NAMES[first.rstrip("s")], DAY_NAMES[last.rstrip("s")]
        days |= {(a + i) % 7 for i in range((b - a) % 7 + 1)}
    for name in re.findall(rf"\b({_DAY})\b", text):
        days.add(DAY_NAMES[name.rstrip("s")])
    return frozenset(days) or None


def _kind(text: str) -> str | None:
    for kind, words in KIND_WORDS.items():
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return kind
    return None


def _interval_minutes(text: str) -> int | None:
    if re.search(r"\b(hourly|every hour)\b", text):
        return 60
    if re.search(r"\bevery half(?:\s|-)?hour\b", text):
        return 30
    match = re.search(
        r"\bevery\s+([0-9]+(?:[.,][0-9]+)?)\s*(h|hrs?|hours?|m|mins?|minutes?)\b", text
    )
    if not match:
        return None
    amount = float(match.group(1).replace(",", "."))
    minutes = round(amount * 60) if match.group(2).startswith("h") else round(amount)
    if not MIN_INTERVAL_MINUTES <= minutes <= MAX_INTERVAL_MINUTES:
        raise ParseError(
            f"Reminders can come every {MIN_INTERVAL_MINUTES} minutes at the most often and "
            f"every {MAX_INTERVAL_MINUTES // 60} hours at the least."
        )
    return minutes


def _window(text: str) -> tuple[time, time] | None:
    match = re.search(
        rf"(?:\bfrom\s+|\bbetween\s+)?\b({_TIME})\s*(?:-|\u2013|to|until|till|and)\s*({_TIME})",
        text,
    )
    if not match:
        return None
    start, end = parse_time(match.group(1)), parse_time(match.group(2))
    if end <= start:
        raise ParseError("The hours must run forward within a day, like from 9:00 to 18:00.")
    return start, end


def _times(text: str) -> tuple[time, ...]:
    match = re.search(rf"\bat\s+({_TIME}(?:\s*(?:,|and|&)\s*{_TIME})*)", text)
    if not match:
        return ()
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", match.group(1))
    times = sorted({parse_time(p) for p in parts if p.strip()})
    if len(times) > MAX_TIMES:
        raise ParseError(f"Up to {MAX_TIMES} times a day, please.")
    return tuple(times)


_MINUTES_PER = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}


def duration(amount: str, unit: str) -> timedelta | None:
    """`amount` (digits, maybe a decimal part) of `unit` (m, h, d, w); None if absurdly long."""
    minutes = float(amount.replace(",", ".")) * _MINUTES_PER[unit[0]]
    if minutes > 10 * 366 * 24 * 60:  # beyond any limit we would accept anyway
        return None
    return timedelta(minutes=minutes)


def _one_off(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    match = re.search(
        r"\bin\s+([0-9]+(?:[.,][0-9]+)?)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)\b", text
    )
    if match:
        delta = duration(match.group(1), match.group(2))
        if (
            delta is None
            or delta < timedelta(minutes=1)
            or delta > timedelta(days=MAX_ONE_OFF_DAYS)
        ):
            raise ParseError(
                f"A one-off reminder can be from 1 minute to {MAX_ONE_OFF_DAYS} days away."
            )
        return now + delta
    day_word = re.search(r"\b(today|tonight|tomorrow|once)\b", text)
    if not day_word:
        return None
    times = _times(text)
    if len(times) != 1:
        raise ParseError("Tell me one time for a one-off reminder, like tomorrow at 9:00.")
    local_today = now.astimezone(zone).date()
    day: date = local_today + timedelta(days=1 if day_word.group(1) == "tomorrow" else 0)
    moment = resolve(day, times[0], zone)
    if moment <= now:
        if day_word.group(1) == "once":
            moment = resolve(day + timedelta(days=1), times[0], zone)
        else:
            raise ParseError("That time has already passed today; try tomorrow at ...")
    return moment


def parse_request(text: str, *, now: datetime, zone: ZoneInfo) -> ReminderRequest:
    """Read a /remind request. Raises ParseError with a friendly explanation."""
    said = " ".join(text.lower().split())[:300]
    shared = bool(SHARED_WORDS.search(said))
    named = _kind(said)
    kind = named or "relax"
    days = _days(said)
    at = _one_off(said, now, zone)
    if at is not None:
        return ReminderRequest(kind, Schedule(ScheduleKind.ONCE, at=at), shared, bool(named))
    every = _interval_minutes(said)
    if every is not None:
        start, end = _window(said) or DEFAULT_WINDOW
        schedule = Schedule(
            ScheduleKind.INTERVAL,
            every_minutes=every,
            window_start=start,
            window_end=end,
            weekdays=days or ALL_DAYS,
        )
        return ReminderRequest(kind, schedule, shared, bool(named))
    times = _times(said)
    if times:
        daily = Schedule(ScheduleKind.DAILY, times=times, weekdays=days or ALL_DAYS)
        return ReminderRequest(kind, daily, shared, bool(named))
    raise ParseError("I didn't catch when.")
