"""The Telegram app's life: the menus at start, no update before the core started, chats that
do not wait for each other, nothing dropped at shutdown, start-up while Telegram is out of
reach, a rejected token, webhook mode, and the bot being blocked and unblocked.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable

import pytest

from adapters.errors import TokenRejected
from adapters.telegram.app import ALLOWED_UPDATES, TelegramApp, WebhookConfig
from adapters.telegram.app import run as run_telegram
from adapters.telegram.ordering import ChatOrderedUpdates
from bot.core import Knotbot
from bot.i18n import LANGUAGES, translator
from bot.messages import Incoming, Reply, text
from bot.outbox import RecipientGone, Replier
from tests.conftest import make_settings
from tests.helpers import eventually
from tests.platforms.spy import spy_on, started_first
from tests.platforms.telegram_user import GROUP, USER, as_sent, ask, command, private, running
from tests.standins.telegram_api import ApiCall, TelegramStandIn


def in_chat(chat_id: int) -> Callable[[ApiCall], bool]:
    return lambda call: int(call.params.get("chat_id", 0)) == chat_id


def held_in_groups(core: Knotbot) -> asyncio.Event:
    """Events in groups wait (as if the database were slow for them) until the event is set."""
    release = asyncio.Event()
    handle = core.handle

    async def slow_in_groups(event: Incoming, replier: Replier) -> object:
        if event.chat.is_community:
            await release.wait()
        return await handle(event, replier)

    core.handle = slow_in_groups  # type: ignore[method-assign]
    return release


def processor(app: TelegramApp) -> ChatOrderedUpdates:
    updates = app.application.update_processor
    assert isinstance(updates, ChatOrderedUpdates)
    return updates


async def test_command_menus_come_from_the_cores_command_table(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core):
        pass
    calls = tg.calls_to("setMyCommands")
    # One per scope (menus tests) and language: English for everyone, then de and es.
    assert len(calls) == 4 * len(LANGUAGES) and not any(c.failed for c in calls)
    for call in calls:
        t = translator(call.params.get("language_code") or "en")
        lines = {
            c.name: {c.menu_line(t=t), c.menu_line(moderator=True, t=t)} for c in core.commands
        }
        for entry in call.params["commands"]:
            assert entry["description"] in lines[entry["command"]]
    polls = tg.calls_to("getUpdates")
    assert polls and polls[0].params["allowed_updates"] == ALLOWED_UPDATES


async def test_no_update_is_handled_before_the_core_has_started(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    handled_after_start = started_first(core)
    tg.push_text(USER, USER, "/help")  # waiting before the bot even connects
    async with running(tg, core):
        await tg.wait_for("sendMessage")
    assert handled_after_start == [True]


async def test_a_busy_group_does_not_keep_other_chats_waiting(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    release = held_in_groups(core)
    asked_in_group = ["/knot jaw", "/knot neck", "/areas", "/safety"]
    async with running(tg, core, max_concurrent_updates=2) as app:
        try:
            for said in asked_in_group:
                tg.push_text(GROUP, USER, said, chat_type="supergroup", title="Knot Club")
            await eventually(lambda: processor(app).queued(GROUP) == len(asked_in_group) - 1)
            # One update of the group is being handled; the others wait without a slot.
            assert app.application.update_processor.current_concurrent_updates == 1
            before = time.monotonic()
            answer = await ask(tg, "/knot jaw")  # another chat, while the group is stuck
            waited = time.monotonic() - before
        finally:
            release.set()  # before the app stops: it waits for the group's updates
        await tg.wait_for("sendMessage", in_chat(GROUP), count=len(asked_in_group))
    assert answer.chat_id == USER and waited < 1.0, waited
    answers = [c for c in tg.calls_to("sendMessage") if in_chat(GROUP)(c)]
    quoted = [tg.messages[(GROUP, c.params["reply_parameters"]["message_id"])] for c in answers]
    assert [q.text for q in quoted] == asked_in_group  # in the order they were asked


async def test_updates_waiting_behind_a_busy_chat_are_answered_before_shutdown(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    release = held_in_groups(core)
    app = TelegramApp(core, token=tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url)
    await app.start()
    try:
        for said in ("/knot jaw", "/areas", "/safety"):
            tg.push_text(GROUP, USER, said, chat_type="supergroup", title="Knot Club")
        await eventually(lambda: processor(app).queued(GROUP) == 2)
        stopping = asyncio.create_task(app.stop())
        await asyncio.sleep(0.3)
        assert not stopping.done()  # it waits for the group's updates
    finally:
        release.set()
    await asyncio.wait_for(stopping, 10)
    assert len([c for c in tg.calls_to("sendMessage") if in_chat(GROUP)(c)]) == 3


async def test_startup_waits_for_telegram_while_it_is_unreachable(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens here once the probe is closed
    settings = make_settings(
        telegram_token=tg.token,
        telegram_base_url=f"http://127.0.0.1:{closed}/bot",
        telegram_base_file_url=f"http://127.0.0.1:{closed}/file/bot",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(core, settings, stop))
    await asyncio.sleep(0.3)
    assert not task.done()  # still trying, not crashed
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_blocking_and_unblocking_the_bot_reach_the_core(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    changes: list[tuple[str, str, str]] = []
    gone, back = core.recipient_gone, core.recipient_back

    async def recipient_gone(platform: str, chat_id: str) -> None:
        changes.append(("gone", platform, chat_id))
        await gone(platform, chat_id)

    async def recipient_back(platform: str, chat_id: str) -> None:
        changes.append(("back", platform, chat_id))
        await back(platform, chat_id)

    core.recipient_gone, core.recipient_back = recipient_gone, recipient_back  # type: ignore[method-assign]
    async with running(tg, core) as app:
        tg.push_my_chat_member(USER, USER, "kicked")
        await eventually(lambda: len(changes) == 1)
        with pytest.raises(RecipientGone):
            await app.outbox.send(private(), Reply((text("Shoulders down?"),)))
        tg.push_my_chat_member(USER, USER, "member")
        await eventually(lambda: len(changes) == 2)
    assert changes == [("gone", "telegram", str(USER)), ("back", "telegram", str(USER))]


async def test_a_rejected_token_is_reported_without_the_token(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    app = TelegramApp(
        core, token="999:WRONG-SECRET", base_url=tg.base_url, base_file_url=tg.base_file_url
    )
    with pytest.raises(TokenRejected) as caught:
        await app.start()
    assert "WRONG-SECRET" not in str(caught.value)
    assert caught.value.__suppress_context__


async def test_webhook_mode_takes_updates_posted_with_the_secret(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    pytest.importorskip("tornado", reason="webhook mode needs python-telegram-bot[webhooks]")
    import aiohttp

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook = WebhookConfig("https://knotbot.example/tg/hook", "127.0.0.1", port, "s3cret-token")
    update = {
        "update_id": 500,
        "message": {
            "message_id": 1,
            "from": {"id": USER, "is_bot": False, "first_name": "Ada", "language_code": "en"},
            "chat": {"id": USER, "type": "private", "first_name": "Ada"},
            "date": 0,
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    spy = spy_on(core)
    async with running(tg, core, webhook=hook), aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/tg/hook"
        header = "X-Telegram-Bot-Api-Secret-Token"
        async with http.post(url, json=update, headers={header: "wrong"}) as refused:
            assert refused.status == 403
        async with http.post(url, json=update, headers={header: "s3cret-token"}) as taken:
            assert taken.status == 200
        answer = await tg.wait_for("sendMessage")
    (registered,) = tg.calls_to("setWebhook")
    assert registered.params["url"] == "https://knotbot.example/tg/hook"
    assert registered.params["secret_token"] == "s3cret-token"
    assert spy.events == [command("help")]
    assert [answer.params["text"]] == as_sent(spy.replies()[0])
    assert not tg.calls_to("getUpdates")


async def test_no_secret_reaches_the_log_even_at_debug(tg: TelegramStandIn, core: Knotbot) -> None:
    """Issue "Trust boundaries" 8: at DEBUG the webhook secret was in the log, and a secret
    made up for a run (none configured) must not be either."""
    pytest.importorskip("tornado", reason="webhook mode needs python-telegram-bot[webhooks]")
    import io
    import logging

    from bot.logs import configure_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    settings = make_settings(
        telegram_token=tg.token,
        telegram_webhook_secret="configured-webhook-secret",
        database_url="postgresql+asyncpg://bot:db-pa55word@127.0.0.1/none",
    )
    log = io.StringIO()
    configure_logging("DEBUG", settings.secrets, stream=log)
    try:
        made_up = None
        for secret in ("configured-webhook-secret", None):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            hook = WebhookConfig("https://knotbot.example/tg/hook", "127.0.0.1", port, secret)
            async with running(tg, core, webhook=hook):
                pass
        made_up = tg.calls_to("setWebhook")[-1].params["secret_token"]
        logging.getLogger("sqlalchemy").debug("connecting to %s", settings.database_url)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    written = log.getvalue()
    assert "setWebhook" in written  # the library did log its calls, with their parameters
    for secret in ("configured-webhook-secret", made_up, tg.token, "db-pa55word"):
        assert secret and secret not in written
