"""python -m benchmarks.reminders: see the package's docstring (or --help)."""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

import benchmarks.reminders
from benchmarks.common import backend, machine, scratch_database, write_results
from benchmarks.reminders import versus_apscheduler
from benchmarks.reminders.day import simulate_day, summary
from benchmarks.reminders.population import plan, store
from benchmarks.reminders.report import table
from benchmarks.reminders.throughput import throughput


async def bench_knotbot(url: str, args: argparse.Namespace) -> dict[str, object]:
    name = backend(url)
    result: dict[str, object] = {"database": name}
    async with scratch_database(url) as db:
        started = time.perf_counter()
        # Not kept: only the database has them.
        result["moved"] = await store(db, plan(args.users), args.users, as_asked=args.as_asked)
        result["load_seconds"] = round(time.perf_counter() - started, 1)
        print(f"  {name}: reminders booked in {result['load_seconds']} s")
        if not args.throughput_only:
            result.update(summary(await simulate_day(db)))
            print(f"  {name}: the day: {result}")
        profile = Path(args.profile).with_suffix(f".{name}.prof") if args.profile else None
        result.update(await throughput(db, rounds=args.rounds, profile=profile))
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"  {name}: {result}")
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=benchmarks.reminders.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        nargs="+",
        action="extend",
        metavar="URL",
        help="one or more; `sqlite` is a temporary file (the default)",
    )
    parser.add_argument(
        "--skip-sqlalchemy-store", action="store_true", help="it is the slowest part"
    )
    parser.add_argument(
        "--sqlalchemy-hours",
        type=int,
        default=24,
        help="replay only this many hours of the day for the SQLAlchemy store (a rate is measured)",
    )
    parser.add_argument(
        "--as-asked",
        action="store_true",
        help="book every reminder at the minute asked, none moved off a full minute (the "
        "dispatcher under the biggest bursts)",
    )
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="knotbot's CPU per 1,000 reminders alone: no simulated day, no APScheduler; "
        "nothing written to benchmarks/results",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="of the unthrottled part; the median is reported"
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile one more unthrottled round into FILE.<database>.prof",
    )
    args = parser.parse_args()
    urls = args.database_url or ["sqlite"]
    if not args.throughput_only:
        try:
            import apscheduler  # noqa: F401  (checked now, not after the long knotbot part)
        except ImportError:
            parser.exit(2, 'APScheduler is not installed: pip install -e ".[bench]"\n')
    print(f"{args.users:,} users, {len(plan(args.users)):,} schedules")
    results: dict[str, object] = {
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "machine": machine(),
        "users": args.users,
        "as_asked": args.as_asked,
        "knotbot": [await bench_knotbot(url, args) for url in urls],
    }
    if args.throughput_only:
        return
    planned = plan(args.users)
    memory = versus_apscheduler.memory_store(planned)
    print("APScheduler MemoryJobStore:", memory)
    sqla = versus_apscheduler.skipped_store(planned)
    if not args.skip_sqlalchemy_store:
        sqla = versus_apscheduler.sqlalchemy_store(planned, args.sqlalchemy_hours)
        print("APScheduler SQLAlchemyJobStore:", sqla)
    results.update(apscheduler_memory=memory, apscheduler_sqlalchemy=sqla)
    markdown = table(results)
    write_results(f"reminders-{args.users}", results, markdown)
    print()
    print(markdown)


if __name__ == "__main__":
    asyncio.run(main())
