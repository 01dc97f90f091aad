"""Who has which reminders: many people around the world, their schedules, and booking them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from benchmarks.booking import add_users, book_all, fitted
from benchmarks.reminders.platform import TELEGRAM
from bot.messages import ChatKind
from bot.reminders.schedule import WEEKDAYS, Schedule, ScheduleKind
from bot.reminders.scheduler import Booking
from bot.storage import Database

PLATFORM = "telegram"
DAY_START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday
# The day is [00:00, 24:00): what is due at midnight belongs to the next one.
DAY_END = DAY_START + timedelta(days=1) - timedelta(microseconds=1)
# Where people are: weights roughly like a worldwide English-speaking community.
ZONES = {
    "America/Los_Angeles": 10, "America/Denver": 3, "America/Chicago": 8, "America/New_York": 14,
    "America/Sao_Paulo": 5, "Europe/London": 12, "Europe/Berlin": 12, "Europe/Helsinki": 4,
    "Africa/Lagos": 4, "Asia/Kolkata": 10, "Asia/Singapore": 5, "Asia/Tokyo": 4,
    "Australia/Sydney": 6, "Pacific/Auckland": 3,
}  # fmt: skip


@dataclass(frozen=True)
class Planned:
    user: int  # 0, 1, ...: the person's number (their chat id on the platform)
    zone: str
    kind: str
    schedule: Schedule


def plan(users: int, seed: int = 7) -> list[Planned]:
    """Everyone has a relax reminder (every 1, 2 or 3 h within their working hours, weekdays);
    three in ten also a bedtime mouth-guard reminder at a time of their choosing. Reminders
    come at the minute asked, so many people share each of these minutes."""
    rng = random.Random(seed)
    zones, weights = list(ZONES), list(ZONES.values())
    planned: list[Planned] = []
    for user in range(users):
        zone = rng.choices(zones, weights)[0]
        every = rng.choice((60, 120, 120, 120, 180))
        start = rng.choice((8, 9, 9, 10))
        schedule = Schedule(
            ScheduleKind.INTERVAL,
            every_minutes=every,
            window_start=dtime(start),
            window_end=dtime(start + 9),
            weekdays=WEEKDAYS,
        )
        planned.append(Planned(user, zone, "relax", schedule))
        if rng.random() < 0.3:
            at = rng.choice((dtime(22), dtime(22, 30), dtime(23)))
            planned.append(
                Planned(user, zone, "mouth-guard", Schedule(ScheduleKind.DAILY, times=(at,)))
            )
    return planned


async def store(
    db: Database, planned: list[Planned], users: int, *, as_asked: bool
) -> dict[str, object]:
    """The people, and their reminders booked the evening before the day (the first due time
    of each is its first occurrence of the day, or later): as /remind books them on Telegram
    (moved off a minute it cannot send in time), or with `as_asked` at the minutes asked.
    Returns who was moved, and by how much (`moved`)."""
    before = DAY_START - timedelta(seconds=1)
    ids = await add_users(
        db,
        [
            {
                "platform": PLATFORM,
                "platform_user_id": str(u),
                "display_name": f"user {u}",
                "timezone": None,
                "locale": "en",
                "created_at": before,
            }
            for u in range(users)
        ],
    )
    bookings = [
        Booking(
            kind=p.kind,
            schedule=p.schedule,
            zone=p.zone,
            platform=PLATFORM,
            chat_id=str(p.user),
            chat_kind=ChatKind.PRIVATE,
            user_id=ids[p.user],
        )
        for p in planned
    ]
    if not as_asked:
        bookings = await fitted(bookings, TELEGRAM, now=before)
    await book_all(db, bookings, now=before)
    return moved(bookings, users)


def moved(bookings: list[Booking], users: int) -> dict[str, object]:
    """How many people had a time moved off a full minute, and how far the times moved."""
    people = set()
    shifts: list[int] = []
    for booking in bookings:
        for asked, given in booking.schedule.moves:
            people.add(booking.user_id)
            shifts.append(abs(_minute(given) - _minute(asked)))
    shifts.sort()
    return {
        "people_moved": len(people),
        "people_moved_share": round(len(people) / users, 4) if users else 0.0,
        "times_moved": len(shifts),
        "shift_p50_minutes": shifts[len(shifts) // 2] if shifts else 0,
        "shift_p99_minutes": shifts[min(len(shifts) - 1, len(shifts) * 99 // 100)] if shifts else 0,
        "shift_max_minutes": shifts[-1] if shifts else 0,
    }


def _minute(at: dtime) -> int:
    return at.hour * 60 + at.minute
