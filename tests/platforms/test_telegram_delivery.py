"""How a reply looks and fails on Telegram: blocks as HTML Telegram shows as meant, replies
split over its length limit with the buttons last, files with captions, pressed messages
replaced in place, and Telegram's refusals read as the core's delivery errors.
"""

from __future__ import annotations

import pytest

from adapters.telegram.app import LIMITS
from adapters.telegram.replier import TelegramReplier
from bot.actions import ShowArea, decode
from bot.core import Knotbot
from bot.messages import (
    Attachment,
    Button,
    ButtonStyle,
    MessageRef,
    Reply,
    ReplyBuilder,
    bullets,
    caution,
    heading,
    note,
    progress,
    quote,
    steps,
    text,
)
from bot.outbox import MessageGone, RateLimited, RecipientGone
from tests.platforms.spy import spy_on
from tests.platforms.telegram_user import USER, as_sent, ask, buttons, private, running
from tests.standins.telegram_api import TelegramStandIn

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
HELLO = Reply((text("Time to let your shoulders drop."),))


def sent_ref(message_id: int) -> MessageRef:
    return MessageRef("telegram", str(USER), str(message_id))


def entity(kind: str, shown: str, whole: str) -> dict[str, object]:
    """The entity Telegram reports for `shown` inside the message text `whole`."""
    offset = len(whole[: whole.index(shown)].encode("utf-16-le")) // 2
    return {"type": kind, "offset": offset, "length": len(shown.encode("utf-16-le")) // 2}


async def test_each_kind_of_block_shows_as_meant_and_user_text_stays_text(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    reply = (
        ReplyBuilder()
        .add(
            heading("Upper <back>"),
            steps(["Lean on the ball", "Breathe & wait"]),
            caution(["Never on the spine"], title="Careful"),
            bullets(["one", "two"], title="Also"),
            note("Small print"),
            quote("It helps <b>me</b>", "Sam"),
            progress("[####----]"),
        )
        .row(Button("Go", "a:jaw", ButtonStyle.PRIMARY), Button("Stop", "hs:1", ButtonStyle.DANGER))
        .row(Button("Later", "help"))
        .build()
    )
    async with running(tg, core) as app:
        ref = await app.outbox.send(private(), reply)
    message = tg.messages[(USER, int(ref.message_id))]
    shown = message.text or ""
    assert shown.split("\n") == [
        "Upper <back>",
        "",
        "1. Lean on the ball",
        "2. Breathe & wait",
        "",
        "⚠️ Careful",
        "• Never on the spine",
        "",
        "Also",
        "• one",
        "• two",
        "",
        "Small print",
        "",
        "It helps <b>me</b>",
        "— Sam",
        "",
        "[####----]",
    ]
    for kind, part in [
        ("bold", "Upper <back>"),
        ("bold", "Careful"),
        ("bold", "Also"),
        ("italic", "Small print"),
        ("code", "[####----]"),
    ]:
        assert entity(kind, part, shown) in message.entities, (kind, part)
    assert any(e["type"] == "blockquote" for e in message.entities)
    rows = (message.reply_markup or {})["inline_keyboard"]
    assert [[(b["text"], b.get("style")) for b in row] for row in rows] == [
        [("Go", "primary"), ("Stop", "danger")],
        [("Later", None)],
    ]


async def test_a_button_id_longer_than_telegram_allows_is_left_out_not_the_message(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    reply = Reply(
        (text("Pick one."),), ((Button("Fine", "a:jaw"), Button("Huge", "a:" + "x" * 80)),)
    )
    async with running(tg, core) as app:
        ref = await app.outbox.send(private(), reply)
    shown = buttons(tg.messages[(USER, int(ref.message_id))])
    assert [b["text"] for b in shown] == ["Fine"]
    assert decode(shown[0]["callback_data"]) == ShowArea("jaw")


async def test_an_answer_waits_out_a_short_flood_limit_and_arrives(
    tg: TelegramStandIn, core: Knotbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB's future type; no deprecation warning
    tg.fail_next("sendMessage", error_code=429, retry_after=1)
    spy = spy_on(core)
    async with running(tg, core):
        tg.push_text(USER, USER, "/help")
        retried = await tg.wait_for("sendMessage", count=2, timeout=5)
    first, second = tg.calls_to("sendMessage")
    assert (first.failed, first.error_code, second.failed) == (True, 429, False)
    assert second.at - first.at >= 1.0
    assert [retried.params["text"]] == as_sent(spy.replies()[0])


@pytest.mark.parametrize(
    "timedelta_mode",
    [
        # PTB itself warns when it builds a RetryAfter in int mode; that is not ours to fix.
        pytest.param(
            False, id="int", marks=pytest.mark.filterwarnings("ignore::DeprecationWarning")
        ),
        pytest.param(True, id="timedelta"),
    ],
)
async def test_outbox_reports_flood_limits_with_their_retry_after(
    tg: TelegramStandIn, core: Knotbot, monkeypatch: pytest.MonkeyPatch, timedelta_mode: bool
) -> None:
    if timedelta_mode:
        monkeypatch.setenv("PTB_TIMEDELTA", "true")
    else:
        monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    async with running(tg, core) as app:
        sent = await app.outbox.send(private(), HELLO)
        tg.fail_next("sendMessage", error_code=429, retry_after=7)
        tg.fail_next("editMessageText", error_code=429, retry_after=31)
        with pytest.raises(RateLimited) as on_send:
            await app.outbox.send(private(), HELLO, key="reminder-1")
        with pytest.raises(RateLimited) as on_edit:
            await app.outbox.edit(sent, Reply((text("Breathe out."),)))
    assert on_send.value.retry_after == 7.0
    assert on_edit.value.retry_after == 31.0
    assert len(tg.calls_to("sendMessage")) == 2  # the outbox never retries by itself


async def test_outbox_maps_blocked_users_missing_chats_and_gone_messages(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core) as app:
        outbox = app.outbox
        tg.fail_next("sendMessage", error_code=403)
        with pytest.raises(RecipientGone, match="blocked"):
            await outbox.send(private(), HELLO)
        tg.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found")
        with pytest.raises(RecipientGone):
            await outbox.send(private(), HELLO)
        sent = await outbox.send(private(), HELLO)
        await outbox.edit(sent, HELLO)  # "message is not modified": quietly fine
        with pytest.raises(MessageGone):
            await outbox.edit(sent_ref(999), HELLO)
        tg.fail_next(
            "editMessageText", error_code=400, description="Bad Request: message can't be edited"
        )
        with pytest.raises(MessageGone):
            await outbox.edit(sent, Reply((text("Breathe out."),)))
    not_modified = tg.calls_to("editMessageText")[0]
    assert not_modified.failed and "not modified" in (not_modified.description or "")


async def test_a_reply_longer_than_4096_characters_is_split(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    words = [f"w{i:05d}" for i in range(2400)]  # 7 characters each
    long_line = " ".join(words[:1000])  # about 7,000 characters in ONE line
    reply = Reply(
        (
            heading("A long one"),
            text(" ".join(words[1000:1400])),
            text(" ".join(words[1400:1800])),
            text(long_line),
            bullets([" ".join(words[1800:2100]), " ".join(words[2100:2400])]),
        ),
        ((Button("Stop", "hs:1"),),),
    )
    async with running(tg, core) as app:
        ref = await app.outbox.send(private(), reply)
    parts = tg.sent_messages(USER)
    assert len(parts) >= 3
    assert [p.raw_text for p in parts] == as_sent(reply)
    assert all(len((p.text or "").encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert [p.reply_markup is not None for p in parts] == [False] * (len(parts) - 1) + [True]
    assert ref.message_id == str(parts[-1].message_id)
    shown = " ".join(p.text or "" for p in parts).split()
    assert [w for w in shown if w.startswith("w")] == [
        *words[1000:1800],
        *words[:1000],
        *words[1800:2400],
    ]


async def test_an_attachment_goes_out_as_a_photo_with_the_text(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    picture = Attachment("neck.png", PNG, "image/png")
    short = Reply(
        (text("Where the knot sits."),), ((Button("Neck", "a:neck"),),), attachment=picture
    )
    long = Reply((text("x " * 800),), ((Button("Neck", "a:neck"),),), attachment=picture)
    async with running(tg, core) as app:
        captioned = await app.outbox.send(private(), short)
        after_text = await app.outbox.send(private(), long)
    first, second = tg.calls_to("sendPhoto")
    assert first.params["caption"] == "Where the knot sits."
    assert first.params["photo"].filename == "neck.png"
    assert "caption" not in second.params
    assert second.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Neck", "callback_data": "a:neck"}]]
    }
    assert len(tg.calls_to("sendMessage")) == 1  # the long text, before its photo
    assert captioned.extra == after_text.extra == "caption"


async def test_a_pressed_message_is_updated_in_place_and_notices_become_toasts_or_messages(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    long = Reply(tuple(text(f"p{i} " + "z" * 1500) for i in range(4)), ((Button("Ok", "help"),),))
    async with running(tg, core) as app:
        shown = await ask(tg, "/areas")
        pressed = sent_ref(shown.message_id)
        replier = TelegramReplier(app.delivery, LIMITS, USER, pressed=pressed)
        same = await replier.update(Reply((text("Neck it is."),)))
        last = await replier.update(long)  # two messages' worth: the rest follows
        gone = sent_ref(999)
        fresh = await TelegramReplier(app.delivery, LIMITS, USER, pressed=gone).update(
            Reply((text("A new message."),))
        )
        await replier.notice("Noted.")  # no button press to answer: a short message
    assert same == pressed
    first, *rest = [m for m in tg.sent_messages(USER) if m.message_id >= shown.message_id]
    assert first.message_id == shown.message_id
    assert first.history[-1] == "Neck it is." and (first.text or "").startswith("p0 ")
    assert first.reply_markup is None  # buttons travel to the last part
    assert [(m.text or "")[:3] for m in rest] == ["p2 ", "A n", "Not"]
    assert last.message_id == str(rest[0].message_id) and rest[0].reply_markup is not None
    assert fresh.message_id == str(rest[1].message_id)
