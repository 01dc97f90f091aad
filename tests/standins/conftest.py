"""Fixtures of the stand-ins' own tests: the Discord stand-in with a small server, and a plain
discord.py client connected to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest

from tests.standins.discord_api import (
    ChannelSpec,
    DiscordStandIn,
    MemberSpec,
    RoleSpec,
    discord_endpoints,
)
from tests.standins.discord_client import (
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_GUILD,
    ROLE_ID,
    USER_ID,
    KnotClient,
)


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
