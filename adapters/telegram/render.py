"""A core Reply as Telegram HTML: escaped lines, block styles, parts that fit one message.

Every text in a Reply is plain text (user words included), so each line is escaped here and
the only tags are the ones this module writes. Telegram has no timestamps that show each reader
their own time, so a line's `Moment`s appear in the core's words (a `Line` is those words).
Telegram counts a message's length on the visible text after parsing; sizes here are UTF-16
code units, which is never less than what Telegram counts, so a part that fits here fits there.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import KeyboardButtonStyle

from bot.messages import Block, BlockKind, ButtonStyle, Reply

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # visible characters in one message
CAPTION_LIMIT = 1024  # visible characters in a photo's caption
CALLBACK_DATA_BYTES = 64
_BLOCK_GAP = "\n\n"
_CLIPPED = "\n…"  # marks an edit that had to be cut to one message
_STYLES = {
    ButtonStyle.PRIMARY: KeyboardButtonStyle.PRIMARY,
    ButtonStyle.DANGER: KeyboardButtonStyle.DANGER,
}


def valid_text(text: str) -> str:
    """The text with lone surrogates replaced: they cannot be encoded to send or to store."""
    return text.encode("utf-8", "replace").decode("utf-8")


def size(text: str) -> int:
    """Length as Telegram's limits count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Line:
    html: str
    size: int  # visible length
    quoted: bool = False  # inside a <blockquote>


def render(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply's text as HTML parts of at most `limit` visible characters each.

    Blocks are never split unless one alone is too long; then it is split between lines, and
    a single giant line between words.
    """
    parts: list[list[list[_Line]]] = []
    current: list[list[_Line]] = []
    used = 0
    for block in reply.blocks:
        lines = _block_lines(block, limit)
        if not lines:
            continue
        pieces = [lines] if _size(lines) <= limit else _fill(lines, limit)
        for piece in pieces:
            gap = len(_BLOCK_GAP) if current else 0
            if current and used + gap + _size(piece) > limit:
                parts.append(current)
                current, used, gap = [], 0, 0
            current.append(piece)
            used += gap + _size(piece)
    if current:
        parts.append(current)
    return [_BLOCK_GAP.join(_join(chunk) for chunk in part) for part in parts]


def render_one(reply: Reply, limit: int = MESSAGE_LIMIT) -> str:
    """The reply as ONE part (for an edit, which cannot add messages); cut if it must be."""
    parts = render(reply, limit)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    log.warning("an edit is longer than one Telegram message; showing its first part")
    return render(reply, limit - size(_CLIPPED))[0] + _CLIPPED


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Button rows as an inline keyboard; a press comes back with `Button.action` as data."""
    rows = []
    for row in reply.buttons:
        buttons = []
        for button in row:
            if not 0 < len(button.action.encode()) <= CALLBACK_DATA_BYTES:
                # Telegram would refuse the whole message for one bad button.
                log.warning("button %r dropped: its id does not fit Telegram", button.label)
                continue
            buttons.append(
                InlineKeyboardButton(
                    valid_text(button.label),
                    callback_data=button.action,
                    style=_STYLES.get(button.style),
                )
            )
        if buttons:
            rows.append(buttons)
    return InlineKeyboardMarkup(rows) if rows else None


# -- blocks ---------------------------------------------------------------------------------


def _block_lines(block: Block, width: int) -> list[_Line]:
    lines: list[_Line] = []
    match block.kind:
        case BlockKind.HEADING:
            for line in block.lines:
                lines += _lines(line, width, tag="b")
        case BlockKind.STEPS:
            for number, line in enumerate(block.lines, 1):
                lines += _lines(line, width, lead=f"{number}. ")
        case BlockKind.BULLETS | BlockKind.CAUTION:
            if block.kind is BlockKind.CAUTION:
                lines += _lines(block.title, width, lead="⚠️ ", tag="b")
            elif block.title:
                lines += _lines(block.title, width, tag="b")
            for line in block.lines:
                lines += _lines(line, width, lead="• ")
        case BlockKind.NOTE:
            for line in block.lines:
                lines += _lines(line, width, tag="i")
        case BlockKind.QUOTE:
            for line in block.lines:
                lines += _lines(line, width, quoted=True)
            if block.title:
                lines += _lines(block.title, width, lead="— ")
        case BlockKind.PROGRESS:
            for line in block.lines:
                lines += _lines(line, width, tag="code")
        case _:
            for line in block.lines:
                lines += _lines(line, width)
    return lines


def _lines(
    text: str, width: int, *, lead: str = "", tag: str = "", quoted: bool = False
) -> list[_Line]:
    """One line of text, escaped and styled; a giant line becomes several."""
    pieces = _cut(valid_text(text), max(1, width - size(lead)))
    out = []
    for index, piece in enumerate(pieces):
        body = html.escape(piece, quote=False)
        if tag and piece:
            body = f"<{tag}>{body}</{tag}>"
        prefix = lead if index == 0 else ""
        out.append(_Line(prefix + body, size(prefix) + size(piece), quoted))
    return out


def _cut(text: str, width: int) -> list[str]:
    """Pieces of at most `width` units, cut at a space when one is near the end."""
    pieces: list[str] = []
    while size(text) > width:
        end, used = 0, 0
        while end < len(text) and used + size(text[end]) <= width:
            used += size(text[end])
            end += 1
        space = text.rfind(" ", 0, end + 1)
        cut = space if space > end // 2 else max(end, 1)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text or not pieces:
        pieces.append(text)
    return pieces


def _size(lines: list[_Line]) -> int:
    return sum(line.size for line in lines) + len(lines) - 1


def _fill(lines: list[_Line], limit: int) -> list[list[_Line]]:
    """Lines grouped greedily into pieces of at most `limit` visible characters."""
    pieces: list[list[_Line]] = []
    current: list[_Line] = []
    used = 0
    for line in lines:
        if current and used + 1 + line.size > limit:
            pieces.append(current)
            current, used = [], 0
        used += line.size + (1 if current else 0)
        current.append(line)
    if current:
        pieces.append(current)
    return pieces


def _join(lines: list[_Line]) -> str:
    """Lines as HTML, runs of quoted lines inside one <blockquote>."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        if not lines[index].quoted:
            out.append(lines[index].html)
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].quoted:
            end += 1
        quoted = "\n".join(line.html for line in lines[index:end])
        out.append(f"<blockquote>{quoted}</blockquote>")
        index = end
    return "\n".join(out)
