"""Everything stored about one person, to export it or to forget it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.schema import (
    CheckIn,
    HoldSession,
    Reminder,
    ReminderDelivery,
    ReminderDone,
    Routine,
    RoutineDraft,
    Tip,
    TipVote,
    User,
)

FORMER_MEMBER = "a former member"


def _thanks() -> Any:
    return (
        select(func.count())
        .where(TipVote.tip_id == Tip.id, TipVote.kind == "thanks")
        .correlate(Tip)
        .scalar_subquery()
    )


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


class Personal:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def export(self, user: User) -> dict[str, Any]:
        """All rows about `user`, as plain data (what /export sends)."""
        s = self._s
        reminders = (
            await s.scalars(
                select(Reminder).where(Reminder.user_id == user.id).order_by(Reminder.id)
            )
        ).all()
        deliveries = (
            await s.scalars(
                select(ReminderDelivery)
                .where(ReminderDelivery.user_id == user.id)
                .order_by(ReminderDelivery.occurrence_at)
            )
        ).all()
        dones = (
            await s.scalars(
                select(ReminderDone)
                .where(ReminderDone.user_id == user.id)
                .order_by(ReminderDone.done_at)
            )
        ).all()
        holds = (
            await s.scalars(
                select(HoldSession)
                .where(HoldSession.user_id == user.id)
                .order_by(HoldSession.started_at)
            )
        ).all()
        tips = (
            await s.execute(
                select(Tip, _thanks()).where(Tip.author_id == user.id).order_by(Tip.created_at)
            )
        ).all()
        check_ins = (
            await s.scalars(
                select(CheckIn).where(CheckIn.user_id == user.id).order_by(CheckIn.created_at)
            )
        ).all()
        votes = (
            await s.scalars(select(TipVote).where(TipVote.user_id == user.id).order_by(TipVote.id))
        ).all()
        routines = (
            await s.scalars(select(Routine).where(Routine.user_id == user.id).order_by(Routine.id))
        ).all()
        draft = await s.scalar(select(RoutineDraft).where(RoutineDraft.user_id == user.id))
        return {
            "user": _row(
                user, "platform", "platform_user_id", "display_name", "timezone", "locale",
                "created_at", "quiet_until", "bedtime", "check_ins", "language",
            ),
            "reminders": [
                _row(r, "id", "kind", "words", "schedule", "timezone", "status", "next_due_at",
                     "created_at", "chat_kind")
                for r in reminders
            ],
            "reminder_deliveries": [
                _row(d, "id", "occurrence_at", "kind", "status", "sent_at") for d in deliveries
            ],
            "reminders_done": [_row(d, "delivery_id", "done_at") for d in dones],
            "holds": [
                _row(h, "id", "technique_id", "area_id", "rounds_planned", "rounds_done", "status",
                     "started_at", "ended_at")
                for h in holds
            ],
            "check_ins": [
                _row(c, "hold_id", "delivery_id", "technique_id", "area_id", "tension_before",
                     "tension_after", "created_at", "after_at")
                for c in check_ins
            ],
            "tips": [
                {**_row(t, "id", "text", "area", "status", "created_at"), "thanks": thanks}
                for t, thanks in tips
            ],
            "tip_votes": [_row(v, "tip_id", "kind", "created_at") for v in votes],
            "routines": [
                {**_row(r, "id", "name", "area_id", "press_seconds", "rounds", "rest_seconds",
                        "pressure", "created_at", "updated_at"), "steps": json.loads(r.steps)}
                for r in routines
            ],
            "routine_draft": (
                {**_row(draft, "step", "routine_id", "updated_at"), "said": json.loads(draft.data)}
                if draft else None
            ),
        }  # fmt: skip

    async def forget(self, user: User, *, keep_tips: bool) -> None:
        """Delete the person, and only what is theirs. Their tips stay without their name, or
        go; shared reminders they set up stay with the community, and so do the occurrences of
        those and everyone else's Done on them. Their thanks and reports go with them, and with
        them what those counted (counts are the vote rows)."""
        s = self._s
        await s.execute(
            update(Reminder)
            .where(Reminder.user_id == user.id, Reminder.community_id.is_not(None))
            .values(user_id=None)
        )
        if keep_tips:
            await s.execute(
                update(Tip).where(Tip.author_id == user.id).values(author_name=FORMER_MEMBER)
            )
        else:
            await s.execute(delete(Tip).where(Tip.author_id == user.id))
        # Everything else hangs off the user row and goes with it (ON DELETE CASCADE); tips kept
        # lose their author (ON DELETE SET NULL). Deleted explicitly too, for SQLite databases
        # whose foreign keys are off.
        for table, column in (
            (CheckIn, CheckIn.user_id),
            (ReminderDone, ReminderDone.user_id),
            (ReminderDelivery, ReminderDelivery.user_id),
            (TipVote, TipVote.user_id),
            (HoldSession, HoldSession.user_id),
            (Reminder, Reminder.user_id),
            (RoutineDraft, RoutineDraft.user_id),
            (Routine, Routine.user_id),
        ):
            await s.execute(delete(table).where(column == user.id))
        await s.execute(update(Tip).where(Tip.author_id == user.id).values(author_id=None))
        await s.execute(delete(User).where(User.id == user.id))

    async def counts(self, user: User) -> dict[str, int]:
        async def count(model: Any, column: Any) -> int:
            return int(
                await self._s.scalar(
                    select(func.count()).select_from(model).where(column == user.id)
                )
                or 0
            )

        return {
            "reminders": await count(Reminder, Reminder.user_id),
            "holds": await count(HoldSession, HoldSession.user_id),
            "tips": await count(Tip, Tip.author_id),
            "routines": await count(Routine, Routine.user_id),
        }
