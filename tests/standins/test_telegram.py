"""Tests of the Telegram stand-in, driven by a plain, real python-telegram-bot Application.

They prove the stand-in speaks PTB's actual wire format, so knotbot's own tests can rely on it.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
)

from tests.standins.telegram_api import NOT_MODIFIED, TelegramStandIn, parse_html

USER = 42
GROUP = -1001234567890


@pytest.fixture
async def tg() -> AsyncIterator[TelegramStandIn]:
    async with TelegramStandIn() as standin:
        yield standin


def build_app(tg: TelegramStandIn, token: str | None = None) -> Application:
    return (
        ApplicationBuilder()
        .token(token or tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )


@pytest.fixture
def app(tg: TelegramStandIn) -> Application:
    return build_app(tg)


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """Start polling like production does, and always stop again."""
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_app_starts_and_polls(tg: TelegramStandIn, app: Application) -> None:
    async with running(app):
        await tg.wait_for("getUpdates")
    methods = [c.method for c in tg.calls]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert app.bot.username == "knotbot_test_bot"


async def test_commands_reach_handler_with_args(tg: TelegramStandIn, app: Application) -> None:
    seen: asyncio.Queue[tuple[str, str, list[str]]] = asyncio.Queue()

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_chat
        command = update.effective_message.text.split()[0]
        await seen.put((command, update.effective_chat.type, list(context.args or [])))

    app.add_handler(CommandHandler(["start", "knot"], record))
    async with running(app):
        tg.push_text(USER, USER, "/start")
        # A command addressed to another bot is not ours; PTB must skip it.
        tg.push_text(GROUP, USER, "/knot@other_bot neck", chat_type="supergroup")
        tg.push_text(GROUP, USER, "/knot@knotbot_test_bot jaw", chat_type="supergroup")
        first = await asyncio.wait_for(seen.get(), 2)
        second = await asyncio.wait_for(seen.get(), 2)
    assert first == ("/start", "private", [])
    assert second == ("/knot@knotbot_test_bot", "supergroup", ["jaw"])
    assert seen.empty()


async def test_reply_with_keyboard_is_recorded(tg: TelegramStandIn, app: Application) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="hold:done")]])

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message
        await update.effective_message.reply_text("Let's relax", reply_markup=keyboard)

    app.add_handler(CommandHandler("start", start))
    async with running(app):
        tg.push_text(USER, USER, "/start")
        call = await tg.wait_for("sendMessage")
    expected = {"inline_keyboard": [[{"text": "Done", "callback_data": "hold:done"}]]}
    assert call.params["chat_id"] == USER
    assert call.params["text"] == "Let's relax"
    assert call.params["reply_markup"] == expected
    stored = tg.messages[(USER, call.result["message_id"])]
    assert stored.reply_markup == expected
    # The user's /start was message 1 in that chat, the reply is message 2.
    assert stored.message_id == 2


async def test_callback_query_answers_and_edits(tg: TelegramStandIn, app: Application) -> None:
    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query and query.message
        await query.answer("Nice")
        await query.edit_message_text(f"Done ({query.data}; was: {query.message.text})")

    app.add_handler(CallbackQueryHandler(pressed))
    async with running(app):
        sent = await app.bot.send_message(
            USER,
            "Hold for 10 s",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="d")]]),
        )
        tg.push_callback(USER, USER, sent.message_id, "d")
        answer = await tg.wait_for("answerCallbackQuery")
        edit = await tg.wait_for("editMessageText")
    assert answer.params["text"] == "Nice" and not answer.failed
    assert not edit.failed
    stored = tg.messages[(USER, sent.message_id)]
    assert stored.text == "Done (d; was: Hold for 10 s)"
    assert stored.history == ["Hold for 10 s"]
    assert stored.reply_markup is None  # an edit without reply_markup drops the keyboard


async def test_identical_edit_is_not_modified(tg: TelegramStandIn, app: Application) -> None:
    async with app:
        sent = await app.bot.send_message(USER, "<b>Breathe</b>", parse_mode=ParseMode.HTML)
        # Same visible text and entities, spelled differently: still "not modified".
        with pytest.raises(BadRequest, match="Message is not modified") as caught:
            await app.bot.edit_message_text(
                "<strong>Breathe</strong>", USER, sent.message_id, parse_mode=ParseMode.HTML
            )
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await app.bot.edit_message_text("x", USER, 999)
    assert caught.value.message.lower() == NOT_MODIFIED.removeprefix("Bad Request: ").lower()
    assert tg.calls_to("editMessageText")[0].failed


async def test_retry_after_is_raised(
    tg: TelegramStandIn, app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # opt in to PTB's future type, no warning
    tg.fail_next("sendMessage", error_code=429, retry_after=1)
    async with app:
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(USER, "hi")
        await app.bot.send_message(USER, "hi")  # only the next call was failed
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    first, second = tg.calls_to("sendMessage")
    assert (first.failed, first.error_code, second.failed) == (True, 429, False)
    assert first.description == "Too Many Requests: retry after 1"
    assert len(tg.sent_messages(USER)) == 1


async def test_forbidden_injected_and_after_block(tg: TelegramStandIn, app: Application) -> None:
    statuses: asyncio.Queue[str] = asyncio.Queue()

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member
        await statuses.put(update.my_chat_member.new_chat_member.status)

    app.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    tg.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )
    async with running(app):
        with pytest.raises(Forbidden, match="blocked"):
            await app.bot.send_message(USER, "hi")
        tg.push_my_chat_member(USER, USER, "kicked")
        assert await asyncio.wait_for(statuses.get(), 2) == "kicked"
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(USER, "still there?")
        tg.push_my_chat_member(USER, USER, "member")
        assert await asyncio.wait_for(statuses.get(), 2) == "member"
        await app.bot.send_message(USER, "welcome back")


async def test_unescaped_html_is_rejected_escaped_passes(
    tg: TelegramStandIn, app: Application
) -> None:
    hostile = "<script>alert('x')</script> & 1 > 0"
    async with app:
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await app.bot.send_message(USER, f"Hi {hostile}", parse_mode=ParseMode.HTML)
        sent = await app.bot.send_message(
            USER, f"Hi <b>{html.escape(hostile)}</b>", parse_mode=ParseMode.HTML
        )
    assert sent.text == f"Hi {hostile}"
    stored = tg.messages[(USER, sent.message_id)]
    assert stored.text == f"Hi {hostile}"
    assert stored.entities == [{"type": "bold", "offset": 3, "length": len(hostile)}]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("Tom & Jerry", 'Unescaped "&"'),
        ("1 > 0", 'Unescaped ">"'),
        ("é<br>", 'Unsupported start tag "br" at byte offset 2'),
    ],
)
def test_html_errors(text: str, error: str) -> None:
    with pytest.raises(Exception, match="can't parse entities") as caught:
        parse_html(text)
    assert error in str(caught.value)


def test_html_allowed_tags() -> None:
    text, entities = parse_html(
        '<b>b</b><i>i</i><u>u</u><s>s</s><tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q'
        '</span><a href="https://e.x/?a=1&amp;b=2">l</a><code>c</code>'
        '<pre><code class="language-python">x</code></pre><blockquote expandable>z</blockquote>'
        "&lt;&gt;&amp;&quot;&#39;&#x1F600;"
    )
    assert text == "biuspqlcxz<>&\"'\U0001f600"
    types = [e["type"] for e in entities]
    assert types == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "expandable_blockquote",
    ]
    assert entities[6]["url"] == "https://e.x/?a=1&b=2"
    assert entities[8]["language"] == "python"
    # Lenient mode behaves like real Telegram: bare & and > are shown literally.
    assert parse_html("Tom & Jerry > Spike", strict=False)[0] == "Tom & Jerry > Spike"


async def test_message_length_counts_visible_text(tg: TelegramStandIn, app: Application) -> None:
    async with app:
        await app.bot.send_message(USER, f"<b>{'a' * 4096}</b>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match="Message is too long"):
            await app.bot.send_message(USER, "a" * 4097)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await app.bot.send_message(USER, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_uploads_record_filename_and_size(tg: TelegramStandIn, app: Application) -> None:
    async with app:
        doc = await app.bot.send_document(USER, b"x" * 1234, filename="plan.txt", caption="Plan")
        photo = await app.bot.send_photo(USER, b"\x89PNG" + b"0" * 96, filename="neck.png")
        downloaded = await (await app.bot.get_file(doc.document.file_id)).download_as_bytearray()
    upload = tg.calls_to("sendDocument")[0].files["document"]
    assert (upload.filename, upload.size) == ("plan.txt", 1234)
    assert doc.document.file_name == "plan.txt" and doc.caption == "Plan"
    assert tg.calls_to("sendPhoto")[0].params["photo"].size == 100
    assert photo.photo[0].file_size == 100
    assert bytes(downloaded) == b"x" * 1234


async def test_admins_and_commands(tg: TelegramStandIn, app: Application) -> None:
    tg.set_admins(GROUP, [7], creator_id=5)
    async with app:
        assert (await app.bot.get_chat_member(GROUP, 5)).status == "creator"
        assert (await app.bot.get_chat_member(GROUP, 7)).status == "administrator"
        assert (await app.bot.get_chat_member(GROUP, 9)).status == "member"
        admins = await app.bot.get_chat_administrators(GROUP)
        assert [m.user.id for m in admins] == [5, 7]

        await app.bot.set_my_commands([("knot", "Untie a muscle knot")])
        assert [c.command for c in await app.bot.get_my_commands()] == ["knot"]
        assert await app.bot.get_my_commands(language_code="de") == ()
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await app.bot.set_my_commands([("Bad-Name", "x")])
        await app.bot.delete_my_commands()
        assert await app.bot.get_my_commands() == ()
        await app.bot.send_chat_action(USER, "typing")


async def test_unknown_method_and_wrong_token(tg: TelegramStandIn, app: Application) -> None:
    async with app:
        with pytest.raises(EndPointNotFound):
            await app.bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    call = tg.calls_to("sendTelepathy")[0]
    assert call.failed and call.error_code == 404 and call.params == {"chat_id": USER}

    with pytest.raises(InvalidToken):
        async with build_app(tg, token="999:WRONG"):
            pass
    assert tg.calls[-1].error_code == 401


async def test_get_updates_long_polls_and_confirms(tg: TelegramStandIn, app: Application) -> None:
    async with app:
        loop = asyncio.get_running_loop()
        started = loop.time()
        polling = asyncio.create_task(app.bot.get_updates(timeout=3))
        await tg.wait_for("getUpdates")
        update_id = tg.push_text(USER, USER, "hello")
        updates = await polling
        assert loop.time() - started < 1  # answered when the update came, not at the timeout
        assert [u.update_id for u in updates] == [update_id]
        assert updates[0].message.text == "hello"
        # Not confirmed yet: delivered again; confirming with offset drops it.
        assert len(await app.bot.get_updates(timeout=0)) == 1
        assert await app.bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert tg.pending_updates == []


async def test_fail_next_filters_by_chat_and_counts(tg: TelegramStandIn, app: Application) -> None:
    tg.fail_next("sendMessage", error_code=400, times=2, chat_id=USER)
    async with app:
        await app.bot.send_message(GROUP, "other chat is unaffected")
        for _ in range(2):
            with pytest.raises(BadRequest, match="Chat not found"):
                await app.bot.send_message(USER, "x")
        await app.bot.send_message(USER, "third works")
    assert [c.failed for c in tg.calls_to("sendMessage")] == [False, True, True, False]


def test_push_helpers_reject_impossible_chats(tg: TelegramStandIn) -> None:
    with pytest.raises(ValueError, match="positive ids for private"):
        tg.push_text(GROUP, USER, "hi")  # forgot chat_type="supergroup"
    with pytest.raises(LookupError, match="no stored message 5"):
        tg.push_callback(USER, USER, 5, "d")


async def test_wait_for_timeout_lists_recent_calls(tg: TelegramStandIn, app: Application) -> None:
    async with app:
        with pytest.raises(AssertionError, match=r"sendMessage(.|\n)*getMe"):
            await tg.wait_for("sendMessage", timeout=0.05)
