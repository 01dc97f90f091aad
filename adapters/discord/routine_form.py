"""Discord's form for `/routine new`: name, spot, steps and timing at once, since Discord
does not read plain messages (the step-by-step of text platforms has nothing to answer with).
A submitted form reaches the core as the command the text platforms type:

    form submitted  -> Command(chat, user, "routine", "new", {"name", "area", "steps", "timing"})

The fields and their words are the core's (`bot.routines.messages.form_in`, in the language of
the Discord client, `interaction.locale`: the form must open within 3 s); like the tip
form (`modals`), it is answered by its fixed custom_id in `on_interaction`, so a form left
open across a restart still arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord.modals import CHOICE_TEXT_LIMIT, CHOICES_LIMIT, TITLE_LIMIT, field_values
from bot.i18n import language_of_locale
from bot.routines.messages import form_in

log = logging.getLogger(__name__)

ROUTINE_NEW = ("routine", "new")  # the command and subcommand the form fills in
FORM_ID = "form:routine-new"
PREFIX = "form:routine-new:"  # + the option's key: each field's custom_id


class RoutineForm(discord.ui.Modal):
    def __init__(
        self, spots: Sequence[tuple[str, str]], *, area: str = "", language: str = "en"
    ) -> None:
        title, fields, spot = form_in(language)
        super().__init__(title=title[:TITLE_LIMIT], custom_id=FORM_ID, timeout=None)
        for spec in fields:
            field: discord.ui.TextInput[RoutineForm] = discord.ui.TextInput(
                style=discord.TextStyle.paragraph if spec.paragraph else discord.TextStyle.short,
                custom_id=PREFIX + spec.key,
                placeholder=spec.placeholder[:100] or None,
                max_length=spec.max_length,
                required=spec.required,
            )
            self.add_item(discord.ui.Label(text=spec.label[:TITLE_LIMIT], component=field))
        options = [
            discord.SelectOption(
                label=label[:CHOICE_TEXT_LIMIT],
                value=value[:CHOICE_TEXT_LIMIT],
                default=value == area,
            )
            for label, value in spots[:CHOICES_LIMIT]
        ]
        if options:
            select: discord.ui.Select[RoutineForm] = discord.ui.Select(
                custom_id=PREFIX + spot.key,
                options=options,
                min_values=0,
                max_values=1,
                required=False,
            )
            self.add_item(discord.ui.Label(text=spot.label[:TITLE_LIMIT], component=select))


async def open_form(
    interaction: discord.Interaction, spots: Sequence[tuple[str, str]], *, area: str = ""
) -> None:
    """Answer `interaction` with the form (it must be the first answer, within 3 s)."""
    locale = str(interaction.locale) if interaction.locale else None
    language = language_of_locale(locale) or "en"
    try:
        await interaction.response.send_modal(RoutineForm(spots, area=area, language=language))
    except (discord.HTTPException, discord.InteractionResponded) as exc:
        log.info("could not open the routine form for interaction %s: %s", interaction.id, exc)


def submitted(interaction: discord.Interaction) -> tuple[str, str, dict[str, str]] | None:
    """What a submitted routine form says, as the core's command; None if it is not it."""
    data: Any = interaction.data
    if not isinstance(data, dict) or data.get("custom_id") != FORM_ID:
        return None
    options = {
        custom_id.removeprefix(PREFIX): value
        for custom_id, value in field_values(data.get("components"))
        if custom_id.startswith(PREFIX) and value.strip()
    }
    command, sub = ROUTINE_NEW
    if not options:  # an empty or odd form: the core asks step by step
        return command, sub, {}
    return command, sub, options
