"""The running dispatcher of each platform (see `bot.reminders.dispatcher`)."""

from __future__ import annotations

import asyncio
import contextlib

from bot.clock import Clock
from bot.outbox import Outbox
from bot.reminders.dispatcher import Dispatcher, DispatchSettings
from bot.reminders.kinds import Composers
from bot.storage import Database


class Dispatchers:
    """The running dispatcher of each platform: started when its adapter connects, woken when
    something is scheduled, stopped at shutdown."""

    def __init__(
        self,
        *,
        db: Database,
        composers: Composers,
        clock: Clock,
        owner: str,
        settings: DispatchSettings | None = None,
    ) -> None:
        self._db = db
        self._composers = composers
        self._clock = clock
        self._owner = owner
        self._settings = settings
        self.running: dict[str, Dispatcher] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, platform: str, outbox: Outbox) -> Dispatcher:
        """Run the platform's dispatcher (once; a second call returns the running one)."""
        if platform in self.running:
            return self.running[platform]
        dispatcher = Dispatcher(
            platform=platform,
            outbox=outbox,
            db=self._db,
            composers=self._composers,
            clock=self._clock,
            owner=self._owner,
            settings=self._settings,
        )
        self.running[platform] = dispatcher
        self._tasks.append(asyncio.create_task(dispatcher.run(), name=f"reminders-{platform}"))
        return dispatcher

    def wake(self, platform: str) -> None:
        if platform in self.running:
            self.running[platform].wake()

    async def stop(self) -> None:
        for dispatcher in self.running.values():
            dispatcher.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=60)
        self._tasks.clear()
        self.running.clear()
