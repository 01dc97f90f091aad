"""Issue 15's first example through the real python-telegram-bot client and the Bot API
stand-in: plain words in a private chat, and what Telegram shows for them."""

from __future__ import annotations

from bot.actions import ReminderPreset, ShowTechnique, StartHold
from bot.core import Knotbot
from tests.platforms.telegram_user import ask, buttons, data_for, press, running
from tests.standins.telegram_api import TelegramStandIn


async def test_i_clench_my_teeth_shows_the_jaw_with_the_mouth_guard_reminder_one_tap_away(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core):
        jaw = await ask(tg, "I clench my teeth all the time, especially at night")
        assert jaw.text is not None and jaw.text.startswith("Jaw")
        assert "I can remind you to put your mouth guard in." in jaw.text
        assert len(jaw.text.split()) <= 120  # one phone screen
        labels = [b["text"] for b in buttons(jaw)]
        assert labels[0] == "How to: Mouth guard at night"  # the guard first, for the night
        assert "Start hold: Jaw release and massage" in labels
        data_for(jaw, ShowTechnique, technique="mouth-guard")
        data_for(jaw, StartHold, technique="jaw-release", area="jaw")
        offer = data_for(jaw, ReminderPreset, preset="bed")
        assert next(b["text"] for b in buttons(jaw) if b["callback_data"] == offer) == (
            "Mouth guard at bedtime"
        )
        sends = len(tg.calls_to("sendMessage"))
        press(tg, jaw, offer)
        asked = await tg.wait_for("sendMessage", count=sends + 1)
    assert "When do you usually go to bed?" in str(asked.params["text"])
