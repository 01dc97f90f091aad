"""Everything a routine says: its card, the questions of `/routine new`, the list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.actions import (
    DraftCancel,
    DraftSkip,
    DraftSpot,
    RoutineControl,
    RoutineOp,
    RoutinePresses,
    ShareRoutine,
    button,
)
from bot.content import ContentLibrary
from bot.messages import (
    Block,
    ButtonStyle,
    Reply,
    ReplyBuilder,
    bullets,
    caution,
    heading,
    note,
    say,
    steps,
    text,
)
from bot.routines.model import PRESSURE_WHY, Routine
from bot.routines.parse import EXAMPLES

CAUTION_TITLE = "Your own plan"
ONE_LINE = "/routine new chin tucks: hold 5 s, 10 times"


def timing_line(content: ContentLibrary, routine: Routine) -> str:
    area = content.area(routine.area)
    spot = area.name if area else routine.area
    verb = "press" if routine.pressure else "hold"
    rounds = f"{routine.rounds} rounds" if routine.rounds > 1 else "1 round"
    rest = f", let go {routine.rest_seconds} s" if routine.rest_seconds else ""
    return f"{spot} \u00b7 {rounds}: {verb} {routine.press_seconds} s{rest}"


def standing_caution(content: ContentLibrary, routine: Routine) -> Block:
    lines = [content.safety.own_routine]
    if routine.pressure:
        lines.append(PRESSURE_WHY)
    return caution(lines, title=CAUTION_TITLE)


def card(
    content: ContentLibrary,
    routine: Routine,
    *,
    lead: str = "",
    notes: Sequence[str] = (),
    community: bool = False,
) -> Reply:
    """A routine with its standing caution, and what can be done with it."""
    builder = ReplyBuilder()
    if lead:
        builder.add(text(lead))
    builder.add(heading(routine.name), text(timing_line(content, routine)))
    if routine.steps:
        builder.add(steps(routine.steps))
    if notes:
        builder.add(note(*notes))
    builder.add(standing_caution(content, routine))
    if not routine.pressure:
        builder.add(note("A stretch or movement: it does not press on a knot."))
    builder.add(
        note(
            f"/hold {routine.name} starts it; "
            f"/remind {routine.name} every day at 11:00 reminds you."
        )
    )
    builder.row(
        button("Start", RoutineControl(RoutineOp.START, routine.id), ButtonStyle.PRIMARY),
        button("Edit", RoutineControl(RoutineOp.EDIT, routine.id)),
        button("Delete", RoutineControl(RoutineOp.DELETE, routine.id), ButtonStyle.DANGER),
    )
    extra = []
    if not routine.pressure:
        extra.append(button("It presses on a knot", RoutinePresses(routine.id)))
    if community:
        extra.append(button("Share as a tip", ShareRoutine(routine.id)))
    builder.row(*extra)
    return builder.build()


def listing(content: ContentLibrary, routines: Sequence[Routine]) -> Reply:
    if not routines:
        return say(
            "You have no routines of your own yet.",
            f"Type your physio's sheet: {ONE_LINE}, or /routine new to go step by step.",
        )
    builder = ReplyBuilder().add(
        text("Your routines:"),
        bullets([f"{r.name}: {timing_line(content, r)}" for r in routines]),
        note("Each is your own plan, as you typed it. /routine new adds one."),
    )
    for r in routines[:10]:
        builder.row(
            button(
                f"Start {r.name}"[:60], RoutineControl(RoutineOp.START, r.id), ButtonStyle.PRIMARY
            ),
            button("Edit", RoutineControl(RoutineOp.EDIT, r.id)),
        )
    return builder.build()


def _cancel_row(builder: ReplyBuilder, *, skip: str = "") -> ReplyBuilder:
    row = [button(skip, DraftSkip())] if skip else []
    return builder.row(*row, button("Cancel", DraftCancel()))


def _now(value: str) -> Block:
    return note(f"Now: {value}. Type the new one, or press Keep.")


def ask_name(*, editing: str = "") -> Reply:
    builder = ReplyBuilder().add(
        text("Let's write down your routine. What is it called? (for example: chin tucks)"),
        note(f"In one go: {ONE_LINE}"),
    )
    if editing:
        builder.add(_now(editing))
    return _cancel_row(builder, skip="Keep" if editing else "").build()


def ask_spot(content: ContentLibrary, name: str, *, editing: str = "") -> Reply:
    builder = ReplyBuilder().add(text(f"Which spot is \u201c{name}\u201d for?"))
    if editing:
        builder.add(_now(editing))
    areas = list(content.areas)
    for i in range(0, len(areas), 3):
        builder.row(*(button(a.name, DraftSpot(a.id)) for a in areas[i : i + 3]))
    return _cancel_row(builder, skip="Keep" if editing else "").build()


def ask_steps(*, editing: str = "") -> Reply:
    builder = ReplyBuilder().add(
        text(
            "What do you do? Write the steps in your words, one a line or as sentences "
            "(for example: Sit tall. Pull your chin straight back.)"
        )
    )
    if editing:
        builder.add(_now(editing))
    return _cancel_row(builder, skip="Keep" if editing else "No steps").build()


def ask_timing(*, editing: str = "") -> Reply:
    builder = ReplyBuilder().add(
        text("How long, and how many times?"),
        bullets([f"\u201c{e}\u201d" for e in EXAMPLES]),
    )
    if editing:
        builder.add(_now(editing))
    return _cancel_row(builder, skip="Keep" if editing else "").build()


def not_understood(why: str, ask: Reply) -> Reply:
    """A question asked again, after saying what was not understood."""
    return Reply((text(why), *ask.blocks), ask.buttons)


def paused_for_safety() -> Reply:
    return say("I've kept your routine as it was; /routine new carries on whenever you are ready.")


CANCELLED = "Cancelled: nothing was saved."
NO_DRAFT = "Nothing to cancel: you are not writing a routine."


# Discord's form for `/routine new` (adapters/discord/routine_form.py draws it): the fields
# the core reads back as the command's options, with their words.
FORM_TITLE = "Your own routine"


@dataclass(frozen=True)
class FormField:
    key: str  # the option the core reads (`Command.options`)
    label: str  # at most 45 characters (Discord)
    placeholder: str = ""
    max_length: int = 100
    paragraph: bool = False
    required: bool = True


FORM_FIELDS = (
    FormField("name", "What is it called?", "chin tucks", max_length=60),
    FormField(
        "steps",
        "The steps, in your words",
        "Sit tall. Pull your chin straight back.",
        max_length=1000,
        paragraph=True,
        required=False,
    ),
    FormField("timing", "How long, and how many times?", "hold 5 s, 10 times", max_length=100),
)
FORM_SPOT = FormField("area", "The spot it is for", required=False)
