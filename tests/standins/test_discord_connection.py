"""The Discord stand-in, driven by a plain real discord.py client (no knotbot code): login, the gateway, DMs, rate limits and errors.

They pin the wire format the stand-in relies on, so a discord.py upgrade that changes it fails
here first.
"""

from __future__ import annotations

import asyncio
import io

import discord
import pytest

from tests.standins.discord_api import DiscordStandIn
from tests.standins.discord_client import (
    CHANNEL_ID,
    GUILD_ID,
    ROLE_ID,
    USER_ID,
    KnotClient,
)


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
