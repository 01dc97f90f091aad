"""Discord interactions in, core events out; core replies in, Discord messages out.

The real discord.py client is connected to the Discord stand-in (REST and gateway). Each test
checks the event the core was given and that each message is the core's reply rendered
(escaped markdown, buttons), private where it should be, and never pinging anyone.
"""

from __future__ import annotations

import asyncio

from bot.actions import ShowArea, decode
from bot.core import Knotbot
from bot.messages import ButtonPress, Command, Incoming
from bot.outbox import Replier
from tests.helpers import eventually
from tests.platforms.discord_user import (
    CHANNEL_ID,
    GUILD_ID,
    MANAGER_ID,
    MANAGER_ROLE_ID,
    MOD_ID,
    MOD_ROLE_ID,
    OTHER_ID,
    USER_ID,
    as_sent,
    buttons,
    channel,
    command,
    components_of,
    noticed_as,
    person,
    private,
    running,
    sent_message_bodies,
    shown,
    slash,
)
from tests.platforms.spy import spy_on, undecodable
from tests.standins.discord_api import EPHEMERAL, LOADING, DiscordStandIn

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


async def test_knot_in_a_server_is_the_cores_answer_shown_privately_with_its_buttons(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        message = await slash(discord_api, "knot", {"area": "upper-back"})
    assert spy.events == [command("knot", "upper-back")]
    (reply,) = spy.replies()
    assert message.ephemeral  # a personal answer in a server
    assert [shown(message)] == as_sent(reply)
    assert message.components == components_of(reply)
    assert buttons(message) and not undecodable([c for _, c, _ in buttons(message)])
    assert message.allowed_mentions == {"parse": []}


async def test_knot_in_a_dm_is_a_normal_visible_message(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        inj = await discord_api.inject_slash_command("knot", {"area": "jaw"}, user_id=USER_ID)
        callback = await discord_api.wait_for_callback(inj)
    assert spy.events == [command("knot", "jaw", chat=private())]
    assert callback.json["type"] == 4
    assert not (callback.json["data"].get("flags") or 0) & EPHEMERAL
    message = discord_api.original_response(inj)
    assert message is not None and not message.ephemeral
    assert [shown(message)] == as_sent(spy.replies()[0])


async def test_autocomplete_offers_the_cores_choices(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with running(discord_api, core):
        inj = await discord_api.inject_autocomplete(
            "knot", "area", "up", user_id=USER_ID, guild_id=GUILD_ID
        )
        callback = await discord_api.wait_for_callback(inj)
    assert callback.json["type"] == 8
    choices = callback.json["data"]["choices"]
    assert [(c["name"], c["value"]) for c in choices] == core.complete("areas", "up")
    assert all(1 <= len(c["name"]) <= 100 for c in choices)


async def test_a_suggested_spot_comes_back_as_its_action_when_pressed(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        suggestion = await slash(discord_api, "knot", {"area": "uper back"})
        (_, suggested, _), *_ = buttons(suggestion)
        press = await discord_api.inject_button(
            suggested, suggestion.id, user_id=USER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
        )
        await discord_api.wait_for_callback(press)
        await eventually(lambda: len(spy.said) == 2)
    asked, pressed = spy.events
    assert asked == command("knot", "uper back")
    assert isinstance(pressed, ButtonPress) and decode(pressed.action) == ShowArea("upper-back")
    assert pressed.message is not None and pressed.message.message_id == str(suggestion.id)
    answered = spy.said[-1]  # in place of the pressed message, or anew
    assert answered.ref is not None and answered.reply is not None
    assert [shown(discord_api.message(int(answered.ref.message_id)))] == as_sent(answered.reply)


async def test_a_slow_answer_is_deferred_in_time_and_then_fills_the_thinking_message(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    handle = core.handle

    async def slow(event: Incoming, replier: Replier) -> object:
        await asyncio.sleep(2.3)  # a slow database: past Discord's 2 s comfort zone
        return await handle(event, replier)

    core.handle = slow  # type: ignore[method-assign]
    spy = spy_on(core)
    async with running(discord_api, core):
        inj = await discord_api.inject_slash_command(
            "knot", {"area": "neck"}, user_id=USER_ID, guild_id=GUILD_ID
        )
        callback = await discord_api.wait_for_callback(inj)
        assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}
        assert callback.status == 200  # within Discord's 3 s
        await discord_api.wait_for("POST", rf"/webhooks/{discord_api.app_id}/{inj.token}")
    message = discord_api.original_response(inj)
    assert message is not None and message.ephemeral and not message.flags & LOADING
    assert [shown(message)] == as_sent(spy.replies()[0])


async def test_users_and_places_are_translated_with_moderators_recognised(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core, discord_moderator_role_id=MOD_ROLE_ID):
        for user_id in (USER_ID, MOD_ID, MANAGER_ID):
            inj = await discord_api.inject_slash_command(
                "areas", user_id=user_id, guild_id=GUILD_ID, channel_id=CHANNEL_ID, locale="de"
            )
            await discord_api.wait_for_callback(inj)
        dm = await discord_api.inject_slash_command("hold", {"what": "jaw"}, user_id=MANAGER_ID)
        await discord_api.wait_for_callback(dm)
    plain, mod, manager, in_dm = spy.events
    assert plain.chat == channel()
    assert (plain.user.user_id, plain.user.display_name, plain.user.locale) == (
        str(USER_ID),
        "Tense",
        "de",
    )
    assert [e.user.is_moderator for e in spy.events] == [False, True, True, False]
    assert in_dm.chat == private(MANAGER_ID)
    assert isinstance(in_dm, Command) and (in_dm.name, in_dm.args) == ("hold", "jaw")
    assert isinstance(mod, Command) and isinstance(manager, Command)
    assert (mod.name, manager.name) == ("areas", "areas")


async def test_a_command_synced_by_an_older_version_reaches_the_core_by_name(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        discord_api.commands[None].append(
            {"id": "1", "name": "stretchy", "type": 1, "description": "gone", "options": []}
        )
        message = await slash(discord_api, "stretchy")
    assert spy.events == [command("stretchy")]
    assert message.ephemeral and [shown(message)] == as_sent(spy.replies()[0])


async def test_hostile_text_never_pings_never_formats_and_never_crashes(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        for hostile in HOSTILE:
            await slash(discord_api, "knot", {"area": hostile})
        still_there = await slash(discord_api, "knot", {"area": "jaw"})  # still answered
    assert [e.args for e in spy.events if isinstance(e, Command)][:2] == HOSTILE[:2]
    assert [shown(still_there)] == as_sent(spy.replies()[-1])
    bodies = sent_message_bodies(discord_api)
    assert len(bodies) >= len(HOSTILE) + 1
    assert all(b.get("allowed_mentions") == {"parse": []} for b in bodies)
    everything = "\n".join(shown(m) for m in discord_api.messages.values())
    for raw in ("@everyone", "@here", "<@&", f"<@{OTHER_ID}>", f"<@!{OTHER_ID}>", "**x**"):
        assert raw not in everything
    assert "@\u200beveryone" in everything  # shown as typed, but inert
    assert "\\*\\*x\\*\\*" in everything and "\\`y\\`" in everything
    assert "\\[free\\](https://evil.example)" in everything  # no masked link
    assert "\u202e" not in everything and "\u2066" not in everything
    assert all(len(m.content) <= 2000 for m in discord_api.messages.values())


async def test_an_unknown_or_unreadable_button_is_acknowledged_and_nothing_breaks(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        old = await discord_api.inject_button(
            "zz:from-2019", 880_000_000_000_000_001, user_id=USER_ID, guild_id=GUILD_ID
        )
        answer = await discord_api.wait_for_callback(old)
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
        jaw = await slash(discord_api, "knot", {"area": "jaw"})
    assert answer.json["type"] == 4 and answer.json["data"]["flags"] == EPHEMERAL
    assert answer.json["data"]["content"] == noticed_as(spy.notices()[0])  # the core's word
    pressed, knot = spy.events  # the press without a user never reached the core
    assert isinstance(pressed, ButtonPress) and pressed.action == "zz:from-2019"
    assert pressed.user == person()
    assert [shown(jaw)] == as_sent(spy.replies()[-1]) and knot == command("knot", "jaw")
