"""What a hold's live message says at each moment: the words live here, not in adapters."""

from __future__ import annotations

from dataclasses import dataclass

from bot import actions
from bot.content.models import Area, Technique
from bot.holds.outcome import StopReason
from bot.holds.timeline import Tick, Timeline
from bot.messages import Block, Button, ButtonStyle, Reply, caution, heading, note, progress, text

BAR_CELLS = 16


@dataclass(frozen=True)
class HoldView:
    """The fixed parts of one hold's message."""

    hold_id: int
    technique: Technique
    area: Area
    timeline: Timeline
    show_cautions: bool  # the user's first hold of this technique
    notice: str = ""  # e.g. "Only 2 rounds today: ..."


def format_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60}:{seconds % 60:02d}"


def bar(fraction: float, cells: int = BAR_CELLS) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * cells)
    return "\u2588" * filled + "\u2591" * (cells - filled)


def _title(view: HoldView, round_no: int) -> Block:
    rounds = view.timeline.rounds
    suffix = f" \u00b7 round {round_no} of {rounds}" if rounds > 1 else ""
    return heading(f"{view.technique.title}{suffix}")


def _extras(view: HoldView) -> list[Block]:
    blocks: list[Block] = []
    if view.notice:
        blocks.append(note(view.notice))
    if view.show_cautions:
        blocks.append(caution(view.technique.cautions, title="Before you start"))
    return blocks


def running_frame(view: HoldView, tick: Tick, *, paused: bool = False) -> Reply:
    timeline = view.timeline
    segment = timeline.segments[tick.segment]
    left = timeline.remaining(tick)
    elapsed = (tick.offset - segment.start) / segment.seconds if segment.seconds else 1.0
    status = f"Paused \u00b7 {segment.label}" if paused else segment.label
    lines = [f"{status}: {format_seconds(left)}"]
    if segment.text:
        lines.append(segment.text)
    blocks = [_title(view, segment.round), text(*lines), progress(bar(elapsed))]
    if tick.cue:
        blocks.append(note(tick.cue))
    blocks += _extras(view)
    if paused:
        control = Button(
            "Resume", actions.make(actions.HOLD_RESUME, view.hold_id), ButtonStyle.PRIMARY
        )
    else:
        control = Button("Pause", actions.make(actions.HOLD_PAUSE, view.hold_id))
    stop = Button("Stop", actions.make(actions.HOLD_STOP, view.hold_id), ButtonStyle.DANGER)
    return Reply(tuple(blocks), ((control, stop),))


def done_frame(view: HoldView) -> Reply:
    rounds = view.timeline.rounds
    plan = view.technique.hold
    closing = plan.done if plan else ""
    if rounds > 1:
        line = f"Done: {rounds} rounds on your {view.area.name.lower()}. {closing}"
    else:
        line = f"Done: {view.technique.title.lower()}. {closing}"
    return Reply((heading(view.technique.title), text(line.strip()), progress(bar(1.0))))


def stopped_frame(view: HoldView, rounds_done: int, reason: StopReason | None) -> Reply:
    rounds = view.timeline.rounds
    done = f" after {rounds_done} of {rounds} rounds" if rounds > 1 else ""
    again = f"Start again with /hold {view.technique.id} whenever you like."
    match reason:
        case StopReason.REPLACED:
            lines = ["Stopped: you started another hold."]
        case StopReason.SHUTDOWN:
            lines = [f"Stopped{done} because knotbot is restarting.", again]
        case StopReason.PAUSED_TOO_LONG:
            lines = [f"Stopped{done} after a long pause.", again]
        case _:
            lines = [f"Stopped{done}. Stopping early is fine: gentle beats long."]
    return Reply((heading(view.technique.title), text(*lines)))


def interrupted_frame(technique_title: str, technique_id: str) -> Reply:
    """For a hold cut off by a restart: its message must not keep saying 'Press: 12 s'."""
    return Reply(
        (
            heading(technique_title),
            text(
                "This hold was cut short because knotbot restarted.",
                f"Start it again with /hold {technique_id} whenever you like.",
            ),
        )
    )
