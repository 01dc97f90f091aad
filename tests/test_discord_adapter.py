"""The Discord adapter end to end: the real discord.py client against the Discord stand-in.

Every test starts knotbot's adapter on a loopback stand-in of Discord's REST API and gateway,
plays a user (slash commands, autocomplete, button presses) and reads what Discord would show.
Holds use a copy of the content with one-second phases and a half-second edit cadence.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.delivery import Handle
from adapters.discord.app import DiscordApp as DiscordAdapter
from adapters.discord.app import run as run_discord
from bot.content import ContentLibrary, load_content
from bot.core import Knotbot
from bot.messages import (
    Button,
    ButtonPress,
    ButtonStyle,
    ChatKind,
    ChatRef,
    Incoming,
    MessageRef,
    ReplyBuilder,
    UserRef,
    bullets,
    heading,
    text,
)
from bot.outbox import MessageGone, PlatformLimits, RecipientGone, Replier
from bot.settings import SHIPPED_CONTENT
from bot.storage import Database
from bot.storage.schema import HoldSession
from tests.helpers import eventually
from tests.platforms import discord_adapter, discord_settings
from tests.shortholds import write_short_content
from tests.standins.discord_api import (
    EPHEMERAL,
    LOADING,
    ChannelSpec,
    DiscordStandIn,
    InjectedInteraction,
    MemberSpec,
    RoleSpec,
    StoredMessage,
    discord_endpoints,
)

GUILD_ID = 910_000_000_000_000_001
CHANNEL_ID = 910_000_000_000_000_002
MOD_ROLE_ID = 910_000_000_000_000_003  # the configured moderator role (no permissions)
MANAGER_ROLE_ID = 910_000_000_000_000_004  # a role with Manage Server
USER_ID = 910_000_000_000_000_005
OTHER_ID = 910_000_000_000_000_006
MOD_ID = 910_000_000_000_000_007
MANAGER_ID = 910_000_000_000_000_008
MANAGE_GUILD = 1 << 5
START_BALL_WALL = "h:ball-wall:upper-back"
# One-second phases need a cadence below a second to show every phase.
QUICK = PlatformLimits(min_edit_interval=0.5, sends_per_second=50.0, sends_per_chat_per_second=1.0)


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
async def discord_api() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn() as api:
        api.add_guild(
            GUILD_ID,
            "Knot Lab",
            channels=[ChannelSpec(CHANNEL_ID, "general")],
            roles=[
                RoleSpec(MOD_ROLE_ID, "helpers"),
                RoleSpec(MANAGER_ROLE_ID, "admins", permissions=MANAGE_GUILD),
            ],
            members=[
                MemberSpec(USER_ID, "tense"),
                MemberSpec(OTHER_ID, "stiff"),
                MemberSpec(MOD_ID, "helper", roles=(MOD_ROLE_ID,)),
                MemberSpec(MANAGER_ID, "owner", roles=(MANAGER_ROLE_ID,)),
            ],
        )
        # The adapter points discord.py at the stand-in; this restores discord.py's defaults.
        with discord_endpoints():
            yield api


settings_for = discord_settings
running = discord_adapter


@pytest.fixture
async def adapter(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> AsyncIterator[DiscordAdapter]:
    bot = Knotbot(settings=settings_for(discord_api), content=content, db=db)
    async with running(bot) as started:
        yield started


@pytest.fixture
def quick_content(tmp_path: Path) -> ContentLibrary:
    """The shipped content with every hold cut to 1 s phases and 2 rounds (6 s in all)."""
    return load_content(write_short_content(SHIPPED_CONTENT, tmp_path / "content", press=1))


@pytest.fixture
async def holds_adapter(
    discord_api: DiscordStandIn, quick_content: ContentLibrary, db: Database
) -> AsyncIterator[DiscordAdapter]:
    bot = Knotbot(settings=settings_for(discord_api), content=quick_content, db=db)
    async with running(bot, QUICK) as started:
        yield started


class RecordingKnotbot(Knotbot):
    """The real core, remembering the events it was given (to check the translation)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.events: list[Incoming] = []

    async def handle(self, event: Incoming, replier: Replier) -> None:
        self.events.append(event)
        await super().handle(event, replier)


class SlowKnotbot(Knotbot):
    """The real core behind a slow database, say: it answers after Discord's 2 s comfort zone."""

    async def handle(self, event: Incoming, replier: Replier) -> None:
        await asyncio.sleep(2.3)
        await super().handle(event, replier)


# -- helpers ---------------------------------------------------------------------------------


def shown(message: StoredMessage) -> str:
    """What a user reads: the content and the embed descriptions."""
    parts = [message.content, *(e.get("description", "") for e in message.embeds)]
    return "\n".join(p for p in parts if p)


def buttons(message: StoredMessage) -> list[tuple[str, str, int]]:
    return [
        (b["label"], b["custom_id"], b["style"])
        for row in message.components
        for b in row.get("components", [])
    ]


async def knot_in_guild(api: DiscordStandIn, area: str, user_id: int = USER_ID) -> StoredMessage:
    inj = await api.inject_slash_command(
        "knot", {"area": area}, user_id=user_id, guild_id=GUILD_ID, channel_id=CHANNEL_ID
    )
    callback = await api.wait_for_callback(inj)
    assert callback.status == 200, callback.response
    message = api.original_response(inj)
    assert message is not None
    return message


async def start_hold(
    api: DiscordStandIn, adapter: DiscordAdapter, user_id: int = USER_ID
) -> tuple[InjectedInteraction, StoredMessage]:
    """/knot upper-back, then "Start hold: Ball against the wall"; the live hold message."""
    knot = await knot_in_guild(api, "upper-back", user_id)
    press = await api.inject_button(START_BALL_WALL, knot.id, user_id=user_id)
    callback = await api.wait_for_callback(press)
    assert callback.status == 200, callback.response
    hold = api.original_response(press)
    assert hold is not None
    await holding(adapter)
    return press, hold


async def holding(adapter: DiscordAdapter) -> None:
    """The core counts a hold as running once its first frame is out and stored."""
    await eventually(lambda: bool(adapter._core.services.holds.active))


def phases(frames: list[str]) -> list[str]:
    """The phase each frame shows ("Press: 1 s" -> "Press"), repeats folded."""
    seen: list[str] = []
    for frame in frames:
        found = re.search(r"^(Get ready|Press|Release|Rest): \d", frame, re.MULTILINE)
        phase = found.group(1) if found else ("Done" if "Done:" in frame else "")
        if phase and (not seen or seen[-1] != phase):
            seen.append(phase)
    return seen


def stop_button(message: StoredMessage) -> str:
    return next(c for c in message.custom_ids() if c.startswith("hs:"))


async def hold_history(bot: Knotbot, user_id: int = USER_ID) -> list[HoldSession]:
    """Once no hold runs any more: the closing frame is shown before the ending is stored."""
    await eventually(lambda: not bot.services.holds.active)
    async with bot.services.db.transaction() as tx:
        row = await tx.users.get("discord", str(user_id))
        assert row is not None
        since = datetime.now(UTC) - timedelta(days=1)
        return list(await tx.holds.history(row.id, since))


def sent_message_bodies(api: DiscordStandIn) -> list[dict[str, Any]]:
    """Every message body the bot sent or edited: callbacks, follow-ups, posts and edits."""
    bodies = []
    for call in api.calls:
        if call.method not in ("POST", "PATCH") or not isinstance(call.json, dict):
            continue
        if call.path.endswith("/callback"):
            body = call.json.get("data") or {}
        elif "/webhooks/" in call.path or re.fullmatch(r"/channels/\d+/messages(/\d+)?", call.path):
            body = call.json
        else:
            continue
        if "content" in body or "embeds" in body:
            bodies.append(body)
    return bodies


# -- commands are offered --------------------------------------------------------------------


async def test_commands_are_synced_globally_at_start(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    put = await discord_api.wait_for("PUT", rf"/applications/{discord_api.app_id}/commands")
    assert sorted(c["name"] for c in put.json) == sorted(c.name for c in adapter._core.commands)
    knot = discord_api.command("knot")
    assert knot is not None
    (area,) = knot["options"]
    assert (area["name"], area["type"], area["autocomplete"]) == ("area", 3, True)
    assert not area.get("required")
    assert set(knot["contexts"]) == {0, 1}  # servers and DMs with the bot
    assert not discord_api.calls_matching("PUT", r"/applications/\d+/guilds/\d+/commands")


async def test_commands_go_to_the_dev_server_only_when_one_is_set(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    settings = settings_for(discord_api, discord_dev_guild_id=GUILD_ID)
    async with running(Knotbot(settings=settings, content=content, db=db)):
        put = await discord_api.wait_for(
            "PUT", rf"/applications/{discord_api.app_id}/guilds/{GUILD_ID}/commands"
        )
    assert "knot" in {c["name"] for c in put.json}
    assert discord_api.command("knot", GUILD_ID) is not None
    assert not discord_api.calls_matching("PUT", rf"/applications/{discord_api.app_id}/commands")


async def test_a_process_running_one_shard_of_two_identifies_as_that_shard(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    settings = settings_for(discord_api, discord_shard_count=2, discord_shard_ids="1")
    async with running(Knotbot(settings=settings, content=content, db=db)):
        await discord_api.wait_until_identified()
    assert [p["shard"] for p in discord_api.identify_payloads] == [[1, 2]]
    # Commands are registered by the process that runs shard 0, not by every process.
    assert not discord_api.calls_matching("PUT", rf"/applications/{discord_api.app_id}/commands")


async def test_run_discord_serves_until_stop_then_disconnects(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    bot = Knotbot(settings=settings_for(discord_api), content=content, db=db)
    stop = asyncio.Event()
    serving = asyncio.create_task(run_discord(bot, bot.services.settings, stop))
    try:
        await discord_api.wait_until_identified()
        assert "**Jaw**" in shown(await knot_in_guild(discord_api, "jaw"))
        assert discord_api.intents == (1 << 0)  # guilds only: no privileged intents
    finally:
        stop.set()
        await asyncio.wait_for(serving, 10)
    assert not discord_api.connected


# -- what people see -------------------------------------------------------------------------


async def test_knot_upper_back_in_a_server_shows_techniques_cautions_and_start_hold_privately(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    message = await knot_in_guild(discord_api, "upper-back")

    assert message.ephemeral
    said = shown(message)
    assert "**Upper back**" in said and "**Ball against the wall**" in said
    assert "\u26a0\ufe0f **Cautions**" in said
    assert "- About 20 seconds per spot, never longer." in said
    assert "1. Drop a tennis ball into a long sock" in said
    labels = [label for label, _, _ in buttons(message)]
    assert "Start hold: Ball against the wall" in labels
    assert (START_BALL_WALL, 1) in [(c, s) for _, c, s in buttons(message)]  # primary
    assert message.allowed_mentions == {"parse": []}


async def test_knot_in_a_dm_is_a_normal_visible_message(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    inj = await discord_api.inject_slash_command("knot", {"area": "jaw"}, user_id=USER_ID)
    callback = await discord_api.wait_for_callback(inj)

    assert callback.json["type"] == 4
    assert not (callback.json["data"].get("flags") or 0) & EPHEMERAL
    message = discord_api.original_response(inj)
    assert message is not None and not message.ephemeral
    assert "**Jaw**" in shown(message)


async def test_autocomplete_offers_upper_back_for_up(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    inj = await discord_api.inject_autocomplete(
        "knot", "area", "up", user_id=USER_ID, guild_id=GUILD_ID
    )
    callback = await discord_api.wait_for_callback(inj)

    assert callback.json["type"] == 8
    choices = callback.json["data"]["choices"]
    assert choices[0]["value"] == "upper-back"
    assert all(1 <= len(c["name"]) <= 100 for c in choices)


async def test_knot_with_misspelled_area_suggests_upper_back(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    message = await knot_in_guild(discord_api, "uper back")

    assert "Did you mean upper-back" in shown(message)
    assert ("Upper back", "a:upper-back", 2) in buttons(message)


async def test_a_slow_answer_is_deferred_in_time_and_then_fills_the_thinking_message(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    bot = SlowKnotbot(settings=settings_for(discord_api), content=content, db=db)
    async with running(bot):
        inj = await discord_api.inject_slash_command(
            "knot", {"area": "neck"}, user_id=USER_ID, guild_id=GUILD_ID
        )
        callback = await discord_api.wait_for_callback(inj)
        assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}
        assert callback.status == 200  # within Discord's 3 s
        await discord_api.wait_for("POST", rf"/webhooks/{discord_api.app_id}/{inj.token}")

    message = discord_api.original_response(inj)
    assert message is not None and message.ephemeral and not message.flags & LOADING
    assert "**Neck**" in shown(message)


async def test_users_and_places_are_translated_with_moderators_recognised(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    settings = settings_for(discord_api, discord_moderator_role_id=MOD_ROLE_ID)
    bot = RecordingKnotbot(settings=settings, content=content, db=db)
    async with running(bot):
        for user_id in (USER_ID, MOD_ID, MANAGER_ID):
            inj = await discord_api.inject_slash_command(
                "areas", user_id=user_id, guild_id=GUILD_ID, channel_id=CHANNEL_ID, locale="de"
            )
            await discord_api.wait_for_callback(inj)
        dm = await discord_api.inject_slash_command("hold", {"what": "jaw"}, user_id=MANAGER_ID)
        await discord_api.wait_for_callback(dm)

    plain, mod, manager, in_dm = bot.events
    assert plain.chat == ChatRef(
        "discord", str(CHANNEL_ID), ChatKind.COMMUNITY, str(GUILD_ID), "Knot Lab"
    )
    assert (plain.user.user_id, plain.user.display_name, plain.user.locale) == (
        str(USER_ID),
        "Tense",
        "de",
    )
    assert [e.user.is_moderator for e in bot.events] == [False, True, True, False]
    assert in_dm.chat == ChatRef("discord", str(MANAGER_ID), ChatKind.PRIVATE)
    assert (in_dm.name, in_dm.args) == ("hold", "jaw")  # type: ignore[union-attr]
    assert (mod.name, manager.name) == ("areas", "areas")  # type: ignore[union-attr]


async def test_a_command_synced_by_an_older_version_gets_the_cores_answer(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    discord_api.commands[None].append(
        {"id": "1", "name": "stretchy", "type": 1, "description": "gone", "options": []}
    )
    inj = await discord_api.inject_slash_command("stretchy", user_id=USER_ID, guild_id=GUILD_ID)
    await discord_api.wait_for_callback(inj)
    message = discord_api.original_response(inj)
    assert message is not None and message.ephemeral
    assert "I don't know /stretchy." in shown(message)


# -- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    "@everyone knots!",
    "@here",
    f"<@&{MANAGER_ROLE_ID}> look",
    f"<@{OTHER_ID}> and <@!{OTHER_ID}>",
    "**x** `y` __z__ ~~s~~ ||spoiler||",
    "[free](https://evil.example) # big",
    "up\u200bper\u202eback\u2066\u200f",
    "x" * 100_000,
]


async def test_hostile_text_never_pings_never_formats_and_never_crashes(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    for hostile in HOSTILE:
        await knot_in_guild(discord_api, hostile)
    still_there = await knot_in_guild(discord_api, "jaw")  # the next command is still answered
    assert "**Jaw**" in shown(still_there)

    bodies = sent_message_bodies(discord_api)
    assert len(bodies) >= len(HOSTILE) + 1
    assert all(b.get("allowed_mentions") == {"parse": []} for b in bodies)
    everything = "\n".join(shown(m) for m in discord_api.messages.values())
    for raw in ("@everyone", "@here", "<@&", f"<@{OTHER_ID}>", f"<@!{OTHER_ID}>", "**x**"):
        assert raw not in everything
    assert "@\u200beveryone" in everything  # shown as typed, but inert
    assert "\\*\\*x\\*\\*" in everything and "\\`y\\`" in everything
    assert "\\[free](https://evil.example)" in everything
    assert "\u202e" not in everything and "\u2066" not in everything
    assert all(len(m.content) <= 2000 for m in discord_api.messages.values())


async def test_an_unknown_or_unreadable_button_is_acknowledged_and_nothing_breaks(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    old = await discord_api.inject_button(
        "zz:from-2019", 880_000_000_000_000_001, user_id=USER_ID, guild_id=GUILD_ID
    )
    answer = await discord_api.wait_for_callback(old)
    assert answer.json["type"] == 4 and answer.json["data"]["flags"] == EPHEMERAL
    assert "older version" in answer.json["data"]["content"]

    # A press with no user at all (a payload Discord should never send).
    await discord_api.dispatch(
        "INTERACTION_CREATE",
        {
            "id": "910000000000000999",
            "application_id": str(discord_api.app_id),
            "type": 3,
            "token": "not-a-real-token",
            "version": 1,
            "data": {"custom_id": "a:jaw", "component_type": 2},
            "guild_id": str(GUILD_ID),
            "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID)},
            "attachment_size_limit": 1024,
            "locale": "en-US",
        },
    )
    await discord_api.wait_for("POST", r"/interactions/910000000000000999/.+/callback")
    assert "**Jaw**" in shown(await knot_in_guild(discord_api, "jaw"))


# -- holds -----------------------------------------------------------------------------------


async def test_start_hold_runs_a_full_hold_as_edits_of_one_message(
    discord_api: DiscordStandIn, holds_adapter: DiscordAdapter
) -> None:
    press, hold = await start_hold(discord_api, holds_adapter)
    first_frame = shown(hold)
    assert hold.ephemeral
    assert "Get ready: 1 s" in first_frame
    assert [label for label, _, _ in buttons(hold)] == ["Pause", "Stop"]

    await eventually(lambda: "Done:" in shown(hold), within=15)

    edits = discord_api.calls_matching(
        "PATCH", rf"/webhooks/{discord_api.app_id}/{re.escape(press.token)}/messages/@original"
    )
    assert all(e.status == 200 for e in edits)
    frames = [first_frame] + [e.json["content"] for e in edits]
    assert phases(frames) == ["Get ready", "Press", "Release", "Rest", "Press", "Release", "Done"]
    assert "Done: 2 rounds on your upper back." in frames[-1]
    assert hold.components == []  # no Pause/Stop on a finished hold
    assert not discord_api.calls_matching("PATCH", r"/channels/.*")
    assert all(e.json["allowed_mentions"] == {"parse": []} for e in edits)
    history = await hold_history(holds_adapter._core)
    assert [(h.status, h.rounds_done) for h in history] == [("completed", 2)]


async def test_stop_button_stops_the_hold_at_once(
    discord_api: DiscordStandIn, holds_adapter: DiscordAdapter
) -> None:
    _, hold = await start_hold(discord_api, holds_adapter)
    stop = await discord_api.inject_button(stop_button(hold), hold.id, user_id=USER_ID)
    acknowledged = await discord_api.wait_for_callback(stop)

    assert acknowledged.json["type"] == 6  # a silent "deferred update": no "interaction failed"
    await eventually(lambda: "Stopped after 0 of 2 rounds" in shown(hold), within=3)
    assert hold.components == []
    history = await hold_history(holds_adapter._core)
    assert [h.status for h in history] == ["stopped"]


async def test_stop_command_stops_my_hold_and_says_so_privately(
    discord_api: DiscordStandIn, holds_adapter: DiscordAdapter
) -> None:
    _, hold = await start_hold(discord_api, holds_adapter)
    inj = await discord_api.inject_slash_command(
        "stop", user_id=USER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
    )
    await eventually(lambda: "Stopped after 0 of 2 rounds" in shown(hold), within=3)
    answer = await discord_api.wait_for_callback(inj)
    assert answer.json["type"] == 4
    assert answer.json["data"]["flags"] == EPHEMERAL
    assert answer.json["data"]["content"] == "Your hold is stopped."


async def test_someone_elses_stop_button_gets_a_private_notice(
    discord_api: DiscordStandIn, holds_adapter: DiscordAdapter
) -> None:
    _, hold = await start_hold(discord_api, holds_adapter)
    stranger = await discord_api.inject_button(stop_button(hold), hold.id, user_id=OTHER_ID)
    answer = await discord_api.wait_for_callback(stranger)

    assert answer.json["type"] == 4
    assert answer.json["data"]["flags"] == EPHEMERAL
    assert answer.json["data"]["content"] == (
        "This is someone else's hold; start your own with /hold."
    )
    assert "Stopped" not in shown(hold)


async def test_a_hold_outliving_its_token_goes_on_by_channel_edits_when_not_ephemeral(
    discord_api: DiscordStandIn, holds_adapter: DiscordAdapter
) -> None:
    inj = await discord_api.inject_slash_command("hold", {"what": "ball-wall"}, user_id=USER_ID)
    await discord_api.wait_for_callback(inj)
    hold = discord_api.original_response(inj)
    assert hold is not None and not hold.ephemeral  # a DM
    discord_api.expire_interaction(inj)

    route = rf"/channels/{hold.channel_id}/messages/{hold.id}"
    channel_edit = await discord_api.wait_for("PATCH", route, timeout=5)
    assert channel_edit.status == 200

    stop = await discord_api.inject_button(stop_button(hold), hold.id, user_id=USER_ID)
    await discord_api.wait_for_callback(stop)
    await eventually(lambda: "Stopped after" in shown(hold), within=3)
    assert "Stopped after" in discord_api.calls_matching("PATCH", route)[-1].json["content"]
    assert hold.components == []


async def test_a_hold_longer_than_a_token_lasts_is_posted_visibly_in_a_server(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    inj = await discord_api.inject_slash_command(
        "hold", {"what": "legs-up-chair"}, user_id=USER_ID, guild_id=GUILD_ID
    )
    callback = await discord_api.wait_for_callback(inj)
    assert not (callback.json["data"].get("flags") or 0) & EPHEMERAL  # a 16-minute hold
    hold = discord_api.original_response(inj)
    assert hold is not None and not hold.ephemeral
    await holding(adapter)

    stop = await discord_api.inject_button(stop_button(hold), hold.id, user_id=USER_ID)
    await discord_api.wait_for_callback(stop)
    await eventually(lambda: "Stopped" in shown(hold), within=3)


async def test_graceful_stop_marks_a_running_hold_interrupted_and_says_so(
    discord_api: DiscordStandIn, holds_adapter: DiscordAdapter
) -> None:
    press, hold = await start_hold(discord_api, holds_adapter)
    await holds_adapter.stop()

    assert "because knotbot is restarting" in shown(hold)
    assert hold.components == []
    last = discord_api.calls_matching("PATCH", rf"/webhooks/\d+/{re.escape(press.token)}/.+")[-1]
    assert last.status == 200
    history = await hold_history(holds_adapter._core)
    assert [h.status for h in history] == ["interrupted"]


class InPlaceKnotbot(Knotbot):
    """The real core, except that every button press replaces its message (as menus will)."""

    async def handle(self, event: Incoming, replier: Replier) -> None:
        if isinstance(event, ButtonPress):
            ref = await replier.update(
                ReplyBuilder().add(text(f"You chose {event.action}")).build()
            )
            await replier.edit(ref, ReplyBuilder().add(text("And edited it.")).build())
            return
        await super().handle(event, replier)


async def test_update_replaces_the_pressed_message_in_place(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    bot = InPlaceKnotbot(settings=settings_for(discord_api), content=content, db=db)
    async with running(bot):
        knot = await knot_in_guild(discord_api, "upper-back")
        press = await discord_api.inject_button(START_BALL_WALL, knot.id, user_id=USER_ID)
        callback = await discord_api.wait_for_callback(press)
        await discord_api.wait_for(
            "PATCH", rf"/webhooks/\d+/{re.escape(press.token)}/messages/@original"
        )

    assert callback.json["type"] == 7
    assert callback.json["data"]["content"] == f"You chose {START_BALL_WALL}"
    assert callback.json["data"]["components"] == []
    assert knot.content == "And edited it." and knot.ephemeral


async def test_after_a_restart_a_left_over_hold_message_is_fixed_up_through_its_token(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    settings = settings_for(discord_api)
    async with running(Knotbot(settings=settings, content=content, db=db)):
        inj = await discord_api.inject_slash_command(
            "knot", {"area": "jaw"}, user_id=USER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
        )
        await discord_api.wait_for_callback(inj)
    message = discord_api.original_response(inj)
    assert message is not None and message.ephemeral
    # What a hold left behind when its process died: a "running" row and its live message.
    handle = Handle(discord_api.app_id, inj.token, time.time(), ephemeral=True, original=True)
    ref = MessageRef("discord", str(CHANNEL_ID), str(message.id), handle.to_extra())
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        row = await tx.users.ensure(UserRef("discord", str(USER_ID)), now)
        left = await tx.holds.start(
            user_id=row.id,
            platform="discord",
            chat_id=str(CHANNEL_ID),
            technique_id="jaw-release",
            area_id="jaw",
            pressure=True,
            rounds_planned=3,
            owner=settings.instance_id,
            now=now,
        )
        await tx.holds.set_message(left.id, ref.to_json())

    async with running(Knotbot(settings=settings, content=content, db=db)) as restarted:
        edit = await discord_api.wait_for(
            "PATCH",
            rf"/webhooks/{discord_api.app_id}/{re.escape(inj.token)}/messages/{message.id}",
        )
        assert edit.status == 200
        assert "cut short because knotbot restarted" in message.content
        discord_api.expire_interaction(inj)
        with pytest.raises(MessageGone):  # ephemeral: only its token could edit it
            await restarted.outbox.edit(ref, ReplyBuilder().add(text("too late")).build())


# -- the outbox ------------------------------------------------------------------------------


def reminder() -> ReplyBuilder:
    return (
        ReplyBuilder()
        .add(text("Time to let your shoulders drop, @everyone."))
        .row(
            Button("Done", "rd:1", ButtonStyle.PRIMARY),
            Button("Snooze", "rz:1", ButtonStyle.SECONDARY),
            Button("Stop these", "rx:1", ButtonStyle.DANGER),
        )
    )


async def test_outbox_sends_a_dm_with_buttons_and_a_nonce_once(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    chat = ChatRef("discord", str(USER_ID), ChatKind.PRIVATE)
    ref = await adapter.outbox.send(chat, reminder().build(private=False), key="occ-42")

    opened = await discord_api.wait_for("POST", r"/users/@me/channels")
    assert opened.json == {"recipient_id": USER_ID}
    dm = discord_api.dm_channel_id(USER_ID)
    post = await discord_api.wait_for("POST", rf"/channels/{dm}/messages")
    assert (post.json["nonce"], post.json["enforce_nonce"]) == ("occ-42", True)
    assert post.json["allowed_mentions"] == {"parse": []}
    message = discord_api.message(int(ref.message_id))
    assert ref.chat_id == str(dm)
    assert buttons(message) == [
        ("Done", "rd:1", 1),
        ("Snooze", "rz:1", 2),
        ("Stop these", "rx:1", 4),
    ]
    assert "@\u200beveryone" in message.content

    again = await adapter.outbox.send(chat, reminder().build(private=False), key="occ-42")
    assert again.message_id == ref.message_id  # a retried send is not a second message
    assert len(discord_api.messages_in(dm)) == 1

    await adapter.outbox.edit(ref, ReplyBuilder().add(text("Nice.")).build())
    assert message.content == "Nice." and message.components == []


async def test_a_rate_limited_channel_post_is_retried_and_arrives(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    route = rf"/channels/{CHANNEL_ID}/messages"
    discord_api.fail_next("POST", route, status=429, retry_after=0.3)
    chat = ChatRef("discord", str(CHANNEL_ID), ChatKind.COMMUNITY, str(GUILD_ID))

    ref = await adapter.outbox.send(chat, reminder().build(private=False), key="occ-43")

    first, second = discord_api.calls_matching("POST", route)
    assert (first.status, second.status) == (429, 200)
    assert discord_api.message(int(ref.message_id)).content.startswith("Time to let")


async def test_closed_dms_make_the_outbox_say_the_recipient_is_gone(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    discord_api.set_dms_closed(USER_ID)
    chat = ChatRef("discord", str(USER_ID), ChatKind.PRIVATE)
    with pytest.raises(RecipientGone, match="50007"):
        await adapter.outbox.send(chat, reminder().build(), key="occ-44")


async def test_a_long_reply_is_split_at_block_boundaries_with_buttons_last(
    discord_api: DiscordStandIn, adapter: DiscordAdapter
) -> None:
    builder = ReplyBuilder()
    for n in range(12):
        builder.add(heading(f"Part {n}"), bullets([f"line {n}.{i} " + "x" * 60 for i in range(9)]))
    reply = builder.row(Button("More", "help")).build()
    chat = ChatRef("discord", str(CHANNEL_ID), ChatKind.COMMUNITY, str(GUILD_ID))

    await adapter.outbox.send(chat, reply)

    posted = discord_api.messages_in(CHANNEL_ID)
    assert len(posted) == 2
    assert all(not m.content and len(m.embeds) == 1 for m in posted)
    descriptions = [m.embeds[0]["description"] for m in posted]
    assert all(len(d) <= 4096 for d in descriptions)
    assert all(d.startswith("**Part ") for d in descriptions)  # split before a heading
    assert "**Part 11**" in descriptions[-1]
    assert [m.custom_ids() for m in posted] == [[], ["help"]]
