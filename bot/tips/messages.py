"""How tips read in chat: credited quotes with Thanks and Report, and the moderation queue."""

from __future__ import annotations

from collections.abc import Sequence

from bot import actions
from bot.content import ContentLibrary
from bot.messages import Block, Button, ButtonStyle, Reply, ReplyBuilder, heading, note, quote, text
from bot.storage.schema import Tip
from bot.tips.rules import defused

NOT_ADVICE = "Tips are members' own experience, not medical advice. Go gently."


def tip_block(content: ContentLibrary, tip: Tip) -> Block:
    area = content.area(tip.area) if tip.area else None
    credit = f"{defused(tip.author_name)}" + (f", for the {area.name.lower()}" if area else "")
    if tip.id:
        credit += f" \u00b7 #{tip.id}"
    if tip.thanks:
        credit += f" \u00b7 {tip.thanks} thanks"
    return quote(defused(tip.text), credit)


def tips_reply(content: ContentLibrary, tips: Sequence[Tip], lead: str, *, votes: bool) -> Reply:
    builder = ReplyBuilder().add(text(lead))
    for tip in tips:
        builder.add(tip_block(content, tip))
        if votes and tip.id:
            builder.row(
                Button(
                    f"Thanks #{tip.id}",
                    actions.make(actions.TIP_THANKS, tip.id),
                    ButtonStyle.PRIMARY,
                ),
                Button(f"Report #{tip.id}", actions.make(actions.TIP_REPORT, tip.id)),
            )
    builder.add(note(NOT_ADVICE))
    return builder.build(private=False)


def queue_reply(content: ContentLibrary, tips: Sequence[Tip]) -> Reply:
    if not tips:
        return ReplyBuilder().add(text("No tips are waiting for review.")).build()
    builder = ReplyBuilder().add(text(f"{len(tips)} tip(s) waiting for review:"))
    for tip in tips[:5]:
        builder.add(tip_block(content, tip))
        if tip.status == "hidden":
            builder.add(note(f"Hidden after {tip.reports} reports."))
        builder.row(
            Button(
                f"Approve #{tip.id}", actions.make(actions.TIP_APPROVE, tip.id), ButtonStyle.PRIMARY
            ),
            Button(
                f"Reject #{tip.id}", actions.make(actions.TIP_REJECT, tip.id), ButtonStyle.DANGER
            ),
        )
    return builder.build()


def tip_of_the_day(content: ContentLibrary, tip: Tip) -> Reply:
    builder = ReplyBuilder().add(
        heading("Tip of the day"), tip_block(content, tip), note(NOT_ADVICE)
    )
    builder.row(
        Button("Thanks", actions.make(actions.TIP_THANKS, tip.id), ButtonStyle.PRIMARY),
        Button("Another tip", actions.make(actions.TIP_MORE)),
    )
    return builder.build(private=False)


def knot_section(content: ContentLibrary, tips: Sequence[Tip]) -> list[Block]:
    """'From this community' under /knot."""
    if not tips:
        return []
    return [heading("From this community"), *(tip_block(content, t) for t in tips)]
