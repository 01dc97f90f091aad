"""The slash commands, generated from the core's command table (`Knotbot.commands`).

A command becomes `/name [arg]`; a command with subcommands becomes a group whose
subcommands take their text and a named option (`/tip share tip:<text> area:<spot>`). Every
one of them is the same callback: its signature, which discord.py reads to offer a command's
options, is built from the spec, and it hands the values to the core as the typed text would
be (`Command("tip", "share <text>", {"area": spot})`). Telegram's counterpart: `menu`.

`/tip share` without its text opens a form for it (`modals`), and the message command "Share
as a tip" opens the same form with the message's text in it; `/routine new` without its text
opens the routine form (`routine_form`).

Names and descriptions are `locale_str`s: at sync, `CatalogTranslator` gives Discord each one in
every language the core speaks (its catalogs; `bot.i18n.names` for names), and Discord shows
each person their client's language. The command still arrives under its own name.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace

import discord
from discord import app_commands

from adapters.discord import modals, routine_form
from adapters.discord.events import DiscordEvents
from bot.commands.spec import ArgSpec, CommandSpec, SubcommandSpec
from bot.i18n import language_of_locale, translator
from bot.i18n.names import command_name

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 100
NAME_LIMIT = 32  # a context menu's name, in any language
CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True)
# Subcommands that open a form when their text is left out: `/tip share`, `/routine new`.
FORMS = (modals.SHARE_TIP, routine_form.ROUTINE_NEW)
Completer = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


@dataclass(frozen=True)
class _Leaf:
    """One command people run: what reaches the core, and the fields that fill it."""

    command: str  # the core command the values go to
    said_first: str  # said before the text: the subcommand's name ("share"), or nothing
    arg: ArgSpec | None  # the text after it
    option: ArgSpec | None  # a named option (`area:`)
    form: SubcommandSpec | None = None  # without its text, the form for it opens (`modals`)

    def fields(self) -> dict[str, ArgSpec]:
        """The callback's parameters: "arg" and "option", when the leaf has them."""
        return {name: spec for name, spec in (("arg", self.arg), ("option", self.option)) if spec}


class CatalogTranslator(app_commands.Translator):
    """Discord's translator, answered from the core's catalogs: None where a text keeps its
    English (a language the core does not speak, or a text not translated)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = language_of_locale(locale.value)
        if language is None or language == "en":
            return None
        if isinstance(context.data, app_commands.ContextMenu):  # its name is a sentence
            said = translator(language).gettext(string.message)
            return said[:NAME_LIMIT] if said != string.message else None
        if context.location in (
            app_commands.TranslationContextLocation.command_name,
            app_commands.TranslationContextLocation.group_name,
        ):
            return command_name(string.message, language)
        if context.location not in (
            app_commands.TranslationContextLocation.command_description,
            app_commands.TranslationContextLocation.group_description,
            app_commands.TranslationContextLocation.parameter_description,
        ):
            return None
        said = translator(language).gettext(string.message)
        return said[:DESCRIPTION_LIMIT] if said != string.message else None


class SlashCommands(app_commands.CommandTree[discord.Client]):
    """The client's command tree: the core's commands, and a stale command's fallback."""

    def __init__(
        self, client: discord.Client, events: DiscordEvents, commands: Iterable[CommandSpec]
    ) -> None:
        super().__init__(client)
        self._events = events
        table = tuple(commands)
        for spec in table:
            try:
                self.add_command(_slash_command(events, spec))
            except (TypeError, ValueError) as exc:  # a name or text Discord would refuse
                log.error("cannot offer /%s on Discord: %s", spec.name, exc)
        share = modals.share_subcommand(table)
        if share is not None:
            self.add_command(modals.share_menu(share, events.spots, CONTEXTS))

    async def register(self, dev_guild_id: int | None) -> None:
        """Register the commands, in every language the core speaks: in the dev server only
        (instant) or globally."""
        if self.translator is None:
            await self.set_translator(CatalogTranslator())
        try:
            if dev_guild_id:
                guild = discord.Object(dev_guild_id)
                self.copy_global_to(guild=guild)
                synced = await self.sync(guild=guild)
            else:
                synced = await self.sync()
        except discord.HTTPException as exc:  # the commands synced last time still work
            log.warning("could not sync slash commands: %s", exc)
            return
        where = f"server {dev_guild_id}" if dev_guild_id else "all servers"
        log.info("synced %d slash commands to %s", len(synced), where)

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        """The tree could not run one of its callbacks: a stale or changed command."""
        not_run = (
            app_commands.CommandNotFound,
            app_commands.CommandSignatureMismatch,
            app_commands.TransformerError,
        )
        if isinstance(error, not_run):
            if interaction.type is discord.InteractionType.application_command:
                await self._events.on_unknown_command(interaction)
            elif not interaction.response.is_done():  # autocomplete: offer nothing
                with contextlib.suppress(discord.HTTPException):
                    await interaction.response.autocomplete([])
            return
        await super().on_error(interaction, error)


def _slash_command(
    events: DiscordEvents, spec: CommandSpec
) -> app_commands.Command[None, ..., None] | app_commands.Group:
    if not spec.subcommands:
        leaf = _Leaf(spec.name, "", spec.arg, None)
        return _command(
            events, spec.name, spec.description, leaf, contexts=CONTEXTS, top_level=True
        )
    group = app_commands.Group(
        name=app_commands.locale_str(spec.name),
        description=app_commands.locale_str(spec.description[:DESCRIPTION_LIMIT]),
        allowed_contexts=CONTEXTS,
    )
    for sub in spec.subcommands:
        if (spec.name, sub.name) in FORMS and sub.arg is not None:
            # The text may be left out: the form asks for it, with room to write.
            leaf = _Leaf(spec.name, sub.name, replace(sub.arg, required=False), sub.option, sub)
        else:
            leaf = _Leaf(spec.name, sub.name, sub.arg, sub.option)
        group.add_command(_command(events, sub.name, sub.description, leaf))
    return group


def _command(
    events: DiscordEvents,
    name: str,
    description: str,
    leaf: _Leaf,
    *,
    contexts: app_commands.AppCommandContext | None = None,
    top_level: bool = False,
) -> app_commands.Command[None, ..., None]:
    fields = leaf.fields()

    async def forward(interaction: discord.Interaction, **values: object) -> None:
        # A value may be of another type than declared: a command synced by another version.
        extra = values.get("option")
        if leaf.form is not None and not str(values.get("arg") or "").strip():
            area = str(extra) if extra else ""
            spots = events.spots(language_of(interaction))
            if (leaf.command, leaf.said_first) == routine_form.ROUTINE_NEW:
                await routine_form.open_form(interaction, spots, area=area)
            else:
                await modals.open_form(interaction, leaf.form, spots, area=area)
            return
        said = " ".join(str(part) for part in (leaf.said_first, values.get("arg")) if part)
        options = {leaf.option.name: extra} if leaf.option is not None and extra else {}
        await events.on_command(interaction, leaf.command, said, options)

    # discord.py reads a callback's options from its signature (inspect.signature honours
    # __signature__): one keyword per field, required or defaulting to None.
    parameters = [
        inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        *(
            inspect.Parameter(
                field,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str if spec.required else str | None,
                default=inspect.Parameter.empty if spec.required else None,
            )
            for field, spec in fields.items()
        ),
    ]
    forward.__dict__["__signature__"] = inspect.Signature(parameters)
    if fields:
        app_commands.rename(**{field: spec.name for field, spec in fields.items()})(forward)
        descriptions = {
            field: app_commands.locale_str(spec.description[:DESCRIPTION_LIMIT])
            for field, spec in fields.items()
        }
        app_commands.describe(**descriptions)(forward)
    command: app_commands.Command[None, ..., None] = app_commands.Command(
        # Only a command of its own has a local name: a subcommand is typed after its group's.
        name=app_commands.locale_str(name) if top_level else name,
        description=app_commands.locale_str(description[:DESCRIPTION_LIMIT]),
        callback=forward,
        allowed_contexts=contexts,
    )
    for field, spec in fields.items():
        if spec.complete:
            command.autocomplete(field)(_completer(events, spec.complete))
    return command


def _completer(events: DiscordEvents, kind: str) -> Completer:
    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await events.complete(kind, current, language_of(interaction))

    return complete


def language_of(interaction: discord.Interaction) -> str:
    """The language of the person's Discord client (English if knotbot does not speak it)."""
    locale = str(interaction.locale) if interaction.locale else None
    return language_of_locale(locale) or "en"
