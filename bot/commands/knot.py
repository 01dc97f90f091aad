"""/knot and /technique: techniques for a spot, with red flags said first.

/knot takes what people type: an area ("upper back"), plain words ("shoulders up to my chin",
via content/understanding.yaml) or a technique's equipment ("trigger point massager")."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.actions import ShowArea, ShowTechnique, button
from bot.commands.offers import lead, reminder_button
from bot.content.models import Area, Understanding
from bot.context import Context
from bot.i18n import N_
from bot.messages import Block, Reply, ReplyBuilder, bullets, text
from bot.presenters import (
    area_reply,
    areas_list,
    lead_with_red_flags,
    technique_reply,
)
from bot.storage import DatabaseUnavailable
from bot.text import shorten
from bot.tips.messages import knot_section

log = logging.getLogger(__name__)


async def knot(ctx: Context) -> None:
    await ctx.answer(await knot_reply(ctx, ctx.args))


async def knot_reply(ctx: Context, query: str) -> Reply:
    """/knot <area>: the spot's techniques, after any red flag in what was typed."""
    if not query.strip():
        return areas_list(ctx.content)
    reply = await understood_reply(ctx, query)
    if reply is None:
        found = ctx.content.find_area(query)
        tech = ctx.content.find_technique(query).match
        if found.match is None and tech is not None:  # "/knot trigger point massager"
            reply = technique_reply(ctx.content, tech)
        else:
            reply = _not_found(ctx, query, found.suggestions)
    return lead_with_red_flags(ctx.content, query, reply)


async def understood_reply(ctx: Context, said: str) -> Reply | None:
    """The spot plain words mean ("I clench my teeth": the jaw), its techniques in the order
    those words call for and, in a private chat, the reminder they call for; or None when the
    words name no spot. A spot named by its name alone ("upper back") is shown as it is."""
    named = ctx.content.area_named(said)
    if named is not None:
        return await show_area(ctx, named)
    understood = ctx.content.understand(said)
    if understood is not None:
        area = ctx.content.area(understood.area)
        if area is not None:
            return await show_area(ctx, area, understood)
    found = ctx.content.find_area(said)
    if found.match is not None:
        return await show_area(ctx, found.match)
    return None


async def show_area(
    ctx: Context,
    area: Area,
    understood: Understanding | None = None,
) -> Reply:
    """The spot's techniques; in a community, its best-thanked tips under them."""
    extra: list[Block] = []
    if ctx.chat.is_community:
        try:
            extra = knot_section(ctx.content, await ctx.services.tips.for_area(ctx.chat, area.id))
        except (SQLAlchemyError, OSError, DatabaseUnavailable) as exc:  # techniques still help
            log.warning("community tips unavailable for /knot: %s", exc)
    if understood is None:
        return area_reply(ctx.content, area, extra)
    offer = None
    if understood.reminder is not None and not ctx.chat.is_community:
        offer = (lead(understood.reminder, ctx.t), reminder_button(understood.reminder, ctx.t))
    return area_reply(ctx.content, area, extra, first=understood.techniques, offer=offer)


def _not_found(ctx: Context, query: str, suggestions: tuple[Area, ...]) -> Reply:
    said = shorten(query, 40)
    t = ctx.t
    builder = ReplyBuilder()
    if suggestions:
        ids = [a.id for a in suggestions]
        # English keeps its plain "a or b or c"; other languages join as Babel says.
        names = " or ".join(ids) if t.language == "en" else t.join(ids, style="or")
        builder.add(
            text(
                t.gettext("I don't know the spot \u201c%(said)s\u201d. Did you mean %(names)s?")
                % {"said": said, "names": names}
            )
        )
        builder.row(*(button(a.name, ShowArea(a.id)) for a in suggestions))
    else:
        builder.add(text(t.gettext("I don't know the spot \u201c%(said)s\u201d.") % {"said": said}))
    builder.add(bullets([a.id for a in ctx.content.areas], title=t.gettext("The spots I know:")))
    return builder.build()


async def on_area_button(ctx: Context, action: ShowArea) -> None:
    area = ctx.content.area(action.area)
    if area is None:  # a button from older content
        await ctx.answer(
            areas_list(ctx.content, N_("That spot is no longer in my notes. Pick one:"))
        )
        return
    await ctx.answer(await show_area(ctx, area))


async def technique(ctx: Context) -> None:
    await ctx.answer(lead_with_red_flags(ctx.content, ctx.args, _technique_reply(ctx, ctx.args)))


def _technique_reply(ctx: Context, query: str) -> Reply:
    if not query.strip():
        return techniques_list(ctx)
    found = ctx.content.find_technique(query)
    if found.match is not None:
        return technique_reply(ctx.content, found.match)
    builder = ReplyBuilder().add(
        text(
            ctx.t.gettext("I don't know the technique \u201c%(said)s\u201d.")
            % {"said": shorten(query, 40)}
        )
    )
    if found.suggestions:
        builder.row(*(button(t.title, ShowTechnique(t.id)) for t in found.suggestions))
    return builder.add(*techniques_list(ctx).blocks).build()


def techniques_list(ctx: Context) -> Reply:
    lines = [f"{t.id}: {t.title}" for t in ctx.content.techniques]
    title = ctx.t.gettext("Techniques (type /technique <id>):")
    return ReplyBuilder().add(bullets(lines, title=title)).build()


async def on_technique_button(ctx: Context, action: ShowTechnique) -> None:
    found = ctx.content.technique(action.technique)
    if found is None:
        await ctx.answer(techniques_list(ctx))
        return
    await ctx.answer(technique_reply(ctx.content, found))
