"""The container image: it builds, runs as a non-root user, and its knotbot works. Needs a
container engine (Docker or Podman); without one these tests skip and say so."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _engine() -> str | None:
    for name in ("docker", "podman"):
        path = shutil.which(name)
        if path and subprocess.run([path, "info"], capture_output=True).returncode == 0:
            return path
    return None


ENGINE = _engine()
pytestmark = pytest.mark.skipif(
    ENGINE is None, reason="no container engine is running (docker info / podman info failed)"
)


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    assert ENGINE is not None
    tag = f"knotbot-test:{uuid.uuid4().hex[:8]}"
    subprocess.run([ENGINE, "build", "-t", tag, str(ROOT)], check=True, timeout=900)
    yield tag
    subprocess.run([ENGINE, "rmi", "-f", tag], capture_output=True)


def _run(image: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    assert ENGINE is not None
    return subprocess.run(
        [ENGINE, "run", "--rm", "-i", image, *args],
        input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_image_runs_as_a_user_and_its_content_is_valid(image: str) -> None:
    assert _run(image, "id", "-u").stdout.strip() != "0"
    check = _run(image, "knotbot", "content", "check")
    assert check.returncode == 0 and "is valid" in check.stdout, check.stderr


def test_the_console_works_in_the_image(image: str) -> None:
    console = _run(image, "knotbot", "console", stdin="/knot jaw\n")
    assert console.returncode == 0 and "Jaw" in console.stdout, console.stderr


def test_compose_file_is_valid() -> None:
    assert ENGINE is not None
    result = subprocess.run(
        [ENGINE, "compose", "-f", str(ROOT / "compose.yaml"), "config", "--quiet"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
