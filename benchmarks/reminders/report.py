"""The reminders benchmark's table (the one in the README)."""

from __future__ import annotations

from typing import Any

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _pct(share: object) -> str:
    return f"{float(str(share)) * 100:.1f}%"


def _moved(found: dict[str, Any] | None) -> str:
    if not found or not found["times_moved"]:
        return "nobody"
    return (
        f"{found['people_moved']:,} people ({_pct(found['people_moved_share'])}); "
        f"{found['times_moved']:,} times, by {found['shift_p50_minutes']} min "
        f"(p50) / {found['shift_p99_minutes']} min (p99) / {found['shift_max_minutes']} min (max)"
    )


def table(results: dict[str, Any]) -> str:
    runs: list[dict[str, Any]] = results["knotbot"]
    memory, sqla = results["apscheduler_memory"], results["apscheduler_sqlalchemy"]
    box = results["machine"]
    where = " and ".join(NAMES[r["database"]] for r in runs)
    head = "| |" + "".join(f" knotbot, {NAMES[r['database']]} |" for r in runs)
    head += " APScheduler MemoryJobStore | APScheduler SQLAlchemyJobStore |"
    rule = "|---|" + "---|" * (len(runs) + 2)

    def row(label: str, ours: list[str], mem: str = "", sql: str = "") -> str:
        return f"| {label} |" + "".join(f" {o} |" for o in ours) + f" {mem} | {sql} |"

    hours = sqla.get("replayed_hours", 24)
    booked = (
        "at the minutes asked (none moved)"
        if results.get("as_asked")
        else "as /remind books them (moved off a minute Telegram cannot send in time)"
    )
    lines = [
        f"Reminders for {results['users']:,} users ({memory['jobs']:,} schedules), booked "
        f"{booked}: one simulated Monday paced at Telegram's 30 messages/s, then every reminder "
        f"due at once and sent unthrottled; knotbot on {where} (local). Measured {results['date']} on "
        f"{box['cpus']} CPUs ({box['processor'] or box['system']}; load average "
        f"{box['load_average_1min']} at the start), Python {box['python']}. CPU is the "
        "process's (median of the rounds; a PostgreSQL server's own CPU is not in it).",
        "",
        head,
        rule,
        row(
            "CPU per 1,000 reminders",
            [f"{r['cpu_seconds_per_1000']} s (claim, compose, send, record)" for r in runs],
            f"{memory['cpu_seconds_per_1000']} s (scheduling only)",
            f"{sqla['cpu_seconds_per_1000']} s (scheduling only)",
        ),
        row(
            "Sent unthrottled",
            [
                f"{r['throughput_sent']:,} in {r['throughput_wall_seconds']} s "
                f"({r['sent_per_second']:,}/s)"
                for r in runs
            ],
        ),
        row(
            "Peak Python memory",
            [f"{r['peak_python_memory_mb']} MB" for r in runs],
            f"{memory['peak_python_memory_mb']} MB (holding {memory['memory_after_adding_mb']} MB)",
            f"{sqla['peak_python_memory_mb']} MB",
        ),
        row(
            "Reminders in the day",
            [f"{r['reminders_sent']:,} sent, {r['reminders_skipped']:,} skipped" for r in runs],
            f"{memory['day_fired']:,} fired",
            f"{sqla['day_fired']:,} fired in the {hours} h replayed",
        ),
        row(
            "Lateness p50 / p99",
            [
                f"{r['lateness_p50_s']} s / {r['lateness_p99_s']} s "
                f"({_pct(r['within_1s_share'])} within 1 s)"
                for r in runs
            ],
            "n/a",
            "n/a",
        ),
        row(
            "...of which the 30/s limit forces (p50 / p99)",
            [f"{r['forced_lateness_p50_s']} s / {r['forced_lateness_p99_s']} s" for r in runs],
        ),
        row(
            "Lateness beyond what the limit forces, p99",
            [
                f"{r['excess_lateness_p99_s']} s ({_pct(r['excess_within_1s_share'])} within 1 s)"
                for r in runs
            ],
        ),
        row(
            "Moved off a full minute when booked",
            [_moved(r.get("moved")) for r in runs],
        ),
        row(
            "Adding the schedules",
            [f"{r['load_seconds']} s (booked, bulk insert)" for r in runs],
            f"{memory['add_jobs_cpu_seconds']} s CPU",
            f"{sqla['add_jobs_cpu_seconds']} s CPU",
        ),
    ]
    return "\n".join(lines)
