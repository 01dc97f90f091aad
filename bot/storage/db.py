"""The database handle: engine, transactions with their repositories, and migrations."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.storage.repositories import Tx

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# Several processes may start at once on one PostgreSQL: only one migrates at a time.
_PG_MIGRATION_LOCK = 0x6B6E6F74  # "knot"


class DatabaseUnavailable(Exception):
    """The database could not be reached; the message is safe to show (no credentials)."""


def normalize_url(url: str) -> str:
    """Accept the URLs people paste (postgresql://, sqlite:///) and pick the async drivers."""
    parsed = make_url(url)
    driver = {
        "postgresql": "postgresql+asyncpg",
        "postgres": "postgresql+asyncpg",
        "sqlite": "sqlite+aiosqlite",
    }
    if parsed.drivername in driver:
        parsed = parsed.set(drivername=driver[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def safe_url(url: str) -> str:
    """The URL with its password masked, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


class Database:
    def __init__(self, url: str, *, connect_args: dict[str, Any] | None = None) -> None:
        self.url = normalize_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        options: dict[str, Any] = {"connect_args": dict(connect_args or {})}
        if self.dialect == "sqlite":
            options["connect_args"].setdefault("timeout", 30)
        else:
            options.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
        self.engine = create_async_engine(self.url, **options)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite lets one transaction in at a time (see _sqlite_begin), and a connection that
        # waits polls with sleeps of up to 100 ms: with many people talking at once the slowest
        # answers took seconds. In this process they queue in order on a lock instead; another
        # process on the same file still waits through busy_timeout.
        self._sqlite_turns = asyncio.Lock() if self.dialect == "sqlite" else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        async with self._turn(), self._sessions() as session, session.begin():
            tx = Tx(session)
            yield tx
        for callback in tx.committed:
            callback()

    def _turn(self) -> AbstractAsyncContextManager[object]:
        return self._sqlite_turns if self._sqlite_turns is not None else nullcontext()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    async def ping(self) -> None:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            raise DatabaseUnavailable(f"cannot reach the database at {safe_url(self.url)}") from exc

    async def upgrade(self) -> None:
        """Apply pending migrations (the bot does this at start; `knotbot db upgrade` too)."""
        try:
            if self.dialect == "sqlite" and make_url(self.url).database not in (
                None,
                "",
                ":memory:",
            ):
                await self._upgrade_sqlite()
                return
            async with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    await conn.execute(text(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"))
                await conn.run_sync(_run_alembic_upgrade)
        except (OSError, ConnectionError) as exc:
            raise DatabaseUnavailable(f"cannot reach the database at {safe_url(self.url)}") from exc

    async def _upgrade_sqlite(self) -> None:
        """On SQLite a migration may rebuild a table (drop and rename), which with foreign keys
        on would cascade-delete the rows that point at it: so it runs on a connection of its
        own with them off (they can only be switched outside a transaction), then checks that
        every reference still holds."""
        engine = create_async_engine(self.url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_connect_for_migrations)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(_run_alembic_upgrade)
                broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"a migration left broken references: {broken[:5]}")
        finally:
            await engine.dispose()

    async def revisions(self) -> tuple[str | None, str | None]:
        """(the database's schema revision, the newest this code knows)."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        async with self.engine.connect() as conn:
            current = await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
        return current, head

    async def close(self) -> None:
        await self.engine.dispose()


def _run_alembic_upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions (see _sqlite_begin); the SQLAlchemy
    # documentation's recipe for SQLite, which also makes savepoints work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed data
    cursor.close()


def _sqlite_connect_for_migrations(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Take the write lock when a transaction starts, so two writers queue instead of failing:
    a deferred transaction that reads first and writes later cannot upgrade once another
    writer has committed (SQLITE_BUSY_SNAPSHOT)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
