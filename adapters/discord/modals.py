"""Discord's forms for long input: `/tip share` with nothing to share yet opens one, and so
does "Share as a tip" on a message (prefilled with its text). A submitted form reaches the core
as the command the slash command would have made:

    form submitted (tip, spot)  -> Command(chat, user, "tip", "share <tip>", {"area": spot})

The core never hears of forms. A form's fields come from the command table (`/tip share`'s
text and its `area` option) and the spots from the core's autocomplete choices.

A form is answered like a button: by its fixed custom_id, in the client's `on_interaction`,
whoever opened it and whenever (a form left open across a restart still arrives). discord.py's
own modal dispatch keys open modals by custom_id alone, so with one fixed id the form opened
last would answer for everybody's; it is not used (`on_submit` does nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.commands.spec import CommandSpec, SubcommandSpec
from bot.i18n import language_of_locale, translator
from bot.text import shorten
from bot.tips.messages import FORM_TITLE
from bot.tips.rules import MAX_CHARS

log = logging.getLogger(__name__)

SHARE_TIP = ("tip", "share")  # the command and subcommand the form fills in
FORM_ID = "form:tip-share"
TIP_FIELD = "form:tip-share:tip"
AREA_FIELD = "form:tip-share:area"
MENU_NAME = "Share as a tip"  # the message context-menu command
TITLE_LIMIT = 45  # Discord's limit for a form's title and a field's label
CHOICES_LIMIT = 25  # options of a select
CHOICE_TEXT_LIMIT = 100

# (label, value) of each spot, for the select, named in a language
Choices = Callable[[str], Sequence[tuple[str, str]]]


def share_subcommand(commands: Iterable[CommandSpec]) -> SubcommandSpec | None:
    """`/tip share` in the command table, if it is there (and takes text)."""
    command, sub = SHARE_TIP
    for spec in commands:
        if spec.name == command:
            found = next((s for s in spec.subcommands if s.name == sub), None)
            return found if found is not None and found.arg is not None else None
    return None


class TipForm(discord.ui.Modal):
    """The form: the tip (a paragraph of at most MAX_CHARS) and, optionally, its spot."""

    def __init__(
        self,
        share: SubcommandSpec,
        spots: Sequence[tuple[str, str]],
        *,
        text: str = "",
        area: str = "",
        language: str = "en",
    ) -> None:
        t = translator(language)  # the form's words are the core's, in the client's language
        super().__init__(title=t.gettext(FORM_TITLE)[:TITLE_LIMIT], custom_id=FORM_ID, timeout=None)
        assert share.arg is not None
        prefill = shorten(text, MAX_CHARS) if text.strip() else None
        self.tip: discord.ui.TextInput[TipForm] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            custom_id=TIP_FIELD,
            max_length=MAX_CHARS,
            default=prefill,
            required=True,
        )
        label = t.gettext(share.arg.description)[:TITLE_LIMIT]
        self.add_item(discord.ui.Label(text=label, component=self.tip))
        options = [
            discord.SelectOption(
                label=label[:CHOICE_TEXT_LIMIT],
                value=value[:CHOICE_TEXT_LIMIT],
                default=value == area,
            )
            for label, value in spots[:CHOICES_LIMIT]
        ]
        if share.option is not None and options:
            self.area: discord.ui.Select[TipForm] = discord.ui.Select(
                custom_id=AREA_FIELD, options=options, min_values=0, max_values=1, required=False
            )
            label = t.gettext(share.option.description)[:TITLE_LIMIT]
            self.add_item(discord.ui.Label(text=label, component=self.area))


async def open_form(
    interaction: discord.Interaction,
    share: SubcommandSpec,
    spots: Sequence[tuple[str, str]],
    *,
    text: str = "",
    area: str = "",
) -> None:
    """Answer `interaction` with the form (it must be the first answer, within 3 s)."""
    locale = str(interaction.locale) if interaction.locale else None
    language = language_of_locale(locale) or "en"
    try:
        form = TipForm(share, spots, text=text, area=area, language=language)
        await interaction.response.send_modal(form)
    except (discord.HTTPException, discord.InteractionResponded) as exc:
        log.info("could not open the tip form for interaction %s: %s", interaction.id, exc)


def submitted(interaction: discord.Interaction) -> tuple[str, str, dict[str, str]] | None:
    """What a submitted tip form says, as the core's command: (name, args, options). None if
    it is not knotbot's form (another version's, or a forged one)."""
    data: Any = interaction.data
    if not isinstance(data, dict) or data.get("custom_id") != FORM_ID:
        return None
    values = dict(_values(data.get("components")))
    tip = values.get(TIP_FIELD)
    area = values.get(AREA_FIELD)
    command, sub = SHARE_TIP
    said = f"{sub} {tip.strip()}" if isinstance(tip, str) and tip.strip() else sub
    options = {"area": area} if isinstance(area, str) and area.strip() else {}
    return command, said, options


def field_values(components: object) -> Iterable[tuple[str, str]]:
    """(custom_id, value) of each field of a submitted form (also for `routine_form`)."""
    return _values(components)


def _values(components: object) -> Iterable[tuple[str, str]]:
    """(custom_id, value) of each field of a submitted form: a text input's text, a select's
    first choice; action rows and labels are looked into. Odd entries are skipped."""
    if not isinstance(components, list):
        return
    for component in components:
        if not isinstance(component, Mapping):
            continue
        yield from _values(component.get("components"))
        inner = component.get("component")
        if isinstance(inner, Mapping):
            yield from _values([inner])
        custom_id = component.get("custom_id")
        if not isinstance(custom_id, str):
            continue
        value = component.get("value")
        chosen = component.get("values")
        if isinstance(value, str):
            yield custom_id, value
        elif isinstance(chosen, list) and chosen and isinstance(chosen[0], str):
            yield custom_id, chosen[0]


def share_menu(
    share: SubcommandSpec, spots: Choices, contexts: app_commands.AppCommandContext
) -> app_commands.ContextMenu:
    """The message command "Share as a tip": the form, prefilled with the message's text (a
    message command gets the content without the message content intent)."""

    async def share_message(interaction: discord.Interaction, message: discord.Message) -> None:
        locale = str(interaction.locale) if interaction.locale else None
        spots_named = spots(language_of_locale(locale) or "en")
        await open_form(interaction, share, spots_named, text=message.content or "")

    return app_commands.ContextMenu(
        name=app_commands.locale_str(MENU_NAME), callback=share_message, allowed_contexts=contexts
    )
