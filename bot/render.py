"""Plain-text rendering of a reply: the console's form, and what tests and logs read.

A line's `Moment`s are shown in the core's words ("today 11:00"): a `Line` is that text.
"""

from __future__ import annotations

from bot.messages import Block, BlockKind, Reply


def plain_text(reply: Reply) -> str:
    """The reply as plain text, with buttons as numbered choices."""
    parts = [_block(b) for b in reply.blocks]
    buttons = reply.all_buttons
    if buttons:
        parts.append("  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1)))
    return "\n\n".join(p for p in parts if p)


def one_line(reply: Reply) -> str:
    """A reply squeezed on one line (live hold frames on a non-terminal output)."""
    return " | ".join(" ".join(b.lines) for b in reply.blocks if b.kind is not BlockKind.CAUTION)


def _block(block: Block) -> str:
    lines = block.lines
    match block.kind:
        case BlockKind.HEADING:
            title = " ".join(lines)
            return f"{title}\n{'=' * min(len(title), 60)}"
        case BlockKind.STEPS:
            return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
        case BlockKind.BULLETS:
            body = "\n".join(f"- {line}" for line in lines)
            return f"{block.title}\n{body}" if block.title else body
        case BlockKind.CAUTION:
            body = "\n".join(f"  ! {line}" for line in lines)
            return f"{block.title}:\n{body}"
        case BlockKind.NOTE:
            return "\n".join(f"({line})" for line in lines)
        case BlockKind.QUOTE:
            said = "\n".join(f'  "{line}"' for line in lines)
            return f"{said}\n    -- {block.title}" if block.title else said
        case _:
            return "\n".join(lines)
