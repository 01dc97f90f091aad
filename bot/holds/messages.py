"""Everything a hold says: its live frames, its endings, and the answers around it (rest
advice, "no hold running") live here, not in adapters or command handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import (
    SKIP,
    Action,
    Again,
    HoldAgain,
    HoldControl,
    HoldOp,
    StartHold,
    TenseHold,
    When,
    button,
)
from bot.content.models import Area, Technique
from bot.holds.outcome import StopReason
from bot.holds.timeline import Tick, Timeline
from bot.i18n import N_
from bot.messages import (
    Block,
    Button,
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
    notices: tuple[str, ...] = ()  # e.g. "Only 2 rounds today: ..."
    ask_before: bool = False  # a "how tense was it?" tap on the first round's frames


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
    if view.notices:
        blocks.append(note(*view.notices))
    if view.show_cautions:
        blocks.append(caution(view.technique.cautions, title="Before you start"))
    return blocks


def running_frame(
    view: HoldView, tick: Tick, *, paused: bool = False, ask_before: bool = False
) -> Reply:
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
    rows: list[tuple[Button, ...]] = []
    if ask_before:
        blocks.append(note(ASK_BEFORE))
        rows += tension_rows(lambda value: TenseHold(When.BEFORE, view.hold_id, value))
    if paused:
        control = button("Resume", HoldControl(HoldOp.RESUME, view.hold_id), ButtonStyle.PRIMARY)
    else:
        control = button("Pause", HoldControl(HoldOp.PAUSE, view.hold_id))
    stop = button("Stop", HoldControl(HoldOp.STOP, view.hold_id), ButtonStyle.DANGER)
    return Reply(tuple(blocks), (*rows, (control, stop)))


ASK_BEFORE = "How tense was it before you started? Tap 0\u201310, if you like."
ASK_AFTER = N_("How tense is it now? 0\u201310")
CHECK_INS_OFF = N_("/checkins off stops these questions.")


def tension_rows(make: Callable[[int], Action], skip: str = "Skip") -> list[tuple[Button, ...]]:
    """0..10 and Skip, five a row (Discord's most), each a tap that `make` turns into an action."""
    taps = [button(str(v), make(v)) for v in range(11)] + [button(skip, make(SKIP))]
    return [tuple(taps[i : i + 5]) for i in range(0, len(taps), 5)]


def _done_line(technique: Technique, area: Area, rounds: int) -> str:
    closing = technique.hold.done if technique.hold else ""
    if rounds > 1:
        return f"Done: {rounds} rounds on your {area.name.lower()}. {closing}".strip()
    return f"Done: {technique.title.lower()}. {closing}".strip()


def _ask_after(blocks: list[Block], hold_id: int) -> Reply:
    blocks += [text(ASK_AFTER), note(CHECK_INS_OFF)]
    rows = tension_rows(lambda value: TenseHold(When.AFTER, hold_id, value))
    return Reply(tuple(blocks), tuple(rows))


def done_frame(view: HoldView, *, ask_after: bool = False) -> Reply:
    line = _done_line(view.technique, view.area, view.timeline.rounds)
    blocks = [heading(view.technique.title), text(line), progress(bar(1.0))]
    return _ask_after(blocks, view.hold_id) if ask_after else Reply(tuple(blocks))


def _stopped_early(rounds_done: int, rounds: int) -> str:
    done = f" after {rounds_done} of {rounds} rounds" if rounds > 1 else ""
    return f"Stopped{done}. Stopping early is fine: gentle beats long."


def stopped_frame(
    view: HoldView, rounds_done: int, reason: StopReason | None, *, ask_after: bool = False
) -> Reply:
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
            lines = [_stopped_early(rounds_done, rounds)]
    blocks = [heading(view.technique.title), text(*lines)]
    return _ask_after(blocks, view.hold_id) if ask_after else Reply(tuple(blocks))


def checked_in_frame(
    technique: Technique,
    area: Area,
    *,
    completed: bool,
    rounds_done: int,
    rounds_planned: int,
    before: int | None,
    after: int | None,
) -> Reply:
    """The closing frame once its "how tense now?" is answered or skipped: no buttons left."""
    if completed:
        blocks = [heading(technique.title), text(_done_line(technique, area, rounds_planned))]
    else:
        blocks = [heading(technique.title), text(_stopped_early(rounds_done, rounds_planned))]
    if before is not None and after is not None:
        blocks.append(note(f"Noted: {before} before, {after} now. /progress shows how it goes."))
    return Reply(tuple(blocks))


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


def capped_notice(technique: Technique, asked: int) -> str:
    """Why a hold presses for less than asked: the technique's own caution about time."""
    plan = technique.hold
    assert plan is not None
    cap = plan.press.max_seconds
    why = next(
        (c for c in technique.cautions if any(w in c.lower() for w in ("second", "minute"))),
        "Pressing longer than that makes a spot hurt more the next day, not less."
        if plan.pressure
        else "Longer is not better here; start it again later if you like.",
    )
    return (
        f"{_spoken(asked)} is longer than this hold goes, so it presses for {_spoken(cap)}. {why}"
    )


def _spoken(seconds: int) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds"


def when_word(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """'just now', 'this morning', 'last night', 'yesterday afternoon': when, in their day."""
    if now - moment < timedelta(minutes=20):
        return "just now"
    local = moment.astimezone(zone)
    hour = local.hour
    if local.date() == now.astimezone(zone).date():
        return "last night" if hour < 5 else f"this {_part(hour)}"
    return "last night" if hour >= 21 or hour < 5 else f"yesterday {_part(hour)}"


def _part(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def ask_again(
    technique: Technique, area: Area, rounds_done: int, when: str, seconds: int | None
) -> Reply:
    """A pressure hold on a spot already pressed within the day: ask before starting."""
    rounds = f"{rounds_done} round{'s' if rounds_done != 1 else ''}"
    left = area.daily_round_limit - rounds_done
    builder = ReplyBuilder().add(
        text(
            f"You did {rounds} on your {area.name.lower()} {when}. Another round?",
            f"Up to {left} more today; a spot pressed too often hurts more the next day.",
        )
    )
    builder.row(
        button(
            "Start anyway",
            HoldAgain(Again.YES, technique.id, area.id, seconds or 0),
            ButtonStyle.PRIMARY,
        ),
        button("Not now", HoldAgain(Again.NO, technique.id, area.id, seconds or 0)),
    )
    return builder.build()


def not_now_routine(name: str) -> Reply:
    return say(f"Good call: {name} can wait. /hold {name} whenever you like.")


def say_routine_spot_gone(name: str) -> Reply:
    return say(f"The spot of \u201c{name}\u201d is no longer in my notes; /routine edit {name}.")


def not_now(area: Area) -> Reply:
    return say(f"Good call: your {area.name.lower()} gets a rest. /hold whenever you like.")


def before_noted(value: int | None) -> str:
    if value is None:
        return "No check-in this time."
    return f"Noted: {value} of 10. I'll ask again at the end."
