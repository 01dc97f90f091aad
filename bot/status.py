"""`knotbot status`: is the database there and current, are reminders on time, what runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.storage import Database, DatabaseUnavailable, safe_url
from bot.storage.holds import HoldStatus
from bot.storage.reminders import DeliveryStatus, ReminderStatus
from bot.storage.schema import HoldSession, Reminder, ReminderDelivery

# How far back `knotbot status` counts reminders whose fate a crash left unknown.
UNCERTAIN_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


async def database_checks(db: Database, now: datetime) -> list[Check]:
    """Reachability, schema, reminder lag (how late the most overdue reminder is), holds."""
    try:
        await db.ping()
    except DatabaseUnavailable as exc:
        return [Check("database", False, str(exc))]
    checks = [Check("database", True, f"reachable ({safe_url(db.url)})")]
    current, head = await db.revisions()
    if current != head:
        checks.append(
            Check(
                "schema",
                False,
                f"at {current or 'nothing'}, code expects {head}: run knotbot db upgrade",
            )
        )
        return checks
    checks.append(Check("schema", True, f"up to date ({head})"))
    async with db.session() as session:
        active = await session.scalar(
            select(func.count()).where(Reminder.status == ReminderStatus.ACTIVE)
        )
        overdue, oldest = (
            await session.execute(
                select(func.count(), func.min(Reminder.next_due_at)).where(
                    Reminder.status == ReminderStatus.ACTIVE, Reminder.next_due_at < now
                )
            )
        ).one()
        running = await session.scalar(
            select(func.count()).where(HoldSession.status == HoldStatus.RUNNING)
        )
        uncertain = await session.scalar(
            select(func.count()).where(
                ReminderDelivery.status == DeliveryStatus.UNCERTAIN,
                ReminderDelivery.occurrence_at >= now - UNCERTAIN_WINDOW,
            )
        )
    lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    # A dispatcher more than a couple of minutes behind is stuck or overloaded.
    checks.append(
        Check(
            "reminders",
            lag < 180,
            f"{active} active, {overdue} overdue, dispatcher lag {lag:.0f} s",
        )
    )
    # Informational: each is one reminder a crash may have kept from going out (at most once).
    checks.append(
        Check(
            "deliveries",
            True,
            f"{uncertain} uncertain in the last {UNCERTAIN_WINDOW.days} days"
            " (a crash between a send and its record: sent at most once)",
        )
    )
    checks.append(Check("holds", True, f"{running} running"))
    return checks
