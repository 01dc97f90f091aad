"""The conversation engine every adapter talks to: one Incoming event in, replies out."""

from __future__ import annotations

import dataclasses
import difflib
import logging
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot import actions
from bot.clock import Clock, SystemClock
from bot.commands import ACTIONS, ALIASES, BY_NAME, COMMANDS, CommandSpec
from bot.commands.knot import free_text_reply
from bot.content import ContentError, ContentLibrary, load_content
from bot.context import Context, Services
from bot.holds.manager import HoldManager
from bot.logs import fields
from bot.messages import ButtonPress, Command, Incoming, Reply, ReplyBuilder, text
from bot.outbox import DeliveryError, Outbox, Replier
from bot.reminders.dispatcher import DispatchSettings
from bot.reminders.service import ReminderService
from bot.reminders.zones import zone_names
from bot.settings import Settings
from bot.storage import Database, DatabaseUnavailable
from bot.text import shorten
from bot.tips.messages import tip_of_the_day
from bot.tips.service import TIP_OF_THE_DAY, TipService

log = logging.getLogger(__name__)

_DB_DOWN = (
    "I can't reach my notebook (the database) right now, so I can't do that. "
    "Please try again in a minute; nothing you saved is lost."
)
_OOPS = "Something went wrong on my side. Please try again; if it keeps happening, tell the admins."


class Knotbot:
    def __init__(
        self,
        *,
        settings: Settings,
        content: ContentLibrary,
        db: Database,
        clock: Clock | None = None,
        dispatch: DispatchSettings | None = None,
    ) -> None:
        clock = clock or SystemClock()
        holds = HoldManager(content=content, db=db, clock=clock, owner=settings.instance_id)
        grace = timedelta(minutes=settings.reminder_grace_minutes)
        reminders = ReminderService(
            content=content,
            db=db,
            clock=clock,
            owner=settings.instance_id,
            default_zone=settings.default_timezone,
            dispatch=dispatch or DispatchSettings(grace=grace),
        )
        tips = TipService(
            content=content, db=db, clock=clock, default_zone=settings.default_timezone
        )
        reminders.compose[TIP_OF_THE_DAY] = self._tip_of_the_day
        self.services = Services(
            settings=settings,
            content=content,
            db=db,
            clock=clock,
            holds=holds,
            reminders=reminders,
            tips=tips,
        )

    @property
    def commands(self) -> tuple[CommandSpec, ...]:
        """For menus: Telegram's command list, Discord's slash commands, /help."""
        return COMMANDS

    async def handle(self, event: Incoming, replier: Replier) -> None:
        """Answer one event. Never raises for bad input or a database outage: the user is told."""
        event = _tidy(event)
        ctx = Context(self.services, event, replier)
        started = time.perf_counter()
        outcome = "ok"
        try:
            if isinstance(event, Command):
                await self._command(ctx, event)
            else:
                await self._button(ctx, event)
        except DeliveryError as exc:
            outcome = "undelivered"
            log.info("could not answer: %s", exc, extra=fields(platform=event.chat.platform))
        except (DatabaseUnavailable, SQLAlchemyError, OSError) as exc:
            outcome = "database_down"
            log.warning("database trouble: %s", type(exc).__name__)
            await self._say(replier, _DB_DOWN)
        except Exception:
            outcome = "error"
            log.exception("failed to handle an event")
            await self._say(replier, _OOPS)
        finally:
            self._log_event(event, outcome, time.perf_counter() - started)

    @staticmethod
    def _log_event(event: Incoming, outcome: str, seconds: float) -> None:
        """One line per event; what people wrote only at DEBUG level."""
        if isinstance(event, Command):
            known = ALIASES.get(event.name, event.name) if event.name else "text"
            what = {"command": known if (known in BY_NAME or known == "text") else "unknown"}
        else:
            what = {"button": actions.parse(event.action).verb[:8]}
        log.info(
            "handled",
            extra=fields(
                **what,
                platform=event.chat.platform,
                chat=event.chat.kind.value,
                outcome=outcome,
                ms=round(seconds * 1000, 1),
            ),
        )
        if log.isEnabledFor(logging.DEBUG) and isinstance(event, Command):
            log.debug("said", extra=fields(args=shorten(event.args, 200)))

    def reload_content(self, folder: Path) -> ContentError | None:
        """Swap in new content without a restart; invalid content keeps the old (returned)."""
        try:
            content = load_content(folder)
        except ContentError as exc:
            log.error("content not reloaded, keeping the old: %s", exc.report())
            return exc
        services = self.services
        services.content = content
        services.holds.use_content(content)
        services.reminders.use_content(content)
        services.tips.use_content(content)
        log.info("content reloaded", extra=fields(folder=str(folder)))
        return None

    async def _command(self, ctx: Context, event: Command) -> None:
        name = event.name.lower()
        if not name:  # plain text, not a command
            await ctx.answer(await free_text_reply(ctx, event.args))
            return
        spec = BY_NAME.get(ALIASES.get(name, name))
        if spec is None:
            await ctx.answer(self._unknown_command(event.name))
            return
        await spec.handler(ctx)

    async def _button(self, ctx: Context, event: ButtonPress) -> None:
        action = actions.parse(event.action)
        handler = ACTIONS.get(action.verb)
        if handler is None:
            await ctx.replier.notice("That button is from an older version of me; try /help.")
            return
        await handler(ctx, action)

    def _unknown_command(self, name: str) -> Reply:
        said = shorten(name, 32)
        close = difflib.get_close_matches(name.lower(), [c.name for c in COMMANDS], n=1, cutoff=0.6)
        hint = f" Did you mean /{close[0]}?" if close else ""
        return (
            ReplyBuilder()
            .add(text(f"I don't know /{said}.{hint} Type /help to see what I can do."))
            .build()
        )

    async def _say(self, replier: Replier, line: str) -> None:
        try:
            await replier.reply(ReplyBuilder().add(text(line)).build())
        except Exception:
            log.warning("could not tell the user about a failure", exc_info=True)

    def complete(self, kind: str, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """Autocomplete choices as (label, value): areas, techniques, holdables or timezones."""
        content = self.services.content
        needle = shorten(prefix, 60).lower()
        choices: list[tuple[str, str]]
        if kind == "areas":
            choices = [(f"{a.name} ({a.id})", a.id) for a in content.areas]
            found = content.find_area(prefix) if needle else None
            if found and (found.match or found.suggestions):
                first = [found.match] if found.match else list(found.suggestions)
                choices = [(f"{a.name} ({a.id})", a.id) for a in first] + choices
        elif kind in ("techniques", "holdables"):
            pool = [t for t in content.techniques if kind == "techniques" or t.hold is not None]
            choices = [(t.title, t.id) for t in pool]
            if kind == "holdables":
                choices = [(a.name, a.id) for a in content.areas] + choices
        elif kind == "timezones":
            choices = [(z, z) for z in zone_names()]
        else:
            return []
        if needle:
            matching = [c for c in choices if needle in c[0].lower() or needle in c[1].lower()]
            if len(matching) < limit:  # a typo: add the closest few (one pass over the names)
                close = set(difflib.get_close_matches(needle, [c[1] for c in choices], n=5))
                matching += [c for c in choices if c[1] in close and c not in matching]
            choices = matching
        seen: set[str] = set()
        unique = [c for c in choices if not (c[1] in seen or seen.add(c[1]))]
        return unique[:limit]

    async def _tip_of_the_day(self, community_id: int | None) -> Reply | None:
        tip = await self.services.tips.feature(community_id)
        return tip_of_the_day(self.services.content, tip) if tip else None

    async def start(self, platform: str, outbox: Outbox) -> None:
        """Called by an adapter once connected: fix up what a restart left behind, and start
        sending this platform's reminders through `outbox`."""
        try:
            await self.services.holds.recover(platform, outbox)
        except (DatabaseUnavailable, SQLAlchemyError, OSError) as exc:
            log.warning("could not check for interrupted holds: %s", exc)
        self.services.reminders.start(platform, outbox)

    async def shutdown(self) -> None:
        """Stop holds (their messages say so) and the reminder dispatchers; idempotent."""
        await self.services.holds.shutdown()
        await self.services.reminders.stop()

    async def recipient_gone(self, platform: str, chat_id: str) -> None:
        """An adapter learnt that a user blocked the bot (or left): pause what goes to them."""
        await self.services.reminders.recipient_gone(platform, chat_id)

    async def recipient_back(self, platform: str, chat_id: str) -> None:
        """The user unblocked the bot: resume what was paused because of it."""
        await self.services.reminders.recipient_back(platform, chat_id)


def _tidy(event: Incoming) -> Incoming:
    """Platforms pass names as people typed them: without invisible or control characters,
    and of a sensible length, they are safe to greet with and to credit a tip to."""
    name = shorten(event.user.display_name, 64)
    if name == event.user.display_name:
        return event
    return dataclasses.replace(event, user=dataclasses.replace(event.user, display_name=name))
