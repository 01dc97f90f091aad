"""A core `Reply` as Discord messages: escaped markdown, content or embed, buttons, a file.

Every line of core text is plain text that may carry user input, so each one is escaped
(markdown, mentions and Discord's own `<...>` tokens) before the block's own markup is added
around it. The only markup inside a line is for the core's `Moment` values: Discord shows them
as timestamps (`<t:UNIX:t> (<t:UNIX:R>)`), in each reader's own time and counting down live.
A reply that fits
in a message's content (2,000 characters) goes there; a longer one goes into an embed
description (4,096); longer still, it is split at block boundaries into several messages,
with the buttons on the last one.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, replace
from typing import Any

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.messages import (
    Attachment,
    Block,
    BlockKind,
    Button,
    ButtonStyle,
    Line,
    Moment,
    MomentStyle,
    Reply,
    parts_of,
)

CONTENT_LIMIT = 2000
EMBED_LIMIT = 4096
MAX_MESSAGES = 5  # a runaway reply is cut rather than flooding a channel with follow-ups
BUTTONS_PER_ROW = 5
MAX_ROWS = 5
LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
ELLIPSIS = "\u2026"
EMPTY = "\u200b"  # Discord refuses an empty message; a reply with only buttons still needs text

NO_MENTIONS = discord.AllowedMentions.none()

_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}
# escape_markdown leaves "1. " alone, which Discord renders as a numbered list.
_NUMBERED = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
# escape_markdown escapes only the first "[" of a line's masked links ("[text](url)"): every
# bracket not escaped yet (after an even number of backslashes) is escaped here, so no masked
# link survives.
_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]])")
# Discord's "<...>" tokens (timestamps <t:..>, channels <#..>, commands </..>, emoji <:..>,
# <a:..>, mentions <@..>, <id:..>) are not markdown, so escape_markdown leaves them live.
_TOKEN = re.compile(r"(?<!\\)((?:\\\\)*)<(?=[@#:/]|a:|t:|id:)")
# Private-use characters: one not in a line stands for its moments while the line is escaped.
_MARKS = range(0xE000, 0xF900)


def escape(line: str) -> str:
    """Plain text that Discord shows as typed: no markup, no mentions, no masked links, no
    list markers, no timestamps or other `<...>` tokens."""
    escaped = _BRACKET.sub(r"\1\\\2", escape_mentions(escape_markdown(line)))
    escaped = _TOKEN.sub(r"\1\\<", escaped)
    return _NUMBERED.sub(r"\1\\.", escaped)


def timestamp(moment: Moment) -> str:
    """A moment as Discord shows it to each reader: their local time (and date, when it is more
    than a day off), then how long until it, kept up to date by Discord itself."""
    unix = math.floor(moment.at.timestamp())
    shown = "f" if moment.style is MomentStyle.DATE else "t"
    return f"<t:{unix}:{shown}> (<t:{unix}:R>)"


def inline(line: str) -> str:
    """One line of core text as Discord markdown: escaped as a whole, its moments as timestamps.

    The moments stand in as a character the line does not contain while the text is escaped, so
    markdown can never pair up across a timestamp, and nothing but a `Moment` becomes one.
    """
    parts = parts_of(line)
    moments = [timestamp(p) for p in parts if isinstance(p, Moment)]
    if not moments:
        return escape(line)
    mark = next((chr(c) for c in _MARKS if chr(c) not in line), None)
    if mark is None:  # a line made of every private-use character: the moments in words
        return escape(line)
    escaped = escape("".join(mark if isinstance(p, Moment) else p for p in parts))
    pieces = escaped.split(mark)
    return "".join(piece + shown for piece, shown in zip(pieces, [*moments, ""], strict=True))


def block_markdown(block: Block) -> str:
    """One block as Discord markdown; every line of text in it escaped."""
    lines = [line for line in block.lines if line.strip()]
    match block.kind:
        case BlockKind.HEADING:
            return f"**{inline(_joined(lines))}**" if lines else ""
        case BlockKind.STEPS:
            return "\n".join(f"{i}. {inline(line)}" for i, line in enumerate(lines, 1))
        case BlockKind.BULLETS:
            body = [f"- {inline(line)}" for line in lines]
            return "\n".join([escape(block.title), *body] if block.title else body)
        case BlockKind.CAUTION:
            title = f"\u26a0\ufe0f **{escape(block.title)}**" if block.title else "\u26a0\ufe0f"
            return "\n".join([title, *(f"- {inline(line)}" for line in lines)])
        case BlockKind.NOTE:
            return "\n".join(f"*{inline(_stripped(line))}*" for line in lines)
        case BlockKind.QUOTE:
            said = [f"> {inline(line)}" for line in lines]
            if block.title:
                said.append(f"> \u2014 {escape(block.title)}")
            return "\n".join(said)
        case BlockKind.PROGRESS:
            return "\n".join(f"`{line}`" if "`" not in line else escape(line) for line in lines)
        case _:
            return "\n".join(inline(line) for line in lines)


def _stripped(line: str) -> str:
    """The line without whitespace at its ends, moments kept (`str.strip` would drop them)."""
    parts = list(parts_of(line))
    if not any(isinstance(p, Moment) for p in parts):
        return line.strip()
    if isinstance(parts[0], str):
        parts[0] = parts[0].lstrip()
    if isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    return Line(*parts)


def _joined(lines: list[str]) -> str:
    """Lines stripped and joined by spaces into one, moments kept."""
    pieces: list[str | Moment] = []
    for index, line in enumerate(lines):
        pieces += [" ", *parts_of(_stripped(line))] if index else parts_of(_stripped(line))
    return Line(*pieces)


@dataclass(frozen=True)
class OutMessage:
    """One Discord message to send or to edit into place."""

    text: str
    as_embed: bool = False
    rows: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None

    def send_kwargs(self) -> dict[str, Any]:
        """For send_message / followup.send / channel.send: absent parts are left out."""
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.as_embed:
            kwargs["embed"] = discord.Embed(description=self.text)
        else:
            kwargs["content"] = self.text
        view = make_view(self.rows)
        if view is not None:
            kwargs["view"] = view
        if self.attachment is not None:
            kwargs["file"] = make_file(self.attachment)
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """For edits: every part is set, so what the last version had and this one lacks goes."""
        embed = [discord.Embed(description=self.text)] if self.as_embed else []
        return {
            "content": None if self.as_embed else self.text,
            "embeds": embed,
            "view": make_view(self.rows),
            "attachments": [make_file(self.attachment)] if self.attachment else [],
            "allowed_mentions": NO_MENTIONS,
        }


def layout(reply: Reply) -> list[OutMessage]:
    """The reply as one message where it fits, else several split at block boundaries."""
    parts = _units(reply.blocks)
    whole = "\n\n".join(parts)
    if len(whole) <= CONTENT_LIMIT:
        texts, as_embed = [whole or EMPTY], False
    else:
        texts, as_embed = _pack(parts, EMBED_LIMIT), True
    if len(texts) > MAX_MESSAGES:
        texts = texts[:MAX_MESSAGES]
        texts[-1] = _cut(texts[-1], EMBED_LIMIT - 2) + "\n" + ELLIPSIS
    messages = [OutMessage(t, as_embed) for t in texts]
    messages[0] = replace(messages[0], attachment=reply.attachment)
    messages[-1] = replace(messages[-1], rows=reply.buttons)
    return messages


def single(reply: Reply) -> OutMessage:
    """The reply squeezed into one message, for edits (a message cannot become two)."""
    messages = layout(reply)
    if len(messages) == 1:
        return messages[0]
    text = "\n\n".join(m.text for m in messages)
    return OutMessage(
        _cut(text, EMBED_LIMIT - 2) + "\n" + ELLIPSIS, True, reply.buttons, reply.attachment
    )


def make_view(rows: tuple[tuple[Button, ...], ...]) -> discord.ui.View | None:
    """Buttons in rows of at most five; custom_id is the core's stable action id.

    The view only carries the components: it is stopped before it is sent, so discord.py
    keeps nothing per message. Presses are handled in `on_interaction` whatever message they
    come from, which is what makes buttons keep working after a restart.
    """
    items: list[list[Button]] = []
    seen: set[str] = set()
    for row in rows:
        buttons = [b for b in row if b.action and b.action not in seen]
        seen.update(b.action for b in buttons)
        for i in range(0, len(buttons), BUTTONS_PER_ROW):
            items.append(buttons[i : i + BUTTONS_PER_ROW])
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for index, row in enumerate(items[:MAX_ROWS]):
        for button in row:
            view.add_item(
                discord.ui.Button(
                    label=_cut(button.label.strip(), LABEL_LIMIT) or ELLIPSIS,
                    custom_id=button.action[:CUSTOM_ID_LIMIT],
                    style=_STYLES.get(button.style, discord.ButtonStyle.secondary),
                    row=index,
                )
            )
    view.stop()
    return view


def make_file(attachment: Attachment) -> discord.File:
    """A fresh File each time: discord.py reads it once per request."""
    return discord.File(io.BytesIO(attachment.data), filename=attachment.filename)


def _units(blocks: tuple[Block, ...]) -> list[str]:
    """Rendered blocks, each heading glued to the block after it so a split never orphans it."""
    units: list[str] = []
    pending = ""
    for block in blocks:
        markdown = block_markdown(block)
        if not markdown:
            continue
        if pending:
            markdown = f"{pending}\n\n{markdown}"
            pending = ""
        if block.kind is BlockKind.HEADING:
            pending = markdown
        else:
            units.append(markdown)
    if pending:
        units.append(pending)
    return units


def _pack(parts: list[str], limit: int) -> list[str]:
    """Join blocks into texts of at most `limit` characters, splitting only oversized blocks."""
    texts: list[str] = []
    current = ""
    for part in parts:
        for piece in _split(part, limit):
            if current and len(current) + 2 + len(piece) > limit:
                texts.append(current)
                current = ""
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        texts.append(current)
    return texts or [EMPTY]


def _split(text: str, limit: int) -> list[str]:
    """A block longer than `limit`, cut at line breaks (and very long lines anywhere)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        pieces.append(current)
    return pieces


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS
