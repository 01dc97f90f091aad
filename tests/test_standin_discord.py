"""Tests of the Discord stand-in, driven by a plain real discord.py client (no knotbot code).

They pin the wire format the stand-in relies on, so a discord.py upgrade that changes it fails
here first.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands

from tests.standins.discord_api import (
    EPHEMERAL,
    ChannelSpec,
    DiscordStandIn,
    MemberSpec,
    RoleSpec,
    discord_endpoints,
)

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


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn() as api:
        api.add_guild(
            GUILD_ID,
            "Knot Lab",
            channels=[ChannelSpec(CHANNEL_ID, "general")],
            roles=[RoleSpec(ROLE_ID, "mods", permissions=MANAGE_GUILD)],
            members=[MemberSpec(USER_ID, "tense")],
        )
        # Same two values the KNOTBOT_DISCORD_* settings set; restored after the test.
        with discord_endpoints(api.api_base, api.gateway_url):
            yield api


async def _start(client: discord.Client, token: str) -> asyncio.Task[None]:
    task = asyncio.create_task(client.start(token))
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        await client.close()
        if task in done:
            task.result()  # re-raise why it stopped
        raise AssertionError("client did not become ready within 5 s")
    return task


@pytest.fixture
async def client(standin: DiscordStandIn) -> AsyncIterator[KnotClient]:
    """A ready KnotClient (named so as not to shadow conftest's knotbot ``bot`` fixture)."""
    knot_client = KnotClient()
    task = await _start(knot_client, standin.token)
    try:
        yield knot_client
    finally:
        await knot_client.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def synced(client: KnotClient) -> KnotClient:
    await client.tree.sync()
    await client.tree.sync(guild=discord.Object(GUILD_ID))
    return client


async def test_login_connect_ready_and_guild(standin: DiscordStandIn, client: KnotClient) -> None:
    assert client.user is not None and client.user.id == standin.bot_user_id
    assert client.application_id == standin.app_id
    guild = client.get_guild(GUILD_ID)
    assert guild is not None and guild.name == "Knot Lab"
    assert guild.get_channel(CHANNEL_ID).name == "general"  # type: ignore[union-attr]
    assert guild.get_role(ROLE_ID).permissions.manage_guild  # type: ignore[union-attr]

    assert [str(c) for c in standin.calls[:2]] == [
        "GET /users/@me -> 200",
        "GET /oauth2/applications/@me -> 200",
    ]
    query = standin.gateway_queries[0]
    assert query["v"] == "10" and query["encoding"] == "json"
    assert query["compress"] in {"zlib-stream", "zstd-stream"}
    assert standin.intents == discord.Intents.default().value
    assert standin.heartbeats >= 1  # discord.py beats right after HELLO


async def test_wrong_token_is_rejected(standin: DiscordStandIn) -> None:
    client = discord.Client(intents=discord.Intents.none())
    with pytest.raises(discord.LoginFailure):
        await client.login("WRONG.TOKEN")
    await client.close()
    assert str(standin.calls[-1]) == "GET /users/@me -> 401"


async def test_sync_global_and_guild_commands(standin: DiscordStandIn, client: KnotClient) -> None:
    synced_global = await client.tree.sync()
    synced_guild = await client.tree.sync(guild=discord.Object(GUILD_ID))

    put_global = await standin.wait_for("PUT", rf"/applications/{standin.app_id}/commands")
    assert sorted(c["name"] for c in put_global.json) == ["hold", "knot", "note"]
    put_guild = await standin.wait_for(
        "PUT", rf"/applications/{standin.app_id}/guilds/{GUILD_ID}/commands"
    )
    assert [c["name"] for c in put_guild.json] == ["tipsadmin"]
    assert put_guild.json[0]["default_member_permissions"] == MANAGE_GUILD  # an int on the wire

    assert {c.name for c in synced_global} == {"hold", "knot", "note"}
    assert all(c.id for c in synced_global)
    assert synced_guild[0].guild_id == GUILD_ID
    assert synced_guild[0].default_member_permissions == discord.Permissions(manage_guild=True)
    knot = standin.command("knot")
    assert knot is not None and knot["options"][0]["autocomplete"] is True

    # Ids stay stable when the same command is synced again, as on Discord.
    again = await client.tree.sync()
    assert {c.id for c in again} == {c.id for c in synced_global}


async def test_slash_command_ephemeral_reply_with_button(
    standin: DiscordStandIn, synced: KnotClient
) -> None:
    inj = await standin.inject_slash_command(
        "knot", {"area": "upper-back"}, user_id=USER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
    )
    callback = await standin.wait_for_callback(inj)

    assert synced.knot_areas == ["upper-back"]
    assert callback.query == {"with_response": "1"}
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert data["flags"] == EPHEMERAL
    assert data["content"] == "Try a slow release for your upper-back."
    button = data["components"][0]["components"][0]
    assert button["type"] == 2 and button["custom_id"] == HOLD_BUTTON

    original = standin.original_response(inj)
    assert original is not None and original.ephemeral
    assert original.custom_ids() == [HOLD_BUTTON]
    interaction = synced.interactions[0]
    assert interaction.user.id == USER_ID and interaction.guild_id == GUILD_ID
    assert isinstance(interaction.user, discord.Member)


async def test_options_typed_from_synced_definition(
    standin: DiscordStandIn, synced: KnotClient
) -> None:
    inj = await standin.inject_slash_command(
        "hold", {"minutes": "5"}, user_id=USER_ID, guild_id=GUILD_ID
    )
    assert inj.payload["data"]["options"] == [{"type": 4, "name": "minutes", "value": 5}]
    await standin.wait_for("POST", rf"/webhooks/{standin.app_id}/{inj.token}", timeout=2)
    assert synced.hold_minutes == [5]

    with pytest.raises(AssertionError, match="no options"):
        await standin.inject_slash_command("hold", {"mins": 5}, user_id=USER_ID, guild_id=GUILD_ID)
    with pytest.raises(AssertionError, match="not a synced"):
        await standin.inject_slash_command("nope", user_id=USER_ID, guild_id=GUILD_ID)


async def test_deferred_then_followup_fills_the_thinking_message(
    standin: DiscordStandIn, synced: KnotClient
) -> None:
    inj = await standin.inject_slash_command(
        "hold", {"minutes": 2}, user_id=USER_ID, guild_id=GUILD_ID
    )
    callback = await standin.wait_for_callback(inj)
    assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    followup = await standin.wait_for("POST", rf"/webhooks/{standin.app_id}/{inj.token}")
    assert followup.query["wait"] == "1"
    original = standin.original_response(inj)
    assert original is not None
    assert original.content == "Hold for 2 minutes." and original.flags == EPHEMERAL


async def test_edit_original_response(standin: DiscordStandIn, synced: KnotClient) -> None:
    inj = await standin.inject_slash_command(
        "knot", {"area": "neck"}, user_id=USER_ID, guild_id=GUILD_ID
    )
    await standin.wait_for_callback(inj)
    message = await synced.interactions[0].edit_original_response(content="Edited", view=None)

    patch = await standin.wait_for(
        "PATCH", rf"/webhooks/{standin.app_id}/{inj.token}/messages/@original"
    )
    assert patch.json["content"] == "Edited" and patch.json["components"] == []
    original = standin.original_response(inj)
    assert original is not None and original.content == "Edited" and original.edit_count == 1
    assert message.id == original.id


async def test_expired_token_and_unknown_message(
    standin: DiscordStandIn, synced: KnotClient
) -> None:
    inj = await standin.inject_slash_command(
        "knot", {"area": "jaw"}, user_id=USER_ID, guild_id=GUILD_ID
    )
    await standin.wait_for_callback(inj)
    standin.expire_interaction(inj)
    with pytest.raises(discord.NotFound) as expired:
        await synced.interactions[0].edit_original_response(content="too late")
    assert expired.value.code == 10015

    channel = synced.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.NotFound) as unknown:
        await channel.get_partial_message(123456789).edit(content="x")
    assert unknown.value.code == 10008


async def test_autocomplete_choices(standin: DiscordStandIn, synced: KnotClient) -> None:
    inj = await standin.inject_autocomplete(
        "knot", "area", "back", user_id=USER_ID, guild_id=GUILD_ID
    )
    assert inj.type == 4
    callback = await standin.wait_for_callback(inj)
    assert callback.json["type"] == 8
    assert callback.json["data"]["choices"] == [
        {"name": "upper-back", "value": "upper-back"},
        {"name": "lower-back", "value": "lower-back"},
    ]
    assert synced.knot_areas == []  # autocomplete does not run the command


async def test_persistent_view_button_updates_message(
    standin: DiscordStandIn, synced: KnotClient
) -> None:
    # A message id the process never saw: a reminder posted before a restart.
    old_message_id = 880_000_000_000_000_001
    inj = await standin.inject_button(
        HOLD_BUTTON, old_message_id, user_id=USER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
    )
    assert inj.payload["data"] == {"custom_id": HOLD_BUTTON, "component_type": 2}
    callback = await standin.wait_for_callback(inj)

    assert synced.pressed == [USER_ID]
    assert callback.json["type"] == 7
    assert callback.json["data"]["content"] == "Nice hold."
    assert callback.json["data"]["components"] == []
    message = standin.message(old_message_id)
    assert message.content == "Nice hold." and message.components == []
    with pytest.raises(AssertionError, match="no component"):
        await standin.inject_button(HOLD_BUTTON, old_message_id, user_id=USER_ID)


async def test_modal_round_trip(standin: DiscordStandIn, synced: KnotClient) -> None:
    inj = await standin.inject_slash_command("note", user_id=USER_ID, guild_id=GUILD_ID)
    shown = await standin.wait_for_callback(inj)
    assert shown.json["type"] == 9 and shown.json["data"]["custom_id"] == "k:note"

    submit = await standin.inject_modal_submit(
        "k:note", {"k:note:text": "tight shoulders"}, user_id=USER_ID, guild_id=GUILD_ID
    )
    answer = await standin.wait_for_callback(submit)
    assert answer.json["data"]["content"] == "Noted: tight shoulders"


async def test_default_permissions_hide_guild_command(
    standin: DiscordStandIn, synced: KnotClient
) -> None:
    with pytest.raises(AssertionError, match="hides /tipsadmin"):
        await standin.inject_slash_command("tipsadmin", user_id=USER_ID, guild_id=GUILD_ID)
    inj = await standin.inject_slash_command(
        "tipsadmin", user_id=USER_ID, guild_id=GUILD_ID, roles=[ROLE_ID]
    )
    assert inj.payload["data"]["guild_id"] == str(GUILD_ID)
    assert int(inj.payload["member"]["permissions"]) & MANAGE_GUILD
    assert (await standin.wait_for_callback(inj)).json["data"]["content"] == "ok"


async def test_user_send_opens_dm(standin: DiscordStandIn, client: KnotClient) -> None:
    user = await client.fetch_user(USER_ID)
    message = await user.send("Time to unclench your jaw.")

    opened = await standin.wait_for("POST", r"/users/@me/channels")
    assert opened.json == {"recipient_id": USER_ID}
    dm_id = standin.dm_channel_id(USER_ID)
    assert dm_id is not None and message.channel.id == dm_id
    assert [m.content for m in standin.messages_in(dm_id)] == ["Time to unclench your jaw."]


async def test_429_is_retried_transparently(standin: DiscordStandIn, client: KnotClient) -> None:
    route = rf"/channels/{CHANNEL_ID}/messages"
    standin.fail_next("POST", route, status=429, retry_after=0.3)
    channel = client.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)

    message = await channel.send("Shoulders down.")

    first, second = standin.calls_matching("POST", route)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.3
    assert first.response == {
        "message": "You are being rate limited.",
        "retry_after": 0.3,
        "global": False,
    }
    assert standin.message(message.id).content == "Shoulders down."


async def test_403_dms_closed_raises_forbidden(standin: DiscordStandIn, client: KnotClient) -> None:
    user = await client.fetch_user(USER_ID)
    standin.fail_next("POST", r"/channels/\d+/messages", status=403, code=50007)
    with pytest.raises(discord.Forbidden) as injected:
        await user.send("hello")
    assert injected.value.code == 50007 and injected.value.status == 403
    assert "Cannot send messages to this user" in str(injected.value)

    standin.set_dms_closed(USER_ID)
    with pytest.raises(discord.Forbidden) as closed:
        await user.send("hello again")
    assert closed.value.code == 50007


async def test_allowed_mentions_and_attachments_recorded(
    standin: DiscordStandIn, client: KnotClient
) -> None:
    channel = client.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    await channel.send(f"<@{USER_ID}> relax", allowed_mentions=discord.AllowedMentions.none())
    sent = await standin.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert sent.json["allowed_mentions"] == {"parse": []}  # nobody gets pinged

    message = await channel.send("tips", file=discord.File(io.BytesIO(b"stretch"), "tips.txt"))
    upload = await standin.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages", count=2)
    assert upload.json["content"] == "tips"
    assert [(f.field, f.filename, f.size) for f in upload.files] == [("files[0]", "tips.txt", 7)]
    assert message.attachments[0].filename == "tips.txt" and message.attachments[0].size == 7


async def test_gateway_reconnect_resumes(standin: DiscordStandIn, synced: KnotClient) -> None:
    resumed = asyncio.create_task(synced.wait_for("resumed", timeout=3))
    await standin.send_reconnect()
    await resumed
    assert standin.resumes == 1 and len(standin.identify_payloads) == 1

    inj = await standin.inject_slash_command(
        "knot", {"area": "neck"}, user_id=USER_ID, guild_id=GUILD_ID
    )
    await standin.wait_for_callback(inj)
    assert synced.knot_areas == ["neck"]
