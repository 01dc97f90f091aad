"""The `knotbot` command line: settings, tokens, database and content subcommands."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logs import RedactSecrets

KNOTBOT = Path(sys.executable).parent / "knotbot"


def knotbot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KNOTBOT_")}
    clean.update(env)
    command = [str(KNOTBOT)] if KNOTBOT.exists() else [sys.executable, "-m", "adapters.cli"]
    return subprocess.run(
        [*command, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("platform", ["telegram", "discord"])
def test_run_without_a_token_names_the_variable_and_exits_2(tmp_path: Path, platform: str):
    result = knotbot("run", platform, cwd=tmp_path)
    assert result.returncode == 2
    variable = f"KNOTBOT_{platform.upper()}_TOKEN"
    assert result.stderr.strip().splitlines() == [
        f"knotbot: {variable} is not set; put your bot token there (see README)."
    ]


def test_a_bad_setting_is_named_without_echoing_values(tmp_path: Path):
    result = knotbot(
        "console",
        cwd=tmp_path,
        KNOTBOT_DEFAULT_TIMEZONE="Mars/Olympus",
        KNOTBOT_TELEGRAM_TOKEN="123456:SECRET-TOKEN-VALUE",
    )
    assert result.returncode == 2
    assert "KNOTBOT_DEFAULT_TIMEZONE" in result.stderr
    assert "SECRET-TOKEN-VALUE" not in result.stderr + result.stdout


def test_settings_come_from_a_dotenv_file(tmp_path: Path):
    (tmp_path / ".env").write_text("KNOTBOT_DEFAULT_TIMEZONE=Not/AZone\n")
    result = knotbot("content", "check", cwd=tmp_path)
    assert result.returncode == 2 and "KNOTBOT_DEFAULT_TIMEZONE" in result.stderr


def test_db_upgrade_creates_the_database(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    result = knotbot("db", "upgrade", cwd=tmp_path, KNOTBOT_DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "Database is up to date." in result.stdout
    assert (tmp_path / "fresh.db").exists()


def test_db_upgrade_with_an_unreachable_database_says_so_without_the_password(tmp_path: Path):
    url = "postgresql+asyncpg://knot:hunter2secret@127.0.0.1:9/none"
    result = knotbot("db", "upgrade", cwd=tmp_path, KNOTBOT_DATABASE_URL=url)
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr
    assert "hunter2secret" not in result.stderr


def test_broken_content_stops_the_bot_from_starting(tmp_path: Path):
    broken = tmp_path / "content"
    broken.mkdir()
    result = knotbot("console", cwd=tmp_path, KNOTBOT_CONTENT_DIR=str(broken))
    assert result.returncode == 1
    assert "knotbot will not start with broken content" in result.stderr
    assert "areas.yaml: file is missing" in result.stderr


def test_log_lines_never_contain_a_token(caplog: pytest.LogCaptureFixture):
    token = "123456:AAH-very-secret"
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactSecrets([token]))
    with caplog.at_level(logging.INFO, logger="test.redact"):
        logger.info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"failed for {token}")
        except RuntimeError:
            logger.exception("boom")
    text = caplog.text
    assert token not in text
    assert "bot***/getMe" in text and "failed for ***" in text


def test_every_setting_is_documented_in_env_example_and_readme():
    from bot.settings import Settings

    root = Path(__file__).resolve().parent.parent
    example = (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()
    for name in Settings.model_fields:
        variable = f"KNOTBOT_{name.upper()}"
        assert variable in example, f"{variable} missing from .env.example"
        assert variable in readme, f"{variable} missing from README.md"
