"""Who may send next: one queue per chat, and the platform's limits as the only shared thing;
and the senders that send what may start, a few at once.

A chat's own limit (Telegram: about one message a second in a private chat, twenty a minute in
a group) delays only that chat. Among the chats that may send now, the one whose next message
was due earliest goes first; the platform's overall rate (Telegram: 30 a second) is the only
limit all chats share, and a 429 pauses everything for its retry-after. So one group with a
backlog of 2,000 reminders never makes anyone else late.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from bot.outbox import PlatformLimits

T = TypeVar("T")


@dataclass(slots=True)
class _Chat(Generic[T]):
    jobs: list[tuple[datetime, int, T]] = field(default_factory=list)  # a heap by due time
    last: float = float("-inf")  # when its last send started
    minute: deque[float] | None = None  # starts in the last 60 s (groups only)


class FairQueue(Generic[T]):
    """Jobs waiting to be sent, by chat. `take_ready(now)` hands out every job that may start
    at `now` (monotonic seconds), earliest due first among the chats allowed to send."""

    def __init__(self, limits: PlatformLimits) -> None:
        self._per_second = max(1, int(limits.sends_per_second))
        self._window = self._per_second / limits.sends_per_second  # seconds per full window
        self._chat_gap = 1.0 / limits.sends_per_chat_per_second
        self._group_per_minute = int(limits.sends_per_community_chat_per_minute)
        self._starts: deque[float] = deque(maxlen=self._per_second)  # the last starts
        self._held_until = 0.0
        self._chats: dict[tuple[str, bool], _Chat[T]] = {}  # waiting, or sent lately
        self._waiting: dict[tuple[str, bool], _Chat[T]] = {}  # those with jobs waiting
        self._resting: list[tuple[float, tuple[str, bool]]] = []  # a heap: when to forget them
        self._seq = itertools.count()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, chat: str, community: bool, due: datetime, job: T) -> None:
        key = (chat, community)
        state = self._waiting.get(key) or self._chats.setdefault(key, _Chat())
        heapq.heappush(state.jobs, (due, next(self._seq), job))
        self._waiting[key] = state
        self._size += 1

    def busy(self) -> set[str]:
        """Chats with jobs waiting here (claiming more for them would only make them wait)."""
        return {chat for chat, _ in self._waiting}

    def hold_off(self, now: float, seconds: float) -> None:
        """The platform said 429: nothing starts for `seconds`."""
        self._held_until = max(self._held_until, now + seconds)

    def take_ready(self, now: float) -> list[T]:
        """Every job that may start now, earliest due first among the chats allowed to send."""
        ready = [
            (state.jobs[0][0], state.jobs[0][1], key)
            for key, state in self._waiting.items()
            if self._chat_free_at(key, state) <= now
        ]
        heapq.heapify(ready)
        taken: list[T] = []
        while ready and self._global_free_at() <= now and self._held_until <= now:
            _, _, key = heapq.heappop(ready)
            state = self._waiting[key]
            _, _, job = heapq.heappop(state.jobs)
            self._size -= 1
            self._started(key, state, now)
            taken.append(job)
            if not state.jobs:
                del self._waiting[key]
                heapq.heappush(self._resting, (now + self._memory(key), key))
            elif self._chat_free_at(key, state) <= now:
                heapq.heappush(ready, (state.jobs[0][0], state.jobs[0][1], key))
        self._forget_rested(now)
        return taken

    def next_ready_at(self) -> float | None:
        """When `take_ready` will next hand out a job (None: nothing is waiting)."""
        waiting = [self._chat_free_at(k, s) for k, s in self._waiting.items()]
        if not waiting:
            return None
        return max(min(waiting), self._global_free_at(), self._held_until)

    def drain(self) -> Iterator[T]:
        """Every job still waiting, removed (at shutdown, to release them)."""
        for state in self._waiting.values():
            for _, _, job in state.jobs:
                yield job
            state.jobs.clear()
        self._waiting.clear()
        self._size = 0

    def _forget_rested(self, now: float) -> None:
        """Chats with nothing waiting whose limits have all passed need no memory."""
        resting = self._resting
        while resting and resting[0][0] <= now:
            _, key = heapq.heappop(resting)
            state = self._chats.get(key)
            # A chat that sent again meanwhile rests again (a later entry forgets it).
            if state and not state.jobs and state.last + self._memory(key) <= now:
                del self._chats[key]

    def _memory(self, key: tuple[str, bool]) -> float:
        """How long a chat's last send still limits it."""
        return 60.0 if key[1] and self._group_per_minute else self._chat_gap

    def _global_free_at(self) -> float:
        if len(self._starts) < self._per_second:
            return float("-inf")
        return self._starts[0] + self._window

    def _chat_free_at(self, key: tuple[str, bool], state: _Chat[T]) -> float:
        free = state.last + self._chat_gap
        minute = state.minute
        if minute is not None and len(minute) >= self._group_per_minute:
            free = max(free, minute[-self._group_per_minute] + 60.0)
        return free

    def _started(self, key: tuple[str, bool], state: _Chat[T], now: float) -> None:
        self._starts.append(now)
        state.last = now
        if key[1] and self._group_per_minute:
            minute = state.minute = state.minute if state.minute is not None else deque()
            minute.append(now)
            while minute and minute[0] <= now - 60.0:
                minute.popleft()


class Senders(Generic[T]):
    """Sends what it is given in that order, in up to `concurrency` tasks at once; each task
    sends one after another until nothing is left. `send` must not raise."""

    def __init__(self, concurrency: int, send: Callable[[T], Awaitable[None]], name: str) -> None:
        self._concurrency = concurrency
        self._send = send
        self._name = name
        self._waiting: deque[T] = deque()
        self._pending = 0  # given, not yet sent
        self._tasks: set[asyncio.Task[None]] = set()
        self._working = 0  # tasks still taking work (a task may not be done yet)

    def __len__(self) -> int:
        return self._pending

    def start(self, items: Iterable[T]) -> None:
        before = len(self._waiting)
        self._waiting.extend(items)
        self._pending += len(self._waiting) - before
        while self._working < min(self._concurrency, len(self._waiting)):
            self._working += 1
            task = asyncio.create_task(self._work(), name=self._name)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait until everything given is sent."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _work(self) -> None:
        try:
            while self._waiting:
                item = self._waiting.popleft()
                try:
                    await self._send(item)
                finally:
                    self._pending -= 1
        finally:
            self._working -= 1
