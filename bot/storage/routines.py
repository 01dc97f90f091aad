"""People's own routines, and the `/routine new` conversation each is written in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import Routine, RoutineDraft

# A person's routines, at most: a list that fits a screen, and no filling the database.
MAX_PER_PERSON = 20


class Routines:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def of_user(self, user_id: int) -> Sequence[Routine]:
        return (
            await self._s.scalars(
                select(Routine).where(Routine.user_id == user_id).order_by(Routine.id)
            )
        ).all()

    async def count(self, user_id: int) -> int:
        total = await self._s.scalar(
            select(func.count()).select_from(Routine).where(Routine.user_id == user_id)
        )
        return int(total or 0)

    async def get(self, routine_id: int) -> Routine | None:
        return await self._s.get(Routine, routine_id)

    async def own(self, user_id: int, routine_id: int) -> Routine | None:
        """The routine if it is this person's: every lookup by a number a client sent goes
        through here or through `bot.access`."""
        return await self._s.scalar(
            select(Routine).where(Routine.id == routine_id, Routine.user_id == user_id)
        )

    async def by_key(self, user_id: int, name_key: str) -> Routine | None:
        return await self._s.scalar(
            select(Routine).where(Routine.user_id == user_id, Routine.name_key == name_key)
        )

    async def add(self, routine: Routine) -> Routine:
        self._s.add(routine)
        await self._s.flush()
        return routine

    async def delete(self, routine_id: int) -> None:
        await self._s.execute(delete(RoutineDraft).where(RoutineDraft.routine_id == routine_id))
        await self._s.execute(delete(Routine).where(Routine.id == routine_id))

    # -- the step-by-step conversation -----------------------------------------------------

    async def draft(self, user_id: int) -> RoutineDraft | None:
        return await self._s.scalar(select(RoutineDraft).where(RoutineDraft.user_id == user_id))

    async def put_draft(
        self, user_id: int, *, step: str, data: str, routine_id: int | None, now: datetime
    ) -> RoutineDraft:
        found = await self.draft(user_id)
        if found is None:
            found = RoutineDraft(user_id=user_id, step=step, data=data, updated_at=now)
            self._s.add(found)
        found.step, found.data, found.routine_id, found.updated_at = step, data, routine_id, now
        await self._s.flush()
        return found

    async def drop_draft(self, user_id: int) -> None:
        await self._s.execute(delete(RoutineDraft).where(RoutineDraft.user_id == user_id))
