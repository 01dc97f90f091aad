"""The in-memory platform the benchmark sends to, and the limits it is paced at."""

from __future__ import annotations

import asyncio

from bot.clock import Clock
from bot.messages import ChatRef, MessageRef, Reply
from bot.outbox import PlatformLimits

TELEGRAM = PlatformLimits(
    min_edit_interval=3.0,
    sends_per_second=30.0,
    sends_per_chat_per_second=1.0,
    sends_per_community_chat_per_minute=20.0,
)
# No limit worth the name: the dispatcher sends as fast as it and the database can.
UNTHROTTLED = PlatformLimits(
    min_edit_interval=1.0, sends_per_second=1e9, sends_per_chat_per_second=1e9
)


def due_of(key: str) -> int:
    """The due time (unix seconds) in an occurrence key, `r<reminder id>-<unix seconds>`."""
    return int(key.rpartition("-")[2])


class InMemoryPlatform:
    """Counts what arrives, and with `record` when each send arrived against when it was due
    (read from its occurrence key). `done` is set once `expect` sends have arrived."""

    def __init__(
        self, clock: Clock, limits: PlatformLimits, *, record: bool = False, expect: int = 0
    ) -> None:
        self.limits = limits
        self.sent = 0
        self.arrivals: list[tuple[int, float, str]] = []  # (due, arrived, chat), unix seconds
        self.done = asyncio.Event()
        self._clock = clock
        self._record = record
        self._expect = expect

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        self.sent += 1
        if self._record and key is not None:
            self.arrivals.append((due_of(key), self._clock.now().timestamp(), chat.chat_id))
        if self.sent == self._expect:
            self.done.set()
        return MessageRef("telegram", chat.chat_id, str(self.sent))

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        return None
