"""Everything a routine says: its card, the questions of `/routine new`, the list, and the
words of Discord's form. Said in the language of the `content` handed in (the person's), or
of the translator `t` where there is no content."""

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
from bot.i18n import N_, Translator, translator
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

CAUTION_TITLE = N_("Your own plan")
ONE_LINE = N_("/routine new chin tucks: hold 5 s, 10 times")
CANCELLED = N_("Cancelled: nothing was saved.")
NO_DRAFT = N_("Nothing to cancel: you are not writing a routine.")
KEEP = N_("Keep")


def _t(content: ContentLibrary) -> Translator:
    return translator(content.language)


def timing_line(content: ContentLibrary, routine: Routine) -> str:
    """ "Neck · 10 rounds: hold 5 s, let go 3 s"."""
    t = _t(content)
    area = content.area(routine.area)
    spot = area.name if area else routine.area
    seconds = {"seconds": routine.press_seconds}
    verb = (
        t.gettext("press %(seconds)d s") % seconds
        if routine.pressure
        else t.gettext("hold %(seconds)d s") % seconds
    )
    rounds = t.ngettext("%(count)d round", "%(count)d rounds", routine.rounds) % {
        "count": routine.rounds
    }
    rest = (
        t.gettext(", let go %(seconds)d s") % {"seconds": routine.rest_seconds}
        if routine.rest_seconds
        else ""
    )
    return f"{spot} \u00b7 {rounds}: {verb}{rest}"


def standing_caution(content: ContentLibrary, routine: Routine) -> Block:
    t = _t(content)
    lines = [content.safety.own_routine]
    if routine.pressure:
        lines.append(t.gettext(PRESSURE_WHY))
    return caution(lines, title=t.gettext(CAUTION_TITLE))


def card(
    content: ContentLibrary,
    routine: Routine,
    *,
    lead: str = "",
    notes: Sequence[str] = (),
    community: bool = False,
) -> Reply:
    """A routine with its standing caution, and what can be done with it (`lead` and `notes`
    already in the reader's language)."""
    t = _t(content)
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
        builder.add(note(t.gettext("A stretch or movement: it does not press on a knot.")))
    builder.add(
        note(
            t.gettext("/hold %(name)s starts it; /remind %(name)s every day at 11:00 reminds you.")
            % {"name": routine.name}
        )
    )
    builder.row(
        button(
            t.gettext("Start"), RoutineControl(RoutineOp.START, routine.id), ButtonStyle.PRIMARY
        ),
        button(t.gettext("Edit"), RoutineControl(RoutineOp.EDIT, routine.id)),
        button(
            t.gettext("Delete"), RoutineControl(RoutineOp.DELETE, routine.id), ButtonStyle.DANGER
        ),
    )
    extra = []
    if not routine.pressure:
        extra.append(button(t.gettext("It presses on a knot"), RoutinePresses(routine.id)))
    if community:
        extra.append(button(t.gettext("Share as a tip"), ShareRoutine(routine.id)))
    builder.row(*extra)
    return builder.build()


def start_label(routine: Routine, t: Translator) -> str:
    """The Start button of one routine among others: "Start chin tucks"."""
    return (t.gettext("Start %(name)s") % {"name": routine.name})[:60]


def listing(content: ContentLibrary, routines: Sequence[Routine]) -> Reply:
    t = _t(content)
    if not routines:
        return say(
            t.gettext("You have no routines of your own yet."),
            t.gettext("Type your physio's sheet: %(example)s, or /routine new to go step by step.")
            % {"example": t.gettext(ONE_LINE)},
        )
    builder = ReplyBuilder().add(
        text(t.gettext("Your routines:")),
        bullets([f"{r.name}: {timing_line(content, r)}" for r in routines]),
        note(t.gettext("Each is your own plan, as you typed it. /routine new adds one.")),
    )
    for r in routines[:10]:
        builder.row(
            button(start_label(r, t), RoutineControl(RoutineOp.START, r.id), ButtonStyle.PRIMARY),
            button(t.gettext("Edit"), RoutineControl(RoutineOp.EDIT, r.id)),
        )
    return builder.build()


def _cancel_row(builder: ReplyBuilder, t: Translator, *, skip: str = "") -> ReplyBuilder:
    row = [button(t.gettext(skip), DraftSkip())] if skip else []
    return builder.row(*row, button(t.gettext("Cancel"), DraftCancel()))


def _now(value: str, t: Translator) -> Block:
    return note(t.gettext("Now: %(value)s. Type the new one, or press Keep.") % {"value": value})


def ask_name(t: Translator, *, editing: str = "") -> Reply:
    builder = ReplyBuilder().add(
        text(
            t.gettext("Let's write down your routine. What is it called? (for example: chin tucks)")
        ),
        note(t.gettext("In one go: %(example)s") % {"example": t.gettext(ONE_LINE)}),
    )
    if editing:
        builder.add(_now(editing, t))
    return _cancel_row(builder, t, skip=KEEP if editing else "").build()


def ask_spot(content: ContentLibrary, name: str, *, editing: str = "") -> Reply:
    t = _t(content)
    builder = ReplyBuilder().add(
        text(t.gettext("Which spot is \u201c%(name)s\u201d for?") % {"name": name})
    )
    if editing:
        builder.add(_now(editing, t))
    areas = list(content.areas)
    for i in range(0, len(areas), 3):
        builder.row(*(button(a.name, DraftSpot(a.id)) for a in areas[i : i + 3]))
    return _cancel_row(builder, t, skip=KEEP if editing else "").build()


def ask_steps(t: Translator, *, editing: str = "") -> Reply:
    builder = ReplyBuilder().add(
        text(
            t.gettext(
                "What do you do? Write the steps in your words, one a line or as sentences "
                "(for example: Sit tall. Pull your chin straight back.)"
            )
        )
    )
    if editing:
        builder.add(_now(editing, t))
    return _cancel_row(builder, t, skip=KEEP if editing else N_("No steps")).build()


def ask_timing(t: Translator, *, editing: str = "") -> Reply:
    builder = ReplyBuilder().add(
        text(t.gettext("How long, and how many times?")),
        bullets([f"\u201c{t.gettext(e)}\u201d" for e in EXAMPLES]),
    )
    if editing:
        builder.add(_now(editing, t))
    return _cancel_row(builder, t, skip=KEEP if editing else "").build()


def not_understood(why: str, ask: Reply) -> Reply:
    """A question asked again, after saying what was not understood."""
    return Reply((text(why), *ask.blocks), ask.buttons)


def paused_for_safety(t: Translator) -> Reply:
    return say(
        t.gettext(
            "I've kept your routine as it was; /routine new carries on whenever you are ready."
        )
    )


# Discord's form for `/routine new` (adapters/discord/routine_form.py draws it): the fields
# the core reads back as the command's options, with their words.
FORM_TITLE = N_("Your own routine")


@dataclass(frozen=True)
class FormField:
    key: str  # the option the core reads (`Command.options`)
    label: str  # at most 45 characters (Discord)
    placeholder: str = ""
    max_length: int = 100
    paragraph: bool = False
    required: bool = True


FORM_FIELDS = (
    FormField("name", N_("What is it called?"), N_("chin tucks"), max_length=60),
    FormField(
        "steps",
        N_("The steps, in your words"),
        N_("Sit tall. Pull your chin straight back."),
        max_length=1000,
        paragraph=True,
        required=False,
    ),
    FormField(
        "timing", N_("How long, and how many times?"), N_("hold 5 s, 10 times"), max_length=100
    ),
)
FORM_SPOT = FormField("area", N_("The spot it is for"), required=False)


def form_in(language: str) -> tuple[str, tuple[FormField, ...], FormField]:
    """The form's title, fields and spot field in `language` (the Discord client's)."""
    t = translator(language)

    def said(field: FormField) -> FormField:
        placeholder = t.gettext(field.placeholder) if field.placeholder else ""
        return FormField(
            field.key,
            t.gettext(field.label),
            placeholder,
            field.max_length,
            field.paragraph,
            field.required,
        )

    return t.gettext(FORM_TITLE), tuple(said(f) for f in FORM_FIELDS), said(FORM_SPOT)
