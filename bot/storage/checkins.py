"""Tension check-ins (0-10): before and after a hold, after a reminder's Done.

Each value is set once: a second tap on an old button changes nothing. Every write names
the person, so a button pressed by someone else can never touch another person's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import CheckIn, HoldSession, User


class CheckIns:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def wanted(self, user: User) -> bool:
        """Whether a reminder's Done asks: when they said so, or once they have answered one."""
        if user.check_ins is not None:
            return user.check_ins
        found = await self._s.scalar(select(CheckIn.id).where(CheckIn.user_id == user.id).limit(1))
        return found is not None

    async def before_hold(self, hold_id: int, user_id: int, value: int, now: datetime) -> bool:
        """Record how tense it was before this person's hold; False if not theirs or answered."""
        hold = await self._s.get(HoldSession, hold_id)
        if hold is None or hold.user_id != user_id:
            return False
        row = CheckIn(
            user_id=user_id,
            hold_id=hold_id,
            technique_id=hold.technique_id,
            area_id=hold.area_id,
            tension_before=value,
            created_at=now,
        )
        try:
            async with self._s.begin_nested():
                self._s.add(row)
        except IntegrityError:  # answered already (a double tap, another process)
            return False
        return True

    async def after_hold(
        self, hold_id: int, user_id: int, value: int, now: datetime
    ) -> CheckIn | None:
        """Record how tense it is after the hold, once, where a before was given."""
        done = await self._s.execute(
            update(CheckIn)
            .where(
                CheckIn.hold_id == hold_id,
                CheckIn.user_id == user_id,
                CheckIn.tension_before.is_not(None),
                CheckIn.tension_after.is_(None),
            )
            .values(tension_after=value, after_at=now)
            .execution_options(synchronize_session=False)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            return None
        return await self._s.scalar(
            select(CheckIn)
            .where(CheckIn.hold_id == hold_id)
            .execution_options(populate_existing=True)
        )

    async def after_done(
        self, delivery_id: int, user_id: int, kind: str, value: int, now: datetime
    ) -> bool:
        """Record how tense it is after a reminder's Done; False if answered already."""
        row = CheckIn(
            user_id=user_id,
            delivery_id=delivery_id,
            technique_id=kind[:32],
            tension_after=value,
            created_at=now,
            after_at=now,
        )
        try:
            async with self._s.begin_nested():
                self._s.add(row)
        except IntegrityError:
            return False
        return True

    async def of_hold(self, hold_id: int) -> CheckIn | None:
        return await self._s.scalar(select(CheckIn).where(CheckIn.hold_id == hold_id))

    async def pairs_since(self, user_id: int, since: datetime) -> Sequence[CheckIn]:
        """Holds with both values, for /progress."""
        rows = await self._s.scalars(
            select(CheckIn)
            .where(
                CheckIn.user_id == user_id,
                CheckIn.hold_id.is_not(None),
                CheckIn.tension_before.is_not(None),
                CheckIn.tension_after.is_not(None),
                CheckIn.created_at >= since,
            )
            .order_by(CheckIn.created_at)
        )
        return rows.all()

    async def set_wanted(self, user: User, on: bool) -> None:
        user.check_ins = on
