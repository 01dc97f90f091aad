"""The dispatcher's statements: claiming due reminders, and recording each occurrence's fate.

All SQL Core on the table, no ORM objects: these run for every reminder sent, so a batch of
a thousand costs a few statements. A claim is three whatever the backlog (the candidates, an
index range; then locking and taking them by primary key); ids go as one array value,
constants are written into the statements, and a due time many rows share is converted once.

Claims are leases: `next_due_at` is pushed to the lease's end and `claimed_by` names the
process, so a claim held by a process that died simply becomes due again. Every later write
checks `claimed_by`, so a process whose lease ran out never overwrites another's work.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Row,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.reminders import DeliveryStatus, ReminderStatus
from bot.storage.schema import Reminder, ReminderDelivery, User, UTCDateTime


class _SharedTime(UTCDateTime):
    """A time many rows of a batch share (everyone due at the same minute with the same
    schedule has the same next occurrence): each different one is converted once."""

    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        process = super().bind_processor(dialect)  # this type's conversion, then the driver's
        return lru_cache(maxsize=256)(process) if process else None


_SHARED = _SharedTime()

_R = Reminder.__table__
_D = ReminderDelivery.__table__
_U = User.__table__
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
    # Until when its person asked for quiet (/quiet), read along with the claim.
    select(_U.c.quiet_until).where(_U.c.id == _R.c.user_id).scalar_subquery().label("quiet_until"),
    # The language its person speaks (/language, else their platform's): its message's.
    select(_U.c.language).where(_U.c.id == _R.c.user_id).scalar_subquery().label("language"),
    select(_U.c.locale).where(_U.c.id == _R.c.user_id).scalar_subquery().label("locale"),
)
# Constants written into the statements, not sent with every row of a batch.
_ACTIVE = literal_column(f"'{ReminderStatus.ACTIVE.value}'")
_MINE = (
    _R.c.id == bindparam("b_id"),
    _R.c.claimed_by == bindparam("b_owner"),
    _R.c.status == _ACTIVE,
)
# On to the next occurrence (the common case: fewer values to send for every reminder).
_MOVE_ON = (
    update(_R)
    .where(*_MINE)
    .values(
        status=bindparam("status"),
        next_due_at=bindparam("next_due_at", type_=_SHARED),
        occurrence_at=bindparam("next_due_at", type_=_SHARED),
        attempts=literal_column("0"),
        last_text_index=bindparam("last_text_index"),
        claimed_by=None,
    )
)
# The same occurrence again later (a retry).
_ADVANCE = (
    update(_R)
    .where(*_MINE)
    .values(
        status=bindparam("status"),
        next_due_at=bindparam("next_due_at"),
        occurrence_at=bindparam("occurrence_at"),
        attempts=bindparam("attempts"),
        last_text_index=bindparam("last_text_index"),
        claimed_by=None,
    )
)
# A new occurrence's record, unless it is recorded already (after a crash, or a retry).
_RECORD_NEW = {
    name: dialect.insert(_D)
    .values(
        {
            **{c: bindparam(c) for c in ("reminder_id", "user_id", "occurrence_key", "kind")},
            "occurrence_at": bindparam("occurrence_at", type_=_SHARED),
            "status": bindparam("status"),
            "text_index": bindparam("text_index"),
        }
    )
    .on_conflict_do_nothing(index_elements=[_D.c.occurrence_key])
    .returning(_D.c.id, _D.c.occurrence_key)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_SETTLE = (
    update(_D)
    .where(_D.c.id == bindparam("b_id"))
    .values(status=bindparam("status"), sent_at=bindparam("sent_at"))
)


class Claims:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    @property
    def _dialect(self) -> str:
        return self._s.bind.dialect.name

    def _among(self, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
        """`column IN ids`, the ids sent as one value (an array on PostgreSQL, a JSON array on
        SQLite) instead of one parameter each: a batch has a thousand."""
        if self._dialect == "postgresql":
            return column == any_(bindparam(None, list(ids), type_=postgresql.ARRAY(BigInteger)))
        each = func.json_each(bindparam(None, json.dumps(list(ids)))).table_valued("value")
        return column.in_(select(each.c.value))

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
        # The earliest due (an index range), at most `per_chat` of each chat among them: the
        # work grows with the batch, not with everything that is due.
        candidates = (
            select(_R.c.id, _R.c.chat_id, _R.c.next_due_at)
            .where(*due)
            .order_by(_R.c.next_due_at, _R.c.id)
            .limit(limit)
            .subquery()
        )
        ranked = select(
            candidates.c.id,
            func.row_number()
            .over(
                partition_by=candidates.c.chat_id,
                order_by=(candidates.c.next_due_at, candidates.c.id),
            )
            .label("rank"),
        ).subquery()
        fair = select(ranked.c.id).where(ranked.c.rank <= per_chat)
        ids = list((await self._s.execute(fair)).scalars())
        if not ids:
            return []
        # Locked and taken by primary key only. Joined back with the due conditions, a plan
        # made from statistics that lag behind a burst (everything due at once, estimated
        # as one row) went quadratic on PostgreSQL: 26 s a claim at 130,000 due. The
        # conditions are checked again on the locked rows' latest version instead: another
        # process may have claimed some since the candidates were read.
        locked = await self._s.execute(
            select(_R.c.id, _R.c.status, _R.c.next_due_at)
            .where(self._among(_R.c.id, ids))
            .with_for_update(skip_locked=True)
        )
        still = [
            row.id
            for row in locked
            if row.status == ReminderStatus.ACTIVE.value
            and row.next_due_at is not None
            and row.next_due_at <= now
        ]
        if not still:
            return []
        rows = (
            await self._s.execute(
                update(_R)
                .where(self._among(_R.c.id, still))
                .values(next_due_at=lease_until, claimed_by=owner)
                .returning(*CLAIMED)
            )
        ).all()
        return sorted(rows, key=lambda row: row.id)

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
        """Record occurrences (queued, or skipped) not recorded before; the new ones' ids by key
        (an occurrence recorded before keeps its record: see `deliveries`)."""
        if not values:
            return {}
        statement = _RECORD_NEW[self._dialect]
        result = await self._s.execute(statement, list(values))
        return {key: delivery_id for delivery_id, key in result}

    async def set_status(
        self, ids: Sequence[int], status: DeliveryStatus, now: datetime | None = None
    ) -> None:
        """Mark deliveries (`sending` just before their sends, with the moment)."""
        if ids:
            values: dict[str, Any] = {"status": status.value}
            if now is not None:
                values["attempted_at"] = now
            await self._s.execute(update(_D).where(self._among(_D.c.id, ids)).values(**values))

    async def settle(self, outcomes: Sequence[dict[str, Any]]) -> None:
        """Each delivery's outcome: `b_id`, `status`, `sent_at`."""
        if outcomes:
            await self._s.execute(_SETTLE, list(outcomes))

    async def advance(self, changes: Sequence[dict[str, Any]]) -> None:
        """Each claimed reminder's next step (`b_id`, `b_owner`, `status`, `next_due_at`,
        `last_text_index`; for the same occurrence again also `occurrence_at` and `attempts`,
        else the next occurrence is `next_due_at`), if this process still holds it and nobody
        paused it meanwhile."""
        moved = [c for c in changes if "attempts" not in c]
        again = [c for c in changes if "attempts" in c]
        if moved:
            await self._s.execute(_MOVE_ON, moved)
        if again:
            await self._s.execute(_ADVANCE, again)

    async def unclaim(self, ids: Sequence[int], owner: str, *, due_again: bool = False) -> None:
        """Let go of claims: of reminders paused or changed meanwhile (they keep their new
        state), or with `due_again` of queued ones not sent (at shutdown: due at once again)."""
        if not ids:
            return
        query = update(_R).where(self._among(_R.c.id, ids), _R.c.claimed_by == owner)
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
                    self._among(_R.c.id, ids),
                    _R.c.claimed_by == owner,
                    _R.c.status == ReminderStatus.ACTIVE.value,
                )
                .values(next_due_at=until)
            )
