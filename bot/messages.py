"""The boundary between the core and the adapters: a handful of small, typed, neutral objects.

An adapter turns a platform event into a `Command` or `ButtonPress`, hands it to the core, and
renders the `Reply` objects the core gives back. Text in a reply is always plain text (never
markup): structure comes from the block kinds, so an adapter escapes every line it renders and
user-supplied text can never inject markup or mentions. The one thing inside a line that is not
text is a `Moment` (a `Line` carries it): a platform that shows times itself (Discord) renders
it natively, every other renderer shows the core's words for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"  # a one-to-one chat with the bot (or the console)
    COMMUNITY = "community"  # a channel in a Discord server, a Telegram group


@dataclass(frozen=True)
class ChatRef:
    """Where a conversation happens. `platform` is the adapter's name; the core never reads it."""

    platform: str
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    community_id: str | None = None  # the server/group the chat belongs to
    community_name: str = ""

    @property
    def is_community(self) -> bool:
        return self.kind is ChatKind.COMMUNITY


@dataclass(frozen=True)
class UserRef:
    platform: str
    user_id: str
    display_name: str = ""
    locale: str | None = None
    # The adapter's reading of the platform's permissions (Manage Server, group admin).
    is_moderator: bool = False


@dataclass(frozen=True)
class MessageRef:
    """A message the bot sent, as the adapter needs it to edit it later (opaque to the core)."""

    platform: str
    chat_id: str
    message_id: str
    extra: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> MessageRef:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Command:
    chat: ChatRef
    user: UserRef
    name: str  # without the slash, lower case
    args: str = ""
    # Named values from platforms with typed options (Discord's `area:`); text platforms put
    # everything in `args`, where handlers also look.
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ButtonPress:
    chat: ChatRef
    user: UserRef
    action: str  # the Button.action of the pressed button
    message: MessageRef | None = None  # the message that carries the button


Incoming = Command | ButtonPress


class BlockKind(StrEnum):
    HEADING = "heading"  # a title line
    TEXT = "text"  # paragraphs
    STEPS = "steps"  # a numbered list
    BULLETS = "bullets"  # an unnumbered list
    CAUTION = "caution"  # a warning list with a title
    NOTE = "note"  # quieter text (small print, hints)
    QUOTE = "quote"  # someone's words; `title` is the attribution
    PROGRESS = "progress"  # a fixed-width progress bar line


class MomentStyle(StrEnum):
    TIME = "time"  # within a day: the time of day, and how long until it
    DATE = "date"  # further off: the date with the time, and how long until it


@dataclass(frozen=True)
class Moment:
    """A point in time inside a line, so each reader can see it in their own local time.

    `text` is how the core words it in the person's zone ("today 11:00"); a platform that
    shows times itself (Discord's `<t:UNIX:t>`) uses `at` instead.
    """

    at: datetime  # timezone-aware
    text: str
    style: MomentStyle = MomentStyle.TIME


class Line(str):
    """A line of text with moments in it.

    As a `str` it is the line in the core's words (each moment as its `text`), so a renderer
    or a test that knows nothing of moments reads it as before. A renderer that shows times
    natively renders `parts`: it escapes the text as any line, and only the `Moment` objects
    the core put there become time markup, so nothing a person typed ever can.
    """

    _parts: tuple[str | Moment, ...]

    def __new__(cls, *parts: str | Moment) -> Line:
        flat: list[str | Moment] = []
        pending = ""  # text not yet added: adjacent pieces of text become one
        for part in parts:
            for piece in part.parts if isinstance(part, Line) else (part,):
                if isinstance(piece, Moment):
                    flat += [pending, piece] if pending else [piece]
                    pending = ""
                else:
                    pending += piece
        if pending:
            flat.append(pending)
        words = "".join(p.text if isinstance(p, Moment) else p for p in flat)
        line = super().__new__(cls, words)
        line._parts = tuple(flat)
        return line

    @property
    def parts(self) -> tuple[str | Moment, ...]:
        """The text pieces and moments, in order (adjacent text joined, empty text dropped)."""
        return self._parts

    @property
    def moments(self) -> tuple[Moment, ...]:
        return tuple(p for p in self._parts if isinstance(p, Moment))

    def __repr__(self) -> str:
        return f"Line{self._parts!r}"

    def __reduce__(self) -> tuple[type[Line], tuple[str | Moment, ...]]:
        return (Line, self._parts)  # copies and pickles keep the moments


def parts_of(line: str) -> tuple[str | Moment, ...]:
    """A line's pieces, whether or not it carries moments."""
    return line.parts if isinstance(line, Line) else (line,)


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    lines: tuple[str, ...]  # plain text; a `Line` also carries moments
    title: str = ""


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # a short, stable id; comes back as ButtonPress.action (<= 64 bytes)
    style: ButtonStyle = ButtonStyle.SECONDARY


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    media_type: str


@dataclass(frozen=True)
class Reply:
    blocks: tuple[Block, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    # Personal replies stay personal where the platform can do that (Discord ephemeral).
    private: bool = True
    attachment: Attachment | None = None
    # The core will keep editing this message for about this many seconds (a live hold), so
    # an adapter whose edits expire (Discord interaction tokens: 15 min) can plan for it.
    live_for: float = 0.0

    @property
    def all_buttons(self) -> tuple[Button, ...]:
        return tuple(b for row in self.buttons for b in row)


def heading(text: str) -> Block:
    return Block(BlockKind.HEADING, (text,))


def text(*lines: str) -> Block:
    return Block(BlockKind.TEXT, tuple(lines))


def steps(items: tuple[str, ...] | list[str]) -> Block:
    return Block(BlockKind.STEPS, tuple(items))


def bullets(items: tuple[str, ...] | list[str], title: str = "") -> Block:
    return Block(BlockKind.BULLETS, tuple(items), title)


def caution(items: tuple[str, ...] | list[str], title: str = "Cautions") -> Block:
    return Block(BlockKind.CAUTION, tuple(items), title)


def note(*lines: str) -> Block:
    return Block(BlockKind.NOTE, tuple(lines))


def quote(words: str, author: str = "") -> Block:
    return Block(BlockKind.QUOTE, (words,), author)


def progress(bar: str) -> Block:
    return Block(BlockKind.PROGRESS, (bar,))


@dataclass
class ReplyBuilder:
    """Collects blocks and buttons for one reply; handlers read like the message they write."""

    blocks: list[Block] = field(default_factory=list)
    rows: list[tuple[Button, ...]] = field(default_factory=list)

    def add(self, *blocks: Block) -> ReplyBuilder:
        self.blocks.extend(blocks)
        return self

    def row(self, *buttons: Button) -> ReplyBuilder:
        if buttons:
            self.rows.append(tuple(buttons))
        return self

    def build(self, *, private: bool = True) -> Reply:
        return Reply(tuple(self.blocks), tuple(self.rows), private=private)


def say(*lines: str) -> Reply:
    """A reply of plain text lines, the most common answer."""
    return Reply((text(*lines),))
