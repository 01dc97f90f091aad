"""How a hold ended, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class StopReason(StrEnum):
    USER = "user"  # Stop button or /stop
    REPLACED = "replaced"  # the user started another hold in the same chat
    SHUTDOWN = "shutdown"  # the bot is stopping
    GONE = "gone"  # the message was deleted: nobody can see or stop the hold
    PAUSED_TOO_LONG = "paused_too_long"


class Ending(StrEnum):
    COMPLETED = "completed"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class HoldOutcome:
    ending: Ending
    rounds_done: int
    reason: StopReason | None
    frames_shown: int
    frames_skipped: int
    ended_at: datetime  # wall time the hold ended, before any closing edit
