"""Real knotbot processes for tests and benchmarks: a PostgreSQL database of their own, the
command line, an environment that holds only the settings given, a free loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage import Database
from tests.conftest import PG_ENV, _pg_unreachable

KNOTBOT = Path(sys.executable).parent / "knotbot"


def knotbot_command() -> list[str]:
    """How to start knotbot: the installed script, else the module."""
    return [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]


def bot_env(**settings: str) -> dict[str, str]:
    """This environment without any KNOTBOT_ setting of the caller's, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNOTBOT_")}
    env.update(settings)
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def own_database(url: str, prefix: str = "knotbot") -> AsyncIterator[str]:
    """A PostgreSQL database of its own next to `url`'s, created now and dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
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


async def postgres_url() -> str:
    """The test PostgreSQL's URL; skips the test without one (fails with
    KNOTBOT_REQUIRE_POSTGRES=1)."""
    url = os.environ.get(PG_ENV)
    reason = f"{PG_ENV} is not set" if not url else await _pg_unreachable(url)
    if reason:
        if os.environ.get("KNOTBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    assert url is not None
    return url


@pytest.fixture
async def shared_database() -> AsyncIterator[str]:
    """A PostgreSQL database of its own, created for this test and dropped after it."""
    async with own_database(await postgres_url(), "knotbot_scale") as url:
        yield url


def start_console(url: str, instance: str, workdir: Path) -> subprocess.Popen[str]:
    """`knotbot console` on the database at `url`, talking through pipes."""
    env = bot_env(KNOTBOT_DATABASE_URL=url, KNOTBOT_INSTANCE_ID=instance)
    return subprocess.Popen(
        [*knotbot_command(), "console"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=workdir, env=env,
    )  # fmt: skip


async def start_knotbot(
    *args: str, env: dict[str, str], workdir: Path, log: Path
) -> asyncio.subprocess.Process:
    """`knotbot *args` in the background, its output (both streams) appended to `log`."""
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            *knotbot_command(), *args, cwd=workdir, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
