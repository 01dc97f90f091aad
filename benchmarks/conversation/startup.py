"""Start to ready: `open_bot` on an empty and on a migrated database, in this process and as a
new one."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from benchmarks.conversation.databases import Target, close, open_bot
from bot.content import load_content
from bot.settings import SHIPPED_CONTENT

ROOT = Path(__file__).resolve().parents[2]

# A new process that opens the bot and says so (see process_ready).
CHILD = """
import asyncio, sys
from bot import app
from bot.settings import Settings
from bot.storage import Database

async def main(url, schema):
    args = {"server_settings": {"search_path": schema}} if schema else None
    settings = Settings(_env_file=None, database_url=url, instance_id="bench")
    knotbot = await app.open_bot(settings, db=Database(url, connect_args=args))
    print("ready", flush=True)
    await knotbot.shutdown()
    await knotbot.services.db.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def process_ready(url: str, schema: str | None) -> float:
    """Seconds from spawning a Python process until its open_bot is done."""
    started = time.perf_counter()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, url, schema or "",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert child.stdout is not None
    line = await asyncio.wait_for(child.stdout.readline(), 120)
    took = time.perf_counter() - started
    _, err = await child.communicate()
    if line.strip() != b"ready" or child.returncode:
        raise RuntimeError(f"the child process failed: {err.decode(errors='replace')[-2000:]}")
    return took


async def bench_startup(target: Target, runs: int, process_runs: int) -> dict[str, object]:
    cold: list[float] = []
    warm: list[float] = []
    for run in range(runs + 1):  # the first is untimed: imports and first-use caches
        async with target.fresh() as (url, schema):
            started = time.perf_counter()
            knotbot = await open_bot(url, schema)
            took = time.perf_counter() - started
            await close(knotbot)
            started = time.perf_counter()
            knotbot = await open_bot(url, schema)
            took_warm = time.perf_counter() - started
            await close(knotbot)
        if run:
            cold.append(took)
            warm.append(took_warm)
    content: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        load_content(SHIPPED_CONTENT)
        content.append(time.perf_counter() - started)
    process_cold: list[float] = []
    process_warm: list[float] = []
    for _ in range(process_runs):
        async with target.fresh() as (url, schema):
            process_cold.append(await process_ready(url, schema))
            process_warm.append(await process_ready(url, schema))

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 1) if values else float("nan")

    return {
        "runs": runs,
        "process_runs": process_runs,
        "open_bot_empty_ms": ms(cold),
        "open_bot_migrated_ms": ms(warm),
        "content_load_ms": ms(content),
        "process_empty_ms": ms(process_cold),
        "process_migrated_ms": ms(process_warm),
        "open_bot_empty_all_ms": [round(v * 1000, 1) for v in cold],
        "open_bot_migrated_all_ms": [round(v * 1000, 1) for v in warm],
        "process_empty_all_ms": [round(v * 1000, 1) for v in process_cold],
        "process_migrated_all_ms": [round(v * 1000, 1) for v in process_warm],
    }
