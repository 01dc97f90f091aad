"""Running knotbot: status, logs, content reload, a database that is down at start."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.clock import ManualClock
from bot.core import Knotbot
from bot.logs import JsonLines, TextLines
from bot.storage import Database
from bot.storage.schema import ReminderDelivery
from tests.helpers import RecordingReplier, command

KNOTBOT = Path(sys.executable).parent / "knotbot"


def knotbot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNOTBOT_")}
    env["KNOTBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    env.update(extra)
    return env


def knotbot(
    *args: str, cwd: Path, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    command_line = [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
    return subprocess.run(
        [*command_line, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_status_reports_database_schema_reminders_and_platforms(tmp_path: Path):
    env = knotbot_env(tmp_path)
    knotbot("db", "upgrade", cwd=tmp_path, env=env)
    result = knotbot("status", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("ok    database") for line in lines)
    assert any(line.startswith("ok    schema     up to date") for line in lines)
    assert any("dispatcher lag 0 s" in line for line in lines)
    assert any(line.startswith("ok    telegram   not configured") for line in lines)


def test_status_counts_reminders_a_crash_left_uncertain(tmp_path: Path):
    """An operator sees how many reminders a crash may have kept from going out this week."""
    env = knotbot_env(tmp_path)
    knotbot("db", "upgrade", cwd=tmp_path, env=env)
    now = datetime.now(UTC)

    async def record() -> None:
        db = Database(env["KNOTBOT_DATABASE_URL"])
        async with db.session() as session, session.begin():
            for i, (status, age) in enumerate(
                [("uncertain", 1), ("uncertain", 50), ("sent", 2), ("uncertain", 24 * 10)]
            ):
                at = now - timedelta(hours=age)
                session.add(
                    ReminderDelivery(
                        occurrence_key=f"r{i}-{int(at.timestamp())}",
                        occurrence_at=at,
                        kind="relax",
                        status=status,
                    )
                )
        await db.close()

    asyncio.run(record())
    result = knotbot("status", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [ln for ln in result.stdout.splitlines() if "deliveries" in ln]
    assert line.startswith("ok    deliveries 2 uncertain in the last 7 days"), line


def test_status_fails_with_a_rejected_token_and_an_old_schema(tmp_path: Path):
    env = knotbot_env(
        tmp_path,
        KNOTBOT_TELEGRAM_TOKEN="123:not-a-real-token",
        KNOTBOT_TELEGRAM_BASE_URL="http://127.0.0.1:9/bot",
    )
    result = knotbot("status", cwd=tmp_path, env=env)  # nothing migrated yet, Telegram unreachable
    assert result.returncode == 1
    assert "FAIL  schema     at nothing, code expects" in result.stdout
    assert "FAIL  telegram   unreachable" in result.stdout
    assert "not-a-real-token" not in result.stdout + result.stderr


def test_run_waits_for_a_database_that_is_down_then_says_so_clearly(tmp_path: Path):
    env = knotbot_env(
        tmp_path,
        KNOTBOT_TELEGRAM_TOKEN="123:abc",
        KNOTBOT_DATABASE_URL="postgresql+asyncpg://knot:pw-secret@127.0.0.1:9/none",
        KNOTBOT_DB_CONNECT_ATTEMPTS="3",
        KNOTBOT_DB_CONNECT_RETRY_SECONDS="0.2",
    )
    started = time.monotonic()
    result = knotbot("run", "telegram", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.count("retrying in") == 2  # three attempts, two waits
    assert (
        "knotbot: cannot reach the database at postgresql+asyncpg://knot:***@127.0.0.1:9/none"
        in result.stderr
    )
    assert "pw-secret" not in result.stderr
    assert time.monotonic() - started < 30


async def test_every_handled_message_is_one_log_line_without_what_was_said(
    bot: Knotbot, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.INFO, logger="bot.core"):
        await bot.handle(command("/knot my secret aching shoulder"), RecordingReplier(clock))
    (record,) = [r for r in caplog.records if r.getMessage() == "handled"]
    line = TextLines().format(record)
    assert "\n" not in line
    assert " command=knot platform=memory chat=private outcome=ok ms=" in line
    assert "secret" not in line
    data = json.loads(JsonLines().format(record))
    assert (data["msg"], data["command"], data["outcome"]) == ("handled", "knot", "ok")


async def test_content_reload_swaps_content_and_keeps_the_old_when_broken(
    bot: Knotbot, clock: ManualClock, tmp_path: Path, content_dir: Path
):
    folder = tmp_path / "content"
    shutil.copytree(content_dir, folder)
    path = folder / "areas.yaml"
    data = yaml.safe_load(path.read_text())
    data["areas"][3]["summary"] = "The jaw joints, freshly reworded."
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert bot.reload_content(folder) is None
    replier = RecordingReplier(clock)
    await bot.handle(command("/knot jaw"), replier)
    assert "freshly reworded" in replier.last

    (folder / "techniques.yaml").write_text("techniques: [oops\n")
    problem = bot.reload_content(folder)
    assert problem is not None and "techniques.yaml" in problem.report()
    await bot.handle(command("/knot jaw"), replier)
    assert "freshly reworded" in replier.last  # the last good content still answers


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is POSIX only")
def test_sighup_reloads_content_in_a_running_bot(tmp_path: Path, content_dir: Path):
    """A real `knotbot run telegram` against a stand-in, reloaded with kill -HUP."""

    from tests.standins.telegram_api import TelegramStandIn

    folder = tmp_path / "content"
    shutil.copytree(content_dir, folder)

    async def scenario() -> str:
        async with TelegramStandIn() as tg:
            env = knotbot_env(
                tmp_path,
                KNOTBOT_TELEGRAM_TOKEN=tg.token,
                KNOTBOT_TELEGRAM_BASE_URL=tg.base_url,
                KNOTBOT_TELEGRAM_BASE_FILE_URL=tg.base_file_url,
                KNOTBOT_CONTENT_DIR=str(folder),
            )
            command_line = (
                [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
            )
            process = await asyncio.create_subprocess_exec(
                *command_line, "run", "telegram", cwd=tmp_path, env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            try:
                await tg.wait_for("getUpdates", timeout=30)
                data = yaml.safe_load((folder / "areas.yaml").read_text())
                data["areas"][3]["summary"] = "Reloaded without a restart."
                (folder / "areas.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
                process.send_signal(signal.SIGHUP)
                await asyncio.sleep(1.0)
                tg.push_text(42, 42, "/knot jaw")
                sent = await tg.wait_for("sendMessage", timeout=15)
                return str(sent.params["text"])
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.communicate(), 30)
                assert process.returncode == 0

    assert "Reloaded without a restart." in asyncio.run(scenario())
