"""Tips and their Thanks/Report votes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import Tip, TipVote


class TipStatus(StrEnum):
    PENDING = "pending"  # waiting for a moderator
    APPROVED = "approved"  # visible
    REJECTED = "rejected"
    REMOVED = "removed"  # taken down by a moderator or its author
    HIDDEN = "hidden"  # reported too often: waiting for a moderator again


class Tips:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, tip: Tip) -> Tip | None:
        """Store a tip; None if the community already has the same text."""
        try:
            async with self._s.begin_nested():
                self._s.add(tip)
        except IntegrityError:
            return None
        return tip

    async def get(self, tip_id: int) -> Tip | None:
        return await self._s.get(Tip, tip_id)

    async def by_key(self, community_id: int, text_key: str) -> Tip | None:
        return await self._s.scalar(
            select(Tip).where(Tip.community_id == community_id, Tip.text_key == text_key)
        )

    async def shared_since(self, community_id: int, author_id: int, since: datetime) -> int:
        total = await self._s.scalar(
            select(func.count()).where(
                Tip.community_id == community_id,
                Tip.author_id == author_id,
                Tip.curated.is_(False),
                Tip.created_at >= since,
            )
        )
        return int(total or 0)

    async def approved(
        self, community_id: int, *, area: str | None = None, order: str = "top", limit: int = 5
    ) -> Sequence[Tip]:
        query = select(Tip).where(
            Tip.community_id == community_id, Tip.status == TipStatus.APPROVED
        )
        if area is not None:
            query = query.where(Tip.area == area)
        if order == "random":
            query = query.order_by(func.random())
        elif order == "stale":  # least recently featured first (tip of the day)
            query = query.order_by(Tip.featured_at.is_not(None), Tip.featured_at, Tip.id)
        else:
            query = query.order_by(Tip.curated, Tip.thanks.desc(), Tip.created_at.desc())
        return (await self._s.scalars(query.limit(limit))).all()

    async def waiting(self, community_id: int, limit: int = 10) -> Sequence[Tip]:
        """Pending and hidden tips, oldest first, for moderators."""
        rows = await self._s.scalars(
            select(Tip)
            .where(
                Tip.community_id == community_id,
                Tip.status.in_((TipStatus.PENDING, TipStatus.HIDDEN)),
            )
            .order_by(Tip.created_at)
            .limit(limit)
        )
        return rows.all()

    async def by_author(self, community_id: int, author_id: int) -> Sequence[Tip]:
        rows = await self._s.scalars(
            select(Tip)
            .where(
                Tip.community_id == community_id,
                Tip.author_id == author_id,
                Tip.status != TipStatus.REMOVED,
            )
            .order_by(Tip.created_at.desc())
            .limit(20)
        )
        return rows.all()

    async def vote(self, tip: Tip, user_id: int, kind: str, now: datetime) -> bool:
        """Count one Thanks or Report per person; False if they already did."""
        try:
            async with self._s.begin_nested():
                self._s.add(TipVote(tip_id=tip.id, user_id=user_id, kind=kind, created_at=now))
        except IntegrityError:
            return False
        column = Tip.thanks if kind == "thanks" else Tip.reports
        await self._s.execute(update(Tip).where(Tip.id == tip.id).values({column: column + 1}))
        await self._s.refresh(tip)
        return True
