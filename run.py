#!/usr/bin/env python3
"""From a fresh clone to knotbot with nothing but Python 3.11+:

    python3 run.py console      # talk to knotbot in this terminal
    python3 run.py test         # the whole test suite (what CI runs)

On first use (and whenever pyproject.toml changes) it makes a virtual environment in .venv
next to this file and installs knotbot into it, editable, with everything the tests need.
Anything else after `run.py` goes to the `knotbot` command (`python3 run.py status`, ...);
`test` passes its arguments to pytest (`python3 run.py test -k reminders`); `lint` runs ruff.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
STAMP = VENV / ".knotbot-installed"  # the pyproject.toml the venv was set up from
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _wanted() -> str:
    return hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()


def ensure_ready() -> None:
    """Create .venv and install knotbot[dev] into it, unless that is already done."""
    if sys.version_info < (3, 11):
        sys.exit(f"knotbot needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if STAMP.exists() and STAMP.read_text() == _wanted() and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"Setting up knotbot in {VENV} (once; a minute or two) ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{HERE}[dev]"], check=True, cwd=HERE)
    STAMP.write_text(_wanted())


def main(args: list[str]) -> int:
    ensure_ready()
    if args[:1] == ["test"]:
        command = [str(PYTHON), "-m", "pytest", *args[1:]]
    elif args[:1] == ["lint"]:
        ruff = [str(PYTHON), "-m", "ruff"]
        checked = subprocess.run([*ruff, "check", "."], cwd=HERE).returncode
        return checked or subprocess.run([*ruff, "format", "--check", "."], cwd=HERE).returncode
    else:
        command = [str(PYTHON), "-m", "adapters.cli", *args]
    return subprocess.run(command, cwd=HERE if args[:1] == ["test"] else None).returncode


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
