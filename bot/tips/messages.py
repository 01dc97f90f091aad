"""How tips read in chat: credited quotes with Thanks and Report, and the moderation queue.

Said in the language of the `content` handed in (`translator(content.language)`), so a reply
and a tip of the day posted later speak the same way. A member's tip is shown as they wrote
it; a curated tip in the language of the reply, as `content/tips.yaml` translates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.actions import AnotherTip, CopyRoutine, DecideTip, Decision, VoteKind, VoteTip, button
from bot.content import ContentLibrary
from bot.i18n import N_, Translator, translator
from bot.i18n.words import spot_in_a_sentence
from bot.messages import Block, ButtonStyle, Reply, ReplyBuilder, heading, note, quote, text
from bot.storage.tips import TipStatus
from bot.tips.rules import defused

if TYPE_CHECKING:
    from bot.tips.service import TipView

NOT_ADVICE = N_("Tips are members' own experience, not medical advice. Go gently.")
FORM_TITLE = N_("Share a tip")  # Discord's form for /tip share (adapters/discord/modals.py)
# Names a tip is credited to when it is nobody's own (curated, or its author left): said in
# the reader's language. A person's display name is shown as it is.
_NOBODYS = {
    "the knotbot community": N_("the knotbot community"),
    "a member": N_("a member"),
    "a former member": N_("a former member"),
}


def _t(content: ContentLibrary) -> Translator:
    return translator(content.language)


def tip_text(content: ContentLibrary, tip: TipView) -> str:
    """What the tip says: a curated tip translated, a member's tip exactly as they typed it."""
    return content.curated_text(tip.text) if tip.curated else tip.text


def tip_block(content: ContentLibrary, tip: TipView) -> Block:
    t = _t(content)
    area = content.area(tip.area) if tip.area else None
    said = _NOBODYS.get(tip.author_name)
    credit = t.gettext(said) if said else defused(tip.author_name)
    if area:
        credit += t.gettext(", for the %(area)s") % {"area": spot_in_a_sentence(area.name, t)}
    if tip.id:
        credit += f" \u00b7 #{tip.id}"
    if tip.thanks:
        credit += " \u00b7 " + t.ngettext("%(count)d thanks", "%(count)d thanks", tip.thanks) % {
            "count": tip.thanks
        }
    return quote(defused(tip_text(content, tip)), credit)


def tips_reply(
    content: ContentLibrary, tips: Sequence[TipView], lead: str, *, votes: bool
) -> Reply:
    """`lead` (already in the reader's language), the tips, and their Thanks and Report."""
    t = _t(content)
    builder = ReplyBuilder().add(text(lead))
    for tip in tips:
        builder.add(tip_block(content, tip))
        if votes and tip.id:
            number = {"id": tip.id}
            builder.row(
                button(
                    t.gettext("Thanks #%(id)d") % number,
                    VoteTip(VoteKind.THANKS, tip.id),
                    ButtonStyle.PRIMARY,
                ),
                button(t.gettext("Report #%(id)d") % number, VoteTip(VoteKind.REPORT, tip.id)),
                *(
                    [button(t.gettext("Copy to my routines"), CopyRoutine(tip.id))]
                    if tip.routine
                    else []
                ),
            )
    builder.add(note(t.gettext(NOT_ADVICE)))
    return builder.build(private=False)


def queue_reply(content: ContentLibrary, tips: Sequence[TipView]) -> Reply:
    t = _t(content)
    if not tips:
        return ReplyBuilder().add(text(t.gettext("No tips are waiting for review."))).build()
    waiting = t.ngettext(
        "%(count)d tip(s) waiting for review:", "%(count)d tip(s) waiting for review:", len(tips)
    )
    builder = ReplyBuilder().add(text(waiting % {"count": len(tips)}))
    for tip in tips[:5]:
        builder.add(tip_block(content, tip))
        if tip.status is TipStatus.HIDDEN:
            builder.add(note(t.gettext("Hidden after %(count)d reports.") % {"count": tip.reports}))
        number = {"id": tip.id}
        builder.row(
            button(
                t.gettext("Approve #%(id)d") % number,
                DecideTip(Decision.APPROVE, tip.id),
                ButtonStyle.PRIMARY,
            ),
            button(
                t.gettext("Reject #%(id)d") % number,
                DecideTip(Decision.REJECT, tip.id),
                ButtonStyle.DANGER,
            ),
        )
    return builder.build()


def tip_of_the_day(content: ContentLibrary, tip: TipView) -> Reply:
    """Posted to a community in `content`'s language (the moderator's who set it up)."""
    t = _t(content)
    builder = ReplyBuilder().add(
        heading(t.gettext("Tip of the day")), tip_block(content, tip), note(t.gettext(NOT_ADVICE))
    )
    builder.row(
        button(t.gettext("Thanks"), VoteTip(VoteKind.THANKS, tip.id), ButtonStyle.PRIMARY),
        button(t.gettext("Another tip"), AnotherTip()),
    )
    return builder.build(private=False)


def knot_section(content: ContentLibrary, tips: Sequence[TipView]) -> list[Block]:
    """'From this community' under /knot."""
    if not tips:
        return []
    return [
        heading(_t(content).gettext("From this community")),
        *(tip_block(content, t) for t in tips),
    ]
