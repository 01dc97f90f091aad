"""Content turned into replies: how an area, a technique and the safety text read in chat."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.actions import ShowArea, ShowTechnique, StartHold, button
from bot.content import ContentLibrary
from bot.content.models import Area, Technique
from bot.content.red_flags import Match, red_flags
from bot.i18n import N_, Translator, translator
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


def areas_list(content: ContentLibrary, lead: str = N_("Which spot is knotted?")) -> Reply:
    """The spots; `lead` is an English sentence from the catalogs, said in the content's
    language."""
    t = translator(content.language)
    lines = [f"{a.id}: {a.summary}" for a in content.areas]
    builder = ReplyBuilder().add(
        text(t.gettext(lead)),
        bullets(lines),
        note(t.gettext("Type /knot <area>, for example /knot upper-back.")),
    )
    buttons = area_buttons(content)
    for i in range(0, len(buttons), 3):
        builder.row(*buttons[i : i + 3])
    return builder.build()


ENGLISH = translator("en")


def technique_blocks(
    technique: Technique, *, with_title: bool = True, t: Translator = ENGLISH
) -> list[Block]:
    blocks: list[Block] = [heading(technique.title)] if with_title else []
    blocks.append(text(technique.summary))
    if technique.equipment:
        blocks.append(bullets(technique.equipment, title=t.gettext("You need")))
    blocks.append(steps(technique.steps))
    blocks.append(caution(technique.cautions, title=t.gettext("Cautions")))
    return blocks


def hold_button(technique: Technique, area_id: str, t: Translator = ENGLISH) -> Button:
    return button(
        t.gettext("Start hold: %(title)s") % {"title": technique.title},
        StartHold(technique.id, area_id),
        ButtonStyle.PRIMARY,
    )


def how_to_button(technique: Technique, *, titled: bool = False, t: Translator = ENGLISH) -> Button:
    label = (
        t.gettext("How to: %(title)s") % {"title": technique.title}
        if titled
        else t.gettext("How to")
    )
    return button(label, ShowTechnique(technique.id))


def technique_buttons(
    technique: Technique, area_id: str, t: Translator = ENGLISH
) -> tuple[Button, ...]:
    """Start hold (when it has one) and How to, side by side under the technique's line."""
    if technique.hold is None:
        return (how_to_button(technique, titled=True, t=t),)
    return (hold_button(technique, area_id, t), how_to_button(technique, t=t))


# Under a short answer, where the cautions are not on screen: where they are, and when to stop.
SHORT_SAFETY = N_(
    "Not medical advice; go gently. How to has the steps and cautions. "
    "Sharp, spreading or lasting pain, numbness or tingling: /safety."
)


def safety_footer(content: ContentLibrary) -> Block:
    t = translator(content.language)
    return note(
        content.safety.notice,
        t.gettext(
            "Sharp, radiating or lasting pain, numbness or tingling, "
            "or pain after an injury: see a professional (/safety)."
        ),
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
    t = translator(content.language)
    builder = ReplyBuilder().add(heading(area.name), note(area.summary))
    for technique in content.techniques_for(area.id, first):
        builder.add(heading(technique.title), text(technique.line))
        builder.row(*technique_buttons(technique, area.id, t))
    builder.add(*extra, note(t.gettext(SHORT_SAFETY)))
    if offer is not None:
        builder.add(text(offer[0])).row(offer[1])
    return builder.build()


def technique_reply(content: ContentLibrary, technique: Technique) -> Reply:
    t = translator(content.language)
    builder = ReplyBuilder().add(*technique_blocks(technique, t=t))
    names = [a.name for a in (content.area(i) for i in technique.areas) if a is not None]
    builder.add(
        note(t.gettext("Helps with: %(spots)s") % {"spots": ", ".join(names)}),
        safety_footer(content),
    )
    if technique.hold is not None:
        builder.row(hold_button(technique, technique.areas[0], t))
    return builder.build()


def safety_reply(content: ContentLibrary) -> Reply:
    t = translator(content.language)
    pro = content.safety.see_a_professional
    return (
        ReplyBuilder()
        .add(
            heading(t.gettext("When to see a professional")),
            text(content.safety.notice),
            bullets(pro.signs, title=pro.intro),
            caution([pro.urgent], title=t.gettext("Urgent")),
        )
        .build()
    )


def red_flag_blocks(matches: Sequence[Match], t: Translator = ENGLISH) -> list[Block]:
    """Urgent advice first, then what to have checked, then gentle reminders for negated ones."""
    urgent = [m.flag.advice for m in matches if not m.negated and m.flag.urgent]
    first = [m.flag.advice for m in matches if not m.negated and not m.flag.urgent]
    gentle = [m.flag.gentle for m in matches if m.negated]
    blocks: list[Block] = []
    if urgent:
        blocks.append(caution(urgent, title=t.gettext("Urgent")))
    if first:
        blocks.append(caution(first, title=t.gettext("Safety first")))
    if gentle:
        blocks.append(note(*gentle))
    return blocks


def with_red_flags(matches: Sequence[Match], reply: Reply, t: Translator = ENGLISH) -> Reply:
    """`reply` led by the advice for `matches` (unchanged when there are none)."""
    blocks = red_flag_blocks(matches, t)
    if not blocks:
        return reply
    return dataclasses.replace(reply, blocks=(*blocks, *reply.blocks))


def lead_with_red_flags(content: ContentLibrary, said: str, reply: Reply) -> Reply:
    """Any reply to free text: red flags in what the person typed come before anything else."""
    return with_red_flags(red_flags(content, said), reply, translator(content.language))
