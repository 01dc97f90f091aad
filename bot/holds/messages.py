"""Everything a hold says: its live frames, its endings, and the answers around it (rest
advice, "no hold running") live here, not in adapters or command handlers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions import HoldControl, HoldOp, StartHold, button
from bot.content.models import Area, Technique
from bot.holds.outcome import StopReason
from bot.holds.timeline import Tick, Timeline
from bot.messages import (
    Block,
    ButtonStyle,
    Reply,
    ReplyBuilder,
    bullets,
    caution,
    heading,
    note,
    progress,
    say,
    text,
)

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
        control = button("Resume", HoldControl(HoldOp.RESUME, view.hold_id), ButtonStyle.PRIMARY)
    else:
        control = button("Pause", HoldControl(HoldOp.PAUSE, view.hold_id))
    stop = button("Stop", HoldControl(HoldOp.STOP, view.hold_id), ButtonStyle.DANGER)
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


def rest_advice(area: Area, done: int, gentle: tuple[Technique, ...]) -> Reply:
    """At the daily limit of pressure rounds on a spot: rest it, or try a pressure-free hold."""
    builder = ReplyBuilder().add(
        text(
            f"You have done {done} rounds on your {area.name.lower()} in the last 24 hours. "
            "Give this spot a rest until tomorrow: pressing a knot too long or too often "
            "makes it hurt more the next day.",
            "If it keeps hurting, or the pain is sharp or spreads, have it looked at (/safety).",
        )
    )
    builder.row(*(button(f"Try instead: {t.title}", StartHold(t.id, area.id)) for t in gentle))
    return builder.build()


def too_many_running(limit: int) -> Reply:
    return say(
        f"You have {limit} holds running already. Finish or stop one (/stop in its chat) "
        "before starting another: one spot at a time is kinder to your muscles."
    )


def no_hold_running() -> Reply:
    return say("You have no hold running here.")


STOPPED_NOTICE = "Your hold is stopped."


def no_timed_hold(technique: Technique) -> Reply:
    return say(f"{technique.title} has no timed hold; /technique {technique.id} shows how.")


def choose_hold(holdable: tuple[Technique, ...], lead: str) -> Reply:
    """The holds to pick from, two buttons a row."""
    builder = ReplyBuilder().add(text(lead), bullets([f"{t.id}: {t.title}" for t in holdable]))
    for i in range(0, len(holdable), 2):
        builder.row(*(button(t.title, StartHold(t.id, t.areas[0])) for t in holdable[i : i + 2]))
    return builder.build()
