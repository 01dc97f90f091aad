"""A guided hold in German and in Spanish, from the first frame to the last: the countdown, its
buttons, the check-in taps, "Another round?", the caps, a person's own routine, and a hold a
restart cut short, each in the language of the person who started it."""

from __future__ import annotations

import pytest

from bot.actions import Again, HoldAgain, HoldControl, HoldOp, TenseHold, When
from bot.clock import ManualClock
from bot.core import Knotbot
from bot.messages import MessageRef, UserRef
from bot.render import plain_text
from bot.routines.service import Fields
from tests.english_left import english_left, english_sentences, ids_of
from tests.helpers import PLATFORM, RecordingReplier, command, press

SPEAKERS = {
    "de": UserRef(PLATFORM, "u-de", "Ada", "de-DE"),
    "es": UserRef(PLATFORM, "u-es", "Ada", "es-ES"),
}
# What each language shows of the ball against the wall, three rounds on the upper back.
SAID = {
    "de": {
        "title": "Ball gegen die Wand \u00b7 Runde 1 von 3",
        "ready": "Mach dich bereit: 5 s",
        "press": "Dr\u00fccken: 20 s",
        "release": "Loslassen: 5 s",
        "rest": "Ausruhen: 15 s",
        "text": "Lehn dich gegen den Ball und atme langsam aus.",
        "paused": "Pausiert \u00b7 Dr\u00fccken",
        "buttons": ["Fortsetzen", "Stopp"],
        "caution": "Bevor du anf\u00e4ngst",
        "done": "Fertig: 3 Runden (Oberer R\u00fccken). Sei bis morgen sanft zu dieser Stelle.",
        "before": "Notiert: 6 von 10. Ich frage am Ende noch einmal.",
        "after": "Notiert: vorher 6, jetzt 3.",
        "again": "Du hast gerade eben 3 Runden gemacht (Oberer R\u00fccken). Noch eine Runde?",
        "not now": "Gute Entscheidung: Diese Stelle (Oberer R\u00fccken) darf sich ausruhen.",
        "capped": "60 Sekunden ist l\u00e4nger, als diese \u00dcbung dauern darf, darum dauert sie "
        "20 Sekunden. Etwa 20 Sekunden pro Stelle, nie l\u00e4nger.",
        "for 60": "ball-wall f\u00fcr 60 Sekunden",
        "only": "Heute nur noch 2 Runden",
    },
    "es": {
        "title": "Pelota contra la pared \u00b7 ronda 1 de 3",
        "ready": "Prep\u00e1rate: 5 s",
        "press": "Presiona: 20 s",
        "release": "Suelta: 5 s",
        "rest": "Descansa: 15 s",
        "text": "Ap\u00f3yate en la pelota y suelta el aire despacio.",
        "paused": "En pausa \u00b7 Presiona",
        "buttons": ["Reanudar", "Parar"],
        "caution": "Antes de empezar",
        "done": "Listo: 3 rondas (parte alta de la espalda). Trata esta zona con suavidad "
        "hasta ma\u00f1ana.",
        "before": "Anotado: 6 de 10. Te vuelvo a preguntar al final.",
        "after": "Anotado: 6 antes, 3 ahora.",
        "again": "Hiciste 3 rondas hace un momento (parte alta de la espalda). \u00bfOtra ronda?",
        "not now": "Buena decisi\u00f3n: esta zona (parte alta de la espalda) descansa.",
        "capped": "60 segundos es m\u00e1s de lo que puede durar este ejercicio, as\u00ed que "
        "durar\u00e1 20 segundos. Unos 20 segundos por punto, nunca m\u00e1s.",
        "for 60": "ball-wall durante 60 segundos",
        "only": "Hoy solo quedan 2 rondas",
    },
}
LANGUAGES = list(SPEAKERS)


def _seen(replier: RecordingReplier) -> list[str]:
    return [plain_text(s.reply) for s in [*replier.sent, *replier.edits]] + replier.notices


def _no_english(bot: Knotbot, texts: list[str], typed: str = "") -> None:
    for text in texts:
        assert english_sentences(text) == [], text
        assert english_left(text, typed, ids_of(bot)) == [], text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_whole_hold_speaks_their_language_to_the_end(
    bot: Knotbot, clock: ManualClock, language: str
):
    who, said = SPEAKERS[language], SAID[language]
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)
    await bot.handle(command("/hold ball-wall", who=who), replier)
    (active,) = bot.services.holds.active
    first = plain_text(replier.sent[0].reply)
    assert said["title"] in first and said["ready"] in first and said["caution"] in first
    await bot.handle(press(TenseHold(When.BEFORE, active.hold_id, 6), who=who), replier)
    assert replier.notices[-1] == said["before"]
    await clock.advance(10)  # 5 s ready, 5 s into the first press
    await bot.handle(press(HoldControl(HoldOp.PAUSE, active.hold_id), who=who), replier)
    await clock.advance(1)
    paused = replier.edits[-1]
    assert said["paused"] in paused.text
    assert [b.label for b in paused.reply.all_buttons] == said["buttons"]
    await bot.handle(press(HoldControl(HoldOp.RESUME, active.hold_id), who=who), replier)
    await clock.run_until(active.task)
    frames = "\n".join(_seen(replier))
    for shown in ("press", "release", "rest", "text", "done"):
        assert said[shown] in frames, shown
    closing = replier.edits[-1].reply
    await bot.handle(press(TenseHold(When.AFTER, active.hold_id, 3), who=who), replier)
    assert said["after"] in plain_text(replier.sent[-1].reply)
    _no_english(bot, [*_seen(replier), plain_text(closing)])


@pytest.mark.parametrize("language", LANGUAGES)
async def test_another_round_its_answers_and_the_caps_speak_their_language(
    bot: Knotbot, clock: ManualClock, language: str
):
    who, said = SPEAKERS[language], SAID[language]
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)
    await bot.handle(command("/hold ball-wall", who=who), replier)
    await clock.run_until(bot.services.holds.active[0].task)
    await bot.handle(command("/hold ball-wall", who=who), replier)  # 3 of 6 rounds done
    assert said["again"] in plain_text(replier.sent[-1].reply)
    not_now = HoldAgain(Again.NO, "ball-wall", "upper-back", 0)
    await bot.handle(press(not_now, who=who), replier)
    assert said["not now"] in plain_text(replier.sent[-1].reply)
    start_anyway = HoldAgain(Again.YES, "ball-wall", "upper-back", 60)
    await bot.handle(press(start_anyway, who=who), replier)
    again = plain_text(replier.sent[-1].reply)
    assert said["capped"] in again
    assert said["caution"] not in again  # the cautions show on the first hold only
    await bot.handle(command("/stop", who=who), replier)
    _no_english(bot, _seen(replier), said["for 60"])


@pytest.mark.parametrize("language", LANGUAGES)
async def test_at_the_daily_limit_the_rest_advice_speaks_their_language(
    bot: Knotbot, clock: ManualClock, language: str
):
    who, said = SPEAKERS[language], SAID[language]
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)
    await bot.handle(command("/hold ball-wall", who=who), replier)
    await clock.run_until(bot.services.holds.active[0].task)  # 3 rounds
    await bot.handle(
        press(HoldAgain(Again.YES, "two-balls-sock", "upper-back", 0), who=who), replier
    )
    await clock.advance(30)  # 8 s ready, one 20 s press: 1 round
    await bot.handle(command("/stop", who=who), replier)
    await bot.handle(press(HoldAgain(Again.YES, "ball-wall", "upper-back", 0), who=who), replier)
    assert said["only"] in plain_text(replier.sent[-1].reply)  # 2 of 6 left today
    await clock.run_until(bot.services.holds.active[0].task)
    await bot.handle(command("/hold ball-wall", who=who), replier)  # 6 of 6 rounds done
    rest = plain_text(replier.sent[-1].reply)
    assert "24" in rest and "/safety" in rest
    _no_english(bot, _seen(replier))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_their_own_routine_runs_in_their_language(
    bot: Knotbot, clock: ManualClock, language: str
):
    who = SPEAKERS[language]
    fields = Fields("chin tucks", "neck", ("tuck your chin",), 5, 2, 3, pressure=True)
    await bot.services.routines.save(who, fields)
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)
    await bot.handle(command("/hold chin tucks", who=who), replier)
    await clock.run_until(bot.services.holds.active[0].task)
    story = "\n".join(_seen(replier))
    expected = {
        "de": ("Geh in Position: tuck your chin", "Dr\u00fccken: 5 s", "Lass los",
               "Das war deine \u00dcbungsfolge. Gut gemacht.", "Einen Knoten l\u00e4nger als 60"),
        "es": ("Ponte en posici\u00f3n: tuck your chin", "Presiona: 5 s", "Suelta",
               "Esa fue tu rutina. Bien hecho.", "Presionar un nudo m\u00e1s de 60 segundos"),
    }[language]  # fmt: skip
    for shown in expected:
        assert shown in story, shown
    _no_english(bot, [s.replace("tuck your chin", "") for s in _seen(replier)], "chin tucks")


async def _left_over(bot: Knotbot, who: UserRef, technique_id: str, area_id: str) -> MessageRef:
    """A hold this process ran before its "restart", its message still counting down."""
    message = MessageRef(PLATFORM, who.user_id, f"m-{technique_id}")
    now = bot.services.clock.now()
    async with bot.services.db.transaction() as tx:
        row = await tx.users.ensure(who, now)
        hold = await tx.holds.start(
            user_id=row.id,
            platform=PLATFORM,
            chat_id=who.user_id,
            technique_id=technique_id,
            area_id=area_id,
            pressure=True,
            rounds_planned=2,
            owner="test-1",
            now=now,
        )
        await tx.holds.set_message(hold.id, message.to_json())
    return message


async def test_a_hold_cut_short_by_a_restart_says_so_in_its_persons_language(
    bot: Knotbot, clock: ManualClock
):
    german = await _left_over(bot, SPEAKERS["de"], "ball-wall", "upper-back")
    spanish = await _left_over(bot, SPEAKERS["es"], "jaw-release", "jaw")
    english = await _left_over(bot, UserRef(PLATFORM, "u-en", "Ada", "en"), "ball-wall", "neck")
    outbox = RecordingReplier(clock)
    await bot.start(PLATFORM, outbox)
    said = {e.ref: plain_text(e.reply) for e in outbox.edits}
    assert said[german].startswith("Ball gegen die Wand")
    assert "Diese \u00dcbung wurde abgebrochen, weil knotbot neu gestartet ist." in said[german]
    assert "Starte sie wieder mit /hold ball-wall" in said[german]
    assert said[spanish].startswith("Soltar y masajear la mand\u00edbula")
    assert "Este ejercicio se cort\u00f3 porque knotbot se reinici\u00f3." in said[spanish]
    assert "This hold was cut short because knotbot restarted." in said[english]
    _no_english(bot, [said[german], said[spanish]])


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_routine_cut_short_by_a_restart_is_named_as_its_person_named_it(
    bot: Knotbot, clock: ManualClock, language: str
):
    who = SPEAKERS.get(language) or UserRef(PLATFORM, "u-en", "Ada", "en")
    fields = Fields("chin tucks", "neck", ("tuck your chin",), 5, 2, 3, pressure=True)
    saved = await bot.services.routines.save(who, fields)
    message = await _left_over(bot, who, saved.routine.technique_id, "neck")
    outbox = RecordingReplier(clock)
    await bot.start(PLATFORM, outbox)
    (edit,) = outbox.edits
    assert edit.ref == message
    shown = plain_text(edit.reply)
    assert shown.startswith("chin tucks")
    assert "/hold chin tucks" in shown
    assert "routine-" not in shown and "Guided hold" not in shown
