"""The call log: every request the bot made, so tests assert on wire traffic, not on mocks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from tests.standins.telegram_api.base import StandInBase
from tests.standins.telegram_api.models import ApiCall


class CallLog(StandInBase):
    """Records calls (``calls``) and the stand-in's own crashes (``internal_errors``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[ApiCall] = []
        self.internal_errors: list[Exception] = []
        self._calls_changed = asyncio.Event()

    def calls_to(self, method: str) -> list[ApiCall]:
        """All recorded calls of ``method`` (case-insensitive, like the Bot API)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain deadline is the pleasant API here
        count: int = 1,
    ) -> ApiCall:
        """Wait until ``count`` matching calls exist (whole history) and return the last one.

        The call's answer is already decided when this returns, so :attr:`messages` is up to
        date. Raises AssertionError with the recent calls on timeout.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            matches = [c for c in self.calls_to(method) if predicate is None or predicate(c)]
            if len(matches) >= count:
                return matches[count - 1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n".join(
                    f"  {c.method}{' FAILED' if c.failed else ''} {c.params!r}"
                    for c in self.calls[-15:]
                )
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} call(s) to {method}"
                    f"{' matching the predicate' if predicate else ''}; "
                    f"got {len(matches)}. Recent calls:\n{recent or '  (none)'}"
                )
            event = self._calls_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _notify_calls(self) -> None:
        self._calls_changed.set()
        self._calls_changed = asyncio.Event()
