"""Two full bot processes on one PostgreSQL: every reminder goes out once, none is lost."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.clock import SystemClock
from bot.messages import ChatKind, ChatRef, UserRef
from bot.reminders.parse import ReminderRequest
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.reminders.scheduler import Scheduler
from bot.reminders.service import ReminderService
from bot.storage import Database
from bot.storage.schema import ReminderDelivery
from tests.processes import shared_database, start_console

__all__ = ["shared_database"]  # a fixture

REMINDERS = 120


async def test_two_processes_share_the_reminders_without_losing_or_doubling_one(
    shared_database: str,
    content,
    tmp_path: Path,  # type: ignore[no-untyped-def]
):
    db = Database(shared_database)
    await db.upgrade()
    clock = SystemClock()
    scheduler = Scheduler(clock=clock, wake=lambda platform: None)
    service = ReminderService(db=db, clock=clock, scheduler=scheduler, default_zone="UTC")
    first_due = clock.now() + timedelta(seconds=6)
    for i in range(REMINDERS):
        at = first_due + timedelta(milliseconds=40 * i)
        await service.create(
            UserRef("console", f"u{i}", f"user {i}"),
            ChatRef("console", f"u{i}", ChatKind.PRIVATE),
            ReminderRequest("relax", Schedule(ScheduleKind.ONCE, at=at), shared=False),
        )
    a = start_console(shared_database, "proc-a", tmp_path)
    b = start_console(shared_database, "proc-b", tmp_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            async with db.session() as session:
                statuses = (await session.scalars(select(ReminderDelivery.status))).all()
            if len(statuses) >= REMINDERS and all(s == "sent" for s in statuses):
                break
            assert time.monotonic() < deadline, f"only {len(statuses)} delivered: {set(statuses)}"
            await asyncio.sleep(0.3)
    finally:
        outputs = []
        for process in (a, b):
            out, err = process.communicate(timeout=30)  # closes stdin: the console ends
            outputs.append(out)
            assert process.returncode == 0, err
        await db.close()
    counts = [out.count("Relax break\n===") for out in outputs]
    assert sum(counts) == REMINDERS, counts  # each reminder printed exactly once, in all
    assert all(c > 0 for c in counts), f"one process did all the work: {counts}"
    assert len(statuses) == REMINDERS
