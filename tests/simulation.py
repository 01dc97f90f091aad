"""Driving a dispatcher through simulated time: the tests' and the benchmarks' manual clock."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.clock import ManualClock
from bot.reminders.dispatcher import Dispatcher


async def run_simulated(dispatcher: Dispatcher, clock: ManualClock, until: datetime) -> None:
    """The same steps as `Dispatcher.run`, with the clock jumping from one due time to the next
    (up to `until`) instead of sleeping."""
    while True:
        await clock.run_until(asyncio.ensure_future(dispatcher.run_once()))
        due = await dispatcher.next_due()
        if due is None or due > until:
            break
        if due > clock.now():
            await clock.advance((due - clock.now()).total_seconds())
    if until > clock.now():
        await clock.advance((until - clock.now()).total_seconds())
