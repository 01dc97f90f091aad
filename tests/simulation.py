"""Driving a dispatcher through simulated time: the tests' and the benchmarks' manual clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.reminders.dispatcher import Dispatcher


async def run_simulated(dispatcher: Dispatcher, clock: ManualClock, until: datetime) -> None:
    """The same steps as `Dispatcher.run`, with the clock jumping to each next thing to do
    (up to `until`) instead of sleeping; sends complete before the clock moves on."""
    end = clock.monotonic() + max(0.0, (until - clock.now()).total_seconds())
    while True:
        wake_at = await dispatcher.step()
        await dispatcher.settle()
        if dispatcher.woken() or (dispatcher.busy and wake_at <= clock.monotonic()):
            continue  # a send finished or was refused, or more is due now
        if not dispatcher.busy:  # alone in the simulation: skip the periodic looks
            due = await dispatcher.next_due()
            wake_at = end + 1 if due is None else clock.monotonic() + seconds(due - clock.now())
        if wake_at > end:
            break
        await clock.advance(max(0.0, wake_at - clock.monotonic()))
    await dispatcher.flush()
    if clock.monotonic() < end:
        await clock.advance(end - clock.monotonic())


def seconds(delta: timedelta) -> float:
    return delta.total_seconds()
