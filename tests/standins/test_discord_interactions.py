"""The Discord stand-in, driven by a plain real discord.py client (no knotbot code): slash commands, responses, follow-ups, components and modals.

They pin the wire format the stand-in relies on, so a discord.py upgrade that changes it fails
here first.
"""

from __future__ import annotations

import discord
import pytest

from tests.standins.discord_api import EPHEMERAL, DiscordStandIn
from tests.standins.discord_client import (
    CHANNEL_ID,
    GUILD_ID,
    HOLD_BUTTON,
    MANAGE_GUILD,
    ROLE_ID,
    USER_ID,
    KnotClient,
)


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
