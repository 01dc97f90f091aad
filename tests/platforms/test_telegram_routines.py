"""A person's own routine on Telegram, through the real python-telegram-bot client and the
stand-in: `/routine new` asks step by step in the private chat (typed answers and a spot
button), the card arrives with its standing caution, `/hold <its name>` runs it as a guided
hold in one message, and its Stop button stops it.
"""

from __future__ import annotations

from bot.actions import DraftSpot, HoldControl, HoldOp
from bot.core import Knotbot
from tests.helpers import eventually
from tests.platforms.telegram_user import USER, ask, data_for, press, running
from tests.platforms.test_telegram_holds import statuses, stopped
from tests.shortholds import QUICK
from tests.standins.telegram_api import TelegramStandIn

OWN_PLAN = "This is your own plan"


async def test_a_routine_written_step_by_step_runs_as_a_guided_hold(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core, limits=QUICK):
        assert "What is it called?" in (await ask(tg, "/routine new")).text
        spot = await ask(tg, "chin tucks")
        assert "Which spot is \u201cchin tucks\u201d for?" in spot.text
        edits = len(tg.calls_to("editMessageText"))
        press(tg, spot, data_for(spot, DraftSpot, area="neck"))
        await tg.wait_for("editMessageText", count=edits + 1)  # the question, in place
        assert "What do you do?" in tg.messages[(USER, spot.message_id)].text
        timing = await ask(tg, "Sit tall.\nPull your chin straight back.")
        assert "How long, and how many times?" in timing.text
        card = await ask(tg, "hold 5 s, 10 times")
        assert "Saved: your routine \u201cchin tucks\u201d" in card.text
        assert "Neck \u00b7 10 rounds: hold 5 s" in card.text and OWN_PLAN in card.text
        assert "1. Sit tall." in card.text

        hold = await ask(tg, "/hold chin tucks")
        await eventually(lambda: bool(core.services.holds.active))
        assert "chin tucks" in hold.text and "Get ready" in hold.text and OWN_PLAN in hold.text
        press(tg, hold, data_for(hold, HoldControl, op=HoldOp.STOP))
        await stopped(core)
    assert await statuses(core) == ["stopped"]


async def test_an_odd_answer_gets_the_question_again(tg: TelegramStandIn, core: Knotbot) -> None:
    async with running(tg, core):
        await ask(tg, "/routine new chin tucks area:neck")  # the steps question
        await ask(tg, "skip")
        again = await ask(tg, "\U0001f9e0" * 3000)
        assert "How long is each hold?" in again.text
        assert "How long, and how many times?" in again.text


async def _asked(tg: TelegramStandIn, said: str, language_code: str) -> str:
    """`said` from a person whose Telegram app speaks `language_code`; the bot's answer."""
    before = len(tg.calls_to("sendMessage"))
    tg.push_text(USER, USER, said, language_code=language_code)
    call = await tg.wait_for("sendMessage", count=before + 1)
    assert not call.failed, call.description
    return str(call.params["text"])


async def test_a_spanish_speaker_writes_their_routine_in_spanish_and_reads_spanish(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    """Telegram says the app speaks Spanish (`language_code`); nothing else is chosen."""
    async with running(tg, core):
        asked = await _asked(tg, "/routine new", "es")
        assert "Vamos a apuntar tu rutina. ¿Cómo se llama?" in asked
        assert "¿Para qué zona es «retracción de barbilla»?" in (
            await _asked(tg, "retracción de barbilla", "es")
        )
        await _asked(tg, "/routine cancel", "es")

        card = await _asked(
            tg, "/routine new retracción de barbilla: mantener 5 s, 10 veces area:neck", "es"
        )
        assert "Guardada: tu rutina «retracción de barbilla»." in card
        assert "Cuello \u00b7 10 rondas: mantener 5 s" in card
        assert "Este es tu propio plan, tal como lo escribiste" in card
        assert "This is your own plan" not in card
        sheet = await _asked(
            tg,
            "/routine estiramiento del marco: 30 segundos, 3 rondas, descanso de 10 s area:shoulders",
            "es",
        )
        assert "Hombros \u00b7 3 rondas: mantener 30 s, soltar 10 s" in sheet
        listed = await _asked(tg, "/routine", "es")
        assert "Tus rutinas:" in listed and "retracción de barbilla: Cuello" in listed
