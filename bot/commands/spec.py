"""How a command is described: one table serves /help and every platform's command menu."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.actions import Where
from bot.context import Context
from bot.i18n import Translator, translator

Handler = Callable[[Context], Awaitable[None]]


@dataclass(frozen=True)
class ArgSpec:
    name: str
    description: str
    required: bool = False
    # What autocomplete offers: "areas", "techniques", "holdables", "timezones", "languages"
    # or "".
    complete: str = ""


@dataclass(frozen=True)
class SubcommandSpec:
    """`/tip share <text> area:<spot>`: a word after the command, its text, a named option.

    Text platforms send it all as one line; platforms with typed options (Discord) show a
    subcommand with fields and hand the core `args="share <text>"` and `options={"area": ...}`.
    """

    name: str
    description: str
    arg: ArgSpec | None = None
    option: ArgSpec | None = None
    usage: str = ""  # what follows the name in /help, e.g. "<number>"
    moderators: bool = False  # for moderators only (a community's settings, its review queue)


@dataclass(frozen=True)
class CommandSpec:
    """A command. Who may use it: anyone, `where` it may be used; commands that act on
    something that belongs to someone (`/tip approve 5`) check that through a request
    (`bot.actions`), like the buttons do."""

    name: str
    description: str  # one line, shown in menus (Telegram and Discord allow up to 100 chars)
    handler: Handler
    arg: ArgSpec | None = None
    usage: str = ""  # an example, for /help
    subcommands: tuple[SubcommandSpec, ...] = ()
    where: Where = Where.ANYWHERE
    # For moderators only: menus show it to moderators alone (the core still checks, through
    # the requests it makes; a menu is a convenience, not a permission).
    moderators: bool = False

    def menu_line(self, *, moderator: bool = False, t: Translator | None = None) -> str:
        """The command's line in a menu, in `t`'s language; a moderator's also names the
        subcommands only moderators use ("...; moderators: pending, remove")."""
        t = t or translator("en")
        description = t.gettext(self.description)
        theirs = [sub.name for sub in self.subcommands if sub.moderators]
        if not moderator or not theirs:
            return description
        return t.gettext("%(description)s; moderators: %(names)s") % {
            "description": description,
            "names": ", ".join(theirs),
        }
