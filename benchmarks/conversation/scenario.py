"""One database's run: start to ready, then the crowd talking at each concurrency."""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import time

from benchmarks.common import percentile
from benchmarks.conversation.crowd import Person, people, seed
from benchmarks.conversation.databases import Target, close, open_bot
from benchmarks.conversation.events import EVENTS, MIX, Tally, act
from benchmarks.conversation.startup import bench_startup
from bot.core import Knotbot


async def converse(
    knotbot: Knotbot, crowd: list[Person], concurrency: int, seconds: float, warmup: float
) -> dict[str, object]:
    """`concurrency` tasks, each with its own people (one person is never in two events at
    once), picking what happens next from MIX until the time is up."""
    picks, weights = list(MIX), list(MIX.values())
    started = time.perf_counter()
    tally = Tally(record_from=started + warmup)
    until = started + warmup + seconds

    async def worker(index: int) -> None:
        rng = random.Random(1000 + index)
        mine = crowd[index::concurrency]
        while time.perf_counter() < until:
            pick = rng.choices(picks, weights)[0]
            await act(knotbot, tally, rng.choice(mine), pick)

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - tally.record_from
    took = [s for _, s in tally.samples]
    by_kind: dict[str, list[float]] = {}
    for kind, s in tally.samples:
        by_kind.setdefault(kind, []).append(s)
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "commands": len(took),
        "commands_per_second": round(len(took) / elapsed, 1),
        "p50_ms": round(percentile(took, 50) * 1000, 2),
        "p99_ms": round(percentile(took, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(took) * 1000, 2) if took else float("nan"),
        "by_command": {
            kind: {
                "count": len(values),
                "share": round(len(values) / len(took), 4),
                "p50_ms": round(percentile(values, 50) * 1000, 2),
                "p99_ms": round(percentile(values, 99) * 1000, 2),
            }
            for kind in EVENTS
            if (values := by_kind.get(kind))
        },
        "unexpected_answers": sum(tally.unexpected.values()),
        "unexpected_examples": tally.examples,
    }


class Problems(logging.Handler):
    """Counts what the bot logs at WARNING and above (a failed command is logged, not raised)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()}")


async def bench_target(target: Target, args: argparse.Namespace) -> dict[str, object]:
    print(f"\n{target.name} {target.version} ({target.shown})")
    startup = await bench_startup(target, args.startup_runs, args.process_runs)
    print(
        f"  start to ready: open_bot {startup['open_bot_empty_ms']} ms (empty database), "
        f"{startup['open_bot_migrated_ms']} ms (migrated); new process "
        f"{startup['process_empty_ms']} ms / {startup['process_migrated_ms']} ms; "
        f"content alone {startup['content_load_ms']} ms"
    )
    problems = Problems()
    logging.getLogger("bot").addHandler(problems)
    scenarios: list[dict[str, object]] = []
    try:
        async with target.fresh() as (url, schema):
            knotbot = await open_bot(url, schema)
            try:
                crowd = people(args.users)
                seeded = await seed(knotbot, crowd)
                print(f"  seeded {args.users:,} people in {seeded:.1f} s")
                for concurrency in args.concurrency:
                    before = problems.count
                    result = await converse(knotbot, crowd, concurrency, args.seconds, args.warmup)
                    result["logged_problems"] = problems.count - before
                    scenarios.append(result)
                    unexpected = result["unexpected_answers"]
                    print(
                        f"  concurrency {concurrency}: {result['commands']:,} commands, "
                        f"{result['commands_per_second']:,}/s, p50 {result['p50_ms']} ms, "
                        f"p99 {result['p99_ms']} ms"
                        + (f", {unexpected} unexpected answers" if unexpected else "")
                    )
            finally:
                await close(knotbot)
    finally:
        logging.getLogger("bot").removeHandler(problems)
    if problems.count:
        print(f"  the bot logged {problems.count} problem(s), e.g. {problems.first}")
    return {
        "database": target.name,
        "where": target.shown,
        "version": target.version,
        "startup": startup,
        "seed_seconds": round(seeded, 1),
        "scenarios": scenarios,
        "logged_problems": problems.first,
    }
