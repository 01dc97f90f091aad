"""A hold plan laid out in time: its phases, and the moments a frame is shown.

Every frame has a fixed offset from the hold's start, so a late wake-up never shifts the
frames after it. Phase changes and cue changes are always shown; within a phase, frames
count down in steps no shorter than the platform's edit cadence, ending on the final seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from bot.content.models import HoldPlan, Phase
from bot.i18n import N_

# Phases longer than this count down in coarser steps (at most about 60 frames a phase).
_LONG_PHASE_SECONDS = 120
_FINAL_SECONDS = 10


class PhaseKind(StrEnum):
    PREPARE = "prepare"
    PRESS = "press"
    RELEASE = "release"
    REST = "rest"


# A phase's name on the countdown when its content gives none; said in the hold's language.
DEFAULT_LABELS = {
    PhaseKind.PREPARE: N_("Get ready"),
    PhaseKind.PRESS: N_("Press"),
    PhaseKind.RELEASE: N_("Release"),
    PhaseKind.REST: N_("Rest"),
}


@dataclass(frozen=True)
class Segment:
    kind: PhaseKind
    round: int  # 1-based; the prepare phase belongs to round 1
    start: float  # seconds from the hold's start
    seconds: float
    label: str | None  # the content's own; None: the default for its kind (DEFAULT_LABELS)
    text: str

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True)
class Tick:
    """One frame to show: when, in which phase, and the cue current at that moment."""

    offset: float
    segment: int  # index into Timeline.segments
    cue: str = ""


@dataclass(frozen=True)
class Timeline:
    segments: tuple[Segment, ...]
    ticks: tuple[Tick, ...]
    rounds: int
    press_seconds: int

    @property
    def total(self) -> float:
        return self.segments[-1].end

    def remaining(self, tick: Tick) -> int:
        """Whole seconds left in the tick's phase, as a countdown shows them."""
        return math.ceil(self.segments[tick.segment].end - tick.offset - 1e-9)

    @property
    def first_press_end(self) -> float:
        """When the first press ends: until then a "before" check-in is still before."""
        return next((s.end for s in self.segments if s.kind is PhaseKind.PRESS), self.total)

    def rounds_done_at(self, offset: float) -> int:
        """Press phases completed by `offset`."""
        return sum(1 for s in self.segments if s.kind is PhaseKind.PRESS and s.end <= offset + 1e-9)

    def tick_at(self, offset: float) -> Tick:
        """A tick describing the state at any moment (for a paused or resumed frame)."""
        index = next(
            (i for i, s in enumerate(self.segments) if s.start <= offset < s.end),
            len(self.segments) - 1,
        )
        cue = ""
        for tick in self.ticks:
            if tick.offset <= offset and tick.segment == index:
                cue = tick.cue
        return Tick(offset, index, cue)


def build_timeline(
    plan: HoldPlan, *, cadence: float, rounds: int | None = None, press_seconds: int | None = None
) -> Timeline:
    """Lay out `plan` (press time never above its cap) for an adapter editing every `cadence` s;
    `press_seconds` is the press time asked for, if any."""
    rounds = max(1, min(rounds or plan.rounds, plan.rounds))
    press = max(1, min(press_seconds or plan.press.seconds, plan.press.max_seconds))
    segments: list[Segment] = []
    clock = 0.0

    def add(kind: PhaseKind, phase: Phase, seconds: float, round_no: int) -> None:
        nonlocal clock
        if seconds <= 0:
            return
        segments.append(Segment(kind, round_no, clock, seconds, phase.label, phase.text))
        clock += seconds

    add(PhaseKind.PREPARE, plan.prepare, plan.prepare.seconds, 1)
    for round_no in range(1, rounds + 1):
        add(PhaseKind.PRESS, plan.press, press, round_no)
        add(PhaseKind.RELEASE, plan.release, plan.release.seconds, round_no)
        if round_no < rounds:
            add(PhaseKind.REST, plan.rest, plan.rest.seconds, round_no)

    ticks: list[Tick] = []
    for index, segment in enumerate(segments):
        ticks += _segment_ticks(index, segment, plan, cadence)
    return Timeline(tuple(segments), tuple(ticks), rounds, press)


def _segment_ticks(index: int, segment: Segment, plan: HoldPlan, cadence: float) -> list[Tick]:
    cues = plan.press.cues if segment.kind is PhaseKind.PRESS else ()
    every = plan.press.cue_every_seconds or 0

    def cue_at(offset: float) -> str:
        if not cues or not every:
            return ""
        k = int((offset - segment.start + 1e-9) // every)
        return cues[(k - 1) % len(cues)] if k >= 1 else ""

    must = {segment.start}
    if cues and every:
        must |= {segment.start + k * every for k in range(1, math.ceil(segment.seconds / every))}
    step = cadence
    if segment.seconds > _LONG_PHASE_SECONDS:
        step = max(cadence, 5 * math.ceil(segment.seconds / 60 / 5))
    left = {r for r in _multiples(step, segment.seconds)}
    if step > cadence:
        left |= {r for r in _multiples(cadence, min(_FINAL_SECONDS + 0.5, segment.seconds))}
    optional = sorted(segment.end - r for r in left)

    kept = sorted(must)
    for offset in optional:
        before = max((m for m in kept if m <= offset), default=None)
        after = min((m for m in kept if m > offset), default=segment.end)
        if before is not None and offset - before < cadence - 1e-9:
            continue
        if after - offset < cadence - 1e-9:
            continue
        kept.append(offset)
        kept.sort()
    return [Tick(offset, index, cue_at(offset)) for offset in kept]


def _multiples(step: float, below: float) -> list[float]:
    """step, 2*step, ... strictly below `below`."""
    count = math.ceil(below / step) - 1
    return [step * k for k in range(1, count + 1)]
