"""When a reminder is due: schedules as data, and the next occurrence in the reminder's zone.

Schedules are wall-clock times in an IANA zone, so they follow daylight saving time. Two rules
make them exact across the changes:
- a time that does not exist (the spring-forward gap, e.g. 02:30 in Berlin on the last Sunday
  of March) fires once, at the first valid moment after the gap (03:00);
- a time that exists twice (the fall-back hour) fires once, at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

ALL_DAYS = frozenset(range(7))  # Monday = 0
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})
# Looking further than this for a next occurrence means the schedule never fires.
_HORIZON_DAYS = 8


class ScheduleKind(StrEnum):
    INTERVAL = "interval"  # every N minutes within a daily window
    DAILY = "daily"  # fixed times of day
    ONCE = "once"  # one moment


@dataclass(frozen=True)
class Schedule:
    kind: ScheduleKind
    every_minutes: int = 0  # INTERVAL
    window_start: time = time(0, 0)  # INTERVAL: first occurrence of the day (before offset)
    window_end: time = time(23, 59)  # INTERVAL: no occurrence after this
    times: tuple[time, ...] = ()  # DAILY
    weekdays: frozenset[int] = field(default=ALL_DAYS)
    at: datetime | None = None  # ONCE (aware)
    # Times moved because the minute asked was full (`bot.reminders.capacity`): asked -> given,
    # always inside the window asked for.
    moves: tuple[tuple[time, time], ...] = ()
    # A repeat that ends: no occurrence after this moment (aware); `times` asked, if a count.
    ends_at: datetime | None = None
    count: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "every_minutes": self.every_minutes,
            "window_start": self.window_start.strftime("%H:%M"),
            "window_end": self.window_end.strftime("%H:%M"),
            "times": [t.strftime("%H:%M") for t in self.times],
            "weekdays": sorted(self.weekdays),
            "at": self.at.astimezone(UTC).isoformat() if self.at else None,
            "moves": [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in self.moves],
            "ends_at": self.ends_at.astimezone(UTC).isoformat() if self.ends_at else None,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Schedule:
        def hm(value: object) -> time:
            return time.fromisoformat(str(value))

        at, ends_at = data.get("at"), data.get("ends_at")
        moves = data.get("moves") or ()
        return cls(
            kind=ScheduleKind(str(data["kind"])),
            every_minutes=int(data.get("every_minutes") or 0),  # type: ignore[call-overload]
            window_start=hm(data.get("window_start", "00:00")),
            window_end=hm(data.get("window_end", "23:59")),
            times=tuple(hm(t) for t in data.get("times") or ()),  # type: ignore[attr-defined]
            weekdays=frozenset(int(d) for d in data.get("weekdays") or ALL_DAYS),  # type: ignore[attr-defined]
            at=datetime.fromisoformat(str(at)) if at else None,
            moves=tuple((hm(a), hm(b)) for a, b in moves),  # type: ignore[attr-defined]
            ends_at=datetime.fromisoformat(str(ends_at)) if ends_at else None,
            count=int(data.get("count") or 0),  # type: ignore[call-overload]
        )

    def asked_times(self, day: date) -> list[time]:
        """The wall-clock times asked for on `day`, before any move."""
        if self.kind is ScheduleKind.ONCE or day.weekday() not in self.weekdays:
            return []
        if self.kind is ScheduleKind.DAILY:
            return sorted(self.times)
        start = self.window_start.hour * 60 + self.window_start.minute
        end = self.window_end.hour * 60 + self.window_end.minute
        step = max(1, self.every_minutes)
        return [time(m // 60, m % 60) for m in range(start, min(end, 24 * 60 - 1) + 1, step)]

    def wall_times(self, day: date) -> list[time]:
        """The local wall-clock times this schedule fires on `day`, in order."""
        asked = self.asked_times(day)
        if not self.moves:
            return asked
        moved = dict(self.moves)
        return sorted(moved.get(t, t) for t in asked)

    def in_window(self, moment: datetime, zone: ZoneInfo) -> bool:
        """Whether `moment` falls inside this schedule's waking hours (for catch-ups)."""
        local = moment.astimezone(zone)
        if local.date().weekday() not in self.weekdays and self.kind is not ScheduleKind.ONCE:
            return False
        if self.kind is not ScheduleKind.INTERVAL:
            return True
        minute = local.hour * 60 + local.minute
        start = self.window_start.hour * 60 + self.window_start.minute
        end = self.window_end.hour * 60 + self.window_end.minute
        return start <= minute <= end


def resolve(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `wall` on `day` in `zone`, by the rules in the module doc."""
    first = datetime.combine(day, wall, tzinfo=zone)  # fold=0: the earlier of a repeated time
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == first.replace(tzinfo=None):
        return first.astimezone(UTC)
    # In a gap: the first whole second whose wall time is at or past `wall` (the gap's end).
    low = int(first.replace(fold=1).timestamp())
    high = int(first.timestamp())
    low, high = min(low, high), max(low, high)
    target = first.replace(tzinfo=None)
    while high - low > 1:
        mid = (low + high) // 2
        if datetime.fromtimestamp(mid, zone).replace(tzinfo=None) >= target:
            high = mid
        else:
            low = mid
    return datetime.fromtimestamp(high, UTC)


def next_after(schedule: Schedule, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after` (aware), in UTC; None if there is none."""
    if schedule.kind is ScheduleKind.ONCE:
        return schedule.at.astimezone(UTC) if schedule.at and schedule.at > after else None
    local_day = after.astimezone(zone).date() - timedelta(days=1)
    for _ in range(_HORIZON_DAYS + 1):
        for wall in schedule.wall_times(local_day):
            moment = resolve(local_day, wall, zone)
            if moment > after:
                ended = schedule.ends_at is not None and moment > schedule.ends_at
                return None if ended else moment
        local_day += timedelta(days=1)
    return None


def occurrences_between(
    schedule: Schedule, zone: ZoneInfo, after: datetime, until: datetime, limit: int = 1000
) -> list[datetime]:
    """Occurrences in (after, until], at most `limit` (what "3 of 10 left" counts)."""
    found: list[datetime] = []
    moment = next_after(schedule, zone, after)
    while moment is not None and moment <= until and len(found) < limit:
        found.append(moment)
        moment = next_after(schedule, zone, moment)
    return found


def latest_at_or_before(schedule: Schedule, zone: ZoneInfo, moment: datetime) -> datetime | None:
    """The last occurrence at or before `moment` (for one catch-up after an outage)."""
    if schedule.kind is ScheduleKind.ONCE:
        return schedule.at if schedule.at and schedule.at <= moment else None
    local_day = moment.astimezone(zone).date() + timedelta(days=1)
    for _ in range(_HORIZON_DAYS + 1):
        for wall in reversed(schedule.wall_times(local_day)):
            candidate = resolve(local_day, wall, zone)
            if candidate <= moment:
                return candidate
        local_day -= timedelta(days=1)
    return None
