"""Reminders, their deliveries and Done presses; the dispatcher's claims go through here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import Reminder, ReminderDelivery, ReminderDone, ReminderMinute, User


class ReminderStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    BLOCKED = "blocked"  # the recipient blocked the bot or closed their DMs
    FINISHED = "finished"  # a one-off that has been delivered, or a repeat that ended
    DELETED = "deleted"  # deleted a moment ago: Undo brings it back, then it is removed


# Reminders that no longer count: neither listed nor counted toward any limit.
GONE = (ReminderStatus.FINISHED, ReminderStatus.DELETED)


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # claimed, not started: safe to send after a crash
    SENDING = "sending"  # the send is under way; if this survives a crash, the outcome is unknown
    SENT = "sent"
    RETRYING = "retrying"  # known not delivered; will be tried again
    SKIPPED = "skipped"  # missed (outage beyond the grace window, or quiet time)
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # a crash between send and commit on a platform without dedup


class Reminders:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, reminder: Reminder) -> Reminder:
        self._s.add(reminder)
        await self._s.flush()
        return reminder

    async def occupy(self, reminder_id: int, platform: str, minutes: set[int]) -> None:
        """Record the minutes of the day (UTC) a reminder fires at, replacing earlier ones."""
        await self._s.execute(
            delete(ReminderMinute).where(ReminderMinute.reminder_id == reminder_id)
        )
        if minutes:
            await self._s.execute(
                insert(ReminderMinute),
                [{"reminder_id": reminder_id, "platform": platform, "minute": m} for m in minutes],
            )

    async def load(self, platform: str, minutes: set[int]) -> dict[int, int]:
        """How many active reminders fire at each of `minutes` (UTC minutes of the day)."""
        if not minutes:
            return {}
        rows = await self._s.execute(
            select(ReminderMinute.minute, func.count())
            .join(Reminder, Reminder.id == ReminderMinute.reminder_id)
            .where(
                ReminderMinute.platform == platform,
                ReminderMinute.minute.in_(sorted(minutes)),
                Reminder.status == ReminderStatus.ACTIVE,
            )
            .group_by(ReminderMinute.minute)
        )
        return {int(minute): int(count) for minute, count in rows.all()}

    async def get(self, reminder_id: int) -> Reminder | None:
        return await self._s.get(Reminder, reminder_id)

    async def for_user(self, user_id: int) -> Sequence[Reminder]:
        rows = await self._s.scalars(
            select(Reminder)
            .where(
                Reminder.user_id == user_id,
                Reminder.community_id.is_(None),
                Reminder.snooze_of.is_(None),
                Reminder.status.not_in(GONE),
            )
            .order_by(Reminder.id)
        )
        return rows.all()

    async def count_for_user(self, user_id: int) -> int:
        """A person's reminders that may still come: personal ones, snoozed copies included."""
        return int(
            await self._s.scalar(
                select(func.count()).where(
                    Reminder.user_id == user_id,
                    Reminder.community_id.is_(None),
                    Reminder.status.not_in(GONE),
                )
            )
            or 0
        )

    async def count_for_community(self, community_id: int) -> int:
        return int(
            await self._s.scalar(
                select(func.count()).where(
                    Reminder.community_id == community_id,
                    Reminder.status.not_in(GONE),
                )
            )
            or 0
        )

    async def quiet_among(self, user_ids: set[int], now: datetime) -> set[int]:
        """Which of these people are in quiet time now."""
        if not user_ids:
            return set()
        found = await self._s.scalars(
            select(User.id).where(User.id.in_(user_ids), User.quiet_until > now)
        )
        return set(found.all())

    async def for_chat(self, platform: str, chat_id: str) -> Sequence[Reminder]:
        """Shared reminders of a community chat."""
        rows = await self._s.scalars(
            select(Reminder)
            .where(
                Reminder.platform == platform,
                Reminder.chat_id == chat_id,
                Reminder.community_id.is_not(None),
                Reminder.status.not_in(GONE),
            )
            .order_by(Reminder.id)
        )
        return rows.all()

    async def for_community(self, community_id: int) -> Sequence[Reminder]:
        """Shared reminders of a community, in all its chats."""
        rows = await self._s.scalars(
            select(Reminder)
            .where(
                Reminder.community_id == community_id,
                Reminder.status.not_in(GONE),
            )
            .order_by(Reminder.id)
        )
        return rows.all()

    async def snoozed_copies(self, reminder_id: int) -> Sequence[Reminder]:
        """Snoozed copies of a reminder that are still to come."""
        rows = await self._s.scalars(
            select(Reminder).where(
                Reminder.snooze_of == reminder_id, Reminder.status == ReminderStatus.ACTIVE
            )
        )
        return rows.all()

    async def delete(self, reminder_id: int) -> None:
        await self._s.execute(delete(Reminder).where(Reminder.id == reminder_id))

    async def purge_deleted(self, before: datetime) -> None:
        """Remove for good what was deleted before `before` (its Undo has run out)."""
        await self._s.execute(
            delete(Reminder).where(
                Reminder.status == ReminderStatus.DELETED, Reminder.deleted_at < before
            )
        )

    async def snoozed_for_user(self, user_id: int) -> Sequence[Reminder]:
        """A person's snoozed copies still to come (a list shows them, with Cancel)."""
        rows = await self._s.scalars(
            select(Reminder)
            .where(
                Reminder.user_id == user_id,
                Reminder.community_id.is_(None),
                Reminder.snooze_of.is_not(None),
                Reminder.status == ReminderStatus.ACTIVE,
            )
            .order_by(Reminder.next_due_at)
        )
        return rows.all()

    async def next_due(self, platform: str) -> datetime | None:
        """The earliest moment any reminder of this platform needs attention (an index lookup)."""
        return await self._s.scalar(
            select(func.min(Reminder.next_due_at)).where(
                Reminder.platform == platform, Reminder.status == ReminderStatus.ACTIVE
            )
        )

    async def claim(
        self, *, platform: str, now: datetime, lease_until: datetime, limit: int, owner: str
    ) -> Sequence[Reminder]:
        """Take up to `limit` due reminders, earliest first, for this dispatcher alone.

        FOR UPDATE SKIP LOCKED lets several processes on one PostgreSQL claim side by side
        without waiting for or doubling each other; the claim itself is the pushed-back
        `next_due_at`, so it survives the transaction and expires by itself after a crash.
        """
        rows = (
            await self._s.scalars(
                select(Reminder)
                .where(
                    Reminder.platform == platform,
                    Reminder.status == ReminderStatus.ACTIVE,
                    Reminder.next_due_at <= now,
                )
                .order_by(Reminder.next_due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if rows:
            await self._s.execute(
                update(Reminder)
                .where(Reminder.id.in_([r.id for r in rows]))
                .values(next_due_at=lease_until, claimed_by=owner)
                .execution_options(synchronize_session=False)
            )
        return rows

    async def block_chat(self, platform: str, chat_id: str) -> int:
        """Pause every reminder for a recipient who is gone (blocked the bot, closed DMs)."""
        result = await self._s.execute(
            update(Reminder)
            .where(
                Reminder.platform == platform,
                Reminder.chat_id == chat_id,
                Reminder.status == ReminderStatus.ACTIVE,
            )
            .values(status=ReminderStatus.BLOCKED, next_due_at=None, claimed_by=None)
        )
        return result.rowcount or 0  # type: ignore[attr-defined]

    async def blocked_for_chat(self, platform: str, chat_id: str) -> Sequence[Reminder]:
        rows = await self._s.scalars(
            select(Reminder).where(
                Reminder.platform == platform,
                Reminder.chat_id == chat_id,
                Reminder.status == ReminderStatus.BLOCKED,
            )
        )
        return rows.all()

    # -- deliveries ----------------------------------------------------------------------------

    async def statuses(self, ids: Sequence[int]) -> dict[int, str]:
        rows = await self._s.execute(
            select(Reminder.id, Reminder.status).where(Reminder.id.in_(ids))
        )
        return {row_id: status for row_id, status in rows}

    async def update_many(self, changes: Sequence[dict[str, Any]]) -> None:
        """Update reminders by primary key in one statement (same keys in every dict)."""
        if changes:
            await self._s.execute(update(Reminder), list(changes))

    async def update_deliveries(self, changes: Sequence[dict[str, Any]]) -> None:
        if changes:
            await self._s.execute(update(ReminderDelivery), list(changes))

    async def deliveries_by_key(self, keys: Sequence[str]) -> dict[str, ReminderDelivery]:
        rows = await self._s.scalars(
            select(ReminderDelivery).where(ReminderDelivery.occurrence_key.in_(keys))
        )
        return {d.occurrence_key: d for d in rows}

    async def delivery_by_id(self, delivery_id: int) -> ReminderDelivery | None:
        return await self._s.get(ReminderDelivery, delivery_id)

    async def add_deliveries(self, deliveries: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert many at once; returns their ids by occurrence key."""
        if not deliveries:
            return {}
        result = await self._s.execute(
            insert(ReminderDelivery).returning(
                ReminderDelivery.id, ReminderDelivery.occurrence_key
            ),
            list(deliveries),
        )
        return {key: delivery_id for delivery_id, key in result}

    async def mark_done(self, delivery_id: int, user_id: int, now: datetime) -> bool:
        """Log a Done press; False if this person already did (one per person and occurrence)."""
        try:
            async with self._s.begin_nested():
                self._s.add(ReminderDone(delivery_id=delivery_id, user_id=user_id, done_at=now))
        except IntegrityError:
            return False
        return True

    async def dones_since(self, user_id: int, since: datetime) -> Sequence[ReminderDone]:
        rows = await self._s.scalars(
            select(ReminderDone)
            .where(ReminderDone.user_id == user_id, ReminderDone.done_at >= since)
            .order_by(ReminderDone.done_at)
        )
        return rows.all()
