"""Reminder bookkeeping: create, list, pause, resume, snooze, quiet time, time zones.

Who may do each of these is checked before they are called (`bot.access`); what is scheduled
when goes through the one door, `bot.reminders.scheduler`. Everything returned is a plain
value (`ReminderView`, `ReminderList`), never a database row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.i18n import N_
from bot.messages import ChatKind, ChatRef, UserRef
from bot.reminders.capacity import Move
from bot.reminders.kinds import TIP_OF_THE_DAY, Occurrence
from bot.reminders.messages import SNOOZE_MINUTES
from bot.reminders.parse import ReminderRequest, merged
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.reminders.scheduler import Booking, ReminderRefused, Scheduler
from bot.storage import Database, Tx
from bot.storage.reminders import ReminderStatus
from bot.storage.schema import Reminder, User

__all__ = ["ReminderList", "ReminderRefused", "ReminderService", "ReminderView"]

SNOOZE = timedelta(minutes=SNOOZE_MINUTES)
UNDO = timedelta(minutes=1)  # how long Delete can be undone


@dataclass(frozen=True)
class ReminderView:
    """A reminder as lists and confirmations show it."""

    id: int
    kind: str
    schedule: Schedule
    zone: ZoneInfo
    status: ReminderStatus
    next_due: datetime | None
    shared: bool
    words: str = ""
    moves: tuple[Move, ...] = ()  # times moved off a full minute when it was booked
    snooze_of: int | None = None  # a snoozed copy: the reminder it copies


@dataclass(frozen=True)
class ReminderList:
    mine: tuple[ReminderView, ...]
    shared: tuple[ReminderView, ...]  # this community chat's
    zone: ZoneInfo
    quiet_until: datetime | None
    snoozed: tuple[ReminderView, ...] = ()  # the person's snoozed copies still to come


class Duplicate(Exception):
    """The same reminder exists already; `existing` is it."""

    def __init__(self, existing: ReminderView) -> None:
        super().__init__(existing.id)
        self.existing = existing


def view(row: Reminder, moves: list[Move] | None = None) -> ReminderView:
    status = ReminderStatus(row.status)
    return ReminderView(
        id=row.id,
        kind=row.kind,
        schedule=Schedule.from_json(json.loads(row.schedule)),
        zone=ZoneInfo(row.timezone),
        status=status,
        next_due=row.occurrence_at if status is ReminderStatus.ACTIVE else None,
        shared=row.community_id is not None,
        words=row.words or "",
        moves=tuple(moves or ()),
        snooze_of=row.snooze_of,
    )


def like(row: Reminder, schedule: Schedule) -> Booking:
    """A booking for the same person, chat, kind and words as `row`, at other times."""
    return Booking(
        kind=row.kind,
        schedule=schedule,
        zone=row.timezone,
        platform=row.platform,
        chat_id=row.chat_id,
        chat_kind=ChatKind(row.chat_kind),
        user_id=row.user_id,
        community_id=row.community_id,
        words=row.words or "",
        routine_id=row.routine_id,
    )


def _same(row: Reminder, kind: str, words: str, schedule: Schedule) -> bool:
    """Would a new reminder only repeat this one? (The same kind, words and times asked.)"""
    if row.kind != kind or (row.words or "") != words or row.snooze_of is not None:
        return False
    old = Schedule.from_json(json.loads(row.schedule))
    return old.to_json() | {"moves": []} == schedule.to_json() | {"moves": []}


class ReminderService:
    def __init__(
        self, *, db: Database, clock: Clock, scheduler: Scheduler, default_zone: str
    ) -> None:
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self.default_zone = default_zone

    # -- zones -----------------------------------------------------------------------------

    def zone_of(self, user: User | None) -> ZoneInfo:
        return ZoneInfo((user.timezone if user else None) or self.default_zone)

    async def user_zone(self, ref: UserRef) -> tuple[ZoneInfo, bool]:
        """The person's zone, and whether they chose it (else it is the default)."""
        async with self._db.transaction() as tx:
            user = await tx.users.get(ref.platform, ref.user_id)
        return self.zone_of(user), bool(user and user.timezone)

    async def set_timezone(self, ref: UserRef, zone: str) -> int:
        """Set a person's zone; their personal reminders move with it. Returns how many."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            user.timezone = zone
            rows = await tx.reminders.for_user(user.id)
            for row in rows:
                await self._scheduler.rezone(tx, row, zone, max(now, user.quiet_until or now))
            self._scheduler.moved(tx, ref.platform)
        return len(rows)

    async def set_community_timezone(self, chat: ChatRef, zone: str) -> int:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await tx.communities.ensure(chat, now)
            if community is None:
                raise ReminderRefused(
                    N_("Community time zones are set in a group or server channel.")
                )
            community.timezone = zone
            rows = await tx.reminders.for_community(community.id)
            for row in rows:
                await self._scheduler.rezone(tx, row, zone, now)
            self._scheduler.moved(tx, chat.platform)
        return len(rows)

    # -- creating --------------------------------------------------------------------------

    async def create(
        self,
        ref: UserRef,
        chat: ChatRef,
        request: ReminderRequest,
        *,
        again: bool = False,
        routine_id: int | None = None,
    ) -> ReminderView:
        """A personal reminder (it comes in a private chat), or with `request.shared` in a
        community chat, one for everyone there (`bot.access` has checked the moderator).
        Raises Duplicate if the same one exists, unless `again` (the person said add it).
        `routine_id`: their own routine its message offers to start."""
        now = self._clock.now()
        if request.schedule is None:
            raise ReminderRefused(N_("I didn't catch when."))
        shared = request.shared and chat.kind is ChatKind.COMMUNITY
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            community = await tx.communities.ensure(chat, now) if shared else None
            if community is not None:
                zone = community.timezone or user.timezone or self.default_zone
                target = ChatRef(chat.platform, chat.chat_id, ChatKind.COMMUNITY)
                after = now
            else:
                zone = user.timezone or self.default_zone
                target = ChatRef(chat.platform, ref.user_id, ChatKind.PRIVATE)
                after = max(now, user.quiet_until or now)
            if not again:
                if community is not None:
                    existing = await tx.reminders.for_community(community.id)
                else:
                    existing = await tx.reminders.for_user(user.id)
                for row in existing:
                    if _same(row, request.kind, request.words, request.schedule):
                        raise Duplicate(view(row))
            schedule, moves = await self._scheduler.fit(tx, chat.platform, request.schedule, zone)
            booking = Booking(
                kind=request.kind,
                schedule=schedule,
                zone=zone,
                platform=chat.platform,
                chat_id=target.chat_id,
                chat_kind=target.kind,
                user_id=user.id,
                community_id=community.id if community else None,
                words=request.words,
                routine_id=None if community else routine_id,
            )
            row = await self._scheduler.book(tx, booking, after=after)
            return view(row, moves)

    async def again(self, reminder_id: int) -> ReminderView:
        """A second reminder just like this one ("Add it anyway")."""
        async with self._db.transaction() as tx:
            row = await self._existing(tx, reminder_id)
            booking = like(row, Schedule.from_json(json.loads(row.schedule)))
            return view(await self._scheduler.book(tx, booking))

    # -- bedtime ---------------------------------------------------------------------------

    async def bedtime(self, ref: UserRef) -> time | None:
        async with self._db.transaction() as tx:
            user = await tx.users.get(ref.platform, ref.user_id)
        return time.fromisoformat(user.bedtime) if user and user.bedtime else None

    async def set_bedtime(self, ref: UserRef, at: time) -> None:
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, self._clock.now())
            user.bedtime = f"{at:%H:%M}"

    # -- listing and changing --------------------------------------------------------------

    async def list_for(self, ref: UserRef, chat: ChatRef) -> ReminderList:
        """The person's reminders, and in a community chat the ones shared there."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            await tx.reminders.purge_deleted(now - UNDO)
            mine = tuple(view(r) for r in await tx.reminders.for_user(user.id))
            snoozed = tuple(view(r) for r in await tx.reminders.snoozed_for_user(user.id))
            shared: tuple[ReminderView, ...] = ()
            if chat.kind is ChatKind.COMMUNITY:
                rows = await tx.reminders.for_chat(chat.platform, chat.chat_id)
                shared = tuple(view(r) for r in rows)
            quiet = user.quiet_until if user.quiet_until and user.quiet_until > now else None
            return ReminderList(mine, shared, self.zone_of(user), quiet, snoozed)

    async def pause(self, reminder_id: int) -> ReminderView:
        """Pause a reminder, and drop any snoozed copy of it still to come."""
        async with self._db.transaction() as tx:
            row = await self._existing(tx, reminder_id)
            self._scheduler.pause(row)
            for copy in await tx.reminders.snoozed_copies(row.id):
                self._scheduler.pause(copy, ReminderStatus.FINISHED)
            return view(row)

    async def resume(self, reminder_id: int) -> ReminderView:
        async with self._db.transaction() as tx:
            row = await self._existing(tx, reminder_id)
            quiet = None
            if row.community_id is None and row.user_id is not None:
                owner = await tx.users.by_id(row.user_id)
                quiet = owner.quiet_until if owner else None
            row = await self._scheduler.change(tx, row, after=quiet)
            return view(row)

    async def delete(self, reminder_id: int) -> ReminderView:
        """Delete, undoably for a minute: kept aside (status deleted), then removed for good.
        A snoozed copy is simply cancelled."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            await tx.reminders.purge_deleted(now - UNDO)
            row = await self._existing(tx, reminder_id)
            result = view(row)
            if row.snooze_of is not None:
                await tx.reminders.delete(row.id)
                return result
            for copy in await tx.reminders.snoozed_copies(row.id):
                await tx.reminders.delete(copy.id)
            row.deleted_from = row.status  # what Undo brings back
            self._scheduler.pause(row, ReminderStatus.DELETED)
            row.deleted_at = now
            return result

    async def undo_delete(self, reminder_id: int) -> ReminderView:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            row = await tx.reminders.get(reminder_id)
            if row is None or row.status != ReminderStatus.DELETED:
                raise ReminderRefused(N_("That reminder is not deleted."))
            if row.deleted_at is None or now - row.deleted_at > UNDO:
                raise ReminderRefused(N_("Too late to undo; set it up again with /remind."))
            was, row.deleted_at, row.deleted_from = row.deleted_from, None, None
            row.status = ReminderStatus.PAUSED
            if was == ReminderStatus.ACTIVE:  # counts toward the limits again
                await self._scheduler.change(tx, row)
            elif was == ReminderStatus.BLOCKED:
                row.status = ReminderStatus.BLOCKED
            return view(row)

    async def change(self, reminder_id: int, request: ReminderRequest) -> ReminderView:
        """New times for a reminder; its kind changes only if the new words name one."""
        async with self._db.transaction() as tx:
            row = await self._existing(tx, reminder_id)
            if row.kind == TIP_OF_THE_DAY:
                raise ReminderRefused(
                    N_("That is the tip of the day; moderators change it with /tip daily.")
                )
            kind = request.kind if request.kind_named else None
            words = request.words or None
            if words is None and kind is not None and kind != row.kind:
                words = ""  # a new kind named plainly: the old words would contradict it
            schedule, moves = Schedule.from_json(json.loads(row.schedule)), []
            if request.schedule is not None or request.days or request.said:
                new = merged(schedule, request)
                if new != schedule:
                    schedule, moves = await self._scheduler.fit(
                        tx, row.platform, replace(new, moves=()), row.timezone
                    )
            row = await self._scheduler.change(tx, row, schedule=schedule, kind=kind, words=words)
            return view(row, moves)

    async def _existing(self, tx: Tx, reminder_id: int) -> Reminder:
        row = await tx.reminders.get(reminder_id)
        if row is None or row.status == ReminderStatus.DELETED:
            raise ReminderRefused(N_("That reminder no longer exists."))
        return row

    # -- from a reminder message -----------------------------------------------------------

    async def occurrence(self, delivery_id: int) -> Occurrence | None:
        """A sent occurrence as it was composed (to show it again with a line added)."""
        async with self._db.transaction() as tx:
            found = await tx.reminders.delivery_by_id(delivery_id)
            row = await tx.reminders.get(found.reminder_id) if found and found.reminder_id else None
            if found is None or row is None:
                return None
            return Occurrence(
                reminder_id=row.snooze_of or row.id,
                delivery_id=found.id,
                kind=row.kind,
                text_index=found.text_index,
                schedule=Schedule.from_json(json.loads(row.schedule)),
                zone=ZoneInfo(row.timezone),
                community_id=row.community_id,
                words=row.words or "",
            )

    async def done(self, ref: UserRef, delivery_id: int) -> bool:
        """Log Done for this person; False if they had already."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            found = await tx.reminders.delivery_by_id(delivery_id)
            if found is None:
                raise ReminderRefused(N_("That reminder is too old to mark."))
            user = await tx.users.ensure(ref, now)
            return await tx.reminders.mark_done(found.id, user.id, now)

    async def snooze(self, delivery_id: int) -> datetime:
        """Send this reminder again in a few minutes (a one-off copy); returns when."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            found = await tx.reminders.delivery_by_id(delivery_id)
            row = await tx.reminders.get(found.reminder_id) if found and found.reminder_id else None
            if found is None or row is None:
                raise ReminderRefused(N_("That reminder no longer exists."))
            series = row.snooze_of or row.id
            pending = await tx.reminders.snoozed_copies(series)
            if pending and pending[0].occurrence_at is not None:
                local = pending[0].occurrence_at.astimezone(ZoneInfo(row.timezone))
                raise ReminderRefused(N_("Already snoozed until %(time)s."), time=f"{local:%H:%M}")
            at = now + SNOOZE
            booking = like(row, Schedule(ScheduleKind.ONCE, at=at))
            booking = replace(booking, snooze_of=series, last_text_index=found.text_index)
            await self._scheduler.book(tx, booking, after=now)
        return at

    # -- quiet time ------------------------------------------------------------------------

    async def quiet(self, ref: UserRef, until: datetime | None) -> tuple[int, ZoneInfo]:
        """Pause every personal reminder until `until` (None ends quiet time now)."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            user.quiet_until = until
            rows = await tx.reminders.for_user(user.id)
            for row in rows:
                self._scheduler.reschedule(row, max(now, until) if until else now)
            self._scheduler.moved(tx, ref.platform)
            return len(rows), self.zone_of(user)

    # -- recipients who leave and come back ------------------------------------------------

    async def recipient_gone(self, platform: str, chat_id: str) -> int:
        async with self._db.transaction() as tx:
            return await tx.reminders.block_chat(platform, chat_id)

    async def recipient_back(self, platform: str, chat_id: str) -> tuple[ReminderView, ...]:
        """Resume reminders that were paused because the recipient was unreachable."""
        async with self._db.transaction() as tx:
            rows = await tx.reminders.blocked_for_chat(platform, chat_id)
            for row in rows:
                await self._scheduler.change(tx, row)
            return tuple(view(r) for r in rows)
