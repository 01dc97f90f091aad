"""Tips and their Thanks/Report votes; a tip's counts are always counted from its votes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import Tip, TipVote


class TipStatus(StrEnum):
    PENDING = "pending"  # waiting for a moderator
    APPROVED = "approved"  # visible
    REJECTED = "rejected"
    REMOVED = "removed"  # taken down by a moderator
    DELETED = "deleted"  # taken down by its author: stays down
    HIDDEN = "hidden"  # reported too often: waiting for a moderator again


class VoteKind(StrEnum):
    THANKS = "thanks"
    REPORT = "report"


class Counted(NamedTuple):
    tip: Tip
    thanks: int
    reports: int


def _votes(kind: VoteKind) -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(TipVote.tip_id == Tip.id, TipVote.kind == kind.value)
        .correlate(Tip)
        .scalar_subquery()
    )


_THANKS = _votes(VoteKind.THANKS)
_REPORTS = _votes(VoteKind.REPORT)


class Tips:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def _counted(self, query: object) -> list[Counted]:
        rows = await self._s.execute(query)  # type: ignore[call-overload]
        return [Counted(tip, thanks, reports) for tip, thanks, reports in rows]

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

    async def counted(self, tip_id: int) -> Counted | None:
        found = await self._counted(select(Tip, _THANKS, _REPORTS).where(Tip.id == tip_id))
        return found[0] if found else None

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
    ) -> list[Counted]:
        query = select(Tip, _THANKS, _REPORTS).where(
            Tip.community_id == community_id, Tip.status == TipStatus.APPROVED
        )
        if area is not None:
            query = query.where(Tip.area == area)
        if order == "random":
            query = query.order_by(func.random())
        elif order == "stale":  # least recently featured first (tip of the day)
            query = query.order_by(Tip.featured_at.is_not(None), Tip.featured_at, Tip.id)
        else:
            query = query.order_by(Tip.curated, _THANKS.desc(), Tip.created_at.desc())
        return await self._counted(query.limit(limit))

    async def waiting(self, community_id: int, limit: int = 10) -> list[Counted]:
        """Pending and hidden tips, oldest first, for moderators."""
        return await self._counted(
            select(Tip, _THANKS, _REPORTS)
            .where(
                Tip.community_id == community_id,
                Tip.status.in_((TipStatus.PENDING, TipStatus.HIDDEN)),
            )
            .order_by(Tip.created_at)
            .limit(limit)
        )

    async def by_author(self, community_id: int, author_id: int) -> list[Counted]:
        return await self._counted(
            select(Tip, _THANKS, _REPORTS)
            .where(
                Tip.community_id == community_id,
                Tip.author_id == author_id,
                Tip.status.not_in((TipStatus.REMOVED, TipStatus.DELETED)),
            )
            .order_by(Tip.created_at.desc())
            .limit(20)
        )

    async def vote(self, tip: Tip, user_id: int, kind: VoteKind, now: datetime) -> bool:
        """Count one Thanks or Report per person; False if they already did."""
        try:
            async with self._s.begin_nested():
                self._s.add(TipVote(tip_id=tip.id, user_id=user_id, kind=kind, created_at=now))
        except IntegrityError:
            return False
        return True

    async def votes(self, tip_id: int, kind: VoteKind) -> int:
        total = await self._s.scalar(
            select(func.count()).where(TipVote.tip_id == tip_id, TipVote.kind == kind)
        )
        return int(total or 0)
