"""What the core said, recorded where it hands it to the adapter: the replies and notices of
each event, and what it sends and edits through the platform's outbox later.

Adapter tests compare what reached the platform with these replies rendered by the adapter's
own renderer: the adapter's job is to deliver what the core said, not to word it, so a copy
edit in the core never breaks an adapter test. Moments inside lines (`bot.messages.Moment`) are
values, not words: `moments` lists what the core said when, for tests of how a platform shows
times (Discord's own timestamps, the core's words elsewhere).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum

from bot.actions import decode
from bot.core import Knotbot
from bot.messages import ChatRef, Incoming, MessageRef, Moment, Reply, parts_of
from bot.outbox import Outbox, PlatformLimits, Replier


class Way(StrEnum):
    REPLY = "reply"  # a new message answering an event
    UPDATE = "update"  # in place of a pressed message
    NOTICE = "notice"  # a note for the person who acted
    SEND = "send"  # a new message through the outbox (a reminder)
    EDIT = "edit"  # a change of an earlier message through the outbox (a hold's frame)


@dataclass(frozen=True)
class Said:
    way: Way
    reply: Reply | None = None  # None for a notice
    note: str = ""  # a notice's text
    ref: MessageRef | None = None  # the message it went into (replies, sends, edits)


@dataclass
class CoreSpy:
    """Installed on one core (`spy_on`): every event it handles and everything it says."""

    events: list[Incoming] = field(default_factory=list)
    said: list[Said] = field(default_factory=list)

    def replies(self, *ways: Way) -> list[Reply]:
        """What the core said in these ways (all replies when none is given), in order."""
        wanted = set(ways) or {Way.REPLY, Way.UPDATE, Way.SEND, Way.EDIT}
        return [s.reply for s in self.said if s.way in wanted and s.reply is not None]

    def moments(self, *ways: Way) -> list[Moment]:
        """Every moment in what the core said in these ways (all replies when none), in order."""
        return [m for reply in self.replies(*ways) for m in moments_in(reply)]

    def notices(self) -> list[str]:
        return [s.note for s in self.said if s.way is Way.NOTICE]

    def edits_of(self, ref: MessageRef) -> list[Reply]:
        return [s.reply for s in self.said if s.way is Way.EDIT and s.ref == ref and s.reply]


def moments_in(reply: Reply) -> list[Moment]:
    """The moments in a reply's lines, in order (a plain str line has none)."""
    return [
        part
        for block in reply.blocks
        for line in block.lines
        for part in parts_of(line)
        if isinstance(part, Moment)
    ]


def spy_on(core: Knotbot) -> CoreSpy:
    """Record what `core` hears and says from now on (it still does all of it)."""
    spy = CoreSpy()
    handle, start = core.handle, core.start

    async def handling(event: Incoming, replier: Replier) -> object:
        spy.events.append(event)
        return await handle(event, _Replier(replier, spy))

    async def starting(platform: str, outbox: Outbox) -> None:
        await start(platform, _Outbox(outbox, spy))

    core.handle = handling  # type: ignore[method-assign]
    core.start = starting  # type: ignore[method-assign]
    return spy


def started_first(core: Knotbot, start_takes: float = 0.3) -> list[bool]:
    """Make the core's start slow (restart fix-ups on a slow database); the list says, for each
    event the core handles from now on, whether its start had finished by then."""
    started: list[bool] = []
    after_start: list[bool] = []
    start, handle = core.start, core.handle

    async def slow_start(platform: str, outbox: Outbox) -> None:
        await asyncio.sleep(start_takes)
        await start(platform, outbox)
        started.append(True)

    async def handling(event: Incoming, replier: Replier) -> object:
        after_start.append(bool(started))
        return await handle(event, replier)

    core.start = slow_start  # type: ignore[method-assign]
    core.handle = handling  # type: ignore[method-assign]
    return after_start


def undecodable(ids: list[str]) -> list[str]:
    """Button ids that do not come back as an action: every button knotbot sends must."""
    return [data for data in ids if decode(data) is None]


class _Replier:
    def __init__(self, inner: Replier, spy: CoreSpy) -> None:
        self._inner = inner
        self._spy = spy

    @property
    def limits(self) -> PlatformLimits:
        return self._inner.limits

    async def reply(self, reply: Reply) -> MessageRef:
        ref = await self._inner.reply(reply)
        self._spy.said.append(Said(Way.REPLY, reply, ref=ref))
        return ref

    async def update(self, reply: Reply) -> MessageRef:
        ref = await self._inner.update(reply)
        self._spy.said.append(Said(Way.UPDATE, reply, ref=ref))
        return ref

    async def notice(self, text: str) -> None:
        await self._inner.notice(text)
        self._spy.said.append(Said(Way.NOTICE, note=text))


class _Outbox:
    def __init__(self, inner: Outbox, spy: CoreSpy) -> None:
        self._inner = inner
        self._spy = spy

    @property
    def limits(self) -> PlatformLimits:
        return self._inner.limits

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        ref = await self._inner.send(chat, reply, key=key)
        self._spy.said.append(Said(Way.SEND, reply, ref=ref))
        return ref

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        await self._inner.edit(message, reply)
        self._spy.said.append(Said(Way.EDIT, reply, ref=message))
