"""The history of guided holds, and the bookkeeping that stops a restart leaving one hanging."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import HoldSession


class HoldStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


# What a hold counts for the daily limit: rounds done, or all planned while it runs.
_ROUNDS = case(
    (HoldSession.status == HoldStatus.RUNNING, HoldSession.rounds_planned),
    else_=HoldSession.rounds_done,
)


def _pressed(user_id: int, area_id: str, since: datetime) -> tuple[Any, ...]:
    return (
        HoldSession.user_id == user_id,
        HoldSession.area_id == area_id,
        HoldSession.pressure.is_(True),
        HoldSession.started_at >= since,
    )


class Holds:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def start(
        self,
        *,
        user_id: int,
        platform: str,
        chat_id: str,
        technique_id: str,
        area_id: str,
        pressure: bool,
        rounds_planned: int,
        owner: str,
        now: datetime,
    ) -> HoldSession:
        row = HoldSession(
            user_id=user_id,
            platform=platform,
            chat_id=chat_id,
            technique_id=technique_id,
            area_id=area_id,
            pressure=pressure,
            rounds_planned=rounds_planned,
            rounds_done=0,
            status=HoldStatus.RUNNING,
            owner=owner,
            heartbeat_at=now,
            started_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return row

    async def get(self, hold_id: int) -> HoldSession | None:
        return await self._s.get(HoldSession, hold_id)

    async def set_message(self, hold_id: int, message_ref: str) -> None:
        await self._s.execute(
            update(HoldSession).where(HoldSession.id == hold_id).values(message_ref=message_ref)
        )

    async def heartbeat(self, hold_ids: Sequence[int], now: datetime) -> None:
        if hold_ids:
            await self._s.execute(
                update(HoldSession)
                .where(HoldSession.id.in_(hold_ids), HoldSession.status == HoldStatus.RUNNING)
                .values(heartbeat_at=now)
            )

    async def finish(
        self, hold_id: int, *, status: HoldStatus, rounds_done: int, now: datetime
    ) -> None:
        await self._s.execute(
            update(HoldSession)
            .where(HoldSession.id == hold_id, HoldSession.status == HoldStatus.RUNNING)
            .values(status=status, rounds_done=rounds_done, ended_at=now)
        )

    async def pressure_rounds_since(self, user_id: int, area_id: str, since: datetime) -> int:
        """Pressure rounds on one area since `since`: those done, and all those planned by
        holds still running (in any chat, in any process), which will be done in a minute."""
        total = await self._s.scalar(
            select(func.coalesce(func.sum(_ROUNDS), 0)).where(*_pressed(user_id, area_id, since))
        )
        return int(total or 0)

    async def finished_rounds_since(
        self, user_id: int, area_id: str, since: datetime
    ) -> tuple[int, datetime | None]:
        """Pressure rounds on one area done by holds that have ended, and when the latest of
        those holds started (for "You did 3 rounds ... this morning")."""
        ended = HoldSession.status != HoldStatus.RUNNING
        found = (
            await self._s.execute(
                select(
                    func.coalesce(func.sum(HoldSession.rounds_done), 0),
                    func.max(case((HoldSession.rounds_done > 0, HoldSession.started_at))),
                ).where(*_pressed(user_id, area_id, since), ended)
            )
        ).one()
        last = found[1]
        if isinstance(last, str):  # SQLite gives max() of a CASE back as text
            last = datetime.fromisoformat(last)
        return int(found[0] or 0), last.replace(tzinfo=UTC) if last is not None else None

    async def has_tried(self, user_id: int, technique_id: str) -> bool:
        found = await self._s.scalar(
            select(HoldSession.id)
            .where(HoldSession.user_id == user_id, HoldSession.technique_id == technique_id)
            .limit(1)
        )
        return found is not None

    async def history(self, user_id: int, since: datetime) -> Sequence[HoldSession]:
        rows = await self._s.scalars(
            select(HoldSession)
            .where(HoldSession.user_id == user_id, HoldSession.started_at >= since)
            .order_by(HoldSession.started_at)
        )
        return rows.all()

    async def reap_interrupted(
        self, *, platform: str, owner: str, stale_before: datetime, now: datetime
    ) -> Sequence[HoldSession]:
        """Mark holds no live process is running as interrupted and return them.

        A hold is dead when this very process (same owner name) ran it before a restart, or
        when its heartbeat stopped long ago (a process that died for good).
        """
        rows = (
            await self._s.scalars(
                select(HoldSession)
                .where(
                    HoldSession.platform == platform,
                    HoldSession.status == HoldStatus.RUNNING,
                    or_(HoldSession.owner == owner, HoldSession.heartbeat_at < stale_before),
                )
                .with_for_update(skip_locked=True)
            )
        ).all()
        for row in rows:
            row.status = HoldStatus.INTERRUPTED
            row.ended_at = now
        return rows
