"""A copy of the shipped content whose holds take seconds, for end-to-end runs in real time."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.outbox import PlatformLimits

# Holds of one-second phases need an edit cadence below a second to show every phase.
QUICK = PlatformLimits(min_edit_interval=0.5, sends_per_second=50.0, sends_per_chat_per_second=1.0)


def write_short_content(source: Path, target: Path, *, press: int = 2, rounds: int = 2) -> Path:
    """Copy `source` to `target` with every hold shortened to 1 s phases and `press` s presses."""
    shutil.copytree(source, target)
    path = target / "techniques.yaml"
    data = yaml.safe_load(path.read_text())
    for technique in data["techniques"]:
        hold = technique.get("hold")
        if not hold:
            continue
        hold["rounds"] = rounds
        hold["prepare"]["seconds"] = 1
        hold["press"]["seconds"] = press
        hold["release"]["seconds"] = 1
        hold["rest"]["seconds"] = 1
        hold["press"].pop("cues", None)
        hold["press"].pop("cue_every_seconds", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return target
