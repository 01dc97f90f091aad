"""Telegram messages in, core events out; core replies in, Telegram messages out.

The real python-telegram-bot Application polls the Bot API stand-in. Each test checks the
event the core was given and that each message is the core's reply rendered (HTML, keyboard),
as Telegram accepted and shows it.
"""

from __future__ import annotations

import logging

import pytest
from telegram import Update

from bot.actions import ShowArea, decode
from bot.core import Knotbot
from bot.messages import ButtonPress, Command
from tests.platforms.spy import Way, spy_on, undecodable
from tests.platforms.telegram_user import (
    GROUP,
    OTHER,
    USER,
    answers_to,
    as_sent,
    ask,
    ask_call,
    buttons,
    command,
    group,
    markup_of,
    person,
    press,
    private,
    running,
)
from tests.standins.telegram_api import TelegramStandIn

HOSTILE = [
    "<b>x</b><script>alert(1)</script>",
    "&amp; &lt; & < > &#0; &bogus;",
    "x" * 100_000,
    "up\u200bper\u202eback\u2066 \u200f\ufeff",
    "💆‍♀️🔥 shoulders 🙆🏽",
    "a\ud800b lone surrogate",
    "\"quotes\" 'single' `ticks` \\ / \x00 \x1b[31m",
]


async def test_start_is_the_cores_greeting_with_its_heading_bold_and_its_buttons(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        call = await ask_call(tg, "/start")
    assert spy.events == [command("start")]
    (reply,) = spy.replies()
    assert call.params["text"] == as_sent(reply)[0]
    assert call.params["reply_markup"] == markup_of(reply)
    answer = tg.messages[(USER, call.result["message_id"])]
    title = reply.blocks[0].lines[0]
    assert answer.text is not None and answer.text.startswith(title)
    assert {"type": "bold", "offset": 0, "length": len(title)} in answer.entities
    assert buttons(answer) and not undecodable([b["callback_data"] for b in buttons(answer)])
    assert answer.reply_to_message_id is None  # private chats are not quoted


async def test_knot_upper_back_arrives_as_the_core_rendered_it(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        call = await ask_call(tg, "/knot upper-back")
    assert spy.events == [command("knot", "upper-back")]
    (reply,) = spy.replies()
    assert [call.params["text"]] == as_sent(reply)
    assert call.params["reply_markup"] == markup_of(reply)
    primary = [b for b in reply.all_buttons if b.style == "primary"]
    shown = buttons(tg.messages[(USER, call.result["message_id"])])
    assert primary and all(
        {"text": b.label, "callback_data": b.action, "style": "primary"} in shown for b in primary
    )


async def test_knot_addressed_to_the_bot_in_a_supergroup_is_answered_in_the_group(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        # Another bot's command comes first: ignored (updates of one chat run in order).
        tg.push_text(GROUP, USER, "/knot@other_bot neck", chat_type="supergroup")
        tg.push_text(GROUP, USER, "jaw", chat_type="supergroup")  # plain text in a group: ignored
        answer = await ask(tg, "/knot@knotbot_test_bot jaw", chat=GROUP, chat_type="supergroup")
        again = await ask(tg, "/help@knotbot_test_bot", chat=GROUP, chat_type="supergroup")
    assert spy.events == [
        command("knot", "jaw", chat=group()),
        command("help", chat=group()),
    ]
    assert answer.chat_id == GROUP
    assert [answer.raw_text, again.raw_text] == [as_sent(r)[0] for r in spy.replies()]
    asked = max(k[1] for k, m in tg.messages.items() if k[0] == GROUP and not m.from_bot)
    assert again.reply_to_message_id == asked  # a group answer quotes the question
    assert len(tg.calls_to("sendMessage")) == 2
    # Moderator lookups are cached: two commands, one getChatMember.
    assert [c.params["user_id"] for c in tg.calls_to("getChatMember")] == [USER]


async def test_group_admins_are_moderators_and_members_are_not(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    tg.set_admins(GROUP, [USER])
    async with running(tg, core):
        await ask(tg, "/areas", chat=GROUP, chat_type="supergroup")
        await ask(tg, "/areas", chat=GROUP, user=OTHER, chat_type="supergroup")
        await ask(tg, "/areas")
        supergroup = {"id": GROUP, "type": "supergroup", "title": "Knot Club"}
        tg.push_update(  # an admin posting anonymously, as the group itself
            {
                "message": {
                    "message_id": 77,
                    "from": {"id": 1087968824, "is_bot": True, "first_name": "Group"},
                    "sender_chat": supergroup,
                    "chat": supergroup,
                    "date": 0,
                    "text": "/areas",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
            }
        )
        await tg.wait_for("sendMessage", count=4)
    group_admin, group_member, in_private, anonymous = spy.events
    assert group_admin == command("areas", chat=group(), moderator=True)
    assert group_member == command("areas", chat=group(), user_id=OTHER)
    assert in_private == command("areas")
    assert anonymous.user.is_moderator and anonymous.chat == group()
    assert len(tg.calls_to("getChatMember")) == 2  # not for the anonymous admin


async def test_a_suggested_spot_comes_back_as_its_action_when_pressed(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        answer = await ask(tg, "/knot uper back")
        suggested = buttons(answer)[0]["callback_data"]
        query = press(tg, answer, suggested)
        await tg.wait_for("answerCallbackQuery")
    asked, pressed = spy.events
    assert asked == command("knot", "uper back")
    assert isinstance(pressed, ButtonPress) and pressed.user == person()
    assert decode(pressed.action) == ShowArea("upper-back")
    assert pressed.message is not None
    assert pressed.message.message_id == str(answer.message_id)
    assert answer.raw_text == as_sent(spy.replies()[0])[0]
    for said in spy.said[1:]:  # in place of the pressed message, or anew
        assert said.way in (Way.UPDATE, Way.REPLY) and said.reply is not None
        assert said.ref is not None
        shown = tg.messages[(USER, int(said.ref.message_id))]
        assert shown.raw_text == as_sent(said.reply)[0]
    assert len(answers_to(tg, query)) == 1  # the spinner stops, once


async def test_every_command_reaches_the_core_by_name_known_or_not(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        answers = [await ask(tg, said) for said in ("/frobnicate now", "/KNTO jaw", "/spots")]
    assert spy.events == [
        command("frobnicate", "now"),
        command("knto", "jaw"),
        command("spots"),
    ]
    assert [a.raw_text for a in answers] == [as_sent(r)[0] for r in spy.replies()]


async def test_plain_text_in_a_private_chat_is_free_text_for_the_core(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        answers = [await ask(tg, said) for said in ("upper back", "my whole life hurts")]
    assert spy.events == [
        Command(private(), person(), "", "upper back"),
        Command(private(), person(), "", "my whole life hurts"),
    ]
    assert [a.raw_text for a in answers] == [as_sent(r)[0] for r in spy.replies()]


async def test_hostile_text_is_escaped_and_never_crashes_a_handler(
    tg: TelegramStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    spy = spy_on(core)
    async with running(tg, core):
        answers = []
        for said in HOSTILE:
            answers.append(await ask(tg, f"/knot {said}"))
            answers.append(await ask(tg, f"/zz {said}"))
            answers.append(await ask(tg, said))
            in_group = f"/start@knotbot_test_bot {said}"
            answers.append(await ask(tg, in_group, chat=GROUP, chat_type="supergroup"))
        await ask(tg, "/help")
    # What people typed reaches the core as text (cut to one message), and shows as typed.
    knot_x = spy.events[0]
    assert isinstance(knot_x, Command) and knot_x.args == HOSTILE[0]
    assert all(len(e.args) <= 4096 for e in spy.events if isinstance(e, Command))
    assert HOSTILE[0] in (answers[0].text or "")  # visible as typed, not as markup
    assert HOSTILE[1] in (answers[4].text or "")
    sends = tg.calls_to("sendMessage")
    assert all(not c.failed for c in sends), [c.description for c in sends if c.failed]
    assert len(sends) == 4 * len(HOSTILE) + 1  # one answer each, nothing split or lost
    assert [c.params["text"] for c in sends] == [as_sent(r)[0] for r in spy.replies()]
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not problems, [r.getMessage() for r in problems]


async def test_odd_updates_are_ignored_and_the_bot_keeps_answering(
    tg: TelegramStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    spy = spy_on(core)
    private_chat = {"id": USER, "type": "private", "first_name": "Ada"}
    someone = {"id": USER, "is_bot": False, "first_name": "Ada"}
    entity = [{"type": "bot_command", "offset": 0, "length": 6}]
    async with running(tg, core) as app:
        tg.push_update(
            {"message": {"message_id": 90, "chat": private_chat, "date": 0, "text": "/start"}}
        )
        tg.push_update(  # a photo without a caption: no text at all
            {
                "message": {
                    "message_id": 91,
                    "from": someone,
                    "chat": private_chat,
                    "date": 0,
                    "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
                }
            }
        )
        tg.push_update(  # posted in a group on behalf of a channel
            {
                "message": {
                    "message_id": 92,
                    "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
                    "sender_chat": {"id": -100777, "type": "channel", "title": "C"},
                    "chat": {"id": GROUP, "type": "supergroup", "title": "Knot Club"},
                    "date": 0,
                    "text": "/start",
                    "entities": entity,
                }
            }
        )
        tg.push_update(  # a button from inline mode: no message, no chat
            {
                "callback_query": {
                    "id": "inline1",
                    "from": someone,
                    "chat_instance": "1",
                    "inline_message_id": "abc",
                    "data": "help",
                }
            }
        )
        # Kinds polling never asks for, fed straight to the Application.
        bot = app.application.bot
        edited = {"message_id": 93, "from": someone, "chat": private_chat, "date": 0}
        channel_post = {
            "message_id": 94,
            "date": 0,
            "chat": {"id": -100777, "type": "channel", "title": "C"},
        }
        for raw in (
            {"update_id": 9001, "edited_message": {**edited, "edit_date": 1, "text": "/start"}},
            {"update_id": 9002, "channel_post": {**channel_post, "text": "/start"}},
        ):
            for message in raw.values():
                if isinstance(message, dict):
                    message["entities"] = entity
            await app.application.process_update(Update.de_json(raw, bot))
        await ask(tg, "/areas")
    assert spy.events == [command("areas")]  # none of the odd ones reached the core
    assert len(tg.calls_to("sendMessage")) == 1
    assert not caplog.records, [r.getMessage() for r in caplog.records]
