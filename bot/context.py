"""What a command handler gets: the event, a way to answer, and the bot's services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.content import ContentLibrary
from bot.messages import ButtonPress, ChatRef, Command, Incoming, MessageRef, Reply, UserRef
from bot.outbox import Replier
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from bot.holds.manager import HoldManager
    from bot.reminders.service import ReminderService
    from bot.tips.service import TipService


@dataclass
class Services:
    """Everything long-lived the core uses; built once per process (see Knotbot)."""

    settings: Settings
    content: ContentLibrary
    db: Database
    clock: Clock
    holds: HoldManager
    reminders: ReminderService
    tips: TipService


@dataclass
class Context:
    services: Services
    event: Incoming
    replier: Replier

    @property
    def chat(self) -> ChatRef:
        return self.event.chat

    @property
    def user(self) -> UserRef:
        return self.event.user

    @property
    def content(self) -> ContentLibrary:
        return self.services.content

    @property
    def args(self) -> str:
        return self.event.args if isinstance(self.event, Command) else ""

    @property
    def options(self) -> Mapping[str, str]:
        return self.event.options if isinstance(self.event, Command) else {}

    @property
    def pressed(self) -> ButtonPress | None:
        return self.event if isinstance(self.event, ButtonPress) else None

    async def answer(self, reply: Reply) -> MessageRef:
        return await self.replier.reply(reply)

    async def answer_in_place(self, reply: Reply) -> MessageRef:
        """Replace the pressed button's message when there is one, else answer anew."""
        if self.pressed is not None and self.pressed.message is not None:
            return await self.replier.update(reply)
        return await self.replier.reply(reply)
