"""Where the conversation benchmark runs: each database under test, and fresh ones of it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from benchmarks.common import in_schema, scratch_schema
from bot import app
from bot.core import Knotbot
from bot.settings import Settings
from bot.storage import Database, safe_url


@dataclass
class Target:
    """One database under test; `fresh()` hands out a new, empty database each time."""

    name: str
    url: str
    shown: str  # the URL for the report (no password)
    folder: Path | None = None  # SQLite: where the files go
    stem: str = "knotbot"
    admin: Database | None = None  # PostgreSQL: creates and drops the schemas
    version: str = ""
    _count: int = 0

    @contextlib.asynccontextmanager
    async def fresh(self) -> AsyncIterator[tuple[str, str | None]]:
        """(database URL, PostgreSQL schema or None) of an empty database, removed afterwards."""
        self._count += 1
        if self.folder is not None:
            path = self.folder / f"{self.stem}-bench-{os.getpid()}-{self._count}.db"
            try:
                yield f"sqlite+aiosqlite:///{path}", None
            finally:
                _remove_sqlite(path)
            return
        assert self.admin is not None
        async with scratch_schema(self.admin) as schema:
            yield self.url, schema


async def targets(urls: list[str], stack: contextlib.AsyncExitStack) -> list[Target | str]:
    """The databases to run on; a string instead of a Target says why one is skipped."""
    found: list[Target | str] = []
    for url in urls:
        if url == "sqlite":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="knotbot-")))
            found.append(
                Target(
                    "SQLite",
                    f"sqlite+aiosqlite:///{folder}",
                    "a temporary file",
                    folder,
                    version=sqlite3.sqlite_version,
                )
            )
            continue
        try:
            parsed = make_url(url)
        except Exception as exc:
            found.append(f"{url}: not a database URL ({exc})")
            continue
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if parsed.database in (None, "", ":memory:"):
                found.append(
                    f"{url}: an in-memory SQLite database cannot be shared by concurrent "
                    "connections; give a file path, or `sqlite` for a temporary one"
                )
                continue
            found.append(_sqlite_target(url, parsed.database or ""))
        elif backend == "postgresql":
            found.append(await _postgres_target(url, stack))
        else:
            found.append(f"{url}: only SQLite and PostgreSQL are supported")
    return found


async def _postgres_target(url: str, stack: contextlib.AsyncExitStack) -> Target | str:
    admin = Database(url)
    try:
        async with asyncio.timeout(10), admin.engine.connect() as conn:
            version = str(await conn.scalar(sql("SHOW server_version")))
    except Exception as exc:
        await admin.close()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        return f"PostgreSQL at {safe_url(url)} is unreachable: {reason}"
    stack.push_async_callback(admin.close)
    return Target("PostgreSQL", url, safe_url(url), admin=admin, version=version)


def _sqlite_target(url: str, database: str) -> Target:
    """Fresh databases go next to the file the URL names (that disk is what is measured)."""
    path = Path(database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return Target(
        "SQLite",
        url,
        f"files next to {path}",
        path.parent,
        path.stem,
        version=sqlite3.sqlite_version,
    )


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def open_bot(url: str, schema: str | None) -> Knotbot:
    settings = Settings(_env_file=None, database_url=url, instance_id="bench")
    return await app.open_bot(settings, db=in_schema(url, schema))


async def close(knotbot: Knotbot) -> None:
    await knotbot.shutdown()
    await knotbot.services.db.close()
