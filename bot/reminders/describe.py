"""Schedules and moments in words people read: "every 2 h, 09:00-18:00, Mon-Fri"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.reminders.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, Schedule, ScheduleKind

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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


def schedule_text(schedule: Schedule, zone: ZoneInfo) -> str:
    match schedule.kind:
        case ScheduleKind.INTERVAL:
            window = f"{schedule.window_start:%H:%M}\u2013{schedule.window_end:%H:%M}"
            return f"{every_text(schedule.every_minutes)}, {window}, {days_text(schedule.weekdays)}"
        case ScheduleKind.DAILY:
            times = ", ".join(f"{t:%H:%M}" for t in schedule.times)
            days = days_text(schedule.weekdays)
            return f"daily at {times}" if days == "every day" else f"at {times}, {days}"
        case _:
            assert schedule.at is not None
            return f"once, {moment_text(schedule.at, zone)}"
