"""`knotbot console`, run as a user would: a real process, lines in, text out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.shortholds import write_short_content

KNOTBOT = Path(sys.executable).parent / "knotbot"


def console_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNOTBOT_")}
    env["KNOTBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    env.update(extra)
    return env


def console(tmp_path: Path, lines: str, **extra: str) -> subprocess.CompletedProcess[str]:
    command = [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
    return subprocess.run(
        [*command, "console"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=console_env(tmp_path, **extra),
    )


def test_knot_upper_back_prints_techniques_and_cautions(tmp_path: Path):
    result = console(tmp_path, "/knot upper-back\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Ball against the wall" in out and "Two tennis balls in a knotted sock" in out
    assert "Cautions:" in out and "never on the spine" in out
    assert "[1] Start hold: Ball against the wall" in out


def test_misspelled_and_missing_areas(tmp_path: Path):
    out = console(tmp_path, "/knot uper back\n/knot\n").stdout
    assert "Did you mean upper-back" in out
    assert "lower-back: The small of the back" in out


def test_a_number_presses_a_button_on_screen(tmp_path: Path, content_dir: Path):
    short = write_short_content(content_dir, tmp_path / "content", press=1, rounds=1)
    result = console(tmp_path, "/knot jaw\n1\n", KNOTBOT_CONTENT_DIR=str(short))
    assert "Jaw release and massage" in result.stdout
    assert "Done: jaw release and massage." in result.stdout


def test_hold_runs_every_phase_in_order_in_the_plans_time(tmp_path: Path, content_dir: Path):
    short = write_short_content(content_dir, tmp_path / "content", press=2, rounds=2)
    command = [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
    process = subprocess.Popen(
        [*command, "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=console_env(tmp_path, KNOTBOT_CONTENT_DIR=str(short)),
    )
    assert process.stdin and process.stdout
    process.stdin.write("/hold upper-back\n")
    process.stdin.close()
    seen: list[tuple[float, str]] = []
    for line in process.stdout:
        seen.append((time.monotonic(), line))
    assert process.wait(timeout=60) == 0

    frames = [
        (t, line) for t, line in seen if line.startswith("Ball against the wall") and " | " in line
    ]
    assert frames, "".join(line for _, line in seen)
    t0 = next(t for t, line in seen if line.startswith("Get ready: 1 s"))
    phases: list[tuple[float, str]] = [(0.0, "Get ready")]  # the first frame, printed in full
    for t, line in frames:
        phase = line.split(" | ")[1].split(":")[0]
        if not phases or phases[-1][1] != phase:
            phases.append((t - t0, phase))
    # plan: ready 1, press 2, release 1, rest 1, press 2, release 1 = 8 s
    assert [p for _, p in phases] == [
        "Get ready",
        "Press",
        "Release",
        "Rest",
        "Press",
        "Release",
        "Done",
    ]
    planned = [1, 3, 4, 5, 7, 8]
    for (offset, phase), due in zip(phases[1:], planned, strict=True):
        assert offset == pytest.approx(due, abs=1.0), f"{phase} at {offset:.2f}s, planned {due}s"


async def test_reminders_print_in_the_console_when_due(content, db):  # type: ignore[no-untyped-def]
    import asyncio
    import io

    from adapters.console import Console
    from bot.clock import ManualClock
    from bot.core import Knotbot
    from tests.conftest import make_settings
    from tests.helpers import eventually

    clock = ManualClock()
    bot = Knotbot(settings=make_settings(), content=content, db=db, clock=clock)
    read_fd, write_fd = os.pipe()
    stdin, feed = os.fdopen(read_fd, "r"), os.fdopen(write_fd, "w")
    out = io.StringIO()
    console = Console(bot, stdin=stdin, stdout=out, user_name="Ada")
    running = asyncio.create_task(console.run())
    feed.write("/remind in 2 min\n")
    feed.flush()
    await eventually(lambda: "Set: relax reminders" in out.getvalue())
    await eventually(lambda: clock.next_deadline is not None)  # the dispatcher sleeps till due
    await clock.advance(120)
    await eventually(lambda: "Relax break" in out.getvalue())
    assert "[1] Done  [2] Snooze 15 min  [3] Stop these reminders" in out.getvalue()
    feed.write("2\n")  # press Snooze
    feed.flush()
    await eventually(lambda: "Snoozed until 09:17." in out.getvalue())
    feed.close()
    await asyncio.wait_for(running, 10)


def test_a_choice_that_is_not_a_listed_number_gets_an_answer(tmp_path: Path):
    """Issue "Trust boundaries" 12: "²" passed str.isdigit() and crashed the console."""
    run = console(tmp_path, "/knot jaw\n\u00b2\n0\n99\n\u0663\n")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert "(There is no choice 0 on screen.)" in run.stdout
    assert "(There is no choice 99 on screen.)" in run.stdout
    assert run.stdout.count("Tell me a spot") + run.stdout.count("I don't know") >= 2


def test_reminders_in_their_own_words_and_hours(tmp_path: Path):
    """Issue 14's examples as typed into the console."""
    lines = (
        "/remind every 2 hours from 9 to 17 on weekdays\n"
        "/remind legs up at 7:30 in the evening\n"
        "/remind unclench jaw every hour\n"
        "I forget to relax\n"
        "/remind mouth guard at bedtime\n"
        "3\n"
        "/reminders\n"
    )
    result = console(tmp_path, lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "every 2 h, 09:00\u201317:00, Mon\u2013Fri" in out
    assert "a legs-up rest reminder, daily at 19:30" in out
    assert "\u201cunclench jaw\u201d, every hour" in out
    assert "I can remind you to relax." in out and "[1] Every 2 h, 9\u201317, weekdays" in out
    assert "When do you usually go to bed?" in out and "[3] 22:30" in out
    assert "Set: a mouth guard reminder, daily at 22:30" in out
    assert "#4 Bedtime, daily at 22:30" in out
