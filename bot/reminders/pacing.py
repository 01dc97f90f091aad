"""Who may send next: one queue per chat, and the platform's limits as the only shared thing.

A chat's own limit (Telegram: about one message a second in a private chat, twenty a minute in
a group) delays only that chat. Among the chats that may send now, the one whose next message
was due earliest goes first; the platform's overall rate (Telegram: 30 a second) is the only
limit all chats share, and a 429 pauses everything for its retry-after. So one group with a
backlog of 2,000 reminders never makes anyone else late.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from bot.outbox import PlatformLimits

T = TypeVar("T")


@dataclass
class _Chat(Generic[T]):
    jobs: list[tuple[datetime, int, T]] = field(default_factory=list)  # a heap by due time
    last: float = float("-inf")  # when its last send started
    minute: deque[float] = field(default_factory=deque)  # starts in the last 60 s (groups)


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
        self._chats: dict[tuple[str, bool], _Chat[T]] = {}
        self._seq = itertools.count()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, chat: str, community: bool, due: datetime, job: T) -> None:
        state = self._chats.setdefault((chat, community), _Chat())
        heapq.heappush(state.jobs, (due, next(self._seq), job))
        self._size += 1

    def busy(self) -> set[str]:
        """Chats with jobs waiting here (claiming more for them would only make them wait)."""
        return {chat for (chat, _), state in self._chats.items() if state.jobs}

    def hold_off(self, now: float, seconds: float) -> None:
        """The platform said 429: nothing starts for `seconds`."""
        self._held_until = max(self._held_until, now + seconds)

    def take_ready(self, now: float) -> list[T]:
        """Every job that may start now, earliest due first among the chats allowed to send."""
        ready = [
            (state.jobs[0][0], state.jobs[0][1], key)
            for key, state in self._chats.items()
            if state.jobs and self._chat_free_at(key, state) <= now
        ]
        heapq.heapify(ready)
        taken: list[T] = []
        while ready and self._global_free_at() <= now and self._held_until <= now:
            _, _, key = heapq.heappop(ready)
            state = self._chats[key]
            _, _, job = heapq.heappop(state.jobs)
            self._size -= 1
            self._started(key, state, now)
            taken.append(job)
            if state.jobs and self._chat_free_at(key, state) <= now:
                heapq.heappush(ready, (state.jobs[0][0], state.jobs[0][1], key))
        if len(self._chats) > 4 * self._size + 1024:
            self._forget_quiet_chats(now)
        return taken

    def next_ready_at(self) -> float | None:
        """When `take_ready` will next hand out a job (None: nothing is waiting)."""
        waiting = [self._chat_free_at(k, s) for k, s in self._chats.items() if s.jobs]
        if not waiting:
            return None
        return max(min(waiting), self._global_free_at(), self._held_until)

    def drain(self) -> Iterator[T]:
        """Every job still waiting, removed (at shutdown, to release them)."""
        for state in self._chats.values():
            for _, _, job in state.jobs:
                yield job
            state.jobs.clear()
        self._size = 0

    def _forget_quiet_chats(self, now: float) -> None:
        """Chats with nothing waiting whose limits have all passed need no memory."""
        self._chats = {
            key: state
            for key, state in self._chats.items()
            if state.jobs or state.last > now - 60.0
        }

    def _global_free_at(self) -> float:
        if len(self._starts) < self._per_second:
            return float("-inf")
        return self._starts[0] + self._window

    def _chat_free_at(self, key: tuple[str, bool], state: _Chat[T]) -> float:
        free = state.last + self._chat_gap
        if key[1] and self._group_per_minute and len(state.minute) >= self._group_per_minute:
            free = max(free, state.minute[-self._group_per_minute] + 60.0)
        return free

    def _started(self, key: tuple[str, bool], state: _Chat[T], now: float) -> None:
        self._starts.append(now)
        state.last = now
        if key[1] and self._group_per_minute:
            state.minute.append(now)
            while state.minute and state.minute[0] <= now - 60.0:
                state.minute.popleft()
