"""What counts as a crash in the fuzz tests: any log record at ERROR or above, from any logger
(the adapters', the core's "failed to handle", python-telegram-bot's and discord.py's "Ignoring
exception ..." and asyncio's "Task exception was never retrieved"). WARNINGs are the adapters'
documented way of saying "odd, ignored" and do not count.
"""

from __future__ import annotations

import logging
import re
import traceback

import pytest

# Exceptions the adapters log today for payloads the platforms never send in that shape:
# (exception type, the innermost function of adapters/ it was raised in). Each one has a
# strict-xfail test below; when it is fixed, delete its entry and its xfail mark.
KNOWN_CRASHES: set[tuple[str, str]] = set()


def signature(record: logging.LogRecord) -> tuple[str, str]:
    """(exception type, innermost knotbot function) of a logged exception, causes unwrapped."""
    exc = record.exc_info[1] if record.exc_info else None
    while exc is not None and exc.__cause__ is not None:
        exc = exc.__cause__
    if exc is None:
        return ("", "")
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if re.search(r"[/\\](adapters|bot)[/\\]", f.filename)]
    return (type(exc).__name__, ours[-1].name if ours else "")


def crashes(caplog: pytest.LogCaptureFixture, *, known_ok: bool = True) -> list[str]:
    """Records at ERROR or above, as readable lines (known ones left out if `known_ok`)."""
    return [
        f"{r.name}: {r.getMessage()} {signature(r)}"
        for r in caplog.records
        if r.levelno >= logging.ERROR and not (known_ok and signature(r) in KNOWN_CRASHES)
    ]
