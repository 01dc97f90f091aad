"""Red flags said in German and Spanish: the same signs lead the reply, in the person's
language, with the same meaning; everyday sentences about knots stay calm.

Written by hand like tests/test_red_flags.py: never generated from the patterns."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.content.red_flags import red_flags
from bot.core import Knotbot
from bot.messages import Command, UserRef
from tests.helpers import PLATFORM, RecordingReplier, command, private_chat

MUST_TRIGGER: list[tuple[str, str]] = [
    ("Ich habe Brustschmerzen", "chest-pain"),
    ("Seit heute Morgen Druck auf der Brust", "chest-pain"),
    ("tengo dolor en el pecho", "chest-pain"),
    ("me falta el aire", "chest-pain"),
    ("no puedo respirar", "chest-pain"),
    ("me cuesta respirar desde esta mañana", "chest-pain"),
    ("ich kann nicht atmen", "chest-pain"),
    ("ich bekomme keine Luft", "chest-pain"),
    ("mein Arm ist taub und kribbelt", "nerve-signs"),
    ("Taubheitsgefühl in den Fingern", "nerve-signs"),
    ("tengo la mano dormida y con hormigueo", "nerve-signs"),
    ("entumecimiento en el brazo izquierdo", "nerve-signs"),
    ("der Schmerz strahlt in den Arm aus", "radiating-pain"),
    ("Schmerz schießt ins Bein", "radiating-pain"),
    ("el dolor se irradia hacia la pierna", "radiating-pain"),
    ("Nacken tut weh seit dem Unfall", "fall-or-accident"),
    ("me caí por las escaleras y me duele la espalda", "fall-or-accident"),
    ("Rückenschmerzen und Fieber", "fever-back"),
    ("tengo fiebre y dolor de espalda", "fever-back"),
    ("mein Kiefer ist blockiert", "jaw-lock"),
    ("la mandíbula se me queda trabada", "jaw-lock"),
    ("ein Zahn ist abgebrochen", "dentist"),
    ("tengo una muela rota", "dentist"),
    ("die schlimmsten Kopfschmerzen meines Lebens", "sudden-headache"),
    ("el peor dolor de cabeza de mi vida", "sudden-headache"),
    ("ich habe die Kontrolle über die Blase verloren", "bladder-bowel"),
    ("perdí el control de la vejiga", "bladder-bowel"),
    ("Gesicht hängt auf einer Seite", "face-or-speech"),
]
CALM = [
    "Mein oberer Rücken ist total verspannt",
    "Ich beiße nachts die Zähne zusammen",
    "Schultern hochgezogen bis zum Kinn",
    "tengo la espalda cargada",
    "aprieto los dientes por la noche",
    "los hombros me llegan a las orejas",
    "Nacken steif vom Bildschirm",
]


@pytest.mark.parametrize(("said", "flag"), MUST_TRIGGER)
def test_german_and_spanish_signs_trigger_their_flag(content: ContentLibrary, said: str, flag: str):
    found = {m.flag.id for m in red_flags(content, said) if not m.negated}
    assert flag in found, said


@pytest.mark.parametrize("said", CALM)
def test_everyday_german_and_spanish_sentences_are_not_red_flags(
    content: ContentLibrary, said: str
):
    assert red_flags(content, said) == [], said


@pytest.mark.parametrize(
    "said", ["keine Taubheit, kein Kribbeln", "sin hormigueo ni entumecimiento"]
)
def test_a_negated_sign_gets_the_gentle_line(content: ContentLibrary, said: str):
    found = red_flags(content, said)
    assert found and all(m.negated for m in found)


async def test_the_advice_comes_first_and_in_their_language(bot: Knotbot, clock: ManualClock):
    german = UserRef(PLATFORM, "de1", "Ada", "de-DE")
    replier = RecordingReplier(clock)
    await bot.handle(command("/knot Nacken, mein Arm kribbelt", who=german), replier)
    first = replier.sent[-1].reply.blocks[0]
    assert first.title == "Sicherheit zuerst"
    assert first.lines[0].startswith("Taubheit, Kribbeln (Ameisenlaufen) oder Schwäche")
    spanish = UserRef(PLATFORM, "es1", "Bo", "es-ES")
    replier = RecordingReplier(clock)
    said = Command(private_chat(spanish.user_id), spanish, "", "tengo dolor en el pecho")
    await bot.handle(said, replier)  # plain words in a private chat
    first = replier.sent[-1].reply.blocks[0]
    assert first.title == "Urgente"
    assert "llama ahora mismo a emergencias" in first.lines[0]
