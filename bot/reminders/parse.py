"""Understanding `/remind ...`: "unclench jaw every hour", "legs up at 7:30 in the evening",
"every 2 hours from 9 to 17 on weekdays for 2 weeks", "mouth guard at bedtime".

The grammar is small and forgiving: time words are first rewritten into plain forms
(`bot.reminders.timewords`), then read as either an interval with an optional window and
days, fixed times with optional days, or a one-off ("in 20 min", "tomorrow at 9"); how it
ends, if it does. What is left once the times are read is the person's own words for the
reminder, kept as its text; a kind (mouth guard, legs up, shoulders, jaw, breathe) is
recognised from them. Anything it cannot read gets an explanation with examples, never a
guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_
from bot.links import find_link
from bot.reminders.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, Schedule, ScheduleKind, resolve
from bot.reminders.timewords import (
    DAY_NAMES,
    TIME,
    WORKDAY,
    Ending,
    ParseError,
    ending,
    parse_time,
    rewrite,
)
from bot.text import clean, shorten
from bot.tips.rules import defused

__all__ = ["DAY_NAMES", "ParseError", "ReminderRequest", "parse_request", "parse_time"]

MIN_INTERVAL_MINUTES = 15
MAX_INTERVAL_MINUTES = 12 * 60
MAX_TIMES = 12
MAX_ONE_OFF_DAYS = 30
MAX_WORDS = 80  # characters of a person's own words kept as a reminder's text
DEFAULT_WINDOW = (time(9, 0), time(21, 0))
DEFAULT_EVERY = 120  # minutes, when hours are given without how often ("during the workday")

# The kinds a reminder's words are recognised as, most specific first.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "mouth-guard": ("mouth guard", "mouthguard", "night guard", "nightguard", "guard", "splint",
                    "aufbissschiene", "knirscherschiene", "schiene", "f\u00e9rula", "ferula",
                    "protector bucal"),
    "legs-up": ("legs up", "legs-up", "legsup", "leg rest", "evening rest", "lower back",
                "beine hoch", "piernas arriba"),
    "stretch-break": ("stretch break", "stretch", "break", "dehnpause", "dehnen",
                      "estirar", "estiramiento", "pausa"),
    "jaw": ("jaw", "unclench", "clench", "clenching", "teeth", "kiefer", "z\u00e4hne",
            "mand\u00edbula", "mandibula", "dientes"),
    "shoulders": ("shoulders", "shoulder", "schultern", "schulter", "hombros", "hombro"),
    "breathe": ("breathe", "breath", "breathing", "atmen", "atem", "respirar", "respira"),
    "relax": ("relax", "relaxing", "tension", "tense", "entspannen", "entspannung", "relajar",
              "relajarse", "rel\u00e1jate"),
}  # fmt: skip
# Words that make a reminder one for everyone in a community chat ("/remind here ...").
SHARED_WORDS = re.compile(r"\b(here|channel|group|community|everyone|for all)\b", re.IGNORECASE)
_DAY = r"(?:" + "|".join(sorted(DAY_NAMES, key=len, reverse=True)) + r")s?"
# Said around the words without being part of them.
_LEAD = re.compile(
    r"^(?:please\s+)?(?:(?:set\s+(?:a|up\s+a)\s+)?reminders?\s+(?:for|to|about)?\s*|remind\s+"
    r"(?:me|us|everyone)?\s*(?:to|about|of)?\s*|to\s+|me\s+to\s+)"
)
_DANGLING = re.compile(r"^(?:and|at|on|every|from|to|the|a|for|of|my|,|-|und|y|el|la|los|las|"
                       r"mein|meine|mi|mis)\s+|\s+(?:and|at|on|every|from|to|the|for|of|please|"
                       r",|-|und|y|bitte|por favor)$")  # fmt: skip


@dataclass(frozen=True)
class ReminderRequest:
    kind: str
    schedule: Schedule | None  # None: the words said no time (a change of words only)
    shared: bool  # for the whole community chat, not just the person asking
    kind_named: bool = True  # the words named the kind (else it is the default, relax)
    words: str = ""  # the person's own words for it, cleaned ("unclench jaw")
    # Which parts of a schedule the words said (for a change that keeps the rest):
    # "when" (times, interval or a one-off), "window", "days", "ends".
    said: frozenset[str] = frozenset()
    needs_bedtime: bool = False  # "at bedtime", and the person's bedtime is not known yet
    days: frozenset[int] | None = None  # the days named, if any


def _days(text: str) -> frozenset[int] | None:
    if re.search(r"\b(weekdays?|workdays?|work days|business days)\b", text):
        return WEEKDAYS
    if re.search(r"\bweekends?\b", text):
        return WEEKENDS
    if re.search(r"\b(daily|every day|everyday|each day)\b", text):
        return ALL_DAYS
    days: set[int] = set()
    for first, last in re.findall(rf"\b({_DAY})\s*(?:-|to|through|until)\s*({_DAY})\b", text):
        a, b = DAY_NAMES[first.rstrip("s")], DAY_NAMES[last.rstrip("s")]
        days |= {(a + i) % 7 for i in range((b - a) % 7 + 1)}
    for name in re.findall(rf"\b({_DAY})\b", text):
        days.add(DAY_NAMES[name.rstrip("s")])
    return frozenset(days) or None


_DAY_PHRASES = re.compile(
    rf"\b(?:on\s+)?(?:every\s+)?(?:weekdays?|workdays?|work days|business days|weekends?|daily|"
    rf"every day|everyday|each day|{_DAY}(?:\s*(?:-|to|through|until|and|,)\s*{_DAY})*)\b"
)


def kind_of(words: str) -> str | None:
    for kind, names in KIND_WORDS.items():
        if any(re.search(rf"\b{re.escape(w)}\b", words) for w in names):
            return kind
    return None


def _interval_minutes(text: str) -> tuple[int | None, str]:
    if m := re.search(r"\b(?:hourly|every hour|each hour|once an hour)\b", text):
        return 60, m.group(0)
    if m := re.search(r"\bevery half(?:\s|-)?(?:an\s+)?hour\b", text):
        return 30, m.group(0)
    m = re.search(r"\bevery\s+([0-9]+(?:[.,][0-9]+)?)\s*(h|hrs?|hours?|m|mins?|minutes?)\b", text)
    if not m:
        return None, ""
    amount = float(m.group(1).replace(",", "."))
    minutes = round(amount * 60) if m.group(2).startswith("h") else round(amount)
    if not MIN_INTERVAL_MINUTES <= minutes <= MAX_INTERVAL_MINUTES:
        raise ParseError(
            N_(
                "Reminders can come every %(least)d minutes at the most often and "
                "every %(most)d hours at the least."
            ),
            least=MIN_INTERVAL_MINUTES,
            most=MAX_INTERVAL_MINUTES // 60,
        )
    return minutes, m.group(0)


def _window(text: str) -> tuple[tuple[time, time] | None, str]:
    m = re.search(
        rf"(?:\bfrom\s+|\bbetween\s+)?\b({TIME})\s*(?:-|\u2013|to|until|till|and)\s*({TIME})",
        text,
    )
    if not m:
        return None, ""
    start, end = parse_time(m.group(1)), parse_time(m.group(2))
    plain_end = not re.search(r"am|pm|[:.h]", m.group(2))
    if end <= start < time(12) and plain_end and end.hour < 12:
        end = end.replace(hour=end.hour + 12)  # "9 to 5": five in the afternoon
    if end <= start:
        raise ParseError(N_("The hours must run forward within a day, like from 9:00 to 18:00."))
    return (start, end), m.group(0)


def _times(text: str) -> tuple[tuple[time, ...], str]:
    m = re.search(rf"\b(?:at|@)\s+({TIME}(?:\s*(?:,|and|&)\s*{TIME})*)", text)
    if not m:  # a clock time on its own: "legs up 19:30"
        m = re.search(r"\b()([0-9]{1,2}[:.][0-9]{2}\s*(?:am|pm)?|[0-9]{1,2}\s*(?:am|pm))", text)
        if not m:
            return (), ""
        parts = [m.group(2)]
    else:
        parts = re.split(r"\s*(?:,|\band\b|&)\s*", m.group(1))
    times = sorted({parse_time(p) for p in parts if p.strip()})
    if len(times) > MAX_TIMES:
        raise ParseError(N_("Up to %(most)d times a day, please."), most=MAX_TIMES)
    return tuple(times), m.group(0)


def _one_off(text: str, now: datetime, zone: ZoneInfo) -> tuple[datetime | None, list[str]]:
    m = re.search(
        r"\bin\s+([0-9]+(?:[.,][0-9]+)?)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)\b", text
    )
    if m:
        delta = duration(m.group(1), m.group(2))
        if delta is None or not timedelta(minutes=1) <= delta <= timedelta(days=MAX_ONE_OFF_DAYS):
            raise ParseError(
                N_("A one-off reminder can be from 1 minute to %(days)d days away."),
                days=MAX_ONE_OFF_DAYS,
            )
        return now + delta, [m.group(0)]
    day_word = re.search(r"\b(today|tomorrow|once)\b", text)
    if not day_word:
        return None, []
    times, said = _times(text)
    if len(times) != 1:
        raise ParseError(N_("Tell me one time for a one-off reminder, like tomorrow at 9:00."))
    local_today = now.astimezone(zone).date()
    day: date = local_today + timedelta(days=1 if day_word.group(1) == "tomorrow" else 0)
    moment = resolve(day, times[0], zone)
    if moment <= now:
        if day_word.group(1) == "once":
            moment = resolve(day + timedelta(days=1), times[0], zone)
        else:
            raise ParseError(N_("That time has already passed today; try tomorrow at ..."))
    return moment, [day_word.group(0), said]


_MINUTES_PER = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}


def duration(amount: str, unit: str) -> timedelta | None:
    """`amount` (digits, maybe a decimal part) of `unit` (m, h, d, w); None if absurdly long."""
    minutes = float(amount.replace(",", ".")) * _MINUTES_PER[unit[0]]
    if minutes > 10 * 366 * 24 * 60:  # beyond any limit we would accept anyway
        return None
    return timedelta(minutes=minutes)


def own_words(text: str, taken: list[str]) -> str:
    """What is left of `text` once the times, days and endings are taken out."""
    for part in sorted((t for t in taken if t), key=len, reverse=True):
        text = text.replace(part, " ", 1)
    text = _DAY_PHRASES.sub(" ", SHARED_WORDS.sub(" ", text))
    text = " ".join(text.replace(",", " , ").split())
    for _ in range(4):
        text = _DANGLING.sub("", _LEAD.sub("", text)).strip(" ,.;:-!")
    return text.strip()


def checked_words(words: str) -> str:
    """The words as a reminder's text, cleaned like a tip: no links, no @mention that could
    ping anyone (an invisible space after each @), no longer than MAX_WORDS."""
    words = clean(words)
    if find_link(words) is not None:
        raise ParseError(N_("A reminder can't hold a web address; say it in your own words."))
    return defused(shorten(words, MAX_WORDS))


def parse_request(
    text: str, *, now: datetime, zone: ZoneInfo, bedtime: time | None = None, change: bool = False
) -> ReminderRequest:
    """Read a /remind request (with `change`, words that may say only part of one). Raises
    ParseError with a friendly explanation."""
    said, needs_bedtime = rewrite(" ".join(text.lower().split())[:300], bedtime)
    shared = bool(SHARED_WORDS.search(said))
    said, ends = ending(said, now, zone)
    days = _days(said)
    parts = {"days"} if days else set()
    if ends.ends_at or ends.count:
        parts.add("ends")
    at, taken = _one_off(said, now, zone)
    schedule: Schedule | None = None
    if at is not None:
        schedule = Schedule(ScheduleKind.ONCE, at=at)
        parts.add("when")
    else:
        every, every_said = _interval_minutes(said)
        window, window_said = _window(said)
        taken += [every_said, window_said]
        times, times_said = ((), "") if window else _times(said)
        taken.append(times_said)
        if window:
            parts.add("window")
        if every is not None or window is not None:
            if every is not None:
                parts.add("when")
            start, end = window or DEFAULT_WINDOW
            schedule = Schedule(
                ScheduleKind.INTERVAL,
                every_minutes=every or DEFAULT_EVERY,
                window_start=start,
                window_end=end,
                weekdays=days or ALL_DAYS,
            )
        elif times:
            parts.add("when")
            schedule = Schedule(ScheduleKind.DAILY, times=times, weekdays=days or ALL_DAYS)
    words = checked_words(own_words(said, [*taken, ends.said]))
    named = kind_of(words)
    if schedule is None and not needs_bedtime and not change:
        if days:
            raise ParseError(N_("I caught the days but not the time."))
        raise ParseError(N_("I didn't catch when."))
    if schedule is not None and "ends" in parts:
        schedule = _with_ending(schedule, ends, now, zone)
    return ReminderRequest(
        kind=named or "relax",
        schedule=schedule,
        shared=shared,
        kind_named=named is not None,
        words="" if words in _PLAIN else words,
        said=frozenset(parts),
        needs_bedtime=needs_bedtime,
        days=days,
    )


# Words that only name a kind say nothing the kind's own texts don't.
_PLAIN = {w for names in KIND_WORDS.values() for w in names} | {"relax break", ""}


def _with_ending(schedule: Schedule, ends: Ending, now: datetime, zone: ZoneInfo) -> Schedule:
    if schedule.kind is ScheduleKind.ONCE:
        return schedule
    if ends.count:
        from bot.reminders.schedule import occurrences_between

        far = now + timedelta(days=400)
        found = occurrences_between(schedule, zone, now, far, limit=ends.count)
        last = found[-1] if found else now
        return replace(schedule, ends_at=last, count=ends.count)
    return replace(schedule, ends_at=ends.ends_at)


def merged(old: Schedule, request: ReminderRequest) -> Schedule:
    """A changed schedule: what the new words say, the rest as it was."""
    new = request.schedule
    if new is None:
        if request.days and old.kind is not ScheduleKind.ONCE:
            return replace(old, weekdays=request.days)
        return old
    repeats = ScheduleKind.ONCE not in (new.kind, old.kind)
    if "days" not in request.said and repeats:
        new = replace(new, weekdays=old.weekdays)
    if new.kind is ScheduleKind.INTERVAL and old.kind is ScheduleKind.INTERVAL:
        if "window" not in request.said:
            new = replace(new, window_start=old.window_start, window_end=old.window_end)
        if "when" not in request.said:
            new = replace(new, every_minutes=old.every_minutes)
    if "ends" not in request.said and old.ends_at is not None:
        new = replace(new, ends_at=old.ends_at, count=old.count)
    return new


__all__ += ["WORKDAY", "kind_of", "merged"]
