"""What the benchmarks share: where results go, percentiles, the machine, scratch databases."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.storage import Database

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def machine() -> dict[str, object]:
    """Where a benchmark ran: other work on the machine shows up in every number."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.machine()}",
        "processor": _cpu_model() or platform.processor(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return ""


def write_results(stem: str, results: object, markdown: str) -> None:
    """benchmarks/results/<stem>.json and <stem>.md."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{stem}.md").write_text(markdown + "\n")


def backend(url: str | None) -> str:
    """ "sqlite" or "postgresql" (None: a temporary SQLite file)."""
    return "sqlite" if url in (None, "sqlite") else make_url(url).get_backend_name()


@contextlib.asynccontextmanager
async def scratch_schema(admin: Database) -> AsyncIterator[str]:
    """A PostgreSQL schema of its own (so nobody else's tables are touched), dropped after."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def in_schema(url: str, schema: str | None) -> Database:
    """A Database for `url`, connecting into `schema` (PostgreSQL) when there is one."""
    args = {"server_settings": {"search_path": schema}} if schema else None
    return Database(url, connect_args=args)


@contextlib.asynccontextmanager
async def scratch_database(url: str | None) -> AsyncIterator[Database]:
    """An empty, migrated database, removed afterwards: a temporary SQLite file (`url` None or
    "sqlite"), or a schema of its own on the PostgreSQL at `url`."""
    if backend(url) == "sqlite":
        with tempfile.TemporaryDirectory(prefix="knotbot-bench-") as folder:
            db = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
            try:
                await db.upgrade()
                yield db
            finally:
                await db.close()
        return
    assert url is not None
    admin = Database(url)
    try:
        async with scratch_schema(admin) as schema:
            db = in_schema(url, schema)
            try:
                await db.upgrade()
                yield db
            finally:
                await db.close()
    finally:
        await admin.close()
