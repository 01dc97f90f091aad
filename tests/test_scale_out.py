"""Two full bot processes on one PostgreSQL: every reminder goes out once, none is lost."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from bot.messages import ChatKind, ChatRef, UserRef
from bot.reminders.parse import ReminderRequest
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.reminders.scheduler import Scheduler
from bot.reminders.service import ReminderService
from bot.storage import Database
from bot.storage.schema import ReminderDelivery
from tests.conftest import PG_ENV, _pg_unreachable

KNOTBOT = Path(sys.executable).parent / "knotbot"
REMINDERS = 120


@pytest.fixture
async def shared_database() -> AsyncIterator[str]:
    """A PostgreSQL database of its own, created for this test and dropped after it."""
    url = os.environ.get(PG_ENV)
    reason = f"{PG_ENV} is not set" if not url else await _pg_unreachable(url)
    if reason:
        if os.environ.get("KNOTBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    assert url is not None
    name = f"knotbot_scale_{uuid.uuid4().hex[:10]}"
    admin = Database(url, connect_args={})
    async with admin.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    own = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        yield own
    finally:
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def start_console(url: str, instance: str, workdir: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNOTBOT_")}
    env.update(KNOTBOT_DATABASE_URL=url, KNOTBOT_INSTANCE_ID=instance)
    command = [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
    return subprocess.Popen(
        [*command, "console"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=workdir, env=env,
    )  # fmt: skip


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
