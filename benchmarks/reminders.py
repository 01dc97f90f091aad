"""Reminder dispatcher at scale, next to APScheduler 3.x holding the same schedules.

    pip install -e ".[bench]"                      # APScheduler, to compare with
    python -m benchmarks.reminders                 # 100,000 users, SQLite, one simulated day
    python -m benchmarks.reminders --users 10000   # quicker
    python -m benchmarks.reminders --database-url postgresql+asyncpg://postgres@127.0.0.1/test

What it measures, in one run:
- knotbot's dispatcher: a simulated Monday (manual clock) of 100,000 users' reminders from the
  database, sent through an in-memory platform paced at Telegram's limits (30 messages/s overall,
  1/s per chat): lateness (sent minus due) p50/p99. Then every reminder made due at once and
  sent unthrottled on the real clock: CPU seconds per 1,000 reminders (the process: dispatcher,
  SQLAlchemy and the SQLite engine; a PostgreSQL server's own CPU is not included) and peak
  Python memory (tracemalloc) while the whole pool goes through.
- APScheduler 3.x (what python-telegram-bot's JobQueue uses) with the same schedules as cron
  jobs: in its MemoryJobStore (memory after adding the jobs) and in its SQLAlchemyJobStore
  (memory and CPU for the same day). APScheduler cannot run on a simulated clock, so its day is
  replayed through the calls its scheduler loop makes at each wake-up (get_due_jobs, the
  trigger's next fire time, update_job), without sending.

Results go to benchmarks/results/reminders.json and reminders.md (the table in the README).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import resource
import tempfile
import time
import tracemalloc
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update

from bot.clock import Clock, ManualClock, SystemClock
from bot.content import load_content
from bot.messages import ChatRef, MessageRef, Reply
from bot.outbox import PlatformLimits
from bot.reminders.dispatcher import Dispatcher, DispatchSettings, run_simulated
from bot.reminders.schedule import WEEKDAYS, Schedule, ScheduleKind, next_after
from bot.reminders.service import spread_offset
from bot.settings import SHIPPED_CONTENT
from bot.storage import Database
from bot.storage.schema import Reminder, ReminderDelivery, User

RESULTS = Path(__file__).resolve().parent / "results"
TELEGRAM = PlatformLimits(
    min_edit_interval=3.0, sends_per_second=30.0, sends_per_chat_per_second=1.0
)
DAY_START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday
# Where people are: weights roughly like a worldwide English-speaking community.
ZONES = {
    "America/Los_Angeles": 10, "America/Denver": 3, "America/Chicago": 8, "America/New_York": 14,
    "America/Sao_Paulo": 5, "Europe/London": 12, "Europe/Berlin": 12, "Europe/Helsinki": 4,
    "Africa/Lagos": 4, "Asia/Kolkata": 10, "Asia/Singapore": 5, "Asia/Tokyo": 4,
    "Australia/Sydney": 6, "Pacific/Auckland": 3,
}  # fmt: skip


@dataclass(frozen=True)
class Planned:
    user: int
    zone: str
    kind: str
    schedule: Schedule


def plan(users: int, seed: int = 7) -> list[Planned]:
    """Everyone has a relax reminder (every 1, 2 or 3 h within their working hours, weekdays);
    three in ten also a bedtime mouth-guard reminder at a time of their choosing."""
    rng = random.Random(seed)
    zones, weights = list(ZONES), list(ZONES.values())
    planned: list[Planned] = []
    for user in range(users):
        zone = rng.choices(zones, weights)[0]
        every = rng.choice((60, 120, 120, 120, 180))
        start = rng.choice((8, 9, 9, 10))
        schedule = Schedule(
            ScheduleKind.INTERVAL,
            every_minutes=every,
            window_start=dtime(start),
            window_end=dtime(start + 9),
            weekdays=WEEKDAYS,
            offset_minutes=spread_offset("telegram", str(user), every),
        )
        planned.append(Planned(user, zone, "relax", schedule))
        if rng.random() < 0.3:
            at = rng.choice((dtime(22), dtime(22, 30), dtime(23)))
            planned.append(
                Planned(user, zone, "mouth-guard", Schedule(ScheduleKind.DAILY, times=(at,)))
            )
    return planned


async def load(db: Database, planned: list[Planned], users: int) -> None:
    created = DAY_START - timedelta(days=1)
    async with db.engine.begin() as conn:
        for chunk in range(0, users, 5000):
            await conn.execute(
                insert(User),
                [
                    {
                        "platform": "telegram",
                        "platform_user_id": str(u),
                        "display_name": f"user {u}",
                        "timezone": None,
                        "locale": "en",
                        "created_at": created,
                    }
                    for u in range(chunk, min(users, chunk + 5000))
                ],
            )
        rows = []
        for p in planned:
            first = next_after(p.schedule, ZoneInfo(p.zone), DAY_START - timedelta(seconds=1))
            rows.append({
                "user_id": p.user + 1, "community_id": None, "platform": "telegram",
                "chat_id": str(p.user), "chat_kind": "private", "kind": p.kind,
                "schedule": json.dumps(p.schedule.to_json()), "timezone": p.zone, "status": "active",
                "next_due_at": first, "occurrence_at": first, "claimed_by": None, "attempts": 0,
                "last_text_index": -1, "snooze_of": None, "created_at": created,
            })  # fmt: skip
        for chunk in range(0, len(rows), 5000):
            await conn.execute(insert(Reminder), rows[chunk : chunk + 5000])


class PacedPlatform:
    """An in-memory platform: it counts what arrives; the dispatcher paces itself to `limits`."""

    def __init__(self, clock: Clock) -> None:
        self.limits = TELEGRAM
        self.sent = 0
        self._clock = clock

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        self.sent += 1
        return MessageRef("telegram", chat.chat_id, str(self.sent))

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        return None


async def simulate(
    db: Database, clock: ManualClock, until: datetime, *, record: bool
) -> Dispatcher:
    """Run the real dispatcher's passes, the manual clock jumping from one due time to the next."""
    platform = PacedPlatform(clock)
    dispatcher = Dispatcher(
        platform="telegram", outbox=platform, db=db, content=load_content(SHIPPED_CONTENT),
        clock=clock, owner="bench", settings=DispatchSettings(), record_lateness=record,
    )  # fmt: skip
    await run_simulated(dispatcher, clock, until)
    return dispatcher


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def bench_knotbot(url: str | None, users: int, planned: list[Planned]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(url or f"sqlite+aiosqlite:///{tmp}/bench.db")
        if url:
            await _reset(db)
        await db.upgrade()
        started = time.perf_counter()
        await load(db, planned, users)
        load_seconds = time.perf_counter() - started
        # 1. A simulated day on the manual clock: when does each reminder go out?
        clock = ManualClock(DAY_START, settle_rounds=6)
        wall0 = time.perf_counter()
        # The day is [00:00, 24:00): what is due at midnight belongs to the next one.
        day_end = DAY_START + timedelta(days=1) - timedelta(microseconds=1)
        dispatcher = await simulate(db, clock, day_end, record=True)
        wall = time.perf_counter() - wall0
        lateness, sent = dispatcher.stats.lateness, dispatcher.stats.sent
        forced, excess = await compare_with_the_limit(db)
        # 2. The dispatcher's own cost, on the real clock: every reminder due at once, sent as
        # fast as the database allows (the simulation's clock-stepping is not counted).
        cost = await throughput(db)
        if url:
            await _reset(db)
        await db.close()
    on_time = sum(1 for s in lateness if s <= 1.0)
    return {
        "reminders_sent": sent,
        "reminders_skipped": dispatcher.stats.skipped,
        "load_seconds": round(load_seconds, 1),
        "simulation_wall_seconds": round(wall, 1),
        **cost,
        "lateness_p50_s": round(percentile(lateness, 50), 2),
        "lateness_p99_s": round(percentile(lateness, 99), 2),
        "within_1s_share": round(on_time / max(len(lateness), 1), 4),
        "forced_lateness_p50_s": round(percentile(forced, 50), 2),
        "forced_lateness_p99_s": round(percentile(forced, 99), 2),
        "excess_lateness_p99_s": round(percentile(excess, 99), 2),
        "excess_within_1s_share": round(
            sum(1 for s in excess if s <= 1.0) / max(len(excess), 1), 4
        ),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def compare_with_the_limit(db: Database) -> tuple[list[float], list[float]]:
    """For every reminder sent in the day: how late the platform limit alone forces it to be
    (a perfect sender, due order, at most 30 in any second and 1/s per chat), and how much
    later than that knotbot actually sent it."""
    async with db.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(ReminderDelivery.occurrence_at, ReminderDelivery.sent_at, Reminder.chat_id)
                .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
                .where(ReminderDelivery.status == "sent")
                .order_by(ReminderDelivery.occurrence_at, ReminderDelivery.id)
            )
        ).all()
    window: deque[float] = deque(maxlen=int(TELEGRAM.sends_per_second))
    chat_next: dict[str, float] = {}
    forced, excess = [], []
    for due, sent, chat in rows:
        at = max(due.timestamp(), window[-1] if window else 0.0, chat_next.get(chat, 0.0))
        if len(window) == window.maxlen:
            at = max(at, window[0] + 1.0)
        window.append(at)
        chat_next[chat] = at + 1.0 / TELEGRAM.sends_per_chat_per_second
        forced.append(at - due.timestamp())
        excess.append(max(0.0, sent.timestamp() - at))
    return forced, excess


async def throughput(db: Database) -> dict[str, object]:
    """Make every reminder due now and send them all unthrottled: CPU and peak memory."""
    now = datetime.now(UTC) - timedelta(seconds=1)
    async with db.engine.begin() as conn:
        await conn.execute(
            update(Reminder).values(next_due_at=now, occurrence_at=now, status="active")
        )
    clock = SystemClock()
    platform = PacedPlatform(clock)
    platform.limits = PlatformLimits(1.0, 1e9, 1e9)
    # Generous windows: on the real clock a batch is minutes past "now"; it must still be sent.
    generous = DispatchSettings(grace=timedelta(days=1), catch_up_after=timedelta(days=1))
    dispatcher = Dispatcher(
        platform="telegram", outbox=platform, db=db, content=load_content(SHIPPED_CONTENT),
        clock=clock, owner="bench", settings=generous,
    )  # fmt: skip
    cpu0 = time.process_time()
    while await dispatcher.run_once():
        pass
    cpu = time.process_time() - cpu0
    sent = max(dispatcher.stats.sent, 1)
    # The same again under tracemalloc (which slows everything down) for peak memory.
    async with db.engine.begin() as conn:
        await conn.execute(
            update(Reminder).values(next_due_at=now, occurrence_at=now, status="active")
        )
        await conn.execute(delete(ReminderDelivery))
    gc.collect()
    tracemalloc.start()
    while await dispatcher.run_once():
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "throughput_sent": dispatcher.stats.sent // 2,
        "cpu_seconds_per_1000": round(cpu / sent * 1000, 3),
        "peak_python_memory_mb": round(peak / 2**20, 1),
    }


async def _reset(db: Database) -> None:
    async with db.engine.begin() as conn:
        for table in (
            "reminder_dones",
            "reminder_deliveries",
            "reminders",
            "hold_sessions",
            "communities",
            "users",
            "alembic_version",
        ):
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")


def send_reminder(user: int) -> None:  # what an APScheduler job would call
    return None


def apscheduler_triggers(planned: list[Planned]):  # type: ignore[no-untyped-def]
    from apscheduler.triggers.cron import CronTrigger

    for p in planned:
        s = p.schedule
        if s.kind is ScheduleKind.INTERVAL:
            # The same wall times: the hours of a weekday's occurrences, at the offset minute.
            hours = ",".join(str(t.hour) for t in s.wall_times(DAY_START.date()))
            yield (
                p,
                CronTrigger(
                    day_of_week="mon-fri", hour=hours, minute=s.offset_minutes, timezone=p.zone
                ),
            )
        else:
            at = s.times[0]
            yield p, CronTrigger(hour=at.hour, minute=at.minute, timezone=p.zone)


def add_jobs(store, planned: list[Planned]) -> float:  # type: ignore[no-untyped-def]
    """Add every schedule as a job, exactly as APScheduler's add_job does once it runs
    (a Job with its trigger and first run time, handed to the job store); returns CPU seconds."""
    from apscheduler.job import Job
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=UTC)  # never started: the store is driven directly
    store.start(scheduler, "default")
    now = datetime.now(UTC)
    cpu0 = time.process_time()
    for p, trigger in apscheduler_triggers(planned):
        job = Job(
            scheduler, id=f"{p.user}-{p.kind}", func=send_reminder, trigger=trigger,
            executor="default", args=(p.user,), kwargs={}, name="send_reminder",
            misfire_grace_time=1800, coalesce=True, max_instances=1,
            next_run_time=trigger.get_next_fire_time(None, now),
        )  # fmt: skip
        store.add_job(job)
    return time.process_time() - cpu0


def bench_apscheduler_memory(planned: list[Planned]) -> dict[str, object]:
    """MemoryJobStore: every job lives in memory, as in python-telegram-bot's JobQueue."""
    from apscheduler.jobstores.memory import MemoryJobStore

    gc.collect()
    tracemalloc.start()
    store = MemoryJobStore()
    add_cpu = add_jobs(store, planned)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cpu_day, fired = replay_day(store)
    return {
        "jobs": len(planned),
        "memory_after_adding_mb": round(current / 2**20, 1),
        "peak_python_memory_mb": round(peak / 2**20, 1),
        "add_jobs_cpu_seconds": round(add_cpu, 1),
        "day_fired": fired,
        "cpu_seconds_per_1000": round(cpu_day / max(fired, 1) * 1000, 3),
    }


def bench_apscheduler_sqlalchemy(planned: list[Planned], hours: int) -> dict[str, object]:
    """SQLAlchemyJobStore (SQLite file): jobs pickled in the database, loaded when due."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    with tempfile.TemporaryDirectory() as tmp:
        store = SQLAlchemyJobStore(url=f"sqlite:///{tmp}/aps.db")
        add_cpu = add_jobs(store, planned)
        gc.collect()
        tracemalloc.start()
        cpu_day, fired = replay_day(store, hours)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.shutdown()
    return {
        "jobs": len(planned),
        "add_jobs_cpu_seconds": round(add_cpu, 1),
        "peak_python_memory_mb": round(peak / 2**20, 1),
        "day_fired": fired,
        "replayed_hours": hours,
        "cpu_seconds_per_1000": round(cpu_day / max(fired, 1) * 1000, 3),
    }


def replay_day(store, hours: int = 24) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """What APScheduler's _process_jobs does at each wake-up of the day, without executing."""
    # Jobs were added "now"; move every job's next run to the simulated day first.
    for job in store.get_all_jobs():
        job._modify(next_run_time=job.trigger.get_next_fire_time(None, DAY_START))
        store.update_job(job)
    end = DAY_START + timedelta(hours=hours)
    fired = 0
    cpu0 = time.process_time()
    now = store.get_next_run_time()
    while now is not None and now < end:
        for job in store.get_due_jobs(now):
            run_times = job._get_run_times(now)
            fired += len(run_times[-1:])
            following = job.trigger.get_next_fire_time(run_times[-1], now)
            if following:
                job._modify(next_run_time=following)
                store.update_job(job)
            else:
                store.remove_job(job.id)
        now = store.get_next_run_time()
    return time.process_time() - cpu0, fired


def table(
    users: int,
    ours: dict[str, object],
    memory: dict[str, object],
    sqla: dict[str, object],
    url: str | None,
) -> str:
    where = "PostgreSQL" if url else "SQLite"
    return "\n".join([
        f"Reminders for {users:,} users ({memory['jobs']:,} schedules), one simulated Monday, "
        f"paced at Telegram's 30 messages/s; {where}. Measured {datetime.now(UTC):%Y-%m-%d}.",
        "",
        "| | knotbot dispatcher | APScheduler MemoryJobStore | APScheduler SQLAlchemyJobStore |",
        "|---|---|---|---|",
        f"| Peak Python memory | {ours['peak_python_memory_mb']} MB | {memory['peak_python_memory_mb']} MB "
        f"(holding {memory['memory_after_adding_mb']} MB) | {sqla['peak_python_memory_mb']} MB |",
        f"| CPU per 1,000 reminders | {ours['cpu_seconds_per_1000']} s (incl. sending, {where}) "
        f"| {memory['cpu_seconds_per_1000']} s (scheduling only) | {sqla['cpu_seconds_per_1000']} s (scheduling only) |",
        f"| Reminders in the day | {ours['reminders_sent']:,} sent, {ours['reminders_skipped']:,} skipped "
        f"| {memory['day_fired']:,} fired "
        f"| {sqla['day_fired']:,} fired in the {sqla.get('replayed_hours', 24)} h replayed |",
        f"| Lateness p50 / p99 | {ours['lateness_p50_s']} s / {ours['lateness_p99_s']} s "
        f"({float(str(ours['within_1s_share'])) * 100:.1f}% within 1 s) | n/a | n/a |",
        f"| ...of which the 30/s limit forces (p50 / p99) | {ours['forced_lateness_p50_s']} s / {ours['forced_lateness_p99_s']} s | | |",
        f"| Lateness beyond what the limit forces, p99 | {ours['excess_lateness_p99_s']} s "
        f"({float(str(ours['excess_within_1s_share'])) * 100:.1f}% within 1 s) | | |",
        f"| Adding the schedules | {ours['load_seconds']} s (bulk insert) | {memory['add_jobs_cpu_seconds']} s CPU "
        f"| {sqla['add_jobs_cpu_seconds']} s CPU |",
    ])  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument(
        "--skip-sqlalchemy-store", action="store_true", help="it is the slowest part"
    )
    parser.add_argument(
        "--sqlalchemy-hours",
        type=int,
        default=24,
        help="replay only this many hours of the day for the SQLAlchemy store (a rate is measured)",
    )
    args = parser.parse_args()
    try:
        import apscheduler  # noqa: F401  (checked now, not after the long knotbot part)
    except ImportError:
        parser.exit(2, 'APScheduler is not installed: pip install -e ".[bench]"\n')
    planned = plan(args.users)
    print(f"{args.users:,} users, {len(planned):,} schedules")
    ours = await bench_knotbot(args.database_url, args.users, planned)
    print("knotbot:", ours)
    memory = bench_apscheduler_memory(planned)
    print("APScheduler MemoryJobStore:", memory)
    sqla = {"jobs": len(planned), "add_jobs_cpu_seconds": "-", "peak_python_memory_mb": "-",
            "day_fired": 0, "cpu_seconds_per_1000": "-"}  # fmt: skip
    if not args.skip_sqlalchemy_store:
        sqla = bench_apscheduler_sqlalchemy(planned, args.sqlalchemy_hours)
        print("APScheduler SQLAlchemyJobStore:", sqla)
    RESULTS.mkdir(exist_ok=True)
    results = {"users": args.users, "database": "postgresql" if args.database_url else "sqlite",
               "knotbot": ours, "apscheduler_memory": memory, "apscheduler_sqlalchemy": sqla}  # fmt: skip
    (RESULTS / "reminders.json").write_text(json.dumps(results, indent=2) + "\n")
    markdown = table(args.users, ours, memory, sqla, args.database_url)
    (RESULTS / "reminders.md").write_text(markdown + "\n")
    print()
    print(markdown)


if __name__ == "__main__":
    asyncio.run(main())
