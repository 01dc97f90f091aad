"""knotbot as a real package: the wheel holds everything the bot reads at run time (content,
migrations), and works from a folder that is not the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_in_the_wheels_list():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for top in ("bot", "adapters")
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]
        if folder.is_dir() and "__pycache__" not in folder.parts and any(folder.glob("*.py"))
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_the_wheel_works_from_another_folder(tmp_path: Path):
    subprocess.run(  # built as pip builds it (isolated, with the setuptools pyproject asks for)
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("knotbot-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(wheel)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNOTBOT_")}
    env.update(PYTHONPATH=str(target), KNOTBOT_DATA_DIR=str(tmp_path / "data"))

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], input=stdin, capture_output=True, text=True,
            cwd=elsewhere, env=env, timeout=120,
        )  # fmt: skip

    where = run("-c", "import bot, knotbot_content; print(bot.__file__, knotbot_content.__file__)")
    assert where.stdout.count(str(target)) == 2, where  # the wheel's copy, not the checkout
    check = run("-m", "adapters.cli", "content", "check")
    assert check.returncode == 0, check.stderr
    assert "is valid" in check.stdout and str(target) in check.stdout
    console = run("-m", "adapters.cli", "console", stdin="/knot jaw\n")
    assert console.returncode == 0, console.stderr
    assert "Jaw" in console.stdout
    assert (tmp_path / "data" / "knotbot.db").exists()  # migrated from the wheel's migrations
    catalogs = run("-c", "from bot.i18n import translator as t; print(t('es').gettext('Undo'))")
    assert catalogs.stdout.strip() == "Deshacer", catalogs  # the .po files ship in the wheel
    assert list(elsewhere.iterdir()) == []  # nothing written where it was started
