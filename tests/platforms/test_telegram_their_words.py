"""Issue 14's examples through the real python-telegram-bot client and the Bot API stand-in:
what a person types in Telegram, and what Telegram shows them."""

from __future__ import annotations

from bot.core import Knotbot
from tests.platforms.telegram_user import ask, buttons, running
from tests.standins.telegram_api import ApiCall, TelegramStandIn


def _texts(tg: TelegramStandIn) -> list[str]:
    return [str(c.params["text"]) for c in tg.calls_to("sendMessage") if not c.failed]


async def _pressed(tg: TelegramStandIn, message_chat: int, message_id: int, data: str) -> ApiCall:
    """Press a button and wait for the message it brings (a new one, or the pressed one
    edited)."""
    before = len(tg.calls_to("sendMessage")) + len(tg.calls_to("editMessageText"))
    tg.push_callback(message_chat, message_chat, message_id, data)

    def answered(_: ApiCall) -> bool:
        return len(tg.calls_to("sendMessage")) + len(tg.calls_to("editMessageText")) > before

    await tg.wait_for("answerCallbackQuery")
    return await tg.wait_for("sendMessage", answered, timeout=10)


async def test_their_hours_and_time_words_as_telegram_shows_them(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core):
        workday = await ask(tg, "/remind every 2 hours from 9 to 17 on weekdays")
        evening = await ask(tg, "/remind legs up at 7:30 in the evening")
        words = await ask(tg, "/remind unclench jaw every hour")
    assert workday.text is not None and "every 2 h, 09:00\u201317:00, Mon\u2013Fri" in workday.text
    assert evening.text is not None and "a legs-up rest reminder, daily at 19:30" in evening.text
    assert words.text is not None and "\u201cunclench jaw\u201d, every hour" in words.text


async def test_i_forget_to_relax_offers_reminders_one_tap_away(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core):
        offer = await ask(tg, "I forget to relax")
        first = buttons(offer)[0]
        assert first["text"] == "Every 2 h, 9\u201317, weekdays"
        await _pressed(tg, offer.chat_id, offer.message_id, first["callback_data"])
    assert any(
        t.startswith("Set: relax reminders, every 2 h, 09:00\u201317:00, Mon\u2013Fri")
        for t in _texts(tg)
    ), _texts(tg)


async def test_at_bedtime_asks_for_a_bedtime_with_buttons(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core):
        asked = await ask(tg, "/remind mouth guard at bedtime")
        assert asked.text is not None and "When do you usually go to bed?" in asked.text
        choice = next(b for b in buttons(asked) if b["text"] == "22:30")
        await _pressed(tg, asked.chat_id, asked.message_id, choice["callback_data"])
    assert any(t.startswith("Set: a mouth guard reminder, daily at 22:30") for t in _texts(tg))
