"""/remind: setting up and changing reminders, in the person's own words and hours.

The list (`/reminders`) and the buttons on reminder messages are in `reminder_list.py`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time

from bot.actions import (
    AddAnyway,
    BedtimeReminder,
    ChangeReminder,
    ListReminders,
    ReminderPreset,
    ShareReminder,
    button,
    parse_id,
)
from bot.commands.reminder_words import label, line
from bot.context import Context
from bot.i18n import N_, Translator, translator
from bot.i18n.lines import line_of
from bot.messages import Reply, ReplyBuilder, bullets, note, say, text
from bot.reminders.capacity import moves_text
from bot.reminders.describe import moment, schedule_text
from bot.reminders.parse import (
    KIND_WORDS,
    SHARED_WORDS,
    ParseError,
    ReminderRequest,
    kind_of,
    parse_request,
)
from bot.reminders.service import Duplicate, ReminderRefused, ReminderView
from bot.routines.reminders import ROUTINE_KIND

# Each language's examples are said as the parser reads that language (reminders/wordings.py).
EXAMPLES = (
    N_("/remind every 2 hours from 9 to 17 on weekdays"),
    N_("/remind unclench jaw every hour"),
    N_("/remind mouth guard at bedtime"),
    N_("/remind legs up at 7:30 in the evening"),
    N_("/remind shoulders down at noon for 2 weeks"),
    N_("/remind in 20 min"),
)
# One-tap suggestions: key -> (button label, the words it stands for).
PRESETS: dict[str, tuple[str, str]] = {
    "work": (N_("Every 2 h, 9\u201317, weekdays"), "every 2 hours from 9 to 17 on weekdays"),
    "hour": (N_("Every hour, 9\u201317, weekdays"), "every hour from 9 to 17 on weekdays"),
    "twice": (N_("At 11:00 and 15:00"), "at 11:00 and 15:00"),
    "guard": (N_("Mouth guard at 22:30"), "at 22:30 mouth guard"),
    "bed": (N_("Mouth guard at bedtime"), "mouth guard at bedtime"),
    "legs": (N_("Legs-up rest at 19:00"), "legs up at 19:00"),
    "after": (N_("Legs up after work"), "legs up after work"),
}
# What each need is offered first.
FOR_NEED: dict[str, tuple[str, ...]] = {
    "mouth-guard": ("bed", "guard"),
    "legs-up": ("legs", "after"),
}
GENERAL = ("work", "hour", "twice")
BARE = ("work", "bed", "legs")  # a bare /remind: one of each need
KIND_NAMES = {
    "relax": N_("relax reminders"),
    "mouth-guard": N_("a mouth guard reminder"),
    "legs-up": N_("a legs-up rest reminder"),
    "stretch-break": N_("stretch break reminders"),
}
BEDTIMES = (time(21, 30), time(22, 0), time(22, 30), time(23, 0), time(23, 30), time(0, 0))
# Plain words that ask for a reminder: "remind me to relax", "I forget to relax",
# "I keep forgetting my mouth guard".
ASKS = re.compile(r"\bremind(?:er)?s?\b", re.I)
FORGETS = re.compile(r"\b(?:forget(?:s|ting)?|forgot|remember(?:ing)?)\b", re.I)


def reminder_need(said: str) -> str | None:
    """The kind of reminder plain words ask for ("relax" if they name none), or None.
    Forgetting counts only with something a reminder is for ("I forget to relax")."""
    kind = kind_of(said.lower())
    if ASKS.search(said) or (FORGETS.search(said) and kind is not None):
        return kind or "relax"
    return None


def suggestions(kind: str | None, lead: str = "", t: Translator | None = None) -> Reply:
    """One-tap reminders for a need (or the common ones), and how to say your own; `lead`
    is already in `t`'s language."""
    t = t or translator("en")
    keys = FOR_NEED.get(kind or "") or (BARE if kind is None else GENERAL)
    builder = ReplyBuilder().add(
        text(
            lead or t.gettext("What should I remind you of, and when? Pick one or write your own:")
        ),
        bullets([t.gettext(example) for example in EXAMPLES]),
    )
    extra = "" if kind in (None, "relax") or kind in FOR_NEED else kind
    builder.row(*(button(t.gettext(PRESETS[k][0]), ReminderPreset(_key(k, extra))) for k in keys))
    return builder.build()


def _key(preset: str, kind: str) -> str:
    return f"{preset}+{kind}" if kind else preset


async def remind(ctx: Context) -> None:
    args = ctx.args.strip()
    if not args:
        await ctx.answer(suggestions(None, t=ctx.t))
        return
    change = re.fullmatch(r"(?:change|edit)\s+(\S+)\s+(.+)", args, flags=re.IGNORECASE)
    if change:
        number = parse_id(change.group(1))
        if number is None:
            await ctx.answer(
                say(
                    ctx.t.gettext(
                        "Which reminder? /remind change <number> <when>; "
                        "/reminders shows the numbers."
                    )
                )
            )
            return
        await ctx.perform(ChangeReminder(number, change.group(2)))
        return
    if ctx.chat.is_community and SHARED_WORDS.search(args):
        await ctx.perform(ShareReminder(args))
        return
    await create(ctx, args)


async def _parsed(ctx: Context, words: str, *, change: bool = False) -> ReminderRequest | None:
    """The request in `words`, or None after explaining what was not understood."""
    zone, _ = await ctx.services.reminders.user_zone(ctx.user)
    bedtime = await ctx.services.reminders.bedtime(ctx.user)
    try:
        return parse_request(
            words, now=ctx.services.clock.now(), zone=zone, bedtime=bedtime, change=change
        )
    except ParseError as exc:
        t = ctx.t
        need = kind_of(words.lower())
        if "catch when" in str(exc) and not change:
            lead = t.gettext("%(problem)s Pick one, or say when in your words:")
            await ctx.answer(suggestions(need, lead % {"problem": exc.said(t)}, t))
        else:
            lead = t.gettext("%(problem)s Some ways to say it:") % {"problem": exc.said(t)}
            examples = [t.gettext(example) for example in EXAMPLES]
            await ctx.answer(ReplyBuilder().add(text(lead), bullets(examples)).build())
        return None


async def create(ctx: Context, words: str, *, again: bool = False) -> None:
    request = await _parsed(ctx, words)
    if request is None:
        return
    if request.needs_bedtime:
        await ctx.answer(_ask_bedtime(request.kind, ctx.t))
        return
    routine = None
    if request.words and not request.shared:  # "/remind chin tucks every day at 11:00"
        routine = await ctx.services.routines.find(ctx.user, request.words)
        if routine is not None:
            request = replace(request, kind=ROUTINE_KIND, words=routine.name, kind_named=True)
    try:
        created = await ctx.services.reminders.create(
            ctx.user, ctx.chat, request, again=again, routine_id=routine.id if routine else None
        )
    except Duplicate as exc:
        await ctx.answer(_duplicate_reply(ctx, exc.existing))
        return
    except ReminderRefused as exc:
        await ctx.answer(say(exc.said(ctx.t)))
        return
    _, chosen = await ctx.services.reminders.user_zone(ctx.user)
    await ctx.answer(created_reply(ctx, created, default_zone=not chosen))


def _ask_bedtime(kind: str, t: Translator) -> Reply:
    builder = ReplyBuilder().add(
        text(
            t.gettext(
                "When do you usually go to bed? I'll remember it for \u201cat bedtime\u201d. "
                "Or say a time: /remind mouth guard at 22:45."
            )
        )
    )
    builder.row(*(button(f"{t:%H:%M}", BedtimeReminder(f"{t:%H%M}", kind)) for t in BEDTIMES))
    return builder.build()


def _duplicate_reply(ctx: Context, existing: ReminderView) -> Reply:
    t = ctx.t
    when = schedule_text(existing.schedule, existing.zone, t)
    builder = ReplyBuilder().add(
        text(t.gettext("You already have #%(id)d %(when)s.") % {"id": existing.id, "when": when})
    )
    builder.row(
        button(t.gettext("Add it anyway"), AddAnyway(existing.id)),
        button(t.gettext("My reminders"), ListReminders()),
    )
    return builder.build()


def created_reply(ctx: Context, created: ReminderView, *, default_zone: bool) -> Reply:
    """The confirmation: what was set in the person's zone, and when the first one comes (a
    `Moment`, so Discord shows it in each reader's own time)."""
    t = ctx.t
    now = ctx.services.clock.now()
    named = KIND_NAMES.get(created.kind)
    what = label(ctx.content, created) if created.words else (t.gettext(named) if named else "")
    what = what or t.gettext("%(kind)s reminders") % {"kind": label(ctx.content, created).lower()}
    when = schedule_text(created.schedule, created.zone, t)
    lines: list[str] = [
        t.gettext("Set: %(what)s, %(when)s (%(zone)s).")
        % {"what": what, "when": when, "zone": created.zone.key}
    ]
    moved = moves_text(list(created.moves), t)
    if moved:
        lines.append(moved)
    if created.next_due is not None:
        first = moment(created.next_due, created.zone, now, t)
        lines.append(line_of(t.gettext("The first one comes %(moment)s."), moment=first))
    builder = ReplyBuilder().add(text(*lines))
    if created.shared:
        builder.add(
            note(
                t.gettext("Everyone here gets it. Done, and Stop for moderators, are on each one.")
            )
        )
    else:
        if ctx.chat.is_community:
            builder.add(note(t.gettext("Reminders come in a private chat with me.")))
        if default_zone:
            builder.add(
                note(
                    t.gettext(
                        "I'm using %(zone)s as your time zone. Set yours with "
                        "/timezone Europe/Berlin, your city, or your local time (/timezone 14:35)."
                    )
                    % {"zone": created.zone.key}
                )
            )
    builder.row(button(t.gettext("My reminders"), ListReminders()))
    return builder.build()


# -- requests and buttons, checked by bot.access before they run ----------------------------


async def on_share(ctx: Context, request: ShareReminder) -> None:
    await create(ctx, request.words)


async def on_change(ctx: Context, request: ChangeReminder) -> None:
    parsed = await _parsed(ctx, request.words, change=True)
    if parsed is None:
        return
    t = ctx.t
    if parsed.schedule is None and not parsed.words and not parsed.kind_named and not parsed.days:
        await ctx.answer(
            say(t.gettext("What should change? For example /remind change 2 at 23:00."))
        )
        return
    if parsed.needs_bedtime:
        await ctx.answer(_ask_bedtime(parsed.kind, t))
        return
    try:
        changed = await ctx.services.reminders.change(request.reminder_id, parsed)
    except ReminderRefused as exc:
        await ctx.answer(say(exc.said(t)))
        return
    now = ctx.services.clock.now()
    lines: list[str] = [
        line_of(
            t.gettext("Changed #%(id)s: %(reminder)s"),
            id=str(changed.id),
            reminder=line(ctx.content, changed, now),
        )
    ]
    if moved := moves_text(list(changed.moves), t):
        lines.append(moved)
    await ctx.answer(say(*lines))


async def on_preset(ctx: Context, action: ReminderPreset) -> None:
    key, _, kind = action.preset.partition("+")
    preset = PRESETS.get(key)
    if preset is None:
        await ctx.answer(say(ctx.t.gettext("That suggestion is gone; try /remind.")))
        return
    await create(ctx, f"{_said(kind)} {preset[1]}".strip())


async def on_add_anyway(ctx: Context, action: AddAnyway) -> None:
    try:
        created = await ctx.services.reminders.again(action.reminder_id)
    except ReminderRefused as exc:
        await ctx.answer(say(exc.said(ctx.t)))
        return
    await ctx.answer_in_place(created_reply(ctx, created, default_zone=False))


async def on_bedtime(ctx: Context, action: BedtimeReminder) -> None:
    try:
        at = time(int(action.at[:2]), int(action.at[2:]))
    except ValueError:
        await ctx.answer(
            say(ctx.t.gettext("That button is from an older version; try /remind again."))
        )
        return
    await ctx.services.reminders.set_bedtime(ctx.user, at)
    await create(ctx, f"{_said(action.kind)} at bedtime")


def _said(kind: str) -> str:
    """A kind as words the parser recognises ("mouth-guard" -> "mouth guard")."""
    return KIND_WORDS[kind][0] if kind in KIND_WORDS else ""
