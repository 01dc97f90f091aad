"""Room in a minute: a reminder comes at the minute asked unless the platform cannot send
everything already booked for that minute, and then at the nearest minute with room, inside
the hours asked for.

Load is counted per platform and UTC minute of the day (`reminder_minutes`, one row for each
minute a reminder fires at): a minute is full when it holds as many reminders as the platform
sends in a minute (its `sends_per_second` times 60). Weekdays are not told apart, so a minute
counts as busy if it is busy on any day: moving someone a minute too many is cheap, a queue
that makes everyone late is not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator, translator
from bot.reminders.schedule import Schedule, ScheduleKind, resolve

MINUTES_PER_DAY = 24 * 60
SEARCH_MINUTES = 30  # how far from the minute asked a reminder may move, either way
SHOWN = 6  # moves a confirmation lists one by one


@dataclass(frozen=True)
class Move:
    """One time moved: what was asked, what was given (local wall times)."""

    asked: time
    given: time


def utc_minute(moment: datetime) -> int:
    at = moment.astimezone(UTC)
    return at.hour * 60 + at.minute


def reference_day(schedule: Schedule, zone: ZoneInfo, now: datetime) -> date:
    """The day whose offset from UTC the minutes are counted with: the next day it fires."""
    day = now.astimezone(zone).date()
    for _ in range(8):
        if day.weekday() in schedule.weekdays:
            return day
        day += timedelta(days=1)
    return day


def minutes_of(schedule: Schedule, zone: ZoneInfo, now: datetime) -> set[int]:
    """The UTC minutes of the day a schedule fires at (with its moves)."""
    if schedule.kind is ScheduleKind.ONCE:
        return {utc_minute(schedule.at)} if schedule.at else set()
    day = reference_day(schedule, zone, now)
    return {utc_minute(resolve(day, wall, zone)) for wall in schedule.wall_times(day)}


def _candidates(asked: int) -> list[int]:
    """Minutes of the day near `asked`, nearest first, later before earlier."""
    found = [asked]
    for d in range(1, SEARCH_MINUTES + 1):
        found += [asked + d, asked - d]
    return found


def _bounds(schedule: Schedule) -> tuple[int, int]:
    """The local minutes a moved time must stay within: the hours asked for."""
    if schedule.kind is ScheduleKind.INTERVAL:
        start, end = schedule.window_start, schedule.window_end
        return start.hour * 60 + start.minute, end.hour * 60 + end.minute
    return 0, MINUTES_PER_DAY - 1


def wanted_minutes(schedule: Schedule, zone: ZoneInfo, now: datetime) -> set[int]:
    """Every UTC minute `fit` may look at, to load their counts in one query."""
    if schedule.kind is ScheduleKind.ONCE:
        asked = [schedule.at.astimezone(zone)] if schedule.at else []
    else:
        day = reference_day(schedule, zone, now)
        asked = [resolve(day, wall, zone) for wall in schedule.asked_times(day)]
    return {
        (utc_minute(moment) + d) % MINUTES_PER_DAY
        for moment in asked
        for d in range(-SEARCH_MINUTES, SEARCH_MINUTES + 1)
    }


def fit(
    schedule: Schedule,
    zone: ZoneInfo,
    now: datetime,
    load: dict[int, int],
    per_minute: int,
) -> tuple[Schedule, list[Move]]:
    """`schedule` with each full minute moved to the nearest one with room, given `load`
    (reminders booked per UTC minute); a time with no room near it stays where it was asked."""
    load = dict(load)
    low, high = _bounds(schedule)
    if schedule.kind is ScheduleKind.ONCE:
        if schedule.at is None:
            return schedule, []
        local = schedule.at.astimezone(zone)
        asked_minute = local.hour * 60 + local.minute
        for minute in _candidates(asked_minute):
            moment = local + timedelta(minutes=minute - asked_minute)
            free = load.get(utc_minute(moment), 0) < per_minute
            if 0 <= minute < MINUTES_PER_DAY and moment > now and free:
                if minute == asked_minute:
                    return schedule, []
                given = resolve(local.date(), time(minute // 60, minute % 60), zone)
                move = Move(local.time().replace(second=0), given.astimezone(zone).time())
                return replace(schedule, at=given), [move]
        return schedule, []
    day = reference_day(schedule, zone, now)
    asked = schedule.asked_times(day)
    taken = {t.hour * 60 + t.minute for t in asked}
    moves: list[Move] = []
    for wall in asked:
        asked_minute = wall.hour * 60 + wall.minute
        for minute in _candidates(asked_minute):
            if not low <= minute <= high or minute >= MINUTES_PER_DAY:
                continue
            if minute != asked_minute and minute in taken:
                continue  # never two of one's own reminders in one minute
            at = utc_minute(resolve(day, time(minute // 60, minute % 60), zone))
            if load.get(at, 0) < per_minute:
                load[at] = load.get(at, 0) + 1
                if minute != asked_minute:
                    taken.add(minute)
                    moves.append(Move(wall, time(minute // 60, minute % 60)))
                break
    if not moves:
        return schedule, []
    if schedule.kind is ScheduleKind.DAILY:  # fixed times: the times given are the times
        given = {m.asked: m.given for m in moves}
        return replace(
            schedule, times=tuple(sorted(given.get(t, t) for t in schedule.times))
        ), moves
    return replace(schedule, moves=tuple((m.asked, m.given) for m in moves)), moves


def moves_text(moves: list[Move], t: Translator | None = None) -> str:
    """What a confirmation says: "17:00 is busy, you'll get it at 17:03."."""
    t = t or translator("en")
    if not moves:
        return ""
    if len(moves) == 1:
        (m,) = moves
        return t.gettext("%(asked)s is busy, you'll get it at %(given)s.") % {
            "asked": f"{m.asked:%H:%M}",
            "given": f"{m.given:%H:%M}",
        }
    pairs = ", ".join(
        t.gettext("%(asked)s at %(given)s")
        % {"asked": f"{m.asked:%H:%M}", "given": f"{m.given:%H:%M}"}
        for m in moves[:SHOWN]
    )
    more = (
        t.gettext(" and %(count)d more") % {"count": len(moves) - SHOWN}
        if len(moves) > SHOWN
        else ""
    )
    return t.gettext("Some of those minutes are busy, so you'll get %(pairs)s%(more)s.") % {
        "pairs": pairs,
        "more": more,
    }
