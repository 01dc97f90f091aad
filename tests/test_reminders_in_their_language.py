"""A reminder arrives in its person's language: the one they chose with /language, else their
app's; its prompt, its schedule and its buttons."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.core import Knotbot
from bot.messages import UserRef
from tests.helpers import PLATFORM, RecordingOutbox, dispatcher_for, run_until, say


async def test_a_reminder_is_sent_in_its_persons_language(bot: Knotbot, clock: ManualClock):
    german = UserRef(PLATFORM, "de1", "Ada", "de-DE")
    spanish = UserRef(PLATFORM, "es1", "Bo", "en-US")
    english = UserRef(PLATFORM, "en1", "Cy", "en-GB")
    await say(bot, clock, "/remind Kiefer locker lassen täglich um 9:30", who=german)
    await say(bot, clock, "/language es", who=spanish)  # their choice beats their app
    await say(bot, clock, "/remind hombros cada día a las 9:30", who=spanish)
    await say(bot, clock, "/remind shoulders daily at 9:30", who=english)
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now().replace(hour=10))
    sent = {d.chat.chat_id: d.reply for d in outbox.sent}
    assert set(sent) == {"de1", "es1", "en1"}
    labels = {chat: [b.label for b in reply.all_buttons] for chat, reply in sent.items()}
    assert labels["de1"] == ["Erledigt", "15 Min. später", "Diese Erinnerungen stoppen"]
    assert labels["es1"] == ["Hecho", "Posponer 15 min", "Parar estos recordatorios"]
    assert labels["en1"] == ["Done", "Snooze 15 min", "Stop these reminders"]
    german_text = " ".join(" ".join(b.lines) for b in sent["de1"].blocks)
    assert "täglich um 09:30 \u00b7 ändern mit /reminders" in german_text
    spanish_prompts = bot.services.content.in_language("es").reminder_kinds["shoulders"].texts
    spanish_text = " ".join(" ".join(b.lines) for b in sent["es1"].blocks)
    assert any(prompt in spanish_text for prompt in spanish_prompts)
    assert "todos los días a las 09:30" in spanish_text
