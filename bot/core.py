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
from bot.access import Reason, place_refusal, refusal
from bot.clock import Clock, SystemClock
from bot.commands import ALIASES, BY_NAME, COMMANDS, HANDLERS, CommandSpec
from bot.commands.plain import free_text_reply
from bot.commands.routine_steps import continue_draft
from bot.content import ContentError, ContentLibrary, load_content
from bot.context import Context, Outcome, Services
from bot.holds.manager import HoldManager
from bot.i18n import LANGUAGES, N_, NAMES, Translator, choose
from bot.logs import fields
from bot.messages import ButtonPress, Command, Incoming, Reply, say
from bot.outbox import DeliveryError, Outbox, Replier
from bot.reminders.dispatcher import DispatchSettings
from bot.reminders.dispatchers import Dispatchers
from bot.reminders.kinds import TIP_OF_THE_DAY, Composers
from bot.reminders.scheduler import BookingLimits, Scheduler
from bot.reminders.service import ReminderService
from bot.reminders.zones import zone_names
from bot.routines.reminders import ROUTINE_KIND, routine_composer
from bot.routines.service import RoutineService
from bot.settings import Settings
from bot.storage import Database, DatabaseUnavailable
from bot.text import shorten
from bot.tips.service import TipService

log = logging.getLogger(__name__)

_DB_DOWN = N_(
    "I can't reach my notebook (the database) right now, so I can't do that. "
    "Please try again in a minute; nothing you saved is lost."
)
_OOPS = N_(
    "Something went wrong on my side. Please try again; if it keeps happening, tell the admins."
)


class Knotbot:
    """The composition of the core: services built once, and one entry point per event."""

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
        grace = timedelta(minutes=settings.reminder_grace_minutes)
        self.composers = Composers(content)
        self.dispatchers = Dispatchers(
            db=db,
            composers=self.composers,
            clock=clock,
            owner=settings.instance_id,
            settings=dispatch or DispatchSettings(grace=grace),
        )
        limits = BookingLimits(
            per_person=settings.max_reminders_per_person,
            per_community=settings.max_shared_reminders_per_community,
        )
        self.scheduler = scheduler = Scheduler(
            clock=clock, wake=self.dispatchers.wake, limits=limits
        )
        holds = HoldManager(
            content=content,
            db=db,
            clock=clock,
            owner=settings.instance_id,
            max_running_per_person=settings.max_running_holds_per_person,
        )
        reminders = ReminderService(
            db=db, clock=clock, scheduler=scheduler, default_zone=settings.default_timezone
        )
        tips = TipService(
            content=content,
            db=db,
            clock=clock,
            scheduler=scheduler,
            default_zone=settings.default_timezone,
        )
        self.composers.register(TIP_OF_THE_DAY, tips.compose_tip_of_the_day)
        routines = RoutineService(db=db, clock=clock, content=content)
        self.composers.register(ROUTINE_KIND, routine_composer(routines))
        self.services = Services(
            settings=settings,
            content=content,
            db=db,
            clock=clock,
            holds=holds,
            reminders=reminders,
            tips=tips,
            handlers=HANDLERS,
            routines=routines,
        )

    @property
    def commands(self) -> tuple[CommandSpec, ...]:
        """For menus: Telegram's command list, Discord's slash commands, /help."""
        return COMMANDS

    async def handle(self, event: Incoming, replier: Replier) -> Outcome:
        """Answer one event. Never raises for bad input or a database outage: the user is told."""
        event = _tidy(event)
        ctx = Context(self.services, event, replier)
        started = time.perf_counter()
        try:
            ctx.language = await self._language_of(event)
            if isinstance(event, Command):
                await self._command(ctx, event)
            else:
                await self._button(ctx, event)
        except DeliveryError as exc:
            ctx.outcome = Outcome.UNDELIVERED
            log.info("could not answer: %s", exc, extra=fields(platform=event.chat.platform))
        except (DatabaseUnavailable, SQLAlchemyError, OSError) as exc:
            ctx.outcome = Outcome.DATABASE_DOWN
            log.warning("database trouble: %s", type(exc).__name__)
            await _tell(replier, ctx.t.gettext(_DB_DOWN))
        except Exception:
            ctx.outcome = Outcome.ERROR
            log.exception("failed to handle an event")
            await _tell(replier, ctx.t.gettext(_OOPS))
        finally:
            self._log_event(event, ctx.outcome, time.perf_counter() - started)
        return ctx.outcome

    async def _language_of(self, event: Incoming) -> str:
        """Their /language choice, else their platform's locale, else English. Without the
        database the platform's locale still tells."""
        chosen: str | None = None
        try:
            async with self.services.db.transaction() as tx:
                chosen = await tx.users.language_of(event.user.platform, event.user.user_id)
        except (DatabaseUnavailable, SQLAlchemyError, OSError):
            log.debug("language: no database, following the platform's locale")
        return choose(chosen, event.user.locale)

    @staticmethod
    def _log_event(event: Incoming, outcome: Outcome, seconds: float) -> None:
        """One line per event; what people wrote only at DEBUG level."""
        if isinstance(event, Command):
            known = ALIASES.get(event.name, event.name) if event.name else "text"
            what = {"command": known if (known in BY_NAME or known == "text") else "unknown"}
        else:
            what = {"button": actions.describe(event.action)}
        log.info(
            "handled",
            extra=fields(
                **what,
                platform=event.chat.platform,
                chat=event.chat.kind.value,
                outcome=outcome.value,
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
        services.tips.use_content(content)
        services.routines.use_content(content)
        self.composers.use_content(content)
        log.info("content reloaded", extra=fields(folder=str(folder)))
        return None

    async def _command(self, ctx: Context, event: Command) -> None:
        name = event.name.lower()
        if not name:  # plain text, not a command
            if not ctx.chat.is_community and await continue_draft(ctx, event.args):
                return  # an answer to /routine new's question
            await ctx.answer(await free_text_reply(ctx, event.args))
            return
        spec = BY_NAME.get(ALIASES.get(name, name))
        if spec is None:
            await ctx.answer(self._unknown_command(event.name, ctx.t))
            return
        refused = place_refusal(spec.name, spec.where, ctx.chat)
        if refused is not None:
            await ctx.refuse(refused)
            return
        ctx.spec = spec
        await spec.handler(ctx)

    async def _button(self, ctx: Context, event: ButtonPress) -> None:
        action = actions.decode(event.action)
        if action is not None:
            await ctx.perform(action)
            return
        kind = actions.kind_of(event.action)
        if kind is not None and kind.target is not actions.Target.NONE:  # a forged target id
            await ctx.refuse(refusal(kind, Reason.GONE))
            return
        await ctx.replier.notice(
            ctx.t.gettext("That button is from an older version of me; try /help.")
        )

    def _unknown_command(self, name: str, t: Translator) -> Reply:
        said = shorten(name, 32)
        close = difflib.get_close_matches(name.lower(), [c.name for c in COMMANDS], n=1, cutoff=0.6)
        if close:
            return say(
                t.gettext(
                    "I don't know /%(said)s. Did you mean /%(close)s? "
                    "Type /help to see what I can do."
                )
                % {"said": said, "close": close[0]}
            )
        return say(
            t.gettext("I don't know /%(said)s. Type /help to see what I can do.") % {"said": said}
        )

    def complete(
        self, kind: str, prefix: str, limit: int = 25, language: str = "en"
    ) -> list[tuple[str, str]]:
        """Autocomplete choices as (label, value): areas, techniques, holdables or timezones;
        the labels of spots and techniques in `language` (English where not translated)."""
        content = self.services.content
        shown = content.in_language(language)
        name = {a.id: a.name for a in shown.areas}
        title = {t.id: t.title for t in shown.techniques}
        needle = shorten(prefix, 60).lower()
        choices: list[tuple[str, str]]
        if kind == "areas":
            choices = [(f"{name.get(a.id, a.name)} ({a.id})", a.id) for a in content.areas]
            found = content.find_area(prefix) if needle else None
            if found and (found.match or found.suggestions):
                first = [found.match] if found.match else list(found.suggestions)
                choices = [(f"{name.get(a.id, a.name)} ({a.id})", a.id) for a in first] + choices
        elif kind in ("techniques", "holdables"):
            pool = [t for t in content.techniques if kind == "techniques" or t.hold is not None]
            choices = [(title.get(t.id, t.title), t.id) for t in pool]
            if kind == "holdables":
                choices = [(name.get(a.id, a.name), a.id) for a in content.areas] + choices
        elif kind == "timezones":
            choices = [(z, z) for z in zone_names()]
        elif kind == "languages":
            choices = [(NAMES[lang], lang) for lang in LANGUAGES] + [("auto", "auto")]
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

    async def start(self, platform: str, outbox: Outbox) -> None:
        """Called by an adapter once connected: holds and reminders of `platform` talk through
        `outbox` from now on; fix up what a restart left behind, and start sending reminders."""
        self.services.holds.attach(platform, outbox)
        self.scheduler.declare(platform, outbox.limits)
        try:
            await self.services.holds.recover(platform)
        except (DatabaseUnavailable, SQLAlchemyError, OSError) as exc:
            log.warning("could not check for interrupted holds: %s", exc)
        self.dispatchers.start(platform, outbox)

    async def shutdown(self) -> None:
        """Stop holds (their messages say so) and the reminder dispatchers; idempotent.
        Called by the adapter that called `start`, while it can still send."""
        await self.services.holds.shutdown()
        await self.dispatchers.stop()

    async def recipient_gone(self, platform: str, chat_id: str) -> None:
        """An adapter learnt that a user blocked the bot (or left): pause what goes to them."""
        await self.services.reminders.recipient_gone(platform, chat_id)

    async def recipient_back(self, platform: str, chat_id: str) -> None:
        """The user unblocked the bot: resume what was paused because of it."""
        await self.services.reminders.recipient_back(platform, chat_id)


async def _tell(replier: Replier, line: str) -> None:
    """Tell the person about a failure, if that is still possible."""
    try:
        await replier.reply(say(line))
    except Exception:
        log.warning("could not tell the user about a failure", exc_info=True)


def _tidy(event: Incoming) -> Incoming:
    """Platforms pass names as people typed them: without invisible or control characters,
    and of a sensible length, they are safe to greet with and to credit a tip to."""
    name = shorten(event.user.display_name, 64)
    if name == event.user.display_name:
        return event
    return dataclasses.replace(event, user=dataclasses.replace(event.user, display_name=name))
