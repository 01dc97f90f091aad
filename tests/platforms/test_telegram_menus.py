"""Telegram's command menus per scope (private chats, groups, group administrators, default),
derived from the core's command table, and deep links (t.me/<bot>?start=jaw arrives as
"/start jaw"): through the core, and through the real python-telegram-bot on the stand-in.
"""

from __future__ import annotations

import json

import pytest
from telegram import BotCommandScopeAllChatAdministrators, BotCommandScopeAllPrivateChats

from adapters.telegram.menu import menus
from bot.actions import Where
from bot.clock import ManualClock
from bot.commands.spec import CommandSpec, SubcommandSpec
from bot.core import Knotbot
from tests.helpers import group_chat, say
from tests.platforms.spy import spy_on
from tests.platforms.telegram_user import GROUP, USER, as_sent, ask_call, command, running
from tests.standins.telegram_api import TelegramStandIn

MODERATORS_TIP = "moderators: pending, remove, moderation, daily"


def menu_in(tg: TelegramStandIn, scope: str) -> dict[str, str]:
    """The menu Telegram shows in `scope` ("all_private_chats", ...), as name -> line."""
    key = json.dumps({"type": scope}, sort_keys=True)
    return {c["command"]: c["description"] for c in tg.commands[(key, "")]}


async def _nothing(ctx: object) -> None:
    return None


# -- menus -----------------------------------------------------------------------------------


async def test_each_kind_of_chat_gets_its_own_menu_and_admins_see_the_moderators_tip_commands(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core) as app:
        in_private = await app.application.bot.get_my_commands(
            scope=BotCommandScopeAllPrivateChats()
        )
        for_admins = await app.application.bot.get_my_commands(
            scope=BotCommandScopeAllChatAdministrators()
        )
    table = {c.name: c for c in core.commands}
    private, groups = menu_in(tg, "all_private_chats"), menu_in(tg, "all_group_chats")
    admins, default = menu_in(tg, "all_chat_administrators"), menu_in(tg, "default")

    assert list(private) == [c.name for c in core.commands]  # nothing is for groups only
    assert {"export", "forget"} <= set(private) and not {"export", "forget"} & set(groups)
    assert list(groups) == [c.name for c in core.commands if c.where is not Where.PRIVATE]
    assert list(admins) == list(groups)
    assert list(default) == [c.name for c in core.commands if c.where is Where.ANYWHERE]

    assert private["tip"] == groups["tip"] == table["tip"].description
    assert admins["tip"] == f"{table['tip'].description}; {MODERATORS_TIP}"
    assert all(admins[name] == groups[name] for name in groups if name != "tip")
    # The real client reads back what it set.
    assert [c.command for c in in_private] == list(private)
    assert [c.description for c in for_admins if c.command == "tip"] == [admins["tip"]]


def test_menus_follow_where_and_moderators_in_the_table() -> None:
    table = [
        CommandSpec("hello", "Anywhere", _nothing),
        CommandSpec("mine", "Private only", _nothing, where=Where.PRIVATE),
        CommandSpec("club", "Groups only", _nothing, where=Where.COMMUNITY),
        CommandSpec("ban", "Moderators only", _nothing, where=Where.COMMUNITY, moderators=True),
        CommandSpec(
            "tip",
            "Tips",
            _nothing,
            subcommands=(
                SubcommandSpec("top", "Best"),
                SubcommandSpec("queue", "Q", moderators=True),
            ),
        ),
        CommandSpec("Not-Listable", "Typed only", _nothing),
    ]
    built = {
        scope.type: [(c.command, c.description) for c in entries] for scope, entries in menus(table)
    }
    assert built == {
        "default": [("hello", "Anywhere"), ("tip", "Tips")],
        "all_private_chats": [("hello", "Anywhere"), ("mine", "Private only"), ("tip", "Tips")],
        "all_group_chats": [("hello", "Anywhere"), ("club", "Groups only"), ("tip", "Tips")],
        "all_chat_administrators": [
            ("hello", "Anywhere"),
            ("club", "Groups only"),
            ("ban", "Moderators only"),
            ("tip", "Tips; moderators: queue"),
        ],
    }


async def test_a_scope_telegram_refuses_leaves_the_others_set_and_the_bot_starts(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    tg.fail_next("setMyCommands", error_code=400, description="Bad Request: BOT_COMMAND_INVALID")
    async with running(tg, core):
        call = await ask_call(tg, "/help")
    assert call.result["message_id"]
    calls = tg.calls_to("setMyCommands")
    assert [c.failed for c in calls] == [True] + [False] * 11  # 4 scopes, 3 languages each
    assert menu_in(tg, "all_private_chats") and menu_in(tg, "all_chat_administrators")


# -- deep links, through the core --------------------------------------------------------------


@pytest.mark.parametrize("payload", ["jaw", "upper-back", "upper_back", "Upper_Back"])
async def test_start_with_a_spot_opens_that_spot_like_knot(
    bot: Knotbot, clock: ManualClock, payload: str
) -> None:
    opened = await say(bot, clock, f"/start {payload}")
    spot = "jaw" if payload == "jaw" else "upper-back"
    assert [s.reply for s in opened.sent] == [
        s.reply for s in (await say(bot, clock, f"/knot {spot}")).sent
    ]


async def test_start_remind_opens_the_one_tap_reminder_offers(
    bot: Knotbot, clock: ManualClock
) -> None:
    opened = await say(bot, clock, "/start remind")
    assert [s.reply for s in opened.sent] == [
        s.reply for s in (await say(bot, clock, "/remind")).sent
    ]
    assert opened.sent[0].reply.all_buttons


@pytest.mark.parametrize("payload", ["", "hello", "knee", "jaw hurts", "a" * 65, "ja%77"])
async def test_start_with_anything_else_greets_as_usual(
    bot: Knotbot, clock: ManualClock, payload: str
) -> None:
    greeted = await say(bot, clock, f"/start {payload}".strip())
    plain = await say(bot, clock, "/start")
    assert [s.reply for s in greeted.sent] == [s.reply for s in plain.sent]


async def test_start_with_a_spot_in_a_group_shows_it_there(
    bot: Knotbot, clock: ManualClock
) -> None:
    here = group_chat()
    opened = await say(bot, clock, "/start jaw", chat=here)
    knot = await say(bot, clock, "/knot jaw", chat=here)
    assert [s.reply for s in opened.sent] == [s.reply for s in knot.sent]


# -- deep links, as Telegram delivers them ------------------------------------------------------


async def test_a_deep_link_to_a_spot_arrives_as_start_with_its_payload_and_opens_the_spot(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        link = await ask_call(tg, "/start upper_back")  # t.me/<bot>?start=upper_back
        typed = await ask_call(tg, "/knot upper-back")
    assert spy.events == [command("start", "upper_back"), command("knot", "upper-back")]
    opened, knot = spy.replies()
    assert opened == knot
    assert link.params["text"] == typed.params["text"] == as_sent(opened)[0]
    assert link.params["reply_markup"] == typed.params["reply_markup"]


async def test_a_deep_link_to_reminders_and_a_group_link_reach_the_core(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        remind = await ask_call(tg, "/start remind")
        # t.me/<bot>?startgroup=jaw: "/start@<bot> jaw" in the group the bot was added to
        in_group = await ask_call(
            tg, f"/start@{tg.bot_username} jaw", chat=GROUP, chat_type="supergroup"
        )
    assert spy.events[0] == command("start", "remind")
    assert spy.events[1].name == "start" and spy.events[1].args == "jaw"
    assert spy.events[1].chat.is_community
    offers, spot = spy.replies()
    assert remind.params["text"] == as_sent(offers)[0] and int(remind.params["chat_id"]) == USER
    assert in_group.params["text"] == as_sent(spot)[0] and int(in_group.params["chat_id"]) == GROUP
