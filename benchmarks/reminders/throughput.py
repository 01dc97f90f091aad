"""The dispatcher's own cost: every reminder due at once, sent unthrottled on the real clock.

CPU is the process's (`time.process_time`: the dispatcher, SQLAlchemy, the database driver and,
on SQLite, the database engine in its thread); a PostgreSQL server's own CPU is not included.
It runs `rounds` times (the median counts: other work on the machine disturbs some), then once
more under tracemalloc (which slows everything down) for peak Python memory.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, distinct, func, select, update

from benchmarks.reminders.platform import UNTHROTTLED, InMemoryPlatform
from benchmarks.reminders.population import PLATFORM
from bot.clock import SystemClock
from bot.content import load_content
from bot.reminders.dispatcher import Dispatcher, DispatchSettings
from bot.reminders.kinds import Composers
from bot.settings import SHIPPED_CONTENT
from bot.storage import Database
from bot.storage.reminders import DeliveryStatus, ReminderStatus
from bot.storage.schema import Reminder, ReminderDelivery

# Generous windows: on the real clock the last of a big pool goes out a while after "now";
# it must still be sent, not skipped as a late catch-up.
GENEROUS = DispatchSettings(grace=timedelta(days=1), catch_up_after=timedelta(days=1))


async def all_due_now(db: Database) -> int:
    """Every reminder active and due a second ago, no deliveries recorded; how many."""
    now = datetime.now(UTC) - timedelta(seconds=1)
    async with db.engine.begin() as conn:
        await conn.execute(delete(ReminderDelivery))
        result = await conn.execute(
            update(Reminder).values(
                next_due_at=now,
                occurrence_at=now,
                status=ReminderStatus.ACTIVE.value,
                claimed_by=None,
                attempts=0,
            )
        )
    return result.rowcount


async def reminders_sent(db: Database) -> int:
    """How many different reminders have an occurrence recorded as sent."""
    query = select(func.count(distinct(ReminderDelivery.reminder_id))).where(
        ReminderDelivery.status == DeliveryStatus.SENT.value
    )
    async with db.engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


def dispatcher_for(db: Database, expect: int) -> tuple[Dispatcher, InMemoryPlatform]:
    platform = InMemoryPlatform(SystemClock(), UNTHROTTLED, expect=expect)
    dispatcher = Dispatcher(
        platform=PLATFORM,
        outbox=platform,
        db=db,
        composers=Composers(load_content(SHIPPED_CONTENT)),
        clock=SystemClock(),
        owner="bench",
        settings=GENEROUS,
    )
    return dispatcher, platform


async def send_all(dispatcher: Dispatcher, platform: InMemoryPlatform, expect: int) -> None:
    """Run the dispatcher (`Dispatcher.run`, as an adapter does) until `expect` sends have
    arrived, then stop it (which records the last outcomes)."""
    running = asyncio.create_task(dispatcher.run())
    async with asyncio.timeout(max(300.0, expect / 50)):
        await platform.done.wait()
    dispatcher.stop()
    await running


async def one_round(db: Database, profile: Path | None = None) -> dict[str, float]:
    """Everything due, sent and recorded once: CPU and wall seconds, and how it went."""
    expect = await all_due_now(db)
    dispatcher, platform = dispatcher_for(db, expect)
    gc.collect()
    profiler = cProfile.Profile() if profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    await send_all(dispatcher, platform, expect)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    stats = dispatcher.stats
    # Every reminder went out; more sends than reminders only where a reminder's next time
    # came while the pool was going out (a minute or two of real time at 100,000 people):
    # each occurrence has a key of its own, so none went out twice.
    assert await reminders_sent(db) == expect and stats.sent >= expect, (expect, stats)
    return {"sent": stats.sent, "claims": stats.claims, "cpu": cpu, "wall": wall}


async def throughput(
    db: Database, *, rounds: int = 3, profile: Path | None = None
) -> dict[str, object]:
    """CPU per 1,000 reminders and peak Python memory, as the module says."""
    measured = [await one_round(db) for _ in range(rounds)]
    if profile:
        await one_round(db, profile)
    middle = sorted(measured, key=lambda r: r["cpu"])[len(measured) // 2]
    sent = int(middle["sent"])

    await all_due_now(db)
    dispatcher, platform = dispatcher_for(db, sent)
    gc.collect()
    tracemalloc.start()
    await send_all(dispatcher, platform, sent)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "throughput_sent": sent,
        "throughput_claims": int(middle["claims"]),
        "throughput_cpu_seconds": round(middle["cpu"], 2),
        "throughput_wall_seconds": round(middle["wall"], 2),
        "cpu_seconds_per_1000": round(middle["cpu"] / max(sent, 1) * 1000, 3),
        "cpu_seconds_per_1000_rounds": [round(r["cpu"] / sent * 1000, 3) for r in measured],
        "sent_per_second": round(sent / middle["wall"]),
        "peak_python_memory_mb": round(peak / 2**20, 1),
    }
