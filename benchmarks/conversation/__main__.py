"""python -m benchmarks.conversation: see the package's docstring (or --help)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from datetime import UTC, datetime

import benchmarks.conversation
from benchmarks.common import DEFAULT_POSTGRES, machine, write_results
from benchmarks.conversation.crowd import COMMUNITIES
from benchmarks.conversation.databases import targets
from benchmarks.conversation.events import EVENTS, MIX, REMINDER_CAP
from benchmarks.conversation.report import table
from benchmarks.conversation.scenario import bench_target


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=benchmarks.conversation.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        nargs="+",
        action="extend",
        metavar="URL",
        help="repeatable; `sqlite` is a temporary file (default: sqlite, plus PostgreSQL at "
        f"{DEFAULT_POSTGRES} if it answers)",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="measured, per scenario")
    parser.add_argument("--warmup", type=float, default=1.0, help="run first, not counted")
    parser.add_argument(
        "--concurrency", nargs="+", type=int, default=[1, 16], help="one scenario each"
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--process-runs", type=int, default=3)
    args = parser.parse_args()
    if min(args.concurrency) < 1 or args.users < max(args.concurrency) or args.startup_runs < 1:
        parser.error("need concurrency >= 1, at least as many users, and startup runs >= 1")
    return args


async def main() -> None:
    args = arguments()
    urls = args.database_url or ["sqlite", DEFAULT_POSTGRES]
    started = time.perf_counter()
    results: dict[str, object] = {
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "machine": machine(),
        "settings": {
            "users": args.users,
            "communities": COMMUNITIES,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "startup_runs": args.startup_runs,
            "process_runs": args.process_runs,
            "mix_weights": MIX,
            "reminder_cap": REMINDER_CAP,
        },
        "events": {k: {"label": v[0], "database": v[1]} for k, v in EVENTS.items()},
    }
    runs: list[dict[str, object]] = []
    skipped: list[str] = []
    async with contextlib.AsyncExitStack() as stack:
        for found in await targets(urls, stack):
            if isinstance(found, str):
                print(f"Skipping: {found}")
                skipped.append(found)
                continue
            try:
                runs.append(await bench_target(found, args))
            except Exception as exc:  # one database failing should not lose the others
                reason = f"{found.name} at {found.shown} failed: {type(exc).__name__}: {exc}"
                print(f"Skipping: {reason}")
                skipped.append(reason)
    if not runs:
        raise SystemExit("No database to run on.")
    results.update(databases=runs, skipped=skipped)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    markdown = table(results)
    write_results("conversation", results, markdown)
    print(f"\n(done in {results['total_seconds']} s)\n")
    print(markdown)


if __name__ == "__main__":
    asyncio.run(main())
