"""APScheduler 3.x (what python-telegram-bot's JobQueue uses) holding the same schedules as
cron jobs: in its MemoryJobStore and in its SQLAlchemyJobStore.

APScheduler cannot run on a simulated clock, so its day is replayed through the calls its
scheduler loop makes at each wake-up (get_due_jobs, the trigger's next fire time,
update_job), without sending.
"""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.reminders.population import DAY_START, Planned
from bot.reminders.schedule import ScheduleKind


def send_reminder(user: int) -> None:  # what an APScheduler job would call
    return None


def triggers(planned: list[Planned]) -> Iterator[tuple[Planned, Any]]:
    """Each schedule as a CronTrigger at the same wall times in the same zone."""
    from apscheduler.triggers.cron import CronTrigger

    for p in planned:
        s = p.schedule
        if s.kind is ScheduleKind.INTERVAL:
            walls = s.wall_times(DAY_START.date())
            minutes = {t.minute for t in walls}
            assert len(minutes) == 1, "one cron minute for all of a schedule's times"
            hours = ",".join(str(t.hour) for t in walls)
            days = ",".join(
                ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[d] for d in sorted(s.weekdays)
            )
            yield (
                p,
                CronTrigger(day_of_week=days, hour=hours, minute=minutes.pop(), timezone=p.zone),
            )
        else:
            at = s.times[0]
            yield p, CronTrigger(hour=at.hour, minute=at.minute, timezone=p.zone)


def add_jobs(store: Any, planned: list[Planned]) -> float:
    """Add every schedule as a job, exactly as APScheduler's add_job does once it runs
    (a Job with its trigger and first run time, handed to the job store); CPU seconds."""
    from apscheduler.job import Job
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=UTC)  # never started: the store is driven directly
    store.start(scheduler, "default")
    now = datetime.now(UTC)
    cpu0 = time.process_time()
    for p, trigger in triggers(planned):
        job = Job(
            scheduler, id=f"{p.user}-{p.kind}", func=send_reminder, trigger=trigger,
            executor="default", args=(p.user,), kwargs={}, name="send_reminder",
            misfire_grace_time=1800, coalesce=True, max_instances=1,
            next_run_time=trigger.get_next_fire_time(None, now),
        )  # fmt: skip
        store.add_job(job)
    return time.process_time() - cpu0


def replay_day(store: Any, hours: int = 24) -> tuple[float, int]:
    """What APScheduler's _process_jobs does at each wake-up of the day, without executing;
    (CPU seconds, jobs fired)."""
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


def memory_store(planned: list[Planned]) -> dict[str, object]:
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


def sqlalchemy_store(planned: list[Planned], hours: int) -> dict[str, object]:
    """SQLAlchemyJobStore (a SQLite file): jobs pickled in the database, loaded when due."""
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
        "add_jobs_cpu_seconds_per_1000": round(add_cpu / max(len(planned), 1) * 1000, 3),
        "peak_python_memory_mb": round(peak / 2**20, 1),
        "day_fired": fired,
        "replayed_hours": hours,
        "cpu_seconds_per_1000": round(cpu_day / max(fired, 1) * 1000, 3),
    }


def skipped_store(planned: list[Planned]) -> dict[str, object]:
    return {"jobs": len(planned), "add_jobs_cpu_seconds": "-", "peak_python_memory_mb": "-",
            "day_fired": 0, "replayed_hours": 0, "cpu_seconds_per_1000": "-"}  # fmt: skip
