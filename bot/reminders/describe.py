"""Schedules and moments in words people read: "every 2 h, 09:00-18:00, Mon-Fri"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator, translator
from bot.messages import Moment, MomentStyle
from bot.reminders.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, Schedule, ScheduleKind

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_A_WEEK = [date(2026, 1, 5) + timedelta(days=i) for i in range(7)]  # Monday to Sunday
_NEAR = timedelta(days=1)  # closer than this, the time of day and "in 5 hours" say when
ENGLISH = translator("en")


def _day_abbr(day: int, t: Translator) -> str:
    """ "Mon" in English as always; "Mo." / "lun" as Babel has them in other languages."""
    return _DAY_ABBR[day] if t.language == "en" else t.weekday_text(_A_WEEK[day])


def days_text(days: frozenset[int], t: Translator = ENGLISH) -> str:
    if days == ALL_DAYS:
        return t.gettext("every day")
    if days == WEEKDAYS:
        return f"{_day_abbr(0, t)}\u2013{_day_abbr(4, t)}"
    if days == WEEKENDS:
        return t.gettext("Sat and Sun")
    return ", ".join(_day_abbr(d, t) for d in sorted(days))


def every_text(minutes: int, t: Translator = ENGLISH) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return (
            t.gettext("every hour")
            if hours == 1
            else t.gettext("every %(hours)d h") % {"hours": hours}
        )
    if minutes > 60:
        return t.gettext("every %(hours)d h %(minutes)d min") % {
            "hours": minutes // 60,
            "minutes": minutes % 60,
        }
    return t.gettext("every %(minutes)d min") % {"minutes": minutes}


def moment_text(
    moment: datetime, zone: ZoneInfo, now: datetime | None = None, t: Translator = ENGLISH
) -> str:
    local = moment.astimezone(zone)
    clock = f"{local:%H:%M}"
    if now is not None:
        today = now.astimezone(zone).date()
        if local.date() == today:
            return t.gettext("today %(time)s") % {"time": clock}
        if (local.date() - today).days == 1:
            return t.gettext("tomorrow %(time)s") % {"time": clock}
    if t.language == "en":
        return f"{_DAY_ABBR[local.weekday()]} {local.day} {local:%b %H:%M}"
    return f"{t.short_day(local.date())} {clock}"


def moment(at: datetime, zone: ZoneInfo, now: datetime, t: Translator = ENGLISH) -> Moment:
    """A reminder's moment for a line: worded as `moment_text` for platforms that print it,
    shown in each reader's own zone (and live, "in 2 hours") where the platform can."""
    style = MomentStyle.TIME if at - now < _NEAR else MomentStyle.DATE
    return Moment(at, moment_text(at, zone, now, t), style)


def schedule_text(schedule: Schedule, zone: ZoneInfo, t: Translator = ENGLISH) -> str:
    match schedule.kind:
        case ScheduleKind.INTERVAL:
            # The times it really comes (the window shifted by the person's spread offset).
            day = next(d for d in _A_WEEK if d.weekday() in schedule.weekdays)
            times = schedule.wall_times(day)
            window = f"{times[0]:%H:%M}\u2013{times[-1]:%H:%M}" if times else t.gettext("never")
            every = every_text(schedule.every_minutes, t)
            return f"{every}, {window}, {days_text(schedule.weekdays, t)}"
        case ScheduleKind.DAILY:
            times = ", ".join(f"{at:%H:%M}" for at in schedule.times)
            if schedule.weekdays == ALL_DAYS:
                return t.gettext("daily at %(times)s") % {"times": times}
            return t.gettext("at %(times)s, %(days)s") % {
                "times": times,
                "days": days_text(schedule.weekdays, t),
            }
        case _:
            assert schedule.at is not None
            return t.gettext("once, %(moment)s") % {"moment": moment_text(schedule.at, zone, t=t)}
