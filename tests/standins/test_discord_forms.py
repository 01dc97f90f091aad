"""The Discord stand-in's message commands (context menus) and modal forms with labels and
selects, driven by a plain real discord.py client (no knotbot code)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands

from tests.standins.conftest import _start
from tests.standins.discord_api import DiscordStandIn
from tests.standins.discord_client import CHANNEL_ID, GUILD_ID, USER_ID

FORM = "k:form"


class NoteForm(discord.ui.Modal, title="Note"):
    """A paragraph prefilled from a message, and a select of spots."""

    def __init__(self, text: str = "") -> None:
        super().__init__(custom_id=FORM)
        self.text: discord.ui.TextInput[NoteForm] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph, custom_id="k:form:text", default=text or None
        )
        self.spot: discord.ui.Select[NoteForm] = discord.ui.Select(
            custom_id="k:form:spot",
            options=[discord.SelectOption(label=s, value=s) for s in ("jaw", "neck")],
            required=False,
            min_values=0,
        )
        self.add_item(discord.ui.Label(text="Where does it sit?", component=self.text))
        self.add_item(discord.ui.Label(text="Spot", component=self.spot))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        said = f"{self.text.value} @ {','.join(self.spot.values) or '-'}"
        await interaction.response.send_message(said, ephemeral=True)


class FormClient(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.targets: list[int] = []
        self.refused = ""

        async def note_this(interaction: discord.Interaction, message: discord.Message) -> None:
            self.targets.append(message.id)
            await interaction.response.send_modal(NoteForm(message.content))

        self.tree.add_command(app_commands.ContextMenu(name="Note this", callback=note_this))

        @self.tree.command(name="toolong", description="A form Discord refuses")
        async def toolong(interaction: discord.Interaction) -> None:
            form = NoteForm("x" * 50)
            form.text.max_length = 10
            try:
                await interaction.response.send_modal(form)
            except discord.HTTPException as exc:
                self.refused = exc.text
                await interaction.response.send_message("No form, sorry.", ephemeral=True)


@pytest.fixture
async def client(standin: DiscordStandIn) -> AsyncIterator[FormClient]:
    form_client = FormClient()
    task = await _start(form_client, standin.token)
    try:
        await form_client.tree.sync()
        yield form_client
    finally:
        await form_client.close()
        await asyncio.wait_for(task, 5)


async def test_message_command_resolves_the_message_and_its_form_round_trips(
    standin: DiscordStandIn, client: FormClient
) -> None:
    synced = standin.command("Note this")
    assert synced is not None and synced["type"] == 3 and synced["description"] == ""
    said = standin.seed_message(CHANNEL_ID, "tight jaw all day", author_id=USER_ID)
    inj = await standin.inject_message_command("Note this", said.id, user_id=USER_ID)
    assert inj.payload["data"]["target_id"] == str(said.id)
    assert inj.payload["guild_id"] == str(GUILD_ID)
    shown = await standin.wait_for_callback(inj)
    assert client.targets == [said.id]
    assert shown.json["type"] == 9
    (text, spot) = shown.json["data"]["components"]
    assert text["type"] == 18 and text["component"]["value"] == "tight jaw all day"
    assert spot["component"]["type"] == 3

    submit = await standin.inject_modal_submit(FORM, {"k:form:spot": ["jaw"]}, user_id=USER_ID)
    answer = await standin.wait_for_callback(submit)
    assert answer.json["data"]["content"] == "tight jaw all day @ jaw"  # the prefill, kept


async def test_what_the_discord_client_would_not_let_through_is_refused(
    standin: DiscordStandIn, client: FormClient
) -> None:
    gone = standin.seed_message(CHANNEL_ID, "bye", author_id=USER_ID)
    with pytest.raises(AssertionError, match="not a synced message command"):
        await standin.inject_message_command("Pin this", gone.id, user_id=USER_ID)
    gone.deleted = True
    with pytest.raises(AssertionError, match="does not exist"):
        await standin.inject_message_command("Note this", gone.id, user_id=USER_ID)
    said = standin.seed_message(CHANNEL_ID, "neck", author_id=USER_ID)
    await standin.wait_for_callback(
        await standin.inject_message_command("Note this", said.id, user_id=USER_ID)
    )
    with pytest.raises(AssertionError, match="offers"):
        await standin.inject_modal_submit(FORM, {"k:form:spot": ["knee"]}, user_id=USER_ID)
    with pytest.raises(AssertionError, match="no fields"):
        await standin.inject_modal_submit(FORM, {"k:form:mood": "meh"}, user_id=USER_ID)


async def test_a_modal_prefilled_beyond_its_max_length_is_refused(
    standin: DiscordStandIn, client: FormClient
) -> None:
    await client.tree.sync()
    inj = await standin.inject_slash_command("toolong", user_id=USER_ID, guild_id=GUILD_ID)
    refused = await standin.wait_for_callback(inj)
    assert refused.status == 400
    assert "longer than max_length" in str(refused.response)
    # Refused, the interaction is still unanswered: the bot may answer it otherwise.
    instead = await standin.wait_for(
        "POST", rf"/interactions/{inj.id}/{re.escape(inj.token)}/callback", count=2
    )
    assert instead.status == 200 and instead.json["type"] == 4
    assert "longer than max_length" in client.refused
