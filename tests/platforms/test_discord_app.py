"""The Discord app's life: slash commands built from the core's table and registered (in the
dev server only, or from one process of several), the core started before any interaction,
serving until told to stop, start-up while Discord is out of reach, a rejected token.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from adapters.discord.app import DiscordApp
from adapters.discord.app import run as run_discord
from adapters.errors import TokenRejected
from bot.commands.spec import ArgSpec
from bot.core import Knotbot
from tests.conftest import make_settings
from tests.platforms.discord_user import (
    GUILD_ID,
    as_sent,
    command,
    running,
    settings_for,
    shown,
    slash,
)
from tests.platforms.spy import spy_on, started_first
from tests.standins.discord_api import DiscordStandIn


def option_of(spec: ArgSpec) -> dict[str, Any]:
    """The option Discord is given for an argument of the core's table."""
    return {
        "name": spec.name,
        "type": 3,  # text
        "required": spec.required,
        "autocomplete": bool(spec.complete),
    }


def options_of(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {k: o.get(k, False) for k in ("name", "type", "required", "autocomplete")}
        for o in definition.get("options", [])
    ]


async def test_slash_commands_are_the_cores_table_synced_globally_at_start(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with running(discord_api, core):
        put = await discord_api.wait_for("PUT", rf"/applications/{discord_api.app_id}/commands")
    synced = {c["name"]: c for c in put.json if c.get("type", 1) == 1}
    assert sorted(synced) == sorted(c.name for c in core.commands)
    # The message commands (test_discord_modals).
    menus = [c for c in put.json if c.get("type") == 3]
    assert [(c["name"], set(c["contexts"])) for c in menus] == [("Share as a tip", {0, 1})]
    # A German or Spanish client shows the menu in its language.
    localized = menus[0]["name_localizations"]
    assert (localized["de"], localized["es-ES"]) == ("Als Tipp teilen", "Compartir como consejo")
    for spec in core.commands:
        definition = synced[spec.name]
        assert definition["description"] == spec.description[:100]
        assert set(definition["contexts"]) == {0, 1}  # servers and DMs with the bot
        if not spec.subcommands:
            assert options_of(definition) == ([option_of(spec.arg)] if spec.arg else [])
            continue
        subcommands = {o["name"]: o for o in definition["options"]}
        assert sorted(subcommands) == sorted(s.name for s in spec.subcommands)
        for sub in spec.subcommands:
            fields = [option_of(a) for a in (sub.arg, sub.option) if a is not None]
            if (spec.name, sub.name) == ("tip", "share"):  # without the text, a form asks for it
                fields[0]["required"] = False
            wanted = sorted(fields, key=lambda o: not o["required"])  # required ones first
            assert options_of(subcommands[sub.name]) == wanted, sub.name
    assert not discord_api.calls_matching("PUT", r"/applications/\d+/guilds/\d+/commands")


async def test_commands_go_to_the_dev_server_only_when_one_is_set(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with running(discord_api, core, discord_dev_guild_id=GUILD_ID):
        put = await discord_api.wait_for(
            "PUT", rf"/applications/{discord_api.app_id}/guilds/{GUILD_ID}/commands"
        )
    assert {c["name"] for c in put.json} == {c.name for c in core.commands} | {"Share as a tip"}
    assert discord_api.command("knot", GUILD_ID) is not None
    assert not discord_api.calls_matching("PUT", rf"/applications/{discord_api.app_id}/commands")


async def test_a_process_running_one_shard_of_two_identifies_as_that_shard(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with running(discord_api, core, discord_shard_count=2, discord_shard_ids="1"):
        await discord_api.wait_until_identified()
    assert [p["shard"] for p in discord_api.identify_payloads] == [[1, 2]]
    # Commands are registered by the process that runs shard 0, not by every process.
    assert not discord_api.calls_matching("PUT", rf"/applications/{discord_api.app_id}/commands")


async def test_the_core_has_started_before_any_interaction_reaches_it(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    handled_after_start = started_first(core)
    app = DiscordApp(core, settings_for(discord_api), guild_ready_timeout=5.0)
    starting = asyncio.create_task(app.start())
    try:
        await discord_api.wait_until_identified()  # connected, maybe not ready yet
        await slash(discord_api, "areas")
        await asyncio.wait_for(starting, 10)
    finally:
        await app.stop()
    assert handled_after_start == [True]


async def test_run_discord_serves_until_stop_then_disconnects(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    stop = asyncio.Event()
    serving = asyncio.create_task(run_discord(core, settings_for(discord_api), stop))
    try:
        await discord_api.wait_until_identified()
        jaw = await slash(discord_api, "knot", {"area": "jaw"})
        assert discord_api.intents == (1 << 0)  # guilds only: no privileged intents
    finally:
        stop.set()
        await asyncio.wait_for(serving, 10)
    assert spy.events == [command("knot", "jaw")]
    assert [shown(jaw)] == as_sent(spy.replies()[0])
    assert not discord_api.connected


async def test_startup_waits_for_discord_while_it_is_unreachable(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens here once the probe is closed
    settings = settings_for(discord_api).model_copy(
        update={"discord_api_base_url": f"http://127.0.0.1:{closed}/api/v10"}
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_discord(core, settings, stop))
    await asyncio.sleep(0.3)
    assert not task.done()  # still trying, not crashed
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_a_rejected_token_is_reported_without_the_token(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    settings = make_settings(
        discord_token="WRONG-SECRET",
        discord_api_base_url=discord_api.api_base,
        discord_gateway_url=discord_api.gateway_url,
    )
    with pytest.raises(TokenRejected) as caught:
        await asyncio.wait_for(run_discord(core, settings, asyncio.Event()), 10)
    assert "WRONG-SECRET" not in str(caught.value)
