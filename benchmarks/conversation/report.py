"""The conversation benchmark's tables (the ones in the README)."""

from __future__ import annotations

from typing import Any

from benchmarks.conversation.events import EVENTS, REMINDER_CAP


def table(results: dict[str, Any]) -> str:
    runs: list[dict[str, Any]] = results["databases"]
    box, settings = results["machine"], results["settings"]
    versions = ", ".join(f"{r['database']} {r['version']}" for r in runs)
    lines = [
        f"The conversation path: `Knotbot.handle` answering {settings['users']:,} people "
        f"(an in-memory replier; no platform). Measured {results['date']} on {box['cpus']} CPUs "
        f"({box['processor'] or box['system']}; load average {box['load_average_1min']} at the start), "
        f"Python {box['python']}; {versions} (local).",
        "",
        "| Database | Concurrency | Commands | Commands/s | p50 | p99 |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        for s in run["scenarios"]:
            lines.append(
                f"| {run['database']} | {s['concurrency']} | {s['commands']:,} "
                f"| {s['commands_per_second']:,.0f} | {s['p50_ms']:.2f} ms | {s['p99_ms']:.2f} ms |"
            )
    lines += [
        "",
        f"Start to ready (`open_bot`: content read and validated, database reached and migrated), "
        f"median of {settings['startup_runs']} runs in one process and of {settings['process_runs']} new processes "
        "(these include starting Python and the imports):",
        "",
        "| Database | open_bot, empty database | open_bot, migrated database | New process, empty database | New process, migrated database |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        s = run["startup"]
        lines.append(
            f"| {run['database']} | {s['open_bot_empty_ms']:.0f} ms | {s['open_bot_migrated_ms']:.0f} ms "
            f"| {s['process_empty_ms']:.0f} ms | {s['process_migrated_ms']:.0f} ms |"
        )
    lines += ["", *_per_command(runs, settings)]
    if results["skipped"]:
        lines += ["", *(f"Skipped: {reason}" for reason in results["skipped"])]
    return "\n".join(lines)


def _per_command(runs: list[dict[str, Any]], settings: dict[str, Any]) -> list[str]:
    header = "| Command | Database use | Share |"
    rule = "|---|---|---|"
    for run in runs:
        for s in run["scenarios"]:
            header += f" {run['database']} x{s['concurrency']} |"
            rule += "---|"
    lines = [
        f"Per command, p50 / p99 in ms. Concurrency N: N asyncio tasks, each answering its own "
        f"people one event after another; {settings['seconds']:g} s measured after "
        f"{settings['warmup']:g} s of warm-up. Everyone has 0-3 reminders; "
        f"/remind is followed by a press of My reminders, or is a Delete at {REMINDER_CAP} reminders.",
        "",
        header,
        rule,
    ]
    first = runs[0]["scenarios"][0]["by_command"] if runs and runs[0]["scenarios"] else {}
    for kind, (label, use, _) in EVENTS.items():
        share = first.get(kind, {}).get("share")
        row = f"| {label} | {use} | {share * 100:.0f}% |" if share else f"| {label} | {use} | - |"
        for run in runs:
            for s in run["scenarios"]:
                found = s["by_command"].get(kind)
                row += f" {found['p50_ms']:.2f} / {found['p99_ms']:.2f} |" if found else " - |"
        lines.append(row)
    return lines
