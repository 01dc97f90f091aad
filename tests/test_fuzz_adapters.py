"""Malformed updates and interactions through each adapter, end to end on the stand-ins.

Telegram: updates Telegram would not send in that shape (or only to other kinds of bots) go
through the real python-telegram-bot Application, over the wire where polling would receive
them, straight into the Application where polling never asks for them. Discord: interactions
with missing or mistyped fields go through the real discord.py client over the gateway
stand-in. Afterwards each adapter is still up and answers an ordinary `/knot jaw`.

What counts as a crash: any log record at ERROR or above, from any logger (the adapters', the
core's "failed to handle", python-telegram-bot's and discord.py's "Ignoring exception ..."
and asyncio's "Task exception was never retrieved"). WARNINGs are the adapters' documented
way of saying "odd, ignored" and do not count. The stand-ins must not have crashed either.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import Update

from adapters.discord.app import DiscordApp as DiscordAdapter
from adapters.telegram.app import TelegramApp as TelegramAdapter
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.storage import Database
from tests import platforms
from tests.conftest import make_settings
from tests.helpers import eventually
from tests.platforms import checked_telegram, discord_settings, telegram_adapter
from tests.standins.discord_api import (
    ChannelSpec,
    DiscordStandIn,
    InjectedInteraction,
    MemberSpec,
    StoredMessage,
    discord_endpoints,
)
from tests.standins.telegram_api import StoredMessage as TelegramMessage
from tests.standins.telegram_api import TelegramStandIn

# -- shared -------------------------------------------------------------------------------------


# Exceptions the adapters log today for payloads the platforms never send in that shape:
# (exception type, the innermost function of adapters/ it was raised in). Each one has a
# strict-xfail test below; when it is fixed, delete its entry and its xfail mark.
KNOWN_CRASHES: set[tuple[str, str]] = set()


def signature(record: logging.LogRecord) -> tuple[str, str]:
    """(exception type, innermost knotbot function) of a logged exception, causes unwrapped."""
    exc = record.exc_info[1] if record.exc_info else None
    while exc is not None and exc.__cause__ is not None:
        exc = exc.__cause__
    if exc is None:
        return ("", "")
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if re.search(r"[/\\](adapters|bot)[/\\]", f.filename)]
    return (type(exc).__name__, ours[-1].name if ours else "")


def crashes(caplog: pytest.LogCaptureFixture, *, known_ok: bool = True) -> list[str]:
    """Records at ERROR or above, as readable lines (known ones left out if `known_ok`)."""
    return [
        f"{r.name}: {r.getMessage()} {signature(r)}"
        for r in caplog.records
        if r.levelno >= logging.ERROR and not (known_ok and signature(r) in KNOWN_CRASHES)
    ]


# -- Telegram -----------------------------------------------------------------------------------

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


@pytest.fixture
async def tg() -> AsyncIterator[TelegramStandIn]:
    async with checked_telegram() as standin:
        yield standin


@pytest.fixture
async def core(content: ContentLibrary, db: Database) -> AsyncIterator[Knotbot]:
    knotbot = Knotbot(settings=make_settings(), content=content, db=db)
    yield knotbot
    await knotbot.shutdown()


def telegram_running(tg: TelegramStandIn, core: Knotbot):  # type: ignore[no-untyped-def]
    return telegram_adapter(tg, core)


async def ask(tg: TelegramStandIn, said: str, **where: Any) -> TelegramMessage:
    before = len(tg.calls_to("sendMessage"))
    tg.push_text(where.pop("chat", USER), USER, said, title="Knot Club", **where)
    call = await tg.wait_for("sendMessage", count=before + 1)
    assert not call.failed, call.description
    return tg.messages[(int(call.params["chat_id"]), call.result["message_id"])]


async def all_handled(adapter: TelegramAdapter) -> None:
    """Nothing fetched is waiting or still being handled."""
    app = adapter.application
    await eventually(
        lambda: app.update_queue.empty() and app.update_processor.current_concurrent_updates == 0
    )


async def fetched_and_handled(tg: TelegramStandIn, adapter: TelegramAdapter) -> None:
    """Every update pushed so far was fetched by polling and fully handled."""
    await eventually(lambda: not tg.pending_updates)  # confirmed by the next getUpdates offset
    await all_handled(adapter)
    await asyncio.sleep(0.05)  # an update taken from the queue but not yet started
    await all_handled(adapter)


async def test_malformed_telegram_updates_are_ignored_and_the_bot_keeps_answering(
    tg: TelegramStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with telegram_running(tg, core) as adapter:
        first = await ask(tg, "/start")
        for raw in TELEGRAM_ON_THE_WIRE.values():
            tg.push_update(copy.deepcopy(raw))
        long_id = f"cbq{tg.push_callback(USER, USER, first.message_id, 'x' * 200)}"
        odd_id = f"cbq{tg.push_callback(USER, USER, first.message_id, ':' * 64)}"
        bot = adapter.application.bot
        for number, raw in enumerate(TELEGRAM_NEVER_POLLED.values(), 9001):
            update = Update.de_json({"update_id": number, **copy.deepcopy(raw)}, bot)
            await adapter.application.process_update(update)
        await fetched_and_handled(tg, adapter)

        jaw = await ask(tg, "/knot jaw")
        in_group = await ask(tg, "/knot@knotbot_test_bot jaw", chat=GROUP, chat_type="supergroup")
        updater = adapter.application.updater
        connected = adapter.application.running and updater is not None and updater.running

    assert connected
    assert jaw.text.startswith("Jaw\n") and in_group.text.startswith("Jaw\n")
    # Every press on a message the bot can read got its spinner stopped; long and odd ids a toast.
    asked = {
        c.params.get("callback_query_id"): c.params for c in tg.calls_to("answerCallbackQuery")
    }
    assert {"q1", "q2", "q3", "q4", "q5", long_id, odd_id} <= set(asked), asked
    assert "older version" in str(asked[long_id].get("text"))
    assert "older version" in str(asked[odd_id].get("text"))
    assert not crashes(caplog), crashes(caplog)


async def test_each_malformed_telegram_update_gets_the_answer_it_deserves(
    tg: TelegramStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture
) -> None:
    """Ignored means no message at all; free text in a private chat is answered as such."""
    caplog.set_level(logging.WARNING)
    async with telegram_running(tg, core) as adapter:
        seen: dict[str, int] = {}
        for name, raw in TELEGRAM_ON_THE_WIRE.items():
            if "callback_query" in raw or "my_chat_member" in raw:
                continue
            before = len(tg.calls_to("sendMessage"))
            tg.push_update(copy.deepcopy(raw))
            await ask(tg, "/safety")  # the private chat runs in order: the update came first
            await all_handled(adapter)
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
    async with telegram_running(tg, core) as adapter:
        tg.push_update(copy.deepcopy(TELEGRAM_ON_THE_WIRE[name]))
        await fetched_and_handled(tg, adapter)
    assert not crashes(caplog, known_ok=False), crashes(caplog, known_ok=False)


# -- Discord ------------------------------------------------------------------------------------

GUILD_ID = 910_000_000_000_000_001
CHANNEL_ID = 910_000_000_000_000_002
USER_ID = 910_000_000_000_000_005


@pytest.fixture
async def discord_api() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn() as api:
        api.add_guild(
            GUILD_ID,
            "Knot Lab",
            channels=[ChannelSpec(CHANNEL_ID, "general")],
            members=[MemberSpec(USER_ID, "tense")],
        )
        with discord_endpoints():  # the adapter points discord.py at the stand-in; undone here
            yield api


@pytest.fixture
async def discord_adapter(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> AsyncIterator[DiscordAdapter]:
    bot = Knotbot(settings=discord_settings(discord_api), content=content, db=db)
    async with platforms.discord_adapter(bot) as adapter:
        yield adapter


@contextmanager
def mangled(api: DiscordStandIn, mangle: Callable[[dict[str, Any]], None]) -> Iterator[None]:
    """The next interactions go out over the gateway changed by `mangle` (the stand-in still
    knows their id and token, so whatever the bot answers is recorded)."""
    original = api.dispatch

    async def dispatch(event: str, data: Any) -> int:
        if event == "INTERACTION_CREATE":
            data = copy.deepcopy(dict(data))
            mangle(data)
        return await original(event, data)

    api.dispatch = dispatch  # type: ignore[method-assign]
    try:
        yield
    finally:
        api.dispatch = original  # type: ignore[method-assign]


def shown(message: StoredMessage) -> str:
    parts = [message.content, *(e.get("description", "") for e in message.embeds)]
    return "\n".join(p for p in parts if p)


def callbacks_to(api: DiscordStandIn, interaction: InjectedInteraction) -> list[Any]:
    return api.calls_matching("POST", rf"/interactions/{interaction.id}/[^/]+/callback")


async def knot_jaw_answered(api: DiscordStandIn, *, guild: bool) -> str:
    where = {"guild_id": GUILD_ID, "channel_id": CHANNEL_ID} if guild else {}
    inj = await api.inject_slash_command("knot", {"area": "jaw"}, user_id=USER_ID, **where)
    callback = await api.wait_for_callback(inj)
    assert callback.status == 200, callback.response
    message = api.original_response(inj)
    assert message is not None
    return shown(message)


Mangle = Callable[[dict[str, Any]], None]


def at(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def drop(*path: str | int) -> Mangle:
    return lambda data: at(data, path[:-1]).pop(path[-1], None)


def put(value: Any, *path: str | int) -> Mangle:
    return lambda data: at(data, path[:-1]).__setitem__(path[-1], value)


def both(*mangles: Mangle) -> Mangle:
    def mangle(data: dict[str, Any]) -> None:
        for each in mangles:
            each(data)

    return mangle


def unchanged(data: dict[str, Any]) -> None:
    """Sent as the stand-in builds it."""


def option(name: str, kind: int, value: Any) -> Mangle:
    return put([{"name": name, "type": kind, "value": value}], "data", "options")


def typed(name: str, kind: int, value: Any, *path: str | int) -> Mangle:
    """Give the option `name` (among the options at `path`) another type and value."""

    def mangle(data: dict[str, Any]) -> None:
        for each in at(data, path):
            if each["name"] == name:
                each.update(type=kind, value=value)

    return mangle


GUILD = {"guild_id": GUILD_ID, "channel_id": CHANNEL_ID}
A_TIP = {"tip": "a tennis ball against the wall, gently", "area": "jaw"}


@dataclass(frozen=True)
class Case:
    what: str
    how: str  # button, select, modal, autocomplete, or a slash command's name
    mangle: Mangle = unchanged
    where: dict[str, Any] = field(default_factory=lambda: GUILD)
    answered: bool = True  # the bot must answer it (Discord: "This interaction failed" if not)
    bug: str = ""  # a known bug (strict xfail)

    def __str__(self) -> str:
        return self.what


DISCORD_CASES = [
    Case("button with an empty custom_id", "button", put("", "data", "custom_id")),
    Case("button with a 200-char custom_id", "button", put("x" * 200, "data", "custom_id")),
    Case("button with a numeric custom_id", "button", put(12, "data", "custom_id")),
    Case("button with a custom_id of only colons", "button", put(":" * 100, "data", "custom_id")),
    Case("button without member or user", "button", both(drop("member"), drop("user"))),
    Case("button in a DM without user", "button", drop("user"), where={}),
    Case("button without the message", "button", drop("message")),
    Case("select menu with values", "select"),
    Case("unknown interaction type", "button", put(99, "type"), answered=False),
    Case("unknown component type", "button", put(99, "data", "component_type")),
    Case("modal submit", "modal", answered=False),  # knotbot shows no modals
    Case("slash command for an unknown name", "knot", put("frobnicate", "data", "name")),
    Case("slash command for an unknown name with odd options", "knot",
         both(put("zz", "data", "name"), option("x", 4, 7))),
    Case("/knot area as null", "knot", option("area", 3, None)),
    Case("/knot area of 6000 characters", "knot", option("area", 3, "jaw " * 1500)),
    Case("/knot with an unknown option", "knot", option("colour", 3, "red")),
    Case("/areas with a subcommand option", "areas", option("share", 1, None)),
    Case("slash command without member or user", "knot", both(drop("member"), drop("user"))),
    Case("slash command in a DM without user", "knot", drop("user"), where={}),
    Case("slash command in an unknown channel", "knot", put("1", "channel_id")),
    Case("autocomplete of 1000 characters", "autocomplete",
         put("up" * 500, "data", "options", 0, "value")),
    # known bugs
    Case("button without custom_id", "button", drop("data", "custom_id"), answered=False,
         bug="discord.py raises KeyError('custom_id') in ConnectionState.parse_interaction_create "
             "and the client's connection ends (nothing logged)"),
    Case("/knot area as an integer", "knot", option("area", 4, 5),
),
    Case("/knot area as a list", "knot", option("area", 3, ["jaw"]),
),
    Case("/tip share area as an integer", "tip", typed("area", 4, 5, "data", "options", 0, "options"),
),
    Case("autocomplete with an integer value", "autocomplete", typed("area", 4, 5, "data", "options"),
),
    Case("autocomplete for an unknown option", "autocomplete",
         put("colour", "data", "options", 0, "name"),
         bug="discord.py logs CommandSignatureMismatch from autocomplete itself; _KnotTree.on_error "
             "never sees it, so nobody answers"),
    Case("autocomplete without focused option", "autocomplete",
         drop("data", "options", 0, "focused"),
         bug="discord.py raises AppCommandError('no focused element'), logged by the tree"),
    Case("/knot with options not a list", "knot", put({"area": "jaw"}, "data", "options"),
         bug="discord.py CommandTree._get_app_command_options: AttributeError in a task"),
    Case("slash command without data", "knot", put({}, "data"),
         bug="discord.py CommandTree._get_app_command_options: KeyError('name') in a task"),
]  # fmt: skip


async def send(api: DiscordStandIn, case: Case) -> InjectedInteraction:
    where, who = case.where, {"user_id": USER_ID}
    with mangled(api, case.mangle):
        if case.how == "button":
            return await api.inject_button("a:jaw", 880_000_000_000_000_001, **who, **where)
        if case.how == "select":
            return await api.inject_select(
                "a:jaw", ["neck"], 880_000_000_000_000_002, **who, **where
            )
        if case.how == "autocomplete":
            return await api.inject_autocomplete("knot", "area", "up", **who, **where)
        if case.how == "modal":
            return await api.inject_modal_submit("m:1", {"t": "jaw"}, **who, **where)
        if case.how == "tip":
            return await api.inject_slash_command("tip", A_TIP, subcommand="share", **who, **where)
        options = {"area": "jaw"} if case.how == "knot" else {}
        return await api.inject_slash_command(case.how, options, **who, **where)


async def survives(
    api: DiscordStandIn, adapter: DiscordAdapter, caplog: pytest.LogCaptureFixture, case: Case
) -> None:
    """Send the case; the bot stays connected, logs no crash, answers it in Discord's 3 s if it
    must (never if it must not), and still answers /knot jaw in a server and in a DM."""
    before = len(caplog.records)
    odd = await send(api, case)
    await asyncio.sleep(0.2)  # let it be handled (an answer, if any, takes far less)
    connection = adapter.connection
    assert connection is not None and not connection.done(), f"{case}: the connection ended"
    logged = [r for r in caplog.records[before:] if r.levelno >= logging.ERROR]
    assert not logged, f"{case}: {[f'{r.name}: {r.getMessage()} {signature(r)}' for r in logged]}"
    if case.answered:
        callback = await api.wait_for_callback(odd, timeout=3.0)
        assert callback.status in (200, 204), f"{case}: {callback.response}"
    else:
        assert not callbacks_to(api, odd), f"{case}: answered {callbacks_to(api, odd)}"
    assert "**Jaw**" in await knot_jaw_answered(api, guild=True), case
    assert "**Jaw**" in await knot_jaw_answered(api, guild=False), case


async def test_malformed_discord_interactions_never_break_the_bot(
    discord_api: DiscordStandIn, discord_adapter: DiscordAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    """All of them, one after the other, on one connection."""
    caplog.set_level(logging.WARNING)
    for case in DISCORD_CASES:
        if not case.bug:
            await survives(discord_api, discord_adapter, caplog, case)
    assert not crashes(caplog), crashes(caplog)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=f"known bug: {case.bug}"))
        for case in DISCORD_CASES
        if case.bug
    ],
    ids=str,
)
async def test_known_bug_with_a_malformed_discord_interaction(
    discord_api: DiscordStandIn,
    discord_adapter: DiscordAdapter,
    caplog: pytest.LogCaptureFixture,
    case: Case,
) -> None:
    caplog.set_level(logging.WARNING)
    await survives(discord_api, discord_adapter, caplog, case)
