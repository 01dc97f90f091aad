"""Who talks to the bot: people in ten communities, and the past they bring (a time zone for
half of them, 0-3 reminders each, every community's tips)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from benchmarks.booking import add_users, book_all
from benchmarks.conversation.events import PLATFORM, REMIND, ZONES, Tally
from bot.core import Knotbot
from bot.messages import ButtonPress, ChatKind, ChatRef, Command, MessageRef, UserRef
from bot.reminders.parse import parse_request
from bot.reminders.scheduler import Booking

COMMUNITIES = 10
SEED_REMINDERS = (REMIND, "at 22:30 mouth guard", "legs up at 19:00")


@dataclass
class Person:
    user: UserRef
    private: ChatRef
    community: ChatRef
    reminders: list[int] = field(default_factory=list)  # ids, oldest first
    zone: str = "UTC"
    asked: int = 0  # new reminders asked for (see events.remind)

    def say(self, line: str, *, community: bool = False) -> Command:
        name, _, args = line.removeprefix("/").partition(" ")
        return Command(self.community if community else self.private, self.user, name, args)

    def press(self, action: str) -> ButtonPress:
        message = MessageRef(PLATFORM, self.private.chat_id, "1")
        return ButtonPress(self.private, self.user, action, message)


def people(users: int) -> list[Person]:
    found = []
    for n in range(users):
        user = UserRef(PLATFORM, str(100_000 + n), f"user {n}", "en")
        group = n % COMMUNITIES
        community = ChatRef(
            PLATFORM, f"g{group}", ChatKind.COMMUNITY, f"c{group}", f"Community {group}"
        )
        found.append(Person(user, ChatRef(PLATFORM, user.user_id), community))
    return found


async def seed(knotbot: Knotbot, crowd: list[Person]) -> float:
    """Give everyone a past: half of them a time zone, 0-3 reminders each (booked through the
    scheduler, stored in bulk: `benchmarks.booking`), and every community its tips (through the
    core: the first /tip random there seeds the curated ones). Returns the seconds it took."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    started = time.perf_counter()
    tally = Tally(record_from=float("inf"))
    for group in range(COMMUNITIES):
        await tally.send(knotbot, "tip", crowd[group].say("/tip random", community=True))
    db = knotbot.services.db
    for person in crowd:
        person.zone = ZONES[0] if rng.random() < 0.5 else "UTC"
    ids = await add_users(
        db,
        [
            {
                "platform": PLATFORM,
                "platform_user_id": person.user.user_id,
                "display_name": person.user.display_name,
                "timezone": person.zone if person.zone != "UTC" else None,
                "locale": "en",
                "created_at": now,
            }
            for person in crowd
        ],
    )
    owners: list[Person] = []
    bookings: list[Booking] = []
    for person, user_id in zip(crowd, ids, strict=True):
        for spec in SEED_REMINDERS[: rng.choice((0, 1, 1, 2, 3))]:
            request = parse_request(spec, now=now, zone=ZoneInfo(person.zone))
            assert request.schedule is not None, spec
            owners.append(person)
            bookings.append(
                Booking(
                    kind=request.kind,
                    schedule=request.schedule,
                    zone=person.zone,
                    platform=PLATFORM,
                    chat_id=person.user.user_id,
                    chat_kind=ChatKind.PRIVATE,
                    user_id=user_id,
                    words=request.words,
                )
            )
    for person, reminder_id in zip(owners, await book_all(db, bookings, now=now), strict=True):
        person.reminders.append(reminder_id)
    if tally.unexpected:
        raise RuntimeError(f"seeding went wrong: {tally.examples}")
    return time.perf_counter() - started
