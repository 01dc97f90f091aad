"""Schedules and moments in words people read: "every 2 h, 09:00-18:00, Mon-Fri"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.messages import Moment, MomentStyle
from bot.reminders.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, Schedule, ScheduleKind

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_A_WEEK = [date(2026, 1, 5) + timedelta(days=i) for i in range(7)]  # Monday to Sunday
_NEAR = timedelta(days=1)  # closer than this, the time of day and "in 5 hours" say when


def days_text(days: frozenset[int]) -> str:
    if days == ALL_DAYS:
        return "every day"
    if days == WEEKDAYS:
        return "Mon\u2013Fri"
    if days == WEEKENDS:
        return "Sat and Sun"
    return ", ".join(_DAY_ABBR[d] for d in sorted(days))


def every_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return "every hour" if hours == 1 else f"every {hours} h"
    if minutes > 60:
        return f"every {minutes // 60} h {minutes % 60} min"
    return f"every {minutes} min"


def moment_text(moment: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    local = moment.astimezone(zone)
    if now is not None:
        today = now.astimezone(zone).date()
        if local.date() == today:
            return f"today {local:%H:%M}"
        if (local.date() - today).days == 1:
            return f"tomorrow {local:%H:%M}"
    return f"{_DAY_ABBR[local.weekday()]} {local.day} {local:%b %H:%M}"


def moment(at: datetime, zone: ZoneInfo, now: datetime) -> Moment:
    """A reminder's moment for a line: worded as `moment_text` for platforms that print it,
    shown in each reader's own zone (and live, "in 2 hours") where the platform can."""
    style = MomentStyle.TIME if at - now < _NEAR else MomentStyle.DATE
    return Moment(at, moment_text(at, zone, now), style)


def schedule_text(schedule: Schedule, zone: ZoneInfo) -> str:
    match schedule.kind:
        case ScheduleKind.INTERVAL:
            # The times it really comes (the window shifted by the person's spread offset).
            day = next(d for d in _A_WEEK if d.weekday() in schedule.weekdays)
            times = schedule.wall_times(day)
            window = f"{times[0]:%H:%M}\u2013{times[-1]:%H:%M}" if times else "never"
            return f"{every_text(schedule.every_minutes)}, {window}, {days_text(schedule.weekdays)}"
        case ScheduleKind.DAILY:
            times = ", ".join(f"{t:%H:%M}" for t in schedule.times)
            days = days_text(schedule.weekdays)
            return f"daily at {times}" if days == "every day" else f"at {times}, {days}"
        case _:
            assert schedule.at is not None
            return f"once, {moment_text(schedule.at, zone)}"
