"""The one door to anything scheduled: a person's reminder, a community's, a snooze, the tip
of the day. Where is something scheduled? Here.

Callers describe what and when (a `Booking`); the scheduler checks the limits, stores it with
its next due time (UTC, with its zone next to it) and the minutes of the day it takes, and,
once the transaction has committed, wakes the platform's dispatcher, which sends it when due.
Changing, pausing and resuming go through here too, so every path counts towards the same
limits. `fit` moves a time the person asked for off a minute the platform cannot send in
time (`bot.reminders.capacity`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.i18n import N_, Explained
from bot.messages import ChatKind
from bot.outbox import PlatformLimits
from bot.reminders import capacity
from bot.reminders.capacity import Move
from bot.reminders.schedule import Schedule, next_after
from bot.storage import Tx
from bot.storage.reminders import ReminderStatus
from bot.storage.schema import Reminder


class ReminderRefused(Explained):
    """A friendly reason why an operation cannot be done; shown in the person's language."""


@dataclass(frozen=True)
class BookingLimits:
    per_person: int = 20  # reminders a person has that are not finished (snoozes included)
    per_community: int = 20  # shared reminders of one community (the tip of the day included)


@dataclass(frozen=True)
class Booking:
    """What to schedule, for whom, and where it goes."""

    kind: str
    schedule: Schedule
    zone: str
    platform: str
    chat_id: str
    chat_kind: ChatKind
    user_id: int | None  # stored id of the person it is for (or who set up a shared one)
    community_id: int | None = None  # stored id of the community it is shared with
    words: str = ""
    snooze_of: int | None = None
    last_text_index: int = -1
    routine_id: int | None = None  # a person's own routine its message offers to start

    @property
    def shared(self) -> bool:
        return self.community_id is not None


class Scheduler:
    def __init__(
        self, *, clock: Clock, wake: Callable[[str], None], limits: BookingLimits | None = None
    ) -> None:
        self._clock = clock
        self._wake = wake
        self.limits = limits or BookingLimits()
        self._per_minute: dict[str, int] = {}

    def declare(self, platform: str, limits: PlatformLimits) -> None:
        """What `platform` can send in a minute (its adapter says, when it connects)."""
        self._per_minute[platform] = max(1, int(limits.sends_per_second * 60))

    async def fit(
        self, tx: Tx, platform: str, schedule: Schedule, zone: str
    ) -> tuple[Schedule, list[Move]]:
        """`schedule` at the minutes asked, or moved to the nearest with room where full."""
        per_minute = self._per_minute.get(platform)
        if per_minute is None:  # nothing known about the platform's pace: as asked
            return schedule, []
        where = ZoneInfo(zone)
        now = self._clock.now()
        wanted = capacity.wanted_minutes(schedule, where, now)
        load = await tx.reminders.load(platform, wanted)
        return capacity.fit(schedule, where, now, load, per_minute)

    async def book(self, tx: Tx, booking: Booking, *, after: datetime | None = None) -> Reminder:
        """Store something new to send; `after` (default now) is when it may first come."""
        await self._check_room(tx, booking.user_id, booking.community_id)
        now = self._clock.now()
        row = Reminder(
            user_id=booking.user_id,
            community_id=booking.community_id,
            platform=booking.platform,
            chat_id=booking.chat_id,
            chat_kind=booking.chat_kind.value,
            kind=booking.kind,
            words=booking.words,
            schedule=json.dumps(booking.schedule.to_json()),
            timezone=booking.zone,
            status=ReminderStatus.ACTIVE,
            attempts=0,
            last_text_index=booking.last_text_index,
            snooze_of=booking.snooze_of,
            routine_id=booking.routine_id,
            created_at=now,
        )
        self.reschedule(row, max(now, after or now))
        if row.status != ReminderStatus.ACTIVE:
            raise ReminderRefused(N_("That reminder would never come; try another time."))
        await tx.reminders.add(row)
        await self._occupy(tx, row)
        self._wake_after(tx, row.platform)
        return row

    async def change(
        self,
        tx: Tx,
        row: Reminder,
        *,
        schedule: Schedule | None = None,
        kind: str | None = None,
        words: str | None = None,
        zone: str | None = None,
        after: datetime | None = None,
    ) -> Reminder:
        """Change what is given and keep the rest; the reminder is active afterwards."""
        if row.status == ReminderStatus.FINISHED:  # back from the finished: counts again
            await self._check_room(tx, row.user_id, row.community_id)
        if schedule is not None:
            row.schedule = json.dumps(schedule.to_json())
        if kind is not None:
            row.kind = kind
        if words is not None:
            row.words = words
        if zone is not None:
            row.timezone = zone
        row.status = ReminderStatus.ACTIVE
        now = self._clock.now()
        self.reschedule(row, max(now, after or now))
        if schedule is not None or zone is not None:
            await self._occupy(tx, row)
        self._wake_after(tx, row.platform)
        return row

    async def rezone(self, tx: Tx, row: Reminder, zone: str, after: datetime) -> None:
        """The same wall-clock times in another zone (a person or community moved)."""
        row.timezone = zone
        self.reschedule(row, after)
        await self._occupy(tx, row)

    def pause(self, row: Reminder, status: ReminderStatus = ReminderStatus.PAUSED) -> None:
        row.status = status
        row.next_due_at = None
        row.claimed_by = None

    def reschedule(self, row: Reminder, after: datetime) -> None:
        """The next occurrence after `after`; finished when there is none."""
        if row.status != ReminderStatus.ACTIVE:
            return
        schedule = Schedule.from_json(json.loads(row.schedule))
        following = next_after(schedule, ZoneInfo(row.timezone), after)
        row.occurrence_at = row.next_due_at = following
        row.claimed_by = None
        row.attempts = 0
        if following is None:
            row.status = ReminderStatus.FINISHED

    def moved(self, tx: Tx, platform: str) -> None:
        """Due times changed in `tx` without going through book/change (a zone, quiet time)."""
        self._wake_after(tx, platform)

    async def _check_room(self, tx: Tx, user_id: int | None, community_id: int | None) -> None:
        if community_id is not None:
            limit = self.limits.per_community
            if await tx.reminders.count_for_community(community_id) >= limit:
                raise ReminderRefused(
                    N_(
                        "This community has %(limit)d shared reminders already; "
                        "a moderator can delete one in /reminders first."
                    ),
                    limit=limit,
                )
        elif user_id is not None:
            limit = self.limits.per_person
            if await tx.reminders.count_for_user(user_id) >= limit:
                raise ReminderRefused(
                    N_("You have %(limit)d reminders already; delete one in /reminders first."),
                    limit=limit,
                )

    async def _occupy(self, tx: Tx, row: Reminder) -> None:
        schedule = Schedule.from_json(json.loads(row.schedule))
        minutes = capacity.minutes_of(schedule, ZoneInfo(row.timezone), self._clock.now())
        await tx.reminders.occupy(row.id, row.platform, minutes)

    def _wake_after(self, tx: Tx, platform: str) -> None:
        tx.after_commit(lambda: self._wake(platform))
