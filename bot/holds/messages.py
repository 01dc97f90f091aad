"""What a hold's own message says: its live frames, its endings, and a restart's "cut short".
(The answers around a hold, such as rest advice or "Another round?", are in `answers`.)

Every frame is said in the language of the person who started the hold: it travels with the
hold in `HoldView.t`, so a pause, a stop or the closing line speak it to the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.actions import (
    SKIP,
    Action,
    HoldControl,
    HoldOp,
    TenseHold,
    When,
    button,
)
from bot.content.models import Area, Technique
from bot.holds.outcome import StopReason
from bot.holds.timeline import DEFAULT_LABELS, Segment, Tick, Timeline
from bot.i18n import N_, Translator, translator
from bot.messages import (
    Block,
    Button,
    ButtonStyle,
    Reply,
    caution,
    heading,
    note,
    progress,
    text,
)
from bot.routines.model import routine_number

BAR_CELLS = 16
ENGLISH = translator("en")


@dataclass(frozen=True)
class HoldView:
    """The fixed parts of one hold's message, and the language it speaks."""

    hold_id: int
    technique: Technique
    area: Area
    timeline: Timeline
    show_cautions: bool  # the user's first hold of this technique
    notices: tuple[str, ...] = ()  # e.g. "Only 2 rounds today: ...", already translated
    ask_before: bool = False  # a "how tense was it?" tap on the first round's frames
    # The language of the person who started it: every frame, pause and ending speaks it.
    t: Translator = ENGLISH


def format_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60}:{seconds % 60:02d}"


def bar(fraction: float, cells: int = BAR_CELLS) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * cells)
    return "\u2588" * filled + "\u2591" * (cells - filled)


def in_a_sentence(name: str, t: Translator) -> str:
    """A spot's or technique's name inside a sentence: lower case, except German nouns."""
    return name if t.language == "de" else name.lower()


def again_name(technique_id: str, title: str) -> str:
    """What to type after /hold to start it again: a shipped technique's id, a routine's name
    (which the person knows; never its number, "routine-12")."""
    return title if routine_number(technique_id) is not None else technique_id


def phase_label(segment: Segment, t: Translator) -> str:
    """The phase's name on the countdown: the content's own, else its kind's in `t`."""
    return segment.label or t.gettext(DEFAULT_LABELS[segment.kind])


def _title(view: HoldView, round_no: int) -> Block:
    rounds = view.timeline.rounds
    if rounds <= 1:
        return heading(view.technique.title)
    said = view.t.gettext("%(title)s \u00b7 round %(round)d of %(rounds)d")
    return heading(said % {"title": view.technique.title, "round": round_no, "rounds": rounds})


def _extras(view: HoldView) -> list[Block]:
    blocks: list[Block] = []
    if view.notices:
        blocks.append(note(*view.notices))
    if view.show_cautions:
        title = view.t.gettext("Before you start")
        blocks.append(caution(view.technique.cautions, title=title))
    return blocks


def running_frame(
    view: HoldView, tick: Tick, *, paused: bool = False, ask_before: bool = False
) -> Reply:
    t = view.t
    timeline = view.timeline
    segment = timeline.segments[tick.segment]
    left = timeline.remaining(tick)
    elapsed = (tick.offset - segment.start) / segment.seconds if segment.seconds else 1.0
    label = phase_label(segment, t)
    status = t.gettext("Paused \u00b7 %(phase)s") % {"phase": label} if paused else label
    lines = [f"{status}: {format_seconds(left)}"]
    if segment.text:
        lines.append(segment.text)
    blocks = [_title(view, segment.round), text(*lines), progress(bar(elapsed))]
    if tick.cue:
        blocks.append(note(tick.cue))
    blocks += _extras(view)
    rows: list[tuple[Button, ...]] = []
    if ask_before:
        blocks.append(note(t.gettext(ASK_BEFORE)))
        rows += tension_rows(
            lambda value: TenseHold(When.BEFORE, view.hold_id, value), t.gettext("Skip")
        )
    hold_id = view.hold_id
    if paused:
        resume = HoldControl(HoldOp.RESUME, hold_id)
        control = button(t.gettext("Resume"), resume, ButtonStyle.PRIMARY)
    else:
        control = button(t.gettext("Pause"), HoldControl(HoldOp.PAUSE, hold_id))
    stop = button(t.gettext("Stop"), HoldControl(HoldOp.STOP, hold_id), ButtonStyle.DANGER)
    return Reply(tuple(blocks), (*rows, (control, stop)))


ASK_BEFORE = N_("How tense was it before you started? Tap 0\u201310, if you like.")
ASK_AFTER = N_("How tense is it now? 0\u201310")
CHECK_INS_OFF = N_("/checkins off stops these questions.")


def tension_rows(make: Callable[[int], Action], skip: str = "Skip") -> list[tuple[Button, ...]]:
    """0..10 and Skip, five a row (Discord's most), each a tap that `make` turns into an action."""
    taps = [button(str(v), make(v)) for v in range(11)] + [button(skip, make(SKIP))]
    return [tuple(taps[i : i + 5]) for i in range(0, len(taps), 5)]


def _done_line(technique: Technique, area: Area, rounds: int, t: Translator) -> str:
    closing = technique.hold.done if technique.hold else ""
    if rounds > 1:
        said = t.ngettext(
            "Done: %(count)d round on your %(spot)s.",
            "Done: %(count)d rounds on your %(spot)s.",
            rounds,
        ) % {"count": rounds, "spot": in_a_sentence(area.name, t)}
    else:
        said = t.gettext("Done: %(title)s.") % {"title": in_a_sentence(technique.title, t)}
    return f"{said} {closing}".strip()


def _ask_after(blocks: list[Block], hold_id: int, t: Translator) -> Reply:
    blocks += [text(t.gettext(ASK_AFTER)), note(t.gettext(CHECK_INS_OFF))]
    rows = tension_rows(lambda value: TenseHold(When.AFTER, hold_id, value), t.gettext("Skip"))
    return Reply(tuple(blocks), tuple(rows))


def done_frame(view: HoldView, *, ask_after: bool = False) -> Reply:
    line = _done_line(view.technique, view.area, view.timeline.rounds, view.t)
    blocks = [heading(view.technique.title), text(line), progress(bar(1.0))]
    return _ask_after(blocks, view.hold_id, view.t) if ask_after else Reply(tuple(blocks))


def _stopped_early(rounds_done: int, rounds: int, t: Translator) -> str:
    if rounds > 1:
        said = t.gettext(
            "Stopped after %(done)d of %(rounds)d rounds. "
            "Stopping early is fine: gentle beats long."
        )
        return said % {"done": rounds_done, "rounds": rounds}
    return t.gettext("Stopped. Stopping early is fine: gentle beats long.")


def _stopped_because(reason: StopReason, rounds_done: int, rounds: int, t: Translator) -> str:
    """Stopped by a restart or a long pause, with how far it got when it has rounds."""
    counted = {"done": rounds_done, "rounds": rounds}
    if reason is StopReason.SHUTDOWN:
        if rounds > 1:
            return (
                t.gettext(
                    "Stopped after %(done)d of %(rounds)d rounds because knotbot is restarting."
                )
                % counted
            )
        return t.gettext("Stopped because knotbot is restarting.")
    if rounds > 1:
        return (
            t.gettext("Stopped after %(done)d of %(rounds)d rounds after a long pause.") % counted
        )
    return t.gettext("Stopped after a long pause.")


def stopped_frame(
    view: HoldView, rounds_done: int, reason: StopReason | None, *, ask_after: bool = False
) -> Reply:
    t = view.t
    rounds = view.timeline.rounds
    name = again_name(view.technique.id, view.technique.title)
    again = t.gettext("Start again with /hold %(name)s whenever you like.") % {"name": name}
    match reason:
        case StopReason.REPLACED:
            lines = [t.gettext("Stopped: you started another hold.")]
        case StopReason.SHUTDOWN | StopReason.PAUSED_TOO_LONG:
            lines = [_stopped_because(reason, rounds_done, rounds, t), again]
        case _:
            lines = [_stopped_early(rounds_done, rounds, t)]
    blocks = [heading(view.technique.title), text(*lines)]
    return _ask_after(blocks, view.hold_id, t) if ask_after else Reply(tuple(blocks))


def checked_in_frame(
    technique: Technique,
    area: Area,
    *,
    completed: bool,
    rounds_done: int,
    rounds_planned: int,
    before: int | None,
    after: int | None,
    t: Translator = ENGLISH,
) -> Reply:
    """The closing frame once its "how tense now?" is answered or skipped: no buttons left."""
    if completed:
        line = _done_line(technique, area, rounds_planned, t)
    else:
        line = _stopped_early(rounds_done, rounds_planned, t)
    blocks = [heading(technique.title), text(line)]
    if before is not None and after is not None:
        said = t.gettext("Noted: %(before)d before, %(after)d now. /progress shows how it goes.")
        blocks.append(note(said % {"before": before, "after": after}))
    return Reply(tuple(blocks))


def interrupted_frame(title: str, again: str | None, t: Translator = ENGLISH) -> Reply:
    """For a hold cut off by a restart: its message must not keep saying 'Press: 12 s'.
    `again`: what to type after /hold to start it again (None: nothing left to start)."""
    lines = [t.gettext("This hold was cut short because knotbot restarted.")]
    if again:
        said = t.gettext("Start it again with /hold %(name)s whenever you like.")
        lines.append(said % {"name": again})
    return Reply((heading(title), text(*lines)))
