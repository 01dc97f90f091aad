"""`knotbot console`, run as a user would: a real process, lines in, text out."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.shortholds import write_short_content

KNOTBOT = Path(sys.executable).parent / "knotbot"


def console_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNOTBOT_")}
    env["KNOTBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    env["KNOTBOT_DATA_DIR"] = str(tmp_path / "data")
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


def test_knot_upper_back_prints_techniques_and_how_to_prints_cautions(tmp_path: Path):
    result = console(tmp_path, "/knot upper-back\n2\n")  # [2] How to: the ball against the wall
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Ball against the wall" in out and "Two tennis balls in a knotted sock" in out
    assert "[1] Start hold: Ball against the wall  [2] How to" in out
    assert "Cautions:" in out and "never on the spine" in out


def test_misspelled_and_missing_areas(tmp_path: Path):
    out = console(tmp_path, "/knot uper back\n/knot\n").stdout
    assert "Did you mean upper-back" in out
    assert "lower-back: The small of the back" in out


def test_a_number_presses_a_button_on_screen(tmp_path: Path, content_dir: Path):
    short = write_short_content(content_dir, tmp_path / "content", press=1, rounds=1)
    result = console(tmp_path, "/knot jaw\n1\n/wait\n", KNOTBOT_CONTENT_DIR=str(short))
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
    process.stdin.write("/hold upper-back\n/wait\n")  # /wait: let it run to its end
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


def test_bare_knotbot_prints_help_and_version_says_which(tmp_path: Path):
    command = [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
    env = console_env(tmp_path)
    bare = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert bare.returncode == 0 and bare.stderr == ""
    assert "usage: knotbot" in bare.stdout and "console" in bare.stdout
    version = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert version.returncode == 0 and version.stdout.startswith("knotbot 0.")


def test_the_console_calls_you_you_unless_given_a_name(tmp_path: Path):
    import getpass

    login = getpass.getuser()
    out = console(tmp_path, "/start\n").stdout
    assert "you" in out.split("\n")[0].lower()
    if len(login) > 2:  # the login name is nobody's business here
        assert login not in out
    named = console(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path, "/start\n")
    assert named.returncode == 0


def _start(tmp_path: Path, content: Path) -> subprocess.Popen[str]:
    command = [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
    return subprocess.Popen(
        [*command, "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=console_env(tmp_path, KNOTBOT_CONTENT_DIR=str(content)),
    )


def _read_until(process: subprocess.Popen[str], wanted: str, seen: list[str]) -> str:
    """Read lines until one matches the regular expression `wanted` (within 60 s); that line."""
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    lines: queue.Queue[str | None] = getattr(process, "lines", None) or _pump(process)
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        seen.append(line)
        if re.search(wanted, line):
            return line
    process.kill()
    raise AssertionError(f"never saw {wanted!r} in {''.join(seen)!r}")


def _pump(process: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """The process's output lines, read on a thread, so a test can stop waiting."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    process.lines = lines  # type: ignore[attr-defined]
    return lines


def _rest(process: subprocess.Popen[str]) -> str:
    lines: queue.Queue[str | None] = getattr(process, "lines", None) or _pump(process)
    out: list[str] = []
    while (line := lines.get(timeout=60)) is not None:
        out.append(line)
    return "".join(out)


def _choice(line: str, label: str) -> str:
    """The number shown for `label` in a line of choices ("[13] Pause  [14] Stop")."""
    found = re.search(rf"\[([0-9]+)\] {re.escape(label)}\b", line)
    assert found, line
    return found.group(1)


def test_ctrl_d_during_a_hold_stops_it_and_leaves_at_once(tmp_path: Path, content_dir: Path):
    # 20 s: the ball against the wall's hard cap, which its caution promises.
    short = write_short_content(content_dir, tmp_path / "content", press=20, rounds=3)
    process = _start(tmp_path, short)
    assert process.stdin is not None
    process.stdin.write("/hold upper-back\n")
    process.stdin.flush()
    seen: list[str] = []
    _read_until(process, r"\| Press: ", seen)  # a running frame
    started = time.monotonic()
    process.stdin.close()  # Ctrl-D
    rest = _rest(process)
    assert process.wait(timeout=30) == 0
    assert time.monotonic() - started < 10  # not the hold's minutes
    assert "Stopped after 0 of 3 rounds" in rest


def test_piped_input_gets_the_new_choices_when_a_hold_pauses(tmp_path: Path, content_dir: Path):
    short = write_short_content(content_dir, tmp_path / "content", press=3, rounds=1)
    process = _start(tmp_path, short)
    assert process.stdin is not None
    seen: list[str] = []

    def say_line(text: str) -> None:
        assert process.stdin is not None
        process.stdin.write(text + "\n")
        process.stdin.flush()

    say_line("/hold upper-back")
    say_line(_choice(_read_until(process, r"\] Pause\b", seen), "Pause"))
    resume = _choice(_read_until(process, r"\] Resume\b", seen), "Resume")
    say_line(resume)  # the number shown for Resume now
    _read_until(process, r"\] Pause\b", seen)  # running again
    say_line("/wait")
    process.stdin.close()
    rest = _rest(process)
    assert process.wait(timeout=60) == 0
    assert "Done: ball against the wall" in rest


def test_files_go_to_the_data_folder_and_their_path_is_printed(tmp_path: Path):
    out = console(tmp_path, "/remind at 9:00\n/export\n").stdout
    data = tmp_path / "data"
    (exported,) = list(data.glob("*.json"))
    assert f"[file] {exported.resolve()}" in out
    assert not list(tmp_path.glob("*.json"))  # nothing in the folder it was started from
