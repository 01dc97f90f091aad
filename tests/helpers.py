"""Test doubles that are real implementations of the core's protocols (in memory, not mocks)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.actions import Action, encode
from bot.clock import Clock, ManualClock
from bot.core import Knotbot
from bot.messages import ButtonPress, ChatKind, ChatRef, Command, MessageRef, Reply, UserRef
from bot.outbox import DeliveryError, PlatformLimits
from bot.reminders.dispatcher import Dispatcher, DispatchSettings
from bot.render import plain_text
from tests.simulation import run_simulated

PLATFORM = "memory"
FAST = PlatformLimits(min_edit_interval=1.0, sends_per_second=100.0, sends_per_chat_per_second=10.0)
SLOW = PlatformLimits(min_edit_interval=3.0, sends_per_second=30.0, sends_per_chat_per_second=1.0)


def user(user_id: str = "u1", name: str = "Ada", *, moderator: bool = False) -> UserRef:
    return UserRef(PLATFORM, user_id, name, "en", is_moderator=moderator)


def private_chat(user_id: str = "u1") -> ChatRef:
    return ChatRef(PLATFORM, user_id, ChatKind.PRIVATE)


def group_chat(chat_id: str = "g1", community: str = "c1") -> ChatRef:
    return ChatRef(PLATFORM, chat_id, ChatKind.COMMUNITY, community, "Knot Club")


def command(text: str, *, who: UserRef | None = None, chat: ChatRef | None = None) -> Command:
    who = who or user()
    name, _, args = text.removeprefix("/").partition(" ")
    return Command(chat or private_chat(who.user_id), who, name, args)


def press(
    action: Action | str,
    *,
    who: UserRef | None = None,
    chat: ChatRef | None = None,
    message: MessageRef | None = None,
) -> ButtonPress:
    """A press of the button for `action` (a raw id only to test ids clients may forge)."""
    who = who or user()
    data = action if isinstance(action, str) else encode(action)
    return ButtonPress(chat or private_chat(who.user_id), who, data, message)


async def say(
    bot: Knotbot,
    clock: Clock,
    text: str,
    *,
    who: UserRef | None = None,
    chat: ChatRef | None = None,
) -> RecordingReplier:
    """Say `text` (a command, or free text) to the core; what it answered."""
    replier = RecordingReplier(clock)
    await bot.handle(command(text, who=who, chat=chat), replier)
    return replier


@dataclass
class Sent:
    ref: MessageRef
    reply: Reply
    at: float

    @property
    def text(self) -> str:
        return plain_text(self.reply)


@dataclass
class RecordingReplier:
    """Answers into lists; an edit can be made slow or failing to test the hold runner.

    It is an Outbox too: attached as the platform (`bot.services.holds.attach`), it records
    the edits of the holds it started, so a test reads one hold's whole story in one place.
    """

    clock: Clock
    limits: PlatformLimits = FAST
    edit_seconds: float = 0.0  # how long each edit takes, on the test's clock
    edit_error: Callable[[], DeliveryError | None] | None = None
    sent: list[Sent] = field(default_factory=list)
    edits: list[Sent] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def reply(self, reply: Reply) -> MessageRef:
        ref = MessageRef(PLATFORM, "chat", str(next(self._ids)))
        self.sent.append(Sent(ref, reply, self.clock.monotonic()))
        return ref

    async def update(self, reply: Reply) -> MessageRef:
        return await self.reply(reply)

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        return await self.reply(reply)

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        started = self.clock.monotonic()
        if self.edit_seconds:
            await self.clock.sleep_until(started + self.edit_seconds)
        if self.edit_error is not None and (error := self.edit_error()) is not None:
            raise error
        self.edits.append(Sent(message, reply, started))

    async def notice(self, text: str) -> None:
        self.notices.append(text)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sent]

    @property
    def last(self) -> str:
        return self.sent[-1].text

    def edits_of(self, ref: MessageRef) -> list[Sent]:
        return [e for e in self.edits if e.ref == ref]


async def eventually(predicate: Callable[[], bool], within: float = 5.0) -> None:
    """Wait (real time) for something that needs real I/O, such as a database write."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@dataclass
class Delivered:
    chat: ChatRef
    reply: Reply
    key: str | None
    at: datetime

    @property
    def text(self) -> str:
        return plain_text(self.reply)


@dataclass
class RecordingOutbox:
    """A platform that records what the dispatcher sends; failures can be scripted per send."""

    clock: Clock
    limits: PlatformLimits = FAST
    fail: Callable[[ChatRef, str | None], DeliveryError | None] | None = None
    sent: list[Delivered] = field(default_factory=list)
    edits: list[Sent] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        if self.fail is not None and (error := self.fail(chat, key)) is not None:
            raise error
        if self.limits.dedup_window and key and any(d.key == key for d in self.sent):
            return MessageRef(PLATFORM, chat.chat_id, "dup")  # the platform drops the repeat
        self.sent.append(Delivered(chat, reply, key, self.clock.now()))
        return MessageRef(PLATFORM, chat.chat_id, str(next(self._ids)))

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        self.edits.append(Sent(message, reply, self.clock.monotonic()))


def dispatcher_for(bot: Knotbot, outbox: RecordingOutbox, **settings: Any) -> Dispatcher:
    """A dispatcher of the in-memory platform for `bot`, driven by the test (see run_until)."""
    s = bot.services
    return Dispatcher(
        platform=PLATFORM,
        outbox=outbox,
        db=s.db,
        composers=bot.composers,
        clock=s.clock,
        owner=s.settings.instance_id,
        settings=DispatchSettings(**settings),
    )


async def run_until(clock: ManualClock, dispatcher: Dispatcher, moment: datetime) -> None:
    """Send what falls due up to `moment`, the manual clock jumping between due times."""
    await run_simulated(dispatcher, clock, moment)
