"""Whose is a stored thing, and which community it belongs to: what `bot.access` judges by."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import Community, Reminder, ReminderDelivery, Routine, Tip, User


@dataclass(frozen=True)
class Belonging:
    platform: str
    owner: str | None  # the owner's id on the platform
    community: str | None  # the community's id on the platform; None for personal things


class Ownership:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def reminder(self, reminder_id: int) -> Belonging | None:
        row = (
            await self._s.execute(
                select(Reminder.platform, User.platform_user_id, Community.platform_community_id)
                .outerjoin(User, User.id == Reminder.user_id)
                .outerjoin(Community, Community.id == Reminder.community_id)
                .where(Reminder.id == reminder_id)
            )
        ).first()
        return Belonging(*row) if row else None

    async def delivery(self, delivery_id: int) -> Belonging | None:
        """A sent occurrence belongs where its reminder does (or to its person, if the reminder
        was deleted since)."""
        row = (
            await self._s.execute(
                select(ReminderDelivery.reminder_id, User.platform, User.platform_user_id)
                .outerjoin(User, User.id == ReminderDelivery.user_id)
                .where(ReminderDelivery.id == delivery_id)
            )
        ).first()
        if row is None:
            return None
        reminder_id, platform, owner = row
        if reminder_id is not None:
            return await self.reminder(reminder_id)
        return Belonging(platform, owner, None) if platform is not None else None

    async def tip(self, tip_id: int) -> Belonging | None:
        row = (
            await self._s.execute(
                select(Community.platform, User.platform_user_id, Community.platform_community_id)
                .select_from(Tip)
                .join(Community, Community.id == Tip.community_id)
                .outerjoin(User, User.id == Tip.author_id)
                .where(Tip.id == tip_id)
            )
        ).first()
        return Belonging(*row) if row else None

    async def routine(self, routine_id: int) -> Belonging | None:
        """A routine is its person's alone, never a community's (a shared copy is a tip)."""
        row = (
            await self._s.execute(
                select(User.platform, User.platform_user_id)
                .join(Routine, Routine.user_id == User.id)
                .where(Routine.id == routine_id)
            )
        ).first()
        return Belonging(row[0], row[1], None) if row else None
