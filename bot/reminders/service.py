"""Reminder bookkeeping: create, list, pause, resume, snooze, quiet, time zones.

Where is a reminder scheduled? Here: `create` stores it with its next due time (from
`schedule.next_after`), then wakes the platform's dispatcher, which sends it when due.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.content import ContentLibrary
from bot.messages import ChatKind, ChatRef, UserRef
from bot.outbox import Outbox
from bot.reminders.dispatcher import Composer, Dispatcher, DispatchSettings
from bot.reminders.parse import ReminderRequest
from bot.reminders.schedule import Schedule, ScheduleKind, next_after
from bot.storage import Database, Tx
from bot.storage.reminders import ReminderStatus
from bot.storage.schema import Reminder, ReminderDelivery, User

log = logging.getLogger(__name__)

# Interval reminders are shifted by up to this many minutes, stable per person, so that not
# everyone who asked for "every 2 hours" is due at the same second.
SPREAD_MINUTES = 60
MAX_REMINDERS_PER_USER = 20
SNOOZE = timedelta(minutes=15)


class ReminderRefused(Exception):
    """A friendly reason why an operation cannot be done; the message is shown as is."""


@dataclass(frozen=True)
class ReminderView:
    """A reminder as lists and confirmations show it."""

    id: int
    kind: str
    schedule: Schedule
    zone: ZoneInfo
    status: str
    next_due: datetime | None
    shared: bool


def spread_offset(platform: str, user_id: str, every_minutes: int) -> int:
    """A stable offset in minutes for this person: within the hour, and within the interval."""
    span = max(1, min(every_minutes, SPREAD_MINUTES))
    return zlib.crc32(f"{platform}:{user_id}".encode()) % span


def view(row: Reminder) -> ReminderView:
    return ReminderView(
        id=row.id,
        kind=row.kind,
        schedule=Schedule.from_json(json.loads(row.schedule)),
        zone=ZoneInfo(row.timezone),
        status=row.status,
        next_due=row.occurrence_at if row.status == ReminderStatus.ACTIVE else None,
        shared=row.community_id is not None,
    )


class ReminderService:
    def __init__(
        self,
        *,
        content: ContentLibrary,
        db: Database,
        clock: Clock,
        owner: str,
        default_zone: str,
        dispatch: DispatchSettings | None = None,
    ) -> None:
        self._content = content
        self._db = db
        self._clock = clock
        self._owner = owner
        self.default_zone = default_zone
        self._dispatch = dispatch
        self.dispatchers: dict[str, Dispatcher] = {}
        self._tasks: list[asyncio.Task[None]] = []
        # Reminder kinds whose message is composed elsewhere (the tip of the day).
        self.compose: dict[str, Composer] = {}

    def use_content(self, content: ContentLibrary) -> None:
        self._content = content
        for dispatcher in self.dispatchers.values():
            dispatcher.use_content(content)

    # -- the dispatcher --------------------------------------------------------------------

    def start(self, platform: str, outbox: Outbox) -> Dispatcher:
        """Run the platform's dispatcher (once; a second call returns the running one)."""
        if platform in self.dispatchers:
            return self.dispatchers[platform]
        dispatcher = Dispatcher(
            platform=platform,
            outbox=outbox,
            db=self._db,
            content=self._content,
            clock=self._clock,
            owner=self._owner,
            settings=self._dispatch,
            compose=self.compose,
        )
        self.dispatchers[platform] = dispatcher
        self._tasks.append(asyncio.create_task(dispatcher.run(), name=f"reminders-{platform}"))
        return dispatcher

    def wake(self, platform: str) -> None:
        if platform in self.dispatchers:
            self.dispatchers[platform].wake()

    async def stop(self) -> None:
        for dispatcher in self.dispatchers.values():
            dispatcher.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=30)
        self._tasks.clear()
        self.dispatchers.clear()

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
                row.timezone = zone
                self._reschedule(row, now)
        self.wake(ref.platform)
        return len(rows)

    async def set_community_timezone(self, chat: ChatRef, zone: str) -> int:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await tx.communities.ensure(chat, now)
            if community is None:
                raise ReminderRefused("Community time zones are set in a group or server channel.")
            community.timezone = zone
            rows = await tx.reminders.for_chat(chat.platform, chat.chat_id)
            for row in rows:
                row.timezone = zone
                self._reschedule(row, now)
        self.wake(chat.platform)
        return len(rows)

    # -- creating --------------------------------------------------------------------------

    async def create(self, ref: UserRef, chat: ChatRef, request: ReminderRequest) -> ReminderView:
        now = self._clock.now()
        shared = request.shared and chat.kind is ChatKind.COMMUNITY
        if shared and not ref.is_moderator:
            raise ReminderRefused(
                "Only moderators can set reminders for everyone here. "
                "I can remind you personally: /remind every 2 hours from 9 to 18."
            )
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            community = await tx.communities.ensure(chat, now) if shared else None
            if shared:
                assert community is not None
                zone = community.timezone or user.timezone or self.default_zone
                target = ChatRef(chat.platform, chat.chat_id, ChatKind.COMMUNITY)
            else:
                if len(await tx.reminders.for_user(user.id)) >= MAX_REMINDERS_PER_USER:
                    raise ReminderRefused(
                        f"You have {MAX_REMINDERS_PER_USER} reminders already; "
                        "delete one in /reminders first."
                    )
                zone = user.timezone or self.default_zone
                target = ChatRef(chat.platform, ref.user_id, ChatKind.PRIVATE)
            schedule = request.schedule
            if schedule.kind is ScheduleKind.INTERVAL:
                offset = spread_offset(chat.platform, target.chat_id, schedule.every_minutes)
                schedule = replace(schedule, offset_minutes=offset)
            row = Reminder(
                user_id=user.id,
                community_id=community.id if community else None,
                platform=chat.platform,
                chat_id=target.chat_id,
                chat_kind=target.kind.value,
                kind=request.kind,
                schedule=json.dumps(schedule.to_json()),
                timezone=zone,
                status=ReminderStatus.ACTIVE,
                attempts=0,
                last_text_index=-1,
                created_at=now,
            )
            after = max(now, user.quiet_until) if user.quiet_until and not shared else now
            first = next_after(schedule, ZoneInfo(zone), after)
            if first is None:
                raise ReminderRefused("That reminder would never come; try another time.")
            row.occurrence_at = row.next_due_at = first
            await tx.reminders.add(row)
            result = view(row)
        self.wake(chat.platform)
        return result

    # -- listing and changing --------------------------------------------------------------

    async def list_for(
        self, ref: UserRef, chat: ChatRef
    ) -> tuple[list[ReminderView], list[ReminderView], User]:
        """(personal reminders, this community chat's shared reminders, the user)."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            mine = [view(r) for r in await tx.reminders.for_user(user.id)]
            shared: list[ReminderView] = []
            if chat.kind is ChatKind.COMMUNITY:
                shared = [view(r) for r in await tx.reminders.for_chat(chat.platform, chat.chat_id)]
        return mine, shared, user

    async def _owned(self, tx: Tx, ref: UserRef, reminder_id: int) -> Reminder:
        """The reminder if this person may change it (theirs, or shared and they moderate)."""
        row = await tx.reminders.get(reminder_id)
        if row is None or row.platform != ref.platform:
            raise ReminderRefused("That reminder no longer exists.")
        if row.community_id is not None:
            if not ref.is_moderator:
                raise ReminderRefused("Only moderators can change reminders for everyone.")
            return row
        user = await tx.users.get(ref.platform, ref.user_id)
        if user is None or row.user_id != user.id:
            raise ReminderRefused("That is someone else's reminder.")
        return row

    async def pause(self, ref: UserRef, reminder_id: int) -> ReminderView:
        """Pause a reminder, and drop any snoozed copy of it still to come."""
        async with self._db.transaction() as tx:
            row = await self._owned(tx, ref, reminder_id)
            row.status = ReminderStatus.PAUSED
            row.next_due_at = None
            row.claimed_by = None
            for copy in await tx.reminders.snoozed_copies(row.id):
                copy.status, copy.next_due_at = ReminderStatus.FINISHED, None
            return view(row)

    async def resume(self, ref: UserRef, reminder_id: int) -> ReminderView:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            row = await self._owned(tx, ref, reminder_id)
            row.status = ReminderStatus.ACTIVE
            quiet = None
            if row.community_id is None and row.user_id is not None:
                owner = await tx.users.by_id(row.user_id)
                quiet = owner.quiet_until if owner else None
            self._reschedule(row, max(now, quiet) if quiet else now)
            result = view(row)
        self.wake(ref.platform)
        return result

    async def delete(self, ref: UserRef, reminder_id: int) -> ReminderView:
        async with self._db.transaction() as tx:
            row = await self._owned(tx, ref, reminder_id)
            result = view(row)
            await tx.reminders.delete(row.id)
        return result

    async def change(
        self, ref: UserRef, reminder_id: int, request: ReminderRequest
    ) -> ReminderView:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            row = await self._owned(tx, ref, reminder_id)
            schedule = request.schedule
            if schedule.kind is ScheduleKind.INTERVAL:
                offset = spread_offset(row.platform, row.chat_id, schedule.every_minutes)
                schedule = replace(schedule, offset_minutes=offset)
            row.schedule = json.dumps(schedule.to_json())
            row.kind = request.kind
            row.status = ReminderStatus.ACTIVE
            self._reschedule(row, now)
            result = view(row)
        self.wake(ref.platform)
        return result

    def _reschedule(self, row: Reminder, after: datetime) -> None:
        if row.status != ReminderStatus.ACTIVE:
            return
        schedule = Schedule.from_json(json.loads(row.schedule))
        following = next_after(schedule, ZoneInfo(row.timezone), after)
        row.occurrence_at = row.next_due_at = following
        row.claimed_by = None
        row.attempts = 0
        if following is None:
            row.status = ReminderStatus.FINISHED

    # -- from a reminder message -----------------------------------------------------------

    async def delivery(self, delivery_id: int) -> tuple[ReminderDelivery, Reminder | None] | None:
        async with self._db.transaction() as tx:
            found = await tx.reminders.delivery_by_id(delivery_id)
            if found is None:
                return None
            row = await tx.reminders.get(found.reminder_id) if found.reminder_id else None
            return found, row

    async def done(self, ref: UserRef, delivery_id: int) -> bool:
        """Log Done for this person; False if they had already."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            found = await tx.reminders.delivery_by_id(delivery_id)
            if found is None:
                raise ReminderRefused("That reminder is too old to mark.")
            user = await tx.users.ensure(ref, now)
            if (
                found.user_id is not None
                and found.user_id != user.id
                and not await self._is_shared(tx, found)
            ):
                raise ReminderRefused("That is someone else's reminder.")
            return await tx.reminders.mark_done(found.id, user.id, now)

    async def _is_shared(self, tx: Tx, found: ReminderDelivery) -> bool:
        row = await tx.reminders.get(found.reminder_id) if found.reminder_id else None
        return row is not None and row.community_id is not None

    async def snooze(self, ref: UserRef, delivery_id: int) -> datetime:
        """Send this reminder again in 15 minutes (a one-off copy); returns when."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            found = await tx.reminders.delivery_by_id(delivery_id)
            source = (
                await tx.reminders.get(found.reminder_id) if found and found.reminder_id else None
            )
            if found is None or source is None:
                raise ReminderRefused("That reminder no longer exists.")
            row = await self._owned(tx, ref, source.id)
            series = row.snooze_of or row.id
            pending = await tx.reminders.snoozed_copies(series)
            if pending and pending[0].occurrence_at is not None:
                local = pending[0].occurrence_at.astimezone(ZoneInfo(row.timezone))
                raise ReminderRefused(f"Already snoozed until {local:%H:%M}.")
            at = now + SNOOZE
            copy = Reminder(
                user_id=row.user_id,
                community_id=row.community_id,
                platform=row.platform,
                chat_id=row.chat_id,
                chat_kind=row.chat_kind,
                kind=row.kind,
                schedule=json.dumps(Schedule(ScheduleKind.ONCE, at=at).to_json()),
                timezone=row.timezone,
                status=ReminderStatus.ACTIVE,
                next_due_at=at,
                occurrence_at=at,
                attempts=0,
                last_text_index=found.text_index,
                snooze_of=series,
                created_at=now,
            )
            await tx.reminders.add(copy)
        self.wake(ref.platform)
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
                self._reschedule(row, max(now, until) if until else now)
            zone = self.zone_of(user)
        self.wake(ref.platform)
        return len(rows), zone

    # -- recipients who leave and come back ------------------------------------------------

    async def recipient_gone(self, platform: str, chat_id: str) -> int:
        async with self._db.transaction() as tx:
            return await tx.reminders.block_chat(platform, chat_id)

    async def recipient_back(self, platform: str, chat_id: str) -> Sequence[ReminderView]:
        """Resume reminders that were paused because the recipient was unreachable."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            rows = await tx.reminders.blocked_for_chat(platform, chat_id)
            for row in rows:
                row.status = ReminderStatus.ACTIVE
                self._reschedule(row, now)
            views = [view(r) for r in rows]
        if views:
            self.wake(platform)
        return views
