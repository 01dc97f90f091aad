"""What a crash run promises, counted (issue 13): the plan of a run, each kill, and what
happened to every reminder, from the stand-in's record and the database. The harness that
makes these is tests/killing.py.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from adapters.telegram.app import LIMITS
from bot.reminders.dispatcher import DispatchSettings
from bot.storage.reminders import DeliveryStatus

RATE = LIMITS.sends_per_second  # Telegram's overall limit, which each process paces itself to
FLUSH_EVERY = DispatchSettings().flush_every  # outcomes are recorded at least this often
# Besides the send itself and the flush interval, a send's outcome waits for two commits (its
# `sending` mark, its outcome) and for the event loop of a busy process on a shared machine:
# 0.95 s in all was seen with other tests running on 2 CPUs, 0.3-0.5 s on a quiet machine.
SLACK = 0.7


def doubt_window(latency: float) -> float:
    """The longest a send of a running process stays started and unrecorded: its own time,
    then at most one flush interval, plus `SLACK`."""
    return latency + FLUSH_EVERY + SLACK


def doubt_bound(latency: float) -> int:
    """The most sends one process can have started and not recorded at any moment: those
    started within `doubt_window`, at most `RATE` in any second (the pacing's window)."""
    return int(RATE) * (math.floor(doubt_window(latency)) + 1)


@dataclass(frozen=True)
class CrashPlan:
    reminders: int = 600
    kills: int = 8
    bursts: int = 1  # due instants
    burst_gap: float = 60.0  # seconds between them
    seed: int = 13
    latency: float = 0.2  # seconds each send takes at the stand-in
    lead: float = 6.0  # seconds for both processes to start before the first burst
    settle_timeout: float = 120.0  # after the last kill: leases run out, the rest is sent

    def kill_moments(self, rng: random.Random) -> list[float]:
        """When to kill, in seconds after the first burst: the kills shared out among the
        bursts, each at a random moment of its burst's sending (two processes at `RATE`)."""
        span = max(1.0, self.reminders / self.bursts / (2 * RATE))
        return sorted(
            self.burst_gap * (k * self.bursts // self.kills) + rng.uniform(0.0, span)
            for k in range(self.kills)
        )


@dataclass(frozen=True)
class Kill:
    at: float  # seconds after the first due instant
    instance: str  # the killed process's instance id
    in_doubt: int  # its sends started whose outcome was not recorded
    oldest: float  # seconds since the oldest of those started (0.0: none)
    same_id: bool  # restarted with the same instance id
    deliveries: frozenset[int] = field(default=frozenset(), repr=False)  # their ids


@dataclass
class CrashOutcome:
    """What happened to each reminder (by index), from the stand-in and the database."""

    plan: CrashPlan
    kills: list[Kill]
    due: dict[int, float] = field(repr=False)  # when it was due (Unix time)
    arrivals: dict[int, list[float]] = field(repr=False)  # its messages at the stand-in
    statuses: dict[int, list[str]] = field(repr=False)  # its delivery rows' statuses
    uncertain_ids: set[int] = field(repr=False)  # deliveries marked uncertain
    restarts: list[float] = field(repr=False)  # seconds from each start to "connected"
    seconds: float  # the whole run, start to stop
    exit_codes: list[int | None] = field(default_factory=list)  # of the last processes
    logs: dict[str, str] = field(default_factory=dict, repr=False)  # each one's output

    def _where(self, delivered: int | None = None, status: str | None = None) -> list[int]:
        return [
            i
            for i in self.due
            if (delivered is None or len(self.arrivals.get(i, [])) == delivered)
            and (status is None or self.statuses.get(i) == [status])
        ]

    @property
    def delivered_once(self) -> int:
        return len(self._where(delivered=1))

    @property
    def duplicates(self) -> int:
        """Reminders that reached their chat more than once."""
        return sum(1 for times in self.arrivals.values() if len(times) > 1)

    @property
    def uncertain(self) -> int:
        return len(self._where(status=DeliveryStatus.UNCERTAIN))

    @property
    def uncertain_delivered(self) -> int:
        return len(self._where(delivered=1, status=DeliveryStatus.UNCERTAIN))

    @property
    def lost(self) -> int:
        """Reminders never delivered."""
        return len(self._where(delivered=0))

    @property
    def lost_unmarked(self) -> list[int]:
        """Reminders never delivered and not marked uncertain: unexplained losses."""
        return [i for i in self._where(delivered=0) if self.statuses.get(i) != ["uncertain"]]

    @property
    def sent_but_missing(self) -> list[int]:
        """Reminders the database calls sent that never reached their chat."""
        return self._where(delivered=0, status=DeliveryStatus.SENT)

    @property
    def status_counts(self) -> Counter[str]:
        return Counter("+".join(s) or "(none)" for s in self.statuses.values())

    @property
    def in_doubt(self) -> int:
        """Sends in doubt at the kills, as counted right after each."""
        return sum(k.in_doubt for k in self.kills)

    @property
    def in_doubt_ids(self) -> set[int]:
        return {delivery for k in self.kills for delivery in k.deliveries}

    @property
    def lateness(self) -> list[float]:
        """Seconds from due to arrival at the stand-in, of each first delivery."""
        return sorted(times[0] - self.due[i] for i, times in self.arrivals.items() if times)

    def lateness_at(self, fraction: float) -> float:
        """A percentile of `lateness` (nearest rank; NaN if nothing arrived)."""
        values = self.lateness
        if not values:
            return math.nan
        return values[round(fraction * (len(values) - 1))]

    def summary(self) -> dict[str, Any]:
        worst = max((k.in_doubt for k in self.kills), default=0)
        oldest = max((k.oldest for k in self.kills), default=0.0)
        return {
            "reminders": self.plan.reminders,
            "kills": len(self.kills),
            "delivered_once": self.delivered_once,
            "duplicates": self.duplicates,
            "uncertain": self.uncertain,
            "uncertain_delivered": self.uncertain_delivered,
            "uncertain_not_delivered": self.uncertain - self.uncertain_delivered,
            "lost": self.lost,
            "lost_unmarked": len(self.lost_unmarked),
            "in_doubt_at_kills": self.in_doubt,
            "kills_with_sends_in_doubt": sum(k.in_doubt > 0 for k in self.kills),
            "uncertain_exactly_those_in_doubt": self.uncertain_ids == self.in_doubt_ids,
            "in_doubt_per_kill_max": worst,
            "in_doubt_per_kill_bound": doubt_bound(self.plan.latency),
            "oldest_in_doubt_seconds": round(oldest, 3),
            "doubt_window_seconds": round(doubt_window(self.plan.latency), 3),
            "lateness_p50_seconds": round(self.lateness_at(0.50), 3),
            "lateness_p99_seconds": round(self.lateness_at(0.99), 3),
            "lateness_max_seconds": round(max(self.lateness, default=math.nan), 3),
            "restart_p50_seconds": round(statistics.median(self.restarts or [math.nan]), 2),
            "restart_max_seconds": round(max(self.restarts, default=math.nan), 2),
            "statuses": dict(self.status_counts),
            "seconds": round(self.seconds, 1),
        }

    def describe(self) -> str:
        """A short account for assertion messages."""
        kills = ", ".join(
            f"{k.at:.1f}s {k.instance}: {k.in_doubt} ({k.oldest:.2f}s)" for k in self.kills
        )
        return f"{self.summary()}\nkills: {kills}"
