"""Malformed Telegram updates through the real python-telegram-bot app, end to end on the
stand-in: updates Telegram would not send in that shape (or only to other kinds of bots) go
over the wire where polling would receive them, and straight into the Application where
polling never asks for them. Afterwards the bot is still up and answers an ordinary
`/knot jaw`; nothing crashed (see `crashes`), and the stand-in did not either.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

import pytest
from telegram import Update

from adapters.telegram.app import TelegramApp
from bot.core import Knotbot
from tests.helpers import eventually
from tests.platforms.crashes import crashes
from tests.platforms.spy import spy_on
from tests.platforms.telegram_user import as_sent, running
from tests.standins.telegram_api import StoredMessage, TelegramStandIn

USER = 42
GROUP = -1001234567890
PRIVATE = {"id": USER, "type": "private", "first_name": "Ada"}
SUPERGROUP = {"id": GROUP, "type": "supergroup", "title": "Knot Club"}
CHANNEL = {"id": -1007777, "type": "channel", "title": "Knot News"}
PERSON = {"id": USER, "is_bot": False, "first_name": "Ada", "language_code": "en"}


def command_entity(offset: int = 0, length: int = 5) -> list[dict[str, Any]]:
    return [{"type": "bot_command", "offset": offset, "length": length}]


def message(number: int, **fields: Any) -> dict[str, Any]:
    """A message update, `fields` overriding (None removes a field) a private /knot jaw."""
    raw: dict[str, Any] = {
        "message_id": number,
        "from": PERSON,
        "chat": PRIVATE,
        "date": 1_700_000_000,
        "text": "/knot jaw",
        "entities": command_entity(),
    }
    raw.update(fields)
    return {"message": {k: v for k, v in raw.items() if v is not None}}


# Shapes a polling bot can receive (allowed_updates: message, callback_query, my_chat_member).
TELEGRAM_ON_THE_WIRE: dict[str, dict[str, Any]] = {
    "message without from": message(901, **{"from": None}),
    "message without chat": message(902, chat=None),
    "message without text": message(903, text=None),
    "message with only a bot_command entity": message(904, text=None, caption="/knot jaw"),
    "entity far past the end of the text": message(905, entities=command_entity(0, 400)),
    "entity starting past the end": message(906, entities=command_entity(50, 5)),
    "entity of length 0": message(907, entities=command_entity(0, 0)),
    "entity of negative length": message(908, entities=command_entity(0, -3)),
    "entity that splits an emoji": message(
        909, text="/\U0001f486\U0001f486 jaw", entities=command_entity(0, 2)
    ),
    "bot_command in the middle, private": message(
        910, text="hello /knot jaw", entities=command_entity(6, 5)
    ),
    "bot_command in the middle, group": message(
        911, chat=SUPERGROUP, text="hello /knot@knotbot_test_bot jaw", entities=command_entity(6)
    ),
    "entities that are not commands": message(
        912, text="jaw", entities=[{"type": "bold", "offset": 0, "length": 3}]
    ),
    "a command in a channel-type chat": message(913, chat=CHANNEL),
    "text longer than Telegram allows": message(914, text="/knot " + "jaw " * 3000),
    "a command from a bot": message(915, **{"from": {**PERSON, "is_bot": True}}),
    "an unknown chat type": message(916, chat={"id": -55, "type": "forum-of-the-future"}),
    "callback_query without message": {
        "callback_query": {"id": "q1", "from": PERSON, "chat_instance": "1", "data": "a:jaw"}
    },
    "callback_query without data": {
        "callback_query": {
            "id": "q2",
            "from": PERSON,
            "chat_instance": "1",
            "message": message(920)["message"],
        }
    },
    "callback_query on an inaccessible message": {
        "callback_query": {
            "id": "q3",
            "from": PERSON,
            "chat_instance": "1",
            "message": {"message_id": 921, "chat": PRIVATE, "date": 0},
            "data": "a:jaw",
        }
    },
    "callback_query from a bot": {
        "callback_query": {
            "id": "q4",
            "from": {**PERSON, "is_bot": True},
            "chat_instance": "1",
            "message": message(922)["message"],
            "data": "a:jaw",
        }
    },
    "callback_query in a channel": {
        "callback_query": {
            "id": "q5",
            "from": PERSON,
            "chat_instance": "1",
            "message": message(923, chat=CHANNEL)["message"],
            "data": "a:jaw",
        }
    },
    "my_chat_member without members": {
        "my_chat_member": {"chat": PRIVATE, "from": PERSON, "date": 1_700_000_000}
    },
}
# Kinds polling never asks for, handed to the Application as if a webhook had posted them.
TELEGRAM_NEVER_POLLED: dict[str, dict[str, Any]] = {
    "an update with nothing in it": {},
    "an unknown update type": {"frobnicate": {"id": 1, "text": "/knot jaw"}},
    "inline_query": {
        "inline_query": {"id": "iq1", "from": PERSON, "query": "/knot jaw", "offset": ""}
    },
    "chosen_inline_result": {
        "chosen_inline_result": {"result_id": "r", "from": PERSON, "query": "jaw"}
    },
    "edited_message": {"edited_message": {**message(930)["message"], "edit_date": 1}},
    "channel_post": {"channel_post": {**message(931, chat=CHANNEL)["message"]}},
    "edited_channel_post": {
        "edited_channel_post": {**message(932, chat=CHANNEL)["message"], "edit_date": 1}
    },
    "message_reaction": {
        "message_reaction": {
            "chat": PRIVATE,
            "message_id": 1,
            "user": PERSON,
            "date": 1_700_000_000,
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "\U0001f44d"}],
        }
    },
    "poll": {
        "poll": {
            "id": "p",
            "question": "/knot jaw?",
            "options": [],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    },
    "pre_checkout_query": {
        "pre_checkout_query": {
            "id": "pc",
            "from": PERSON,
            "currency": "EUR",
            "total_amount": 1,
            "invoice_payload": "x",
        }
    },
}


async def ask(tg: TelegramStandIn, said: str, **where: Any) -> StoredMessage:
    before = len(tg.calls_to("sendMessage"))
    tg.push_text(where.pop("chat", USER), USER, said, title="Knot Club", **where)
    call = await tg.wait_for("sendMessage", count=before + 1)
    assert not call.failed, call.description
    return tg.messages[(int(call.params["chat_id"]), call.result["message_id"])]


async def all_handled(app: TelegramApp) -> None:
    """Nothing fetched is waiting or still being handled."""
    application = app.application
    await eventually(
        lambda: (
            application.update_queue.empty()
            and application.update_processor.current_concurrent_updates == 0
        )
    )


async def fetched_and_handled(tg: TelegramStandIn, app: TelegramApp) -> None:
    """Every update pushed so far was fetched by polling and fully handled."""
    await eventually(lambda: not tg.pending_updates)  # confirmed by the next getUpdates offset
    await all_handled(app)
    await asyncio.sleep(0.05)  # an update taken from the queue but not yet started
    await all_handled(app)


async def test_malformed_telegram_updates_are_ignored_and_the_bot_keeps_answering(
    tg: TelegramStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    spy = spy_on(core)
    async with running(tg, core) as app:
        first = await ask(tg, "/start")
        for raw in TELEGRAM_ON_THE_WIRE.values():
            tg.push_update(copy.deepcopy(raw))
        long_id = f"cbq{tg.push_callback(USER, USER, first.message_id, 'x' * 200)}"
        odd_id = f"cbq{tg.push_callback(USER, USER, first.message_id, ':' * 64)}"
        bot = app.application.bot
        for number, raw in enumerate(TELEGRAM_NEVER_POLLED.values(), 9001):
            update = Update.de_json({"update_id": number, **copy.deepcopy(raw)}, bot)
            await app.application.process_update(update)
        await fetched_and_handled(tg, app)

        jaw = await ask(tg, "/knot jaw")
        in_group = await ask(tg, "/knot@knotbot_test_bot jaw", chat=GROUP, chat_type="supergroup")
        updater = app.application.updater
        connected = app.application.running and updater is not None and updater.running

    assert connected
    assert [jaw.raw_text, in_group.raw_text] == [as_sent(r)[0] for r in spy.replies()[-2:]]
    # Every press on a message the bot can read got its spinner stopped; long and odd ids a toast.
    asked = {
        c.params.get("callback_query_id"): c.params for c in tg.calls_to("answerCallbackQuery")
    }
    assert {"q1", "q2", "q3", "q4", "q5", long_id, odd_id} <= set(asked), asked
    # Their toasts are the core's notices for buttons it cannot read.
    assert asked[long_id].get("text") in spy.notices()
    assert asked[odd_id].get("text") in spy.notices()
    assert not crashes(caplog), crashes(caplog)


async def test_each_malformed_telegram_update_gets_the_answer_it_deserves(
    tg: TelegramStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture
) -> None:
    """Ignored means no message at all; free text in a private chat is answered as such."""
    caplog.set_level(logging.WARNING)
    async with running(tg, core) as app:
        seen: dict[str, int] = {}
        for name, raw in TELEGRAM_ON_THE_WIRE.items():
            if "callback_query" in raw or "my_chat_member" in raw:
                continue
            before = len(tg.calls_to("sendMessage"))
            tg.push_update(copy.deepcopy(raw))
            await ask(tg, "/safety")  # the private chat runs in order: the update came first
            await all_handled(app)
            seen[name] = len(tg.calls_to("sendMessage")) - before - 1
    answered_with = {name for name, count in seen.items() if count}
    assert answered_with == {
        "entity far past the end of the text",  # "/knot jaw" is the command: I don't know it
        "entity starting past the end",  # not a command at offset 0: free text "jaw"
        "entity of length 0",  # no command word: free text
        "entity of negative length",
        "entity that splits an emoji",  # an unknown command
        "bot_command in the middle, private",  # free text naming the jaw
        "entities that are not commands",  # free text "jaw"
        "text longer than Telegram allows",  # cut to 4096 characters, then /knot
    }, seen
    assert all(count == 1 for count in seen.values() if count), seen
    assert not crashes(caplog), crashes(caplog)


@pytest.mark.parametrize(
    "name",
    [
        "message without chat",
        "my_chat_member without members",
    ],
)
async def test_updates_missing_required_fields_are_ignored_quietly(
    tg: TelegramStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.WARNING)
    async with running(tg, core) as app:
        tg.push_update(copy.deepcopy(TELEGRAM_ON_THE_WIRE[name]))
        await fetched_and_handled(tg, app)
    assert not crashes(caplog, known_ok=False), crashes(caplog, known_ok=False)
