"""`/routine new` step by step: name, spot, steps, timing, each answered by a plain message
(or a button). What was said so far is kept in the database (`routine_drafts`), so a restart
in the middle loses nothing: the next message carries on where the person was.

Red flags are looked for in every answer; an urgent one puts the routine aside, any other
leads the next question (as /knot does).
"""

from __future__ import annotations

from typing import Any

from bot.content.red_flags import red_flags
from bot.context import Context
from bot.i18n import N_
from bot.messages import Reply, say
from bot.presenters import with_red_flags
from bot.routines import messages as m
from bot.routines.parse import (
    RoutineParseError,
    name_of,
    parse_timing,
    presses,
    steps_of,
    tidy,
)
from bot.routines.service import Draft, Fields, RoutineRefused

STEPS = ("name", "spot", "steps", "timing")
_FIELD = {"name": "name", "spot": "area", "steps": "steps", "timing": "timing"}
# Answers that keep what a routine being edited has, or write it without steps; in each
# language knotbot speaks.
KEEP_WORDS = {
    "same", "keep", "keep it", "unchanged",
    "gleich", "behalten", "unver\u00e4ndert", "so lassen", "bleibt",
    "igual", "mantener", "sin cambios", "dejar", "lo mismo",
}  # fmt: skip
SKIP_WORDS = {
    "skip", "none", "no steps", "-", "no",
    "keine", "keine schritte", "\u00fcberspringen", "nein", "ohne",
    "ninguno", "ninguna", "sin pasos", "saltar", "omitir",
}  # fmt: skip
_UNKNOWN_SPOT = N_("I don't know that spot; pick one of the buttons.")


def missing(draft: Draft, step: str) -> bool:
    return _FIELD[step] not in draft.said


def next_step(draft: Draft, after: str | None = None) -> str | None:
    """What to ask after `after`: every step again when editing, else what is still missing."""
    start = STEPS.index(after) + 1 if after in STEPS else 0
    for step in STEPS[start:]:
        if draft.routine_id is not None or missing(draft, step):
            return step
    return None


def _now_text(ctx: Context, draft: Draft, step: str) -> str:
    """What a routine being edited has now, for the question."""
    if draft.routine_id is None:
        return ""
    value = draft.said.get(_FIELD[step])
    if step == "spot":
        area = ctx.content.area(str(value))
        return area.name if area else ""
    if step == "steps":
        return " ".join(value or ()) or ctx.t.gettext("no steps")
    if step == "timing" and isinstance(value, dict):
        return f"{value.get('rounds')} \u00d7 {value.get('press')} s"
    return str(value or "")


def question(ctx: Context, draft: Draft, step: str) -> Reply:
    editing = _now_text(ctx, draft, step)
    match step:
        case "name":
            return m.ask_name(ctx.t, editing=editing)
        case "spot":
            return m.ask_spot(ctx.content, str(draft.said.get("name", "")), editing=editing)
        case "steps":
            return m.ask_steps(ctx.t, editing=editing)
        case _:
            return m.ask_timing(ctx.t, editing=editing)


def fields_of(draft: Draft) -> Fields:
    said = draft.said
    steps = tuple(str(s) for s in said.get("steps") or ())
    timing: dict[str, Any] = said["timing"]
    name = str(said["name"])
    return Fields(
        name=name,
        area=str(said["area"]),
        steps=steps,
        press_seconds=int(timing["press"]),
        rounds=int(timing["rounds"]),
        rest_seconds=timing.get("rest"),
        pressure=bool(said.get("pressure")) or presses(name, *steps),
    )


async def advance(ctx: Context, draft: Draft, after: str | None, *, lead: str = "") -> Reply:
    """Ask the next question (keeping the draft), or save the routine when nothing is left."""
    step = next_step(draft, after)
    routines = ctx.services.routines
    if step is not None:
        draft.step = step
        await routines.keep_draft(ctx.user, draft)
        asked = question(ctx, draft, step)
        return m.not_understood(lead, asked) if lead else asked
    try:
        saved = await routines.save(ctx.user, fields_of(draft), draft.routine_id)
    except RoutineRefused as exc:
        return say(exc.said(ctx.t))
    t = ctx.t
    said = (
        t.gettext("Saved: your routine \u201c%(name)s\u201d.")
        if not saved.updated
        else t.gettext("Updated: your routine \u201c%(name)s\u201d.")
    )
    notes = [n.said(t) for n in saved.notes]
    return m.card(
        ctx.content,
        saved.routine,
        lead=said % {"name": saved.routine.name},
        notes=(*notes, lead) if lead else notes,
        community=ctx.chat.is_community,
    )


def answer(ctx: Context, draft: Draft, said: str) -> str | None:
    """Put a typed answer to the current question into the draft; what was not understood,
    if anything (then the question is asked again)."""
    step = draft.step
    words = tidy(said, 80).casefold()
    if draft.routine_id is not None and words in KEEP_WORDS:
        return None
    try:
        match step:
            case "name":
                draft.said["name"] = name_of(said)
            case "spot":
                found = ctx.content.find_area(said)
                if found.match is None:
                    return ctx.t.gettext(_UNKNOWN_SPOT)
                draft.said["area"] = found.match.id
            case "steps":
                if words in SKIP_WORDS:
                    draft.said["steps"] = []
                    return None
                steps = steps_of(said)
                if not steps:
                    return ctx.t.gettext(
                        "I couldn't read any steps there; write them in a few words."
                    )
                draft.said["steps"] = list(steps)
            case _:
                timing = parse_timing(said)
                if presses(said):  # "press 20 s", "20 s drücken"
                    draft.said["pressure"] = True
                draft.said["timing"] = {
                    "press": timing.press_seconds,
                    "rounds": timing.rounds,
                    "rest": timing.rest_seconds,
                }
    except RoutineParseError as exc:
        return exc.said(ctx.t)
    return None


async def continue_draft(ctx: Context, said: str) -> bool:
    """A plain message while writing a routine is the answer to its question. False when the
    person is not writing one (the message is then read as usual)."""
    routines = ctx.services.routines
    draft = await routines.draft(ctx.user)
    if draft is None or draft.step not in STEPS:
        return False
    flags = red_flags(ctx.content, said)
    if any(f.flag.urgent and not f.negated for f in flags):
        await ctx.answer(with_red_flags(flags, m.paused_for_safety(ctx.t), ctx.t))
        return True
    problem = answer(ctx, draft, said)
    if problem is not None:
        await ctx.answer(
            with_red_flags(
                flags, m.not_understood(problem, question(ctx, draft, draft.step)), ctx.t
            )
        )
        return True
    await ctx.answer(with_red_flags(flags, await advance(ctx, draft, draft.step), ctx.t))
    return True
