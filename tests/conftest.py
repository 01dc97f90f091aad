"""Shared fixtures: content, databases (SQLite always, PostgreSQL when reachable), a bot."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings as hypothesis_settings

from bot.clock import ManualClock
from bot.content import ContentLibrary, load_content
from bot.core import Knotbot
from bot.settings import SHIPPED_CONTENT, Settings
from bot.storage import Database
from tests.helpers import PLATFORM, RecordingOutbox

if TYPE_CHECKING:
    from tests.fuzzing import World

PG_ENV = "KNOTBOT_TEST_DATABASE_URL"

# The fuzz tests explore new random examples on every run on a developer's machine. CI runs the
# same examples every time (HYPOTHESIS_PROFILE=ci, set by .ci/run), so its verdict depends on the
# change and not on luck; a failure found locally is pinned there with @example.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def content() -> ContentLibrary:
    return load_content(SHIPPED_CONTENT)


@pytest.fixture(scope="session")
def content_dir() -> Path:
    return SHIPPED_CONTENT


def _pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


_pg_checked: dict[str, str | None] = {}


async def _pg_unreachable(url: str) -> str | None:
    """None when PostgreSQL answers, else the reason (checked once per run)."""
    if url not in _pg_checked:
        db = Database(url)
        try:
            await asyncio.wait_for(db.ping(), 10)
            _pg_checked[url] = None
        except Exception as exc:
            _pg_checked[url] = f"PostgreSQL at {PG_ENV} is unreachable: {exc}"
        finally:
            await db.close()
    return _pg_checked[url]


async def _open_database(kind: str, tmp_path: Path) -> AsyncIterator[Database]:
    if kind == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'knotbot.db'}")
        await db.upgrade()
        yield db
        await db.close()
        return
    url = _pg_url()
    reason = (
        f"{PG_ENV} is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
        if url is None
        else await _pg_unreachable(url)
    )
    if reason:
        if os.environ.get("KNOTBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"KNOTBOT_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    assert url is not None
    # A schema of its own per test: tests (and parallel CI runs) never see each other's rows.
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db = Database(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        await db.upgrade()
        yield db
    finally:
        await db.close()
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Runs the test on SQLite and on PostgreSQL."""
    async for db in _open_database(request.param, tmp_path):
        yield db


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async for database in _open_database("sqlite", tmp_path):
        yield database


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def make_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"instance_id": "test-1", "database_url": "sqlite+aiosqlite://"}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def platform(clock: ManualClock) -> RecordingOutbox:
    """The in-memory platform as a whole: what holds edit and what is sent unprompted."""
    return RecordingOutbox(clock)


@pytest.fixture
async def bot(
    content: ContentLibrary, db: Database, clock: ManualClock, platform: RecordingOutbox
) -> AsyncIterator[Knotbot]:
    """The core on the in-memory platform (holds edit their messages through `platform`)."""
    knotbot = Knotbot(settings=make_settings(), content=content, db=db, clock=clock)
    knotbot.services.holds.attach(PLATFORM, platform)
    yield knotbot
    await knotbot.shutdown()


@pytest.fixture
def world(content: ContentLibrary, db: Database) -> World:
    """The fuzz tests' shared content and database (see tests/test_fuzz_core.py)."""
    from tests.fuzzing import World  # it needs make_settings from here

    return World(content, db)
