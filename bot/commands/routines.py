"""/routine: a person's own routines (a physiotherapist's sheet): list, write one (in one line,
step by step, or in Discord's form), show, edit, delete; and the routine buttons (Start, Edit,
Delete, It presses on a knot, Share as a tip, Copy to my routines, and the draft's own).

The conversation of `/routine new` is in `routine_steps.py`; running one is `/hold`'s
(`holds.start_routine`).
"""

from __future__ import annotations

import re

from bot.actions import (
    CopyRoutine,
    DraftCancel,
    DraftSkip,
    DraftSpot,
    RoutineControl,
    RoutineOp,
    RoutinePresses,
    ShareRoutine,
)
from bot.commands.holds import start_routine
from bot.commands.routine_steps import advance, next_step, question
from bot.content.red_flags import red_flags
from bot.context import Context
from bot.i18n import N_
from bot.messages import ReplyBuilder, say, text
from bot.presenters import with_red_flags
from bot.routines import messages as m
from bot.routines.model import from_snapshot
from bot.routines.parse import (
    MAX_INPUT,
    RoutineParseError,
    has_timing,
    name_of,
    parse_timing,
    presses,
    split_one_line,
    steps_of,
)
from bot.routines.service import Draft, Fields, RoutineRefused
from bot.text import shorten
from bot.tips.messages import tip_block
from bot.tips.rules import MAX_CHARS, TipRefused

_AREA = re.compile(r"\barea:\s*(\S+)", re.IGNORECASE)
# What follows /routine, in each language knotbot speaks: the subcommand it means.
_SUBCOMMANDS = {
    "new": "new", "add": "new", "create": "new",
    "list": "list", "mine": "list",
    "show": "show", "start": "start", "run": "start",
    "edit": "edit", "change": "edit",
    "delete": "delete", "remove": "delete",
    "share": "share", "cancel": "cancel",
    "neu": "new", "neue": "new", "nueva": "new", "nuevo": "new", "crear": "new",
    "liste": "list", "lista": "list",
    "zeigen": "show", "zeige": "show", "mostrar": "show", "ver": "show",
    "starten": "start", "empezar": "start", "iniciar": "start",
    "bearbeiten": "edit", "\u00e4ndern": "edit", "editar": "edit", "cambiar": "edit",
    "l\u00f6schen": "delete", "borrar": "delete", "eliminar": "delete",
    "teilen": "share", "compartir": "share", "abbrechen": "cancel", "cancelar": "cancel",
}  # fmt: skip
_WAIT = N_("Your routine can wait.")
_GONE = N_("That routine no longer exists.")
_EXPIRED = N_("That question has expired; /routine new starts again.")


async def routine(ctx: Context) -> None:
    words = ctx.args.strip()[:MAX_INPUT]
    sub, _, rest = words.partition(" ")
    match _SUBCOMMANDS.get(sub.lower(), "" if words else "list"):
        case "list":
            await ctx.answer(m.listing(ctx.content, await ctx.services.routines.mine(ctx.user)))
        case "new":
            await new(ctx, rest.strip())
        case "cancel":
            dropped = await ctx.services.routines.drop_draft(ctx.user)
            await ctx.answer(say(ctx.t.gettext(m.CANCELLED if dropped else m.NO_DRAFT)))
        case "show" | "start" | "edit" | "delete" | "share" as op:
            await _by_name(ctx, op, rest.strip())
        case _:
            found = await ctx.services.routines.find(ctx.user, words)
            if found is not None:
                await ctx.answer(m.card(ctx.content, found, community=ctx.chat.is_community))
            elif has_timing(words):  # "/routine chin tucks: hold 5 s, 10 times"
                await new(ctx, words)
            else:
                t = ctx.t
                await ctx.answer(
                    say(
                        t.gettext("You have no routine called \u201c%(name)s\u201d.")
                        % {"name": shorten(words, 40)},
                        t.gettext("/routine lists yours; %(example)s writes one.")
                        % {"example": t.gettext(m.ONE_LINE)},
                    )
                )


async def _by_name(ctx: Context, op: str, name: str) -> None:
    found = await ctx.services.routines.find(ctx.user, name) if name else None
    if found is None:
        t = ctx.t
        lead = (
            t.gettext("You have no routine called \u201c%(name)s\u201d.")
            % {"name": shorten(name, 40)}
            if name
            else t.gettext("Which routine? /routine %(op)s <name>.") % {"op": op}
        )
        await ctx.answer(say(lead, t.gettext("/routine lists yours.")))
        return
    match op:
        case "show":
            await ctx.answer(m.card(ctx.content, found, community=ctx.chat.is_community))
        case "share":
            await ctx.perform(ShareRoutine(found.id))
        case _:
            await ctx.perform(RoutineControl(RoutineOp(op), found.id))


async def new(ctx: Context, said: str) -> None:
    """Write a routine: Discord's form (all fields at once), one line, or step by step."""
    if ctx.options.get("name") or ctx.options.get("timing"):
        await _from_form(ctx)
        return
    t = ctx.t
    flags = red_flags(ctx.content, said)
    if any(f.flag.urgent and not f.negated for f in flags):
        await ctx.answer(with_red_flags(flags, say(t.gettext(_WAIT)), t))
        return
    draft = Draft("name")
    lead = ""
    area = _AREA.search(said)
    spot = ctx.options.get("area", "")  # Discord's area option
    if area:
        said = (said[: area.start()] + said[area.end() :]).strip()
        spot = spot or area.group(1)
    if spot:
        found = ctx.content.find_area(spot)
        if found.match is not None:
            draft.said["area"] = found.match.id
    sheet = [part.strip() for part in said.split(";") if has_timing(part)]
    if len(sheet) > 1:  # a whole sheet: one routine at a time
        said = sheet[0]
        lead = t.gettext("One routine at a time: send /routine new %(next)s next.") % {
            "next": shorten(sheet[1], 60)
        }
    if said:
        name, timing = split_one_line(said)
        try:
            if name:
                draft.said["name"] = name_of(name)
            if timing:
                parsed = parse_timing(timing)
                draft.said["timing"] = {
                    "press": parsed.press_seconds,
                    "rounds": parsed.rounds,
                    "rest": parsed.rest_seconds,
                }
                draft.said["steps"] = []  # in one line: steps can be added with Edit
                if presses(timing):  # "90 s drücken", "presionar 20 s"
                    draft.said["pressure"] = True
        except RoutineParseError as exc:
            lead = exc.said(t)
        if "area" not in draft.said and "name" in draft.said:
            guess = ctx.content.find_area(str(draft.said["name"])).match
            if guess is not None:
                draft.said["area"] = guess.id
    step = next_step(draft)
    if ctx.chat.is_community and step not in (None, "spot"):
        await ctx.answer(
            with_red_flags(
                flags,
                say(
                    t.gettext("Step by step works in a private chat with me. Here, in one line:"),
                    f"{t.gettext(m.ONE_LINE)} area:neck",
                ),
                t,
            )
        )
        return
    await ctx.answer(with_red_flags(flags, await advance(ctx, draft, None, lead=lead), t))


async def _from_form(ctx: Context) -> None:
    """Discord's form: name, spot, steps and timing in one submission."""
    t = ctx.t
    options = ctx.options
    typed = " ".join(options.get(k, "") for k in ("name", "steps", "timing"))
    flags = red_flags(ctx.content, typed)
    if any(f.flag.urgent and not f.negated for f in flags):
        await ctx.answer(with_red_flags(flags, say(t.gettext(_WAIT)), t))
        return
    try:
        name = name_of(options.get("name", ""))
        timing = parse_timing(options.get("timing", ""))
    except RoutineParseError as exc:
        again = t.gettext("Try /routine new again, or in one line: %(example)s") % {
            "example": t.gettext(m.ONE_LINE)
        }
        await ctx.answer(say(exc.said(t), again))
        return
    area = ctx.content.find_area(options.get("area", "") or name).match
    draft = Draft("spot")
    draft.said = {
        "name": name,
        "steps": list(steps_of(options.get("steps", ""))),
        "timing": {
            "press": timing.press_seconds,
            "rounds": timing.rounds,
            "rest": timing.rest_seconds,
        },
    }
    if area is not None:
        draft.said["area"] = area.id
    await ctx.answer(with_red_flags(flags, await advance(ctx, draft, None), t))


# -- buttons and requests, checked by bot.access before they run -----------------------------


async def on_control(ctx: Context, action: RoutineControl) -> None:
    """Start, Edit, Delete: `bot.access` has checked the routine is the presser's."""
    routines = ctx.services.routines
    t = ctx.t
    found = await routines.get(action.routine_id)
    if found is None:
        await ctx.refuse(t.gettext(_GONE))
        return
    match action.op:
        case RoutineOp.START:
            await start_routine(ctx, found)
        case RoutineOp.DELETE:
            await routines.delete(found.id)
            await ctx.answer_in_place(
                say(
                    t.gettext("Deleted your routine \u201c%(name)s\u201d.") % {"name": found.name},
                    t.gettext("Reminders of it stay, without its Start button."),
                )
            )
        case RoutineOp.EDIT:
            draft = Draft(
                "name",
                {
                    "name": found.name,
                    "area": found.area,
                    "steps": list(found.steps),
                    "timing": {
                        "press": found.press_seconds,
                        "rounds": found.rounds,
                        "rest": found.rest_seconds,
                    },
                    "pressure": found.pressure,
                },
                found.id,
            )
            await routines.keep_draft(ctx.user, draft)
            asked = question(ctx, draft, "name")
            hint = text(
                t.gettext(
                    "Or send it again in one line under the same name: /routine new %(name)s: "
                    "hold %(seconds)d s, %(rounds)d times"
                )
                % {"name": found.name, "seconds": found.press_seconds, "rounds": found.rounds}
            )
            await ctx.answer(
                ReplyBuilder().add(*asked.blocks, hint).row(*asked.all_buttons).build()
            )


async def on_presses(ctx: Context, action: RoutinePresses) -> None:
    try:
        saved = await ctx.services.routines.set_pressure(action.routine_id)
    except RoutineRefused as exc:
        await ctx.replier.notice(exc.said(ctx.t))
        return
    t = ctx.t
    await ctx.answer_in_place(
        m.card(
            ctx.content,
            saved.routine,
            lead=t.gettext(
                "Counted as pressing on a knot from now on: capped at 60 s a press, and "
                "the spot's daily limit applies."
            ),
            notes=[n.said(t) for n in saved.notes],
            community=ctx.chat.is_community,
        )
    )


async def on_share(ctx: Context, action: ShareRoutine) -> None:
    """A copy of the routine goes to this community's tips, moderated like any tip."""
    t = ctx.t
    found = await ctx.services.routines.get(action.routine_id)
    if found is None:
        await ctx.refuse(t.gettext(_GONE))
        return
    timing = m.timing_line(ctx.content, found)
    mine = t.gettext("My routine \u201c%(name)s\u201d: %(timing)s.") % {
        "name": found.name,
        "timing": timing,
    }
    words = f"{mine} {' '.join(found.steps)}".strip()
    try:
        shared = await ctx.services.tips.share(
            ctx.user, ctx.chat, shorten(words, MAX_CHARS - 20), found.area, routine=found.snapshot()
        )
    except TipRefused as exc:
        await ctx.answer(say(exc.said(t)))
        return
    lead = (
        t.gettext("Shared for review: once a moderator approves it, others here can copy it.")
        if shared.waits_for_moderator
        else t.gettext("Shared: others here can copy it now.")
    )
    await ctx.answer(ReplyBuilder().add(text(lead), tip_block(ctx.content, shared.tip)).build())


async def on_copy(ctx: Context, action: CopyRoutine) -> None:
    """'Copy to my routines': only an approved tip that shares a routine (`bot.access`
    checked it is this community's); the copy is the presser's own from then on."""
    t = ctx.t
    try:
        shared = await ctx.services.tips.shared_routine(action.tip_id)
    except TipRefused as exc:
        await ctx.replier.notice(exc.said(t))
        return
    copied = from_snapshot(shared) if shared else None
    if copied is None or ctx.content.area(copied["area"]) is None:
        await ctx.replier.notice(
            t.gettext("Only approved tips that share a routine can be copied.")
        )
        return
    routines = ctx.services.routines
    name = copied["name"]
    if await routines.find(ctx.user, name, exact=True) is not None:
        name = shorten(t.gettext("%(name)s (shared)") % {"name": name}, 60)
    try:
        saved = await routines.save(ctx.user, Fields(**{**copied, "name": name}))
    except RoutineRefused as exc:
        await ctx.replier.notice(exc.said(t))
        return
    await ctx.replier.notice(
        t.gettext(
            "Copied to your routines: \u201c%(name)s\u201d. /hold %(name)s starts it; it is your "
            "own plan now."
        )
        % {"name": saved.routine.name}
    )


async def on_draft_spot(ctx: Context, action: DraftSpot) -> None:
    draft = await ctx.services.routines.draft(ctx.user)
    if draft is None:
        await ctx.answer(say(ctx.t.gettext(_EXPIRED)))
        return
    if ctx.content.area(action.area) is None:
        await ctx.answer(question(ctx, draft, "spot"))
        return
    draft.said["area"] = action.area
    await ctx.answer_in_place(await advance(ctx, draft, "spot"))


async def on_draft_skip(ctx: Context, action: DraftSkip) -> None:
    """'Keep' (editing: the same as before) or 'No steps'."""
    draft = await ctx.services.routines.draft(ctx.user)
    if draft is None:
        await ctx.answer(say(ctx.t.gettext(_EXPIRED)))
        return
    if draft.step == "steps" and "steps" not in draft.said:
        draft.said["steps"] = []
    elif draft.routine_id is None:  # nothing to keep: ask again
        await ctx.answer(question(ctx, draft, draft.step))
        return
    await ctx.answer_in_place(await advance(ctx, draft, draft.step))


async def on_draft_cancel(ctx: Context, action: DraftCancel) -> None:
    dropped = await ctx.services.routines.drop_draft(ctx.user)
    await ctx.answer_in_place(say(ctx.t.gettext(m.CANCELLED if dropped else m.NO_DRAFT)))
