"""A simulated day: the real dispatcher on a manual clock, paced like Telegram. How late is
each reminder, and how much of that does the platform's limit alone force?"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from benchmarks.common import percentile
from benchmarks.reminders.platform import TELEGRAM, InMemoryPlatform
from benchmarks.reminders.population import DAY_END, DAY_START, PLATFORM
from bot.clock import ManualClock
from bot.content import load_content
from bot.reminders.dispatcher import Dispatcher, DispatchSettings
from bot.reminders.kinds import Composers
from bot.settings import SHIPPED_CONTENT
from bot.storage import Database
from tests.simulation import run_simulated


@dataclass(frozen=True)
class Day:
    sent: int
    skipped: int
    failed: int
    wall_seconds: float
    lateness: list[float]  # arrived minus due, per send
    forced: list[float]  # what the platform's limit alone forces, per send
    excess: list[float]  # lateness beyond that, per send


async def simulate_day(db: Database) -> Day:
    """The dispatcher's own steps, the manual clock jumping from one thing to do to the next;
    sends complete at once (`tests.simulation.run_simulated`)."""
    clock = ManualClock(DAY_START, settle_rounds=6)
    platform = InMemoryPlatform(clock, TELEGRAM, record=True)
    dispatcher = Dispatcher(
        platform=PLATFORM,
        outbox=platform,
        db=db,
        composers=Composers(load_content(SHIPPED_CONTENT)),
        clock=clock,
        owner="bench",
        settings=DispatchSettings(),
    )
    started = time.perf_counter()
    await run_simulated(dispatcher, clock, DAY_END)
    wall = time.perf_counter() - started
    forced, excess = compare_with_the_limit(platform.arrivals)
    stats = dispatcher.stats
    return Day(
        sent=stats.sent,
        skipped=stats.skipped,
        failed=stats.failed,
        wall_seconds=wall,
        lateness=[arrived - due for due, arrived, _ in platform.arrivals],
        forced=forced,
        excess=excess,
    )


def compare_with_the_limit(
    arrivals: list[tuple[int, float, str]],
) -> tuple[list[float], list[float]]:
    """For every send: how late the platform's limit alone forces it to be (a perfect sender:
    due order, at most 30 in any second, one a second per chat), and how much later than
    that it arrived."""
    per_second = int(TELEGRAM.sends_per_second)
    chat_gap = 1.0 / TELEGRAM.sends_per_chat_per_second
    window: deque[float] = deque(maxlen=per_second)
    chat_next: dict[str, float] = {}
    forced, excess = [], []
    for due, arrived, chat in sorted(arrivals):
        at = max(float(due), window[-1] if window else 0.0, chat_next.get(chat, 0.0))
        if len(window) == per_second:
            at = max(at, window[0] + 1.0)
        window.append(at)
        chat_next[chat] = at + chat_gap
        forced.append(at - due)
        excess.append(max(0.0, arrived - at))
    return forced, excess


def summary(day: Day) -> dict[str, object]:
    def share_within_1s(values: list[float]) -> float:
        return round(sum(1 for s in values if s <= 1.0) / max(len(values), 1), 4)

    return {
        "reminders_sent": day.sent,
        "reminders_skipped": day.skipped,
        "reminders_failed": day.failed,
        "simulation_wall_seconds": round(day.wall_seconds, 1),
        "lateness_p50_s": round(percentile(day.lateness, 50), 2),
        "lateness_p99_s": round(percentile(day.lateness, 99), 2),
        "lateness_max_s": round(max(day.lateness, default=float("nan")), 2),
        "within_1s_share": share_within_1s(day.lateness),
        "forced_lateness_p50_s": round(percentile(day.forced, 50), 2),
        "forced_lateness_p99_s": round(percentile(day.forced, 99), 2),
        "excess_lateness_p99_s": round(percentile(day.excess, 99), 2),
        "excess_lateness_max_s": round(max(day.excess, default=float("nan")), 2),
        "excess_within_1s_share": share_within_1s(day.excess),
    }
