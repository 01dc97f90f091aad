"""What a command handler gets: the event, a way to answer, and the bot's services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.access import check
from bot.actions import Request
from bot.clock import Clock
from bot.content import ContentLibrary
from bot.i18n import Translator, translator
from bot.messages import ButtonPress, ChatRef, Command, Incoming, MessageRef, Reply, UserRef, say
from bot.outbox import Replier
from bot.settings import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from bot.commands.spec import CommandSpec
    from bot.holds.manager import HoldManager
    from bot.reminders.service import ReminderService
    from bot.routines.service import RoutineService
    from bot.tips.service import TipService


class Outcome(StrEnum):
    """How handling one event went (logged, and returned by `Knotbot.handle`)."""

    OK = "ok"
    REFUSED = "refused"  # the person may not do that (there, or to that target)
    UNDELIVERED = "undelivered"
    DATABASE_DOWN = "database_down"
    ERROR = "error"


# A handler of one request type: Context and the request, which `bot.access` has checked.
RequestHandler = Callable[["Context", Any], Awaitable[None]]


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
    # Which handler answers which request type (the table in bot/commands/__init__.py).
    handlers: Mapping[type[Request], RequestHandler]
    routines: RoutineService


@dataclass
class Context:
    services: Services
    event: Incoming
    replier: Replier
    spec: CommandSpec | None = None  # the command being handled, if it is one
    outcome: Outcome = Outcome.OK
    # The person's language for this event ("en", "de", "es"), chosen once by Knotbot.handle.
    language: str = "en"

    @property
    def chat(self) -> ChatRef:
        return self.event.chat

    @property
    def user(self) -> UserRef:
        return self.event.user

    @property
    def content(self) -> ContentLibrary:
        """The content in the person's language (English where it is not translated yet)."""
        return self.services.content.in_language(self.language)

    @property
    def t(self) -> Translator:
        """Speaks the person's language: `ctx.t.gettext("...")`."""
        return translator(self.language)

    @property
    def args(self) -> str:
        return self.event.args if isinstance(self.event, Command) else ""

    @property
    def options(self) -> Mapping[str, str]:
        return self.event.options if isinstance(self.event, Command) else {}

    @property
    def pressed(self) -> ButtonPress | None:
        return self.event if isinstance(self.event, ButtonPress) else None

    async def perform(self, request: Request) -> bool:
        """Check that this person may do `request` here, then run its handler; False if not."""
        refused = await check(self, request)
        if refused is not None:
            await self.refuse(refused)
            return False
        await self.services.handlers[type(request)](self, request)
        return True

    async def refuse(self, why: str) -> None:
        """Tell only the person who acted why not (a catalog sentence, in their language)."""
        why = self.t.gettext(why)
        self.outcome = Outcome.REFUSED
        if self.pressed is not None:
            await self.replier.notice(why)
        else:
            await self.answer(say(why))

    async def answer(self, reply: Reply) -> MessageRef:
        return await self.replier.reply(reply)

    async def answer_in_place(self, reply: Reply) -> MessageRef:
        """Replace the pressed button's message when there is one, else answer anew."""
        if self.pressed is not None and self.pressed.message is not None:
            return await self.replier.update(reply)
        return await self.replier.reply(reply)
