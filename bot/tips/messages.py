"""How tips read in chat: credited quotes with Thanks and Report, and the moderation queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.actions import AnotherTip, CopyRoutine, DecideTip, Decision, VoteKind, VoteTip, button
from bot.content import ContentLibrary
from bot.messages import Block, ButtonStyle, Reply, ReplyBuilder, heading, note, quote, text
from bot.storage.tips import TipStatus
from bot.tips.rules import defused

if TYPE_CHECKING:
    from bot.tips.service import TipView

NOT_ADVICE = "Tips are members' own experience, not medical advice. Go gently."


def tip_block(content: ContentLibrary, tip: TipView) -> Block:
    area = content.area(tip.area) if tip.area else None
    credit = f"{defused(tip.author_name)}" + (f", for the {area.name.lower()}" if area else "")
    if tip.id:
        credit += f" \u00b7 #{tip.id}"
    if tip.thanks:
        credit += f" \u00b7 {tip.thanks} thanks"
    return quote(defused(tip.text), credit)


def tips_reply(
    content: ContentLibrary, tips: Sequence[TipView], lead: str, *, votes: bool
) -> Reply:
    builder = ReplyBuilder().add(text(lead))
    for tip in tips:
        builder.add(tip_block(content, tip))
        if votes and tip.id:
            builder.row(
                button(f"Thanks #{tip.id}", VoteTip(VoteKind.THANKS, tip.id), ButtonStyle.PRIMARY),
                button(f"Report #{tip.id}", VoteTip(VoteKind.REPORT, tip.id)),
                *([button("Copy to my routines", CopyRoutine(tip.id))] if tip.routine else []),
            )
    builder.add(note(NOT_ADVICE))
    return builder.build(private=False)


def queue_reply(content: ContentLibrary, tips: Sequence[TipView]) -> Reply:
    if not tips:
        return ReplyBuilder().add(text("No tips are waiting for review.")).build()
    builder = ReplyBuilder().add(text(f"{len(tips)} tip(s) waiting for review:"))
    for tip in tips[:5]:
        builder.add(tip_block(content, tip))
        if tip.status is TipStatus.HIDDEN:
            builder.add(note(f"Hidden after {tip.reports} reports."))
        builder.row(
            button(f"Approve #{tip.id}", DecideTip(Decision.APPROVE, tip.id), ButtonStyle.PRIMARY),
            button(f"Reject #{tip.id}", DecideTip(Decision.REJECT, tip.id), ButtonStyle.DANGER),
        )
    return builder.build()


def tip_of_the_day(content: ContentLibrary, tip: TipView) -> Reply:
    builder = ReplyBuilder().add(
        heading("Tip of the day"), tip_block(content, tip), note(NOT_ADVICE)
    )
    builder.row(
        button("Thanks", VoteTip(VoteKind.THANKS, tip.id), ButtonStyle.PRIMARY),
        button("Another tip", AnotherTip()),
    )
    return builder.build(private=False)


def knot_section(content: ContentLibrary, tips: Sequence[TipView]) -> list[Block]:
    """'From this community' under /knot."""
    if not tips:
        return []
    return [heading("From this community"), *(tip_block(content, t) for t in tips)]
