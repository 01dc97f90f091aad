"""Next-occurrence logic against an independent, brute-force computation (and DST cases)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.reminders.schedule import (
    WEEKDAYS,
    Schedule,
    ScheduleKind,
    latest_at_or_before,
    next_after,
)

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "America/Santiago",
    "Australia/Sydney",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "UTC",
]
# Instants near daylight-saving changes, where mistakes hide.
TRANSITIONS = [
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    datetime(2026, 4, 4, 15, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
    datetime(2018, 11, 4, 3, 0, tzinfo=UTC),
    datetime(2026, 9, 6, 4, 0, tzinfo=UTC),
    datetime(2026, 4, 5, 3, 0, tzinfo=UTC),
    datetime(2026, 9, 27, 14, 0, tzinfo=UTC),
]


def brute_force_next(schedule: Schedule, zone: ZoneInfo, after: datetime) -> datetime | None:
    """Walk UTC minute by minute and watch the wall clock, as a person in `zone` would.

    An occurrence is due at minute u when a scheduled wall time lies in (wall(u-1), wall(u)]
    and u is not inside a repeated (fall-back) hour. A gap jump collects all the wall times it
    skips into its first minute: they fire once, at the first valid time.
    """
    start = after.replace(second=0, microsecond=0)
    previous = start.astimezone(zone)
    for step in range(1, 9 * 24 * 60):
        moment = start + timedelta(minutes=step)
        local = moment.astimezone(zone)
        a, b = previous.replace(tzinfo=None), local.replace(tzinfo=None)
        previous = local
        if local.fold == 1 or b <= a:
            continue
        for day in {a.date(), b.date()}:
            for wall in schedule.wall_times(day):
                scheduled = datetime.combine(day, wall)
                if a < scheduled <= b and moment > after:
                    return moment
    return None


schedules = st.one_of(
    st.builds(
        lambda times, days: Schedule(ScheduleKind.DAILY, times=tuple(times), weekdays=days),
        st.lists(
            st.times().map(lambda t: t.replace(second=0, microsecond=0)), min_size=1, max_size=3
        ),
        st.frozensets(st.integers(0, 6), min_size=1),
    ),
    st.builds(
        lambda every, start, length, offset, days: Schedule(
            ScheduleKind.INTERVAL,
            every_minutes=every,
            window_start=time(start // 60, start % 60),
            window_end=time(min(start + length, 1439) // 60, min(start + length, 1439) % 60),
            # the first time moved a little later, as a full minute would move it
            moves=(
                (
                    time(start // 60, start % 60),
                    time((start + offset) // 60, (start + offset) % 60),
                ),
            )
            if offset and offset < min(every, length)
            else (),
            weekdays=days,
        ),
        st.integers(15, 240),
        st.integers(0, 23 * 60),
        st.integers(0, 18 * 60),
        st.integers(0, 59),
        st.frozensets(st.integers(0, 6), min_size=1),
    ),
)
moments = st.one_of(
    st.sampled_from(TRANSITIONS).flatmap(
        lambda t: st.integers(-36 * 3600, 36 * 3600).map(lambda s: t + timedelta(seconds=s))
    ),
    st.datetimes(datetime(2018, 1, 1), datetime(2027, 12, 31)).map(lambda d: d.replace(tzinfo=UTC)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules, st.sampled_from(ZONES), moments)
def test_next_occurrence_matches_a_minute_by_minute_walk(
    schedule: Schedule, zone: str, after: datetime
):
    tz = ZoneInfo(zone)
    assert next_after(schedule, tz, after) == brute_force_next(schedule, tz, after)


@settings(max_examples=100, deadline=None)
@given(schedules, st.sampled_from(ZONES), moments)
def test_occurrences_strictly_increase_and_latest_before_agrees(schedule, zone, after):  # type: ignore[no-untyped-def]
    tz = ZoneInfo(zone)
    first = next_after(schedule, tz, after)
    if first is None:
        return
    second = next_after(schedule, tz, first)
    assert second is None or second > first
    assert latest_at_or_before(schedule, tz, first) == first
    if second is not None:
        assert latest_at_or_before(schedule, tz, second - timedelta(seconds=1)) == first


def day_of(schedule: Schedule, zone: ZoneInfo, day: date) -> list[datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC) - timedelta(seconds=1)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    found, moment = [], start
    while (moment := next_after(schedule, zone, moment)) is not None and moment < end:
        found.append(moment)
    return found


def test_0230_on_spring_forward_day_fires_once_at_the_first_valid_time():
    schedule = Schedule(ScheduleKind.DAILY, times=(time(2, 30),))
    (only,) = day_of(schedule, BERLIN, date(2026, 3, 29))
    assert only.astimezone(BERLIN).strftime("%H:%M %Z") == "03:00 CEST"


def test_0230_on_fall_back_day_fires_once_not_twice():
    schedule = Schedule(ScheduleKind.DAILY, times=(time(2, 30),))
    (only,) = day_of(schedule, BERLIN, date(2026, 10, 25))
    assert only == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first of the two


def test_interval_through_both_changes_keeps_wall_times():
    schedule = Schedule(
        ScheduleKind.INTERVAL, every_minutes=30, window_start=time(1), window_end=time(3, 30)
    )
    spring = [
        m.astimezone(BERLIN).strftime("%H:%M") for m in day_of(schedule, BERLIN, date(2026, 3, 29))
    ]
    assert spring == ["01:00", "01:30", "03:00", "03:30"]
    autumn = [
        m.astimezone(BERLIN).strftime("%H:%M") for m in day_of(schedule, BERLIN, date(2026, 10, 25))
    ]
    assert autumn == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]


def test_every_two_hours_on_weekdays_skips_the_weekend_and_respects_the_window():
    schedule = Schedule(
        ScheduleKind.INTERVAL,
        every_minutes=120,
        window_start=time(9),
        window_end=time(18),
        weekdays=WEEKDAYS,
    )
    friday = [
        m.astimezone(BERLIN).strftime("%H:%M") for m in day_of(schedule, BERLIN, date(2026, 6, 5))
    ]
    assert friday == ["09:00", "11:00", "13:00", "15:00", "17:00"]  # never 17:59 for "9 to 18"
    assert day_of(schedule, BERLIN, date(2026, 6, 6)) == []
    nxt = next_after(schedule, BERLIN, datetime(2026, 6, 5, 16, 0, tzinfo=UTC))
    assert nxt is not None and nxt.astimezone(BERLIN).strftime("%a %H:%M") == "Mon 09:00"


def test_one_off_fires_once():
    at = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
    schedule = Schedule(ScheduleKind.ONCE, at=at)
    assert next_after(schedule, BERLIN, at - timedelta(seconds=1)) == at
    assert next_after(schedule, BERLIN, at) is None


def test_schedules_survive_a_round_trip_through_json():
    schedule = Schedule(
        ScheduleKind.INTERVAL,
        every_minutes=90,
        window_start=time(8, 30),
        window_end=time(17),
        weekdays=frozenset({0, 2, 4}),
        moves=((time(17), time(16, 57)),),
        ends_at=datetime(2026, 12, 24, 22, 59, tzinfo=UTC),
        count=10,
    )
    assert Schedule.from_json(schedule.to_json()) == schedule
    once = Schedule(ScheduleKind.ONCE, at=datetime(2026, 1, 1, 8, tzinfo=UTC))
    assert Schedule.from_json(once.to_json()) == once
