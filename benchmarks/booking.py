"""Many people and their reminders, stored at once.

People are inserted in bulk (SQL Core). Reminders go through the one scheduling door, as
/remind books them: `fitted` moves each one, in turn, off a minute already as full as the
platform can send (`Scheduler.fit`, the minutes counted in memory instead of read back from
`reminder_minutes`); `book_all` books each different booking (kind, schedule, zone, where it
goes) once with `Scheduler.book` and copies that row for everyone else who asked for the same,
with their own user and chat, together with the rows that hang off it (the minutes it takes).
So every column is what the scheduler set, and 100,000 people load in a minute, not an hour.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import ManualClock
from bot.outbox import PlatformLimits
from bot.reminders import capacity
from bot.reminders.scheduler import Booking, Scheduler
from bot.storage import Database, Tx
from bot.storage.schema import Base, Reminder, User

CHUNK = 5000
_R = Reminder.__table__
# What differs between two people's copies of the same booking.
_OWN = {"user_id", "chat_id", "community_id"}


async def add_users(db: Database, values: list[dict[str, Any]]) -> list[int]:
    """Insert users (the columns of `users`); their ids, in order."""
    async with db.engine.begin() as conn:
        return await _insert(conn, User.__table__, values)


class _Minutes:
    """What `Scheduler.fit` reads of a transaction (`tx.reminders.load`: how many reminders
    fire at each UTC minute of the day), counted in memory as bookings are fitted."""

    def __init__(self) -> None:
        self.reminders = self
        self._counts: Counter[tuple[str, int]] = Counter()

    async def load(self, platform: str, minutes: set[int]) -> dict[int, int]:
        return {m: n for m in minutes if (n := self._counts[platform, m])}

    def take(self, platform: str, minutes: set[int]) -> None:
        for minute in minutes:
            self._counts[platform, minute] += 1


async def fitted(
    bookings: Sequence[Booking], limits: PlatformLimits, *, now: datetime
) -> list[Booking]:
    """The bookings as /remind makes them, one after another, on a platform with `limits`:
    each at the minutes asked, or moved to the nearest minute with room where one is full."""
    scheduler = Scheduler(clock=ManualClock(now), wake=lambda platform: None)
    for platform in {b.platform for b in bookings}:
        scheduler.declare(platform, limits)
    minutes = _Minutes()
    found = []
    for booking in bookings:
        schedule, _ = await scheduler.fit(
            cast(Tx, minutes), booking.platform, booking.schedule, booking.zone
        )
        minutes.take(booking.platform, capacity.minutes_of(schedule, ZoneInfo(booking.zone), now))
        found.append(dataclasses.replace(booking, schedule=schedule))
    return found


async def book_all(db: Database, bookings: Sequence[Booking], *, now: datetime) -> list[int]:
    """Book each as of `now`; the new reminders' ids, in order."""
    scheduler = Scheduler(clock=ManualClock(now), wake=lambda platform: None)
    alike: dict[Booking, list[int]] = {}  # a booking without its owner -> positions
    for position, booking in enumerate(bookings):
        key = dataclasses.replace(booking, user_id=None, chat_id="", community_id=None)
        alike.setdefault(key, []).append(position)
    ids: list[int] = [0] * len(bookings)
    async with db.transaction() as tx:
        for positions in alike.values():
            first = positions[0]
            ids[first] = (await scheduler.book(tx, bookings[first])).id
    async with db.engine.begin() as conn:
        for positions in alike.values():
            template = ids[positions[0]]
            copies = await _copy(conn, template, [bookings[p] for p in positions[1:]])
            for position, new_id in zip(positions[1:], copies, strict=True):
                ids[position] = new_id
    return ids


async def _copy(conn: AsyncConnection, template: int, owners: list[Booking]) -> list[int]:
    """The reminder `template` once for each booking in `owners`, with its own user and chat,
    and the rows of other tables that refer to it."""
    if not owners:
        return []
    row = (await conn.execute(select(_R).where(_R.c.id == template))).one()._asdict()
    del row["id"]
    values = [
        {**row, "user_id": b.user_id, "chat_id": b.chat_id, "community_id": b.community_id}
        for b in owners
    ]
    new_ids = await _insert(conn, _R, values)
    for table, column in _hanging_off_reminders():
        found = (await conn.execute(select(table).where(table.c[column] == template))).all()
        copies = []
        for dependent in found:
            data = dependent._asdict()
            if "id" in data and table.c.id.primary_key:
                del data["id"]
            copies += [{**data, column: new_id} for new_id in new_ids]
        if copies:
            await _insert(conn, table, copies, returning=False)
    return new_ids


def _hanging_off_reminders() -> list[tuple[Table, str]]:
    """(table, column) of every other table whose column refers to a reminder."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table is _R:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is _R and fk.parent.key not in _OWN:
                found.append((table, fk.parent.key))
    return found


async def _insert(
    conn: AsyncConnection, table: Any, values: list[dict[str, Any]], *, returning: bool = True
) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        if returning:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend((await conn.execute(statement, chunk)).scalars().all())
        else:
            await conn.execute(insert(table), chunk)
    return ids
