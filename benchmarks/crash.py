"""Bot processes killed while they send reminders: what a crash costs, at length.

    python -m benchmarks.crash --reminders 6000 --kills 40    # about 6 minutes
    python -m benchmarks.crash --reminders 3000 --kills 20 --bursts 3

The same run as tests/test_crash.py (the harness is tests/killing.py), longer: two real
`knotbot run telegram` processes on PostgreSQL, in webhook mode against the Telegram stand-in
(each send takes `--latency` seconds there), send one-off reminders, each to a chat of its own,
due in bursts a minute apart (a whole minute's reminders at once). During each burst's sending,
processes with sends under way are killed with SIGKILL at seeded random moments and restarted
at once. Counted from the stand-in's record and the database: delivered exactly once,
duplicates, uncertain (of which delivered / not), lost (never delivered), lost without being
marked uncertain, and lateness (arrival at the stand-in minus due; a dead process's claims wait
for their 30 s lease). Exits 1 if a reminder went out twice, was lost unmarked, or is marked
uncertain without having been in doubt at a kill.

Results go to benchmarks/results/crash.json and crash.md (the table in the README).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from tests.crash_outcome import CrashOutcome, CrashPlan
from tests.killing import run_crash
from tests.processes import own_database

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def machine() -> dict[str, object]:
    """Where it ran: other work on the machine shows up in every number."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    return {
        "cpus": os.cpu_count(),
        "processor": model or platform.processor(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def results(outcome: CrashOutcome, where: dict[str, object], measured: str) -> dict[str, object]:
    return {
        "measured": measured,
        "machine": where,
        "plan": asdict(outcome.plan),
        "summary": outcome.summary(),
        "kills": [
            {k: v for k, v in asdict(kill).items() if k != "deliveries"} for kill in outcome.kills
        ],
        "exit_codes_at_the_end": outcome.exit_codes,
    }


def table(data: dict[str, object]) -> str:
    s = data["summary"]
    p = data["plan"]
    m = data["machine"]
    assert isinstance(s, dict) and isinstance(p, dict) and isinstance(m, dict)
    reminders = s["reminders"]
    share = s["delivered_once"] / reminders if reminders else 0.0
    lost_share = s["lost"] / reminders if reminders else 0.0
    those = (
        f"The uncertain reminders are exactly those {s['in_doubt_at_kills']:,} sends."
        if s["uncertain_exactly_those_in_doubt"]
        else f"The uncertain reminders are NOT exactly those {s['in_doubt_at_kills']:,} sends."
    )
    return "\n".join(
        [
            f"{reminders:,} one-off reminders, each to a chat of its own, due in {p['bursts']} "
            f"bursts {p['burst_gap']:g} s apart; two `knotbot run telegram` processes on "
            f"PostgreSQL (webhook mode, one token) against the Telegram stand-in, each send "
            f"taking {p['latency']:g} s there; {s['kills']} SIGKILLs during the sending, each "
            f"process restarted at once. Measured {data['measured']} on {m['cpus']} CPUs "
            f"({m['processor']}; load average {m['load_average_1min']} at the start), "
            f"Python {m['python']}; run time {s['seconds']:.0f} s.",
            "",
            "| Kills | Reminders | Delivered exactly once | Duplicates | Uncertain "
            "(delivered / not) | Lost | Lost and not marked uncertain | Lateness p50 / p99 |",
            "|---|---|---|---|---|---|---|---|",
            f"| {s['kills']} | {reminders:,} | {s['delivered_once']:,} ({share:.1%}) | "
            f"{s['duplicates']} | {s['uncertain']:,} ({s['uncertain_delivered']:,} / "
            f"{s['uncertain_not_delivered']:,}) | {s['lost']:,} ({lost_share:.1%}) | "
            f"{s['lost_unmarked']} | {s['lateness_p50_seconds']:.1f} s / "
            f"{s['lateness_p99_seconds']:.1f} s |",
            "",
            f"Sends in doubt per kill (started, outcome not recorded, counted in the database "
            f"right after the kill): at most {s['in_doubt_per_kill_max']} (bound "
            f"{s['in_doubt_per_kill_bound']}: 30 starts a second over a "
            f"{s['doubt_window_seconds']:g} s window); the oldest had started "
            f"{s['oldest_in_doubt_seconds']:.2f} s before its kill; "
            f"{s['kills_with_sends_in_doubt']} of the {s['kills']} kills found some. "
            f"{those} A restart took "
            f"{s['restart_p50_seconds']:.1f} s to connect (median; at most "
            f"{s['restart_max_seconds']:.1f} s). Lateness is arrival at the stand-in minus "
            f"due: the 30/s pacing of each burst, and 30 s more for the reminders a killed "
            f"process had claimed and not started (they wait for its lease to run out; 60 s "
            f"or more if the process sending them then was killed too).",
            "",
        ]
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=6000)
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--bursts", type=int, default=5, help="due instants (default 5)")
    parser.add_argument("--burst-gap", type=float, default=60.0, help="seconds between them")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per send")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("KNOTBOT_TEST_DATABASE_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL server (a database of its own is created there and dropped after)",
    )
    parser.add_argument("--logs", type=Path, help="keep the processes' logs here")
    args = parser.parse_args()
    plan = CrashPlan(
        reminders=args.reminders,
        kills=args.kills,
        bursts=args.bursts,
        burst_gap=args.burst_gap,
        seed=args.seed,
        latency=args.latency,
    )
    where = machine()
    measured = datetime.now(UTC).date().isoformat()
    with tempfile.TemporaryDirectory(prefix="knotbot-crash-") as scratch:
        workdir = args.logs or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        async with own_database(args.database_url, "knotbot_crash") as url:
            outcome = await run_crash(plan, url, workdir)
    data = results(outcome, where, measured)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "crash.json").write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / "crash.md").write_text(table(data))
    print(table(data))
    broken = (
        outcome.duplicates
        or outcome.lost_unmarked
        or outcome.sent_but_missing
        or outcome.uncertain_ids != outcome.in_doubt_ids
    )
    if broken:
        print(f"FAILED: {outcome.describe()}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
