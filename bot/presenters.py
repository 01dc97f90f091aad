"""Content turned into replies: how an area, a technique and the safety text read in chat."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.actions import ShowArea, ShowTechnique, StartHold, button
from bot.content import ContentLibrary
from bot.content.models import Area, Technique
from bot.content.red_flags import Match, red_flags
from bot.messages import (
    Block,
    Button,
    ButtonStyle,
    Reply,
    ReplyBuilder,
    bullets,
    caution,
    heading,
    note,
    steps,
    text,
)


def area_buttons(content: ContentLibrary, areas: tuple[Area, ...] | None = None) -> list[Button]:
    return [button(a.name, ShowArea(a.id)) for a in (areas or content.areas)]


def areas_list(content: ContentLibrary, lead: str = "Which spot is knotted?") -> Reply:
    lines = [f"{a.id}: {a.summary}" for a in content.areas]
    builder = ReplyBuilder().add(
        text(lead), bullets(lines), note("Type /knot <area>, for example /knot upper-back.")
    )
    buttons = area_buttons(content)
    for i in range(0, len(buttons), 3):
        builder.row(*buttons[i : i + 3])
    return builder.build()


def technique_blocks(technique: Technique, *, with_title: bool = True) -> list[Block]:
    blocks: list[Block] = [heading(technique.title)] if with_title else []
    blocks.append(text(technique.summary))
    if technique.equipment:
        blocks.append(bullets(technique.equipment, title="You need"))
    blocks.append(steps(technique.steps))
    blocks.append(caution(technique.cautions))
    return blocks


def hold_button(technique: Technique, area_id: str) -> Button:
    return button(
        f"Start hold: {technique.title}", StartHold(technique.id, area_id), ButtonStyle.PRIMARY
    )


def how_to_button(technique: Technique, *, titled: bool = False) -> Button:
    return button(f"How to: {technique.title}" if titled else "How to", ShowTechnique(technique.id))


def technique_buttons(technique: Technique, area_id: str) -> tuple[Button, ...]:
    """Start hold (when it has one) and How to, side by side under the technique's line."""
    if technique.hold is None:
        return (how_to_button(technique, titled=True),)
    return (hold_button(technique, area_id), how_to_button(technique))


# Under a short answer, where the cautions are not on screen: where they are, and when to stop.
SHORT_SAFETY = (
    "Not medical advice; go gently. How to has the steps and cautions. "
    "Sharp, spreading or lasting pain, numbness or tingling: /safety."
)


def safety_footer(content: ContentLibrary) -> Block:
    return note(
        content.safety.notice,
        "Sharp, radiating or lasting pain, numbness or tingling, "
        "or pain after an injury: see a professional (/safety).",
    )


def area_reply(
    content: ContentLibrary,
    area: Area,
    extra: Sequence[Block] = (),
    *,
    first: tuple[str, ...] = (),
    offer: tuple[str, Button] | None = None,
) -> Reply:
    """One spot on one phone screen: each technique as its title, one line, Start hold and
    How to. Steps and cautions are a tap away, and the cautions come again before a first
    hold. `first`: technique ids shown first; `offer`: a line and its button (a reminder)."""
    builder = ReplyBuilder().add(heading(area.name), note(area.summary))
    for technique in content.techniques_for(area.id, first):
        builder.add(heading(technique.title), text(technique.line))
        builder.row(*technique_buttons(technique, area.id))
    builder.add(*extra, note(SHORT_SAFETY))
    if offer is not None:
        builder.add(text(offer[0])).row(offer[1])
    return builder.build()


def technique_reply(content: ContentLibrary, technique: Technique) -> Reply:
    builder = ReplyBuilder().add(*technique_blocks(technique))
    names = [a.name for a in (content.area(i) for i in technique.areas) if a is not None]
    builder.add(note("Helps with: " + ", ".join(names)), safety_footer(content))
    if technique.hold is not None:
        builder.row(hold_button(technique, technique.areas[0]))
    return builder.build()


def safety_reply(content: ContentLibrary) -> Reply:
    pro = content.safety.see_a_professional
    return (
        ReplyBuilder()
        .add(
            heading("When to see a professional"),
            text(content.safety.notice),
            bullets(pro.signs, title=pro.intro),
            caution([pro.urgent], title="Urgent"),
        )
        .build()
    )


def red_flag_blocks(matches: Sequence[Match]) -> list[Block]:
    """Urgent advice first, then what to have checked, then gentle reminders for negated ones."""
    urgent = [m.flag.advice for m in matches if not m.negated and m.flag.urgent]
    first = [m.flag.advice for m in matches if not m.negated and not m.flag.urgent]
    gentle = [m.flag.gentle for m in matches if m.negated]
    blocks: list[Block] = []
    if urgent:
        blocks.append(caution(urgent, title="Urgent"))
    if first:
        blocks.append(caution(first, title="Safety first"))
    if gentle:
        blocks.append(note(*gentle))
    return blocks


def with_red_flags(matches: Sequence[Match], reply: Reply) -> Reply:
    """`reply` led by the advice for `matches` (unchanged when there are none)."""
    blocks = red_flag_blocks(matches)
    if not blocks:
        return reply
    return dataclasses.replace(reply, blocks=(*blocks, *reply.blocks))


def lead_with_red_flags(content: ContentLibrary, said: str, reply: Reply) -> Reply:
    """Any reply to free text: red flags in what the person typed come before anything else."""
    return with_red_flags(red_flags(content, said), reply)
