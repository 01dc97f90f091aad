"""A plain discord.py client with a command tree, views and a modal (no knotbot code), for the
Discord stand-in's own tests."""

from __future__ import annotations

import discord
from discord import app_commands

GUILD_ID = 900_000_000_000_000_001
CHANNEL_ID = 900_000_000_000_000_002
ROLE_ID = 900_000_000_000_000_003
USER_ID = 900_000_000_000_000_004
MANAGE_GUILD = 1 << 5
AREAS = ["neck", "shoulders", "upper-back", "lower-back", "jaw"]
HOLD_BUTTON = "k:h:x"


class HoldView(discord.ui.View):
    """Persistent view: survives restarts because of timeout=None and a fixed custom_id."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Done", custom_id=HOLD_BUTTON, style=discord.ButtonStyle.secondary)
    async def done(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        interaction.client.pressed.append(interaction.user.id)  # type: ignore[attr-defined]
        await interaction.response.edit_message(content="Nice hold.", view=None)


class NoteModal(discord.ui.Modal, title="Tension note"):
    text = discord.ui.TextInput(label="Where does it sit?", custom_id="k:note:text")

    def __init__(self) -> None:
        super().__init__(custom_id="k:note")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Noted: {self.text.value}", ephemeral=True)


class KnotClient(discord.Client):
    """A minimal client with a command tree, like the bot will have."""

    def __init__(self) -> None:
        # guild_ready_timeout: discord.py waits this long after the last GUILD_CREATE before
        # "ready" (default 2 s); a short value keeps each test fast.
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.interactions: list[discord.Interaction] = []
        self.knot_areas: list[str] = []
        self.hold_minutes: list[int] = []
        self.pressed: list[int] = []
        self._add_commands()

    async def setup_hook(self) -> None:
        self.add_view(HoldView())

    def _add_commands(self) -> None:
        @self.tree.command(name="knot", description="Techniques for a tense area")
        async def knot(interaction: discord.Interaction, area: str) -> None:
            self.interactions.append(interaction)
            self.knot_areas.append(area)
            await interaction.response.send_message(
                f"Try a slow release for your {area}.", view=HoldView(), ephemeral=True
            )

        @knot.autocomplete("area")
        async def area_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=a, value=a) for a in AREAS if current in a]

        @self.tree.command(name="hold", description="A guided hold")
        async def hold(interaction: discord.Interaction, minutes: int) -> None:
            self.hold_minutes.append(minutes)
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send(f"Hold for {minutes} minutes.", ephemeral=True)

        @self.tree.command(name="note", description="Write down where it hurts")
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NoteModal())

        @self.tree.command(
            name="tipsadmin", description="Moderate tips", guild=discord.Object(GUILD_ID)
        )
        @app_commands.default_permissions(manage_guild=True)
        async def tipsadmin(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok", ephemeral=True)
