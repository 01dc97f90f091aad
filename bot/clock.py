"""Time, injected: the bot runs on the system clock, tests and benchmarks on a manual one."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall time, aware, in UTC: for storage and schedules."""
        ...

    def monotonic(self) -> float:
        """Seconds that never jump: for countdowns and pacing."""
        ...

    async def sleep_until(self, deadline: float) -> None:
        """Sleep until monotonic() reaches `deadline`."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep_until(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))


class ManualClock:
    """A clock that moves only when told to, so tests drive time instead of sleeping.

    `advance(s)` wakes every sleeper due within `s` seconds in order, letting the woken tasks
    run before moving on; `run_until(aw)` jumps from one sleeper to the next whenever the
    event loop is otherwise idle (like trio's autojump clock) until `aw` finishes.
    """

    def __init__(self, start: datetime | None = None, *, settle_rounds: int = 30) -> None:
        self._wall0 = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        self._mono = 1000.0
        self._mono0 = self._mono
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._settle_rounds = settle_rounds

    def now(self) -> datetime:
        return self._wall0 + timedelta(seconds=self._mono - self._mono0)

    def monotonic(self) -> float:
        return self._mono

    async def sleep_until(self, deadline: float) -> None:
        if deadline <= self._mono:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._seq), fut))
        await fut

    @property
    def next_deadline(self) -> float | None:
        self._drop_cancelled()
        return self._sleepers[0][0] if self._sleepers else None

    async def settle(self) -> None:
        """Let every task that can run, run (pure asyncio work; no real I/O waits)."""
        for _ in range(self._settle_rounds):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        target = self._mono + seconds
        await self.settle()
        while (deadline := self.next_deadline) is not None and deadline <= target:
            self._wake_next()
            await self.settle()
        self._mono = max(self._mono, target)
        await self.settle()

    async def run_until(self, task: asyncio.Future[T], *, limit: float = 86400.0) -> T:
        """Jump to each next sleeper until `task` is done (or `limit` seconds have passed)."""
        end = self._mono + limit
        while not task.done():
            await self.settle()
            if task.done():
                break
            deadline = self.next_deadline
            if deadline is None or deadline > end:
                # Nothing sleeps on this clock: the task waits for real I/O. Give it a moment.
                await asyncio.wait({task}, timeout=0.002)
                continue
            self._wake_next()
        return task.result()

    def _wake_next(self) -> None:
        """Move to the earliest deadline and wake everyone sleeping until then."""
        deadline = self._sleepers[0][0]
        self._mono = max(self._mono, deadline)
        while self._sleepers and self._sleepers[0][0] <= deadline:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():
                fut.set_result(None)

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)


async def sleep_or_wake(clock: Clock, deadline: float, wake: asyncio.Event) -> bool:
    """Sleep on `clock` until `deadline` or until `wake` is set; True if woken. Clears `wake`."""
    if not wake.is_set():
        sleeper = asyncio.ensure_future(clock.sleep_until(deadline))
        waiter = asyncio.ensure_future(wake.wait())
        try:
            await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waiter):
                task.cancel()
            await asyncio.gather(sleeper, waiter, return_exceptions=True)
    woken = wake.is_set()
    wake.clear()
    return woken
