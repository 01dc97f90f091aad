"""The dispatcher's statements: claiming due reminders, and recording each occurrence's fate.

All SQL Core on the table, no ORM objects: these run for every reminder sent, so they are
kept to a few set-based statements per batch.

Claims are leases: `next_due_at` is pushed to the lease's end and `claimed_by` names the
process, so a claim held by a process that died simply becomes due again. Every later write
checks `claimed_by`, so a process whose lease ran out never overwrites another's work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.reminders import DeliveryStatus, ReminderStatus
from bot.storage.schema import Reminder, ReminderDelivery, User

_R = Reminder.__table__
_D = ReminderDelivery.__table__
CLAIMED = (
    _R.c.id,
    _R.c.user_id,
    _R.c.community_id,
    _R.c.chat_id,
    _R.c.chat_kind,
    _R.c.kind,
    _R.c.words,
    _R.c.schedule,
    _R.c.timezone,
    _R.c.occurrence_at,
    _R.c.attempts,
    _R.c.last_text_index,
    _R.c.snooze_of,
)
_ADVANCE = (
    update(_R)
    .where(
        _R.c.id == bindparam("b_id"),
        _R.c.claimed_by == bindparam("b_owner"),
        _R.c.status == ReminderStatus.ACTIVE.value,
    )
    .values(
        status=bindparam("status"),
        next_due_at=bindparam("next_due_at"),
        occurrence_at=bindparam("occurrence_at"),
        attempts=bindparam("attempts"),
        last_text_index=bindparam("last_text_index"),
        claimed_by=None,
    )
)
_SETTLE = (
    update(_D)
    .where(_D.c.id == bindparam("b_id"))
    .values(status=bindparam("status"), sent_at=bindparam("sent_at"))
)


class Claims:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(
        self,
        *,
        platform: str,
        now: datetime,
        lease_until: datetime,
        owner: str,
        limit: int,
        per_chat: int,
        busy: Iterable[str] = (),
    ) -> Sequence[Row[Any]]:
        """Take up to `limit` due reminders, earliest first, at most `per_chat` of one chat,
        none of the `busy` chats (whose queue here is not empty), for this process alone.

        FOR UPDATE SKIP LOCKED lets several processes claim side by side on PostgreSQL without
        waiting for or doubling each other.
        """
        due = [
            _R.c.platform == platform,
            _R.c.status == ReminderStatus.ACTIVE.value,
            _R.c.next_due_at <= now,
        ]
        busy = list(busy)
        if busy:
            due.append(_R.c.chat_id.not_in(busy))
        ranked = (
            select(
                _R.c.id,
                _R.c.next_due_at,
                func.row_number()
                .over(partition_by=_R.c.chat_id, order_by=(_R.c.next_due_at, _R.c.id))
                .label("rank"),
            )
            .where(*due)
            .subquery()
        )
        fair = (
            select(ranked.c.id)
            .where(ranked.c.rank <= per_chat)
            .order_by(ranked.c.next_due_at, ranked.c.id)
            .limit(limit)
        )
        rows = (
            await self._s.execute(
                select(*CLAIMED)
                .where(_R.c.id.in_(fair), *due)
                .order_by(_R.c.next_due_at, _R.c.id)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if rows:
            await self._s.execute(
                update(_R)
                .where(_R.c.id.in_([r.id for r in rows]))
                .values(next_due_at=lease_until, claimed_by=owner)
            )
        return rows

    async def next_due(self, platform: str, busy: Iterable[str] = ()) -> datetime | None:
        """When the earliest reminder of this platform needs attention (an index lookup),
        leaving out chats whose queue here is not empty."""
        query = select(func.min(_R.c.next_due_at)).where(
            _R.c.platform == platform, _R.c.status == ReminderStatus.ACTIVE.value
        )
        busy = list(busy)
        if busy:
            query = query.where(_R.c.chat_id.not_in(busy))
        return await self._s.scalar(query)

    async def quiet_among(self, user_ids: set[int], now: datetime) -> set[int]:
        if not user_ids:
            return set()
        found = await self._s.scalars(
            select(User.id).where(User.id.in_(user_ids), User.quiet_until > now)
        )
        return set(found.all())

    async def deliveries(self, keys: Sequence[str]) -> dict[str, Row[Any]]:
        """Occurrences recorded before (a crash, a retry), by key."""
        if not keys:
            return {}
        rows = await self._s.execute(
            select(
                _D.c.id, _D.c.occurrence_key, _D.c.status, _D.c.attempted_at, _D.c.text_index
            ).where(_D.c.occurrence_key.in_(keys))
        )
        return {row.occurrence_key: row for row in rows}

    async def add_deliveries(self, values: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Record occurrences (queued, or skipped); their ids by key."""
        if not values:
            return {}
        result = await self._s.execute(
            insert(_D).returning(_D.c.id, _D.c.occurrence_key), list(values)
        )
        return {key: delivery_id for delivery_id, key in result}

    async def set_status(
        self, ids: Sequence[int], status: DeliveryStatus, now: datetime | None = None
    ) -> None:
        """Mark deliveries (`sending` just before their sends, with the moment)."""
        if ids:
            values: dict[str, Any] = {"status": status.value}
            if now is not None:
                values["attempted_at"] = now
            await self._s.execute(update(_D).where(_D.c.id.in_(ids)).values(**values))

    async def settle(self, outcomes: Sequence[dict[str, Any]]) -> None:
        """Each delivery's outcome: `b_id`, `status`, `sent_at`."""
        if outcomes:
            await self._s.execute(_SETTLE, list(outcomes))

    async def advance(self, changes: Sequence[dict[str, Any]]) -> None:
        """Each claimed reminder's next step (`b_id`, `b_owner`, `status`, `next_due_at`,
        `occurrence_at`, `attempts`, `last_text_index`), if this process still holds it and
        nobody paused it meanwhile."""
        if changes:
            await self._s.execute(_ADVANCE, list(changes))

    async def unclaim(self, ids: Sequence[int], owner: str, *, due_again: bool = False) -> None:
        """Let go of claims: of reminders paused or changed meanwhile (they keep their new
        state), or with `due_again` of queued ones not sent (at shutdown: due at once again)."""
        if not ids:
            return
        query = update(_R).where(_R.c.id.in_(ids), _R.c.claimed_by == owner)
        if due_again:
            query = query.where(_R.c.status == ReminderStatus.ACTIVE.value).values(
                next_due_at=_R.c.occurrence_at, claimed_by=None
            )
        else:
            query = query.values(claimed_by=None)
        await self._s.execute(query)

    async def renew(self, ids: Sequence[int], owner: str, until: datetime) -> None:
        """Extend the lease of claims still waiting to be sent."""
        if ids:
            await self._s.execute(
                update(_R)
                .where(
                    _R.c.id.in_(ids),
                    _R.c.claimed_by == owner,
                    _R.c.status == ReminderStatus.ACTIVE.value,
                )
                .values(next_due_at=until)
            )
