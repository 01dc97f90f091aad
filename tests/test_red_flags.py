"""Red flags first: what people type is checked against content/safety.yaml before anything else.

The corpus below is written by hand from how people talk about their knots; it is never
generated from the patterns, so a pattern edit that stops catching (or starts catching) one of
these sentences fails here.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import bot.content.red_flags as red_flag_module
from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.content.red_flags import MAX_CHARS, red_flags
from bot.core import Knotbot
from bot.messages import BlockKind, Reply, say, text
from bot.presenters import lead_with_red_flags
from bot.render import plain_text
from tests.helpers import RecordingReplier, command

# -- the corpus ---------------------------------------------------------------------------------

# Sentences that must trigger: exactly these flags, said plainly (not negated).
MUST_TRIGGER: list[tuple[str, set[str]]] = [
    # the issue's own examples
    ("my arm is numb and tingling", {"nerve-signs"}),
    ("I have chest pain", {"chest-pain"}),
    ("sharp pain shooting down my leg", {"radiating-pain"}),
    ("I cracked a tooth from clenching", {"dentist"}),
    # numbness, tingling, weakness
    ("pins and needles in my fingers", {"nerve-signs"}),
    ("My hand feels tingly when I wake up", {"nerve-signs"}),
    ("I can't feel my fingertips", {"nerve-signs"}),
    ("Numbness in my left hand since yesterday", {"nerve-signs"}),
    ("my grip is getting weaker", {"nerve-signs"}),
    ("my leg gives way when I walk", {"nerve-signs"}),
    ("my arm falls asleep at night", {"nerve-signs"}),
    ("MY ARM IS NUMB!!!", {"nerve-signs"}),
    ("numb-ish fingers", {"nerve-signs"}),
    ("nothing helps, my arm is numb", {"nerve-signs"}),
    ("no pain but my arm is numb", {"nerve-signs"}),
    ("no numbness but tingling in my hand", {"nerve-signs"}),
    # pain shooting down an arm or leg
    ("the pain radiates into my arm", {"radiating-pain"}),
    ("it shoots down my arm when I turn my head", {"radiating-pain"}),
    ("sciatica is back", {"radiating-pain"}),
    ("pain travels down the back of my leg", {"radiating-pain"}),
    ("it goes all the way down to my foot", {"radiating-pain"}),
    # chest pain, breathing
    ("my chest feels tight and I can't breathe", {"chest-pain"}),
    ("Tightness in my chest when I walk upstairs", {"chest-pain"}),
    ("there's pressure on my chest", {"chest-pain"}),
    ("I'm short of breath", {"chest-pain"}),
    ("\uff23\uff48\uff45\uff53\uff54 \uff50\uff41\uff49\uff4e", {"chest-pain"}),  # full width
    ("chest\u200bpain", {"chest-pain"}),  # an invisible space between the words
    ("is chest pain from stress normal?", {"chest-pain"}),
    # after a fall or an accident
    ("my neck hurts since the car accident", {"fall-or-accident"}),
    ("I fell down the stairs and now my back hurts", {"fall-or-accident"}),
    ("back pain after I slipped on the ice", {"fall-or-accident"}),
    ("whiplash from a crash last week", {"fall-or-accident"}),
    ("I tripped and fell yesterday", {"fall-or-accident"}),
    ("I hit my head and my neck is sore", {"fall-or-accident"}),
    # fever with back pain
    ("I have a fever and my back hurts", {"fever-back"}),
    ("feverish with a sore lower back", {"fever-back"}),
    ("lower back pain and a high temperature", {"fever-back"}),
    # bladder or bowel control
    ("I lost control of my bladder", {"bladder-bowel"}),
    ("I have no control over my bowels", {"bladder-bowel"}),
    ("I wet myself and my back is numb", {"bladder-bowel", "nerve-signs"}),
    # a jaw that locks
    ("my jaw locks when I yawn", {"jaw-lock"}),
    ("jaw gets stuck halfway open", {"jaw-lock"}),
    ("I can't open my mouth fully", {"jaw-lock"}),
    ("locked jaw this morning", {"jaw-lock"}),
    # a sudden severe headache
    ("the worst headache of my life", {"sudden-headache"}),
    ("sudden severe headache", {"sudden-headache"}),
    ("my headache came on suddenly, like a thunderclap", {"sudden-headache"}),
    # face or speech
    ("my face is drooping on one side", {"face-or-speech"}),
    ("slurred speech and a headache", {"face-or-speech"}),
    # teeth
    ("my tooth broke", {"dentist"}),
    ("chipped a molar grinding at night", {"dentist"}),
    # two at once
    ("I cracked a tooth and now I have chest pain", {"chest-pain", "dentist"}),
]

# Negated mentions: the flag's gentle reminder (never silence), and nothing said plainly.
MUST_BE_GENTLE: list[tuple[str, str]] = [
    ("no numbness", "nerve-signs"),
    ("not numb, just sore", "nerve-signs"),
    ("without tingling", "nerve-signs"),
    ("never any tingling", "nerve-signs"),
    ("nothing is numb", "nerve-signs"),
    ("no numbness or tingling", "nerve-signs"),
    ("I don't have any chest pain", "chest-pain"),
    ("No fever, but my lower back aches", "fever-back"),
    ("my jaw doesn\u2019t lock, it just aches", "jaw-lock"),
    ("no shooting pain, just a dull ache", "radiating-pain"),
]

# Everyday sentences from this community that are not red flags.
MUST_NOT_TRIGGER: list[str] = [
    "my upper back is in knots",
    "I clench my jaw",
    "shoulders up to my chin",
    "legs up on a chair",
    "the ball hurts a bit",
    "I forget to relax",
    "I clench my teeth all the time, especially at night",
    "I fell asleep at my desk and my neck is stiff",
    "tension headache again after work",
    "I get headaches when I'm stressed",
    "the worst part is the headache after work",
    "my lower back aches after sitting all day",
    "I grind my teeth at night",
    "my jaw clicks when I yawn",
    "I lock my jaw when I concentrate",
    "stress makes my shoulders tight",
    "my chest and shoulders are tight from hunching",
    "stretching my chest muscles helps",
    "I breathe out slowly while pressing",
    "my neck feels stiff in the morning",
    "I hunch over the laptop",
    "I feel a bit down today",
    "the meetings are mind-numbing",
    "the two balls in a sock trick is great",
    "weak coffee and a long day",
    "my arm is tired from typing",
    "I sit at a desk all day and my hips are tight",
    "I have a knot under my shoulder blade",
    "my back feels better after the hold",
    "pressing too hard hurts the next day",
    "I felt a sudden urge to stretch",
    "my laptop crashed and I'm so tense",
    "I need a break, my teeth hurt from clenching",
    "I take a stretch break every hour",
    "after a long trip and a bad night my back hurts",
    "I accidentally pressed too hard",
    "I'm back at work and the pressure is on",
]


def plainly(content: ContentLibrary, said: str) -> set[str]:
    return {m.flag.id for m in red_flags(content, said) if not m.negated}


def gently(content: ContentLibrary, said: str) -> set[str]:
    return {m.flag.id for m in red_flags(content, said) if m.negated}


@pytest.mark.parametrize(("said", "flags"), MUST_TRIGGER)
def test_red_flag_sentences_trigger_their_flags(content: ContentLibrary, said: str, flags):
    assert plainly(content, said) == flags


@pytest.mark.parametrize(("said", "flag"), MUST_BE_GENTLE)
def test_negated_red_flags_get_the_gentle_version_never_silence(
    content: ContentLibrary, said: str, flag: str
):
    assert plainly(content, said) == set()
    assert gently(content, said) == {flag}


@pytest.mark.parametrize("said", MUST_NOT_TRIGGER)
def test_everyday_sentences_are_not_red_flags(content: ContentLibrary, said: str):
    assert red_flags(content, said) == []


def test_the_corpus_covers_every_flag_in_the_content(content: ContentLibrary):
    triggered = set().union(*(flags for _, flags in MUST_TRIGGER))
    assert triggered == {f.id for f in content.safety.red_flags}
    assert len(MUST_TRIGGER) >= 30 and len(MUST_NOT_TRIGGER) >= 20


def test_urgent_flags_say_plainly_to_call_emergency_services_now(content: ContentLibrary):
    urgent = [f for f in content.safety.red_flags if f.urgent]
    assert {f.id for f in urgent} >= {"chest-pain", "bladder-bowel", "sudden-headache"}
    for flag in urgent:
        assert "call emergency services now" in " ".join(flag.advice.split())
    for flag in content.safety.red_flags:
        assert len(flag.gentle.splitlines()) == 1


def test_urgent_flags_come_first_then_plain_ones_then_gentle_ones(content: ContentLibrary):
    found = red_flags(content, "I don't have a fever. I cracked a tooth and now I have chest pain")
    assert [(m.flag.id, m.negated) for m in found] == [
        ("chest-pain", False),
        ("dentist", False),
    ]
    found = red_flags(content, "no chest pain, but a tooth broke")
    assert [(m.flag.id, m.negated) for m in found] == [("dentist", False), ("chest-pain", True)]


def test_patterns_are_parsed_once_at_content_load_not_per_message(
    content: ContentLibrary, monkeypatch: pytest.MonkeyPatch
):
    def parse_again(_text: str) -> None:
        raise AssertionError("a pattern was parsed while matching a message")

    monkeypatch.setattr(red_flag_module, "parse_pattern", parse_again)
    monkeypatch.setattr(red_flag_module, "parse_phrase", parse_again)
    assert plainly(content, "I have chest pain") == {"chest-pain"}


def test_huge_odd_text_is_looked_at_in_bounded_time(content: ContentLibrary):
    odd = "\u202e\u200bx\ufdfa" * 50_000
    started = time.perf_counter()
    for text_ in (odd, "chest " * 50_000, "pain ... down " * 20_000, "ﷺ" * 100_000):
        red_flags(content, text_)
    assert time.perf_counter() - started < 2.0
    # Only the start of a huge message is read: nobody writes more than one message's worth.
    assert plainly(content, "I have chest pain " + "x " * MAX_CHARS) == {"chest-pain"}
    assert plainly(content, "x " * MAX_CHARS + "I have chest pain") == set()


@given(st.text(max_size=300))
@example("\ud800 numb")  # a lone surrogate
@example("no " * 500 + "numb")
@example("numb \u0301\u0301\u0301 ... | + no")
def test_any_text_gets_a_list_of_flags_and_no_crash(content: ContentLibrary, said: str):
    found = red_flags(content, said)
    assert len({m.flag.id for m in found}) == len(found)


# -- through the core, as people see it ---------------------------------------------------------


async def tell(bot: Knotbot, clock: ManualClock, said: str) -> Reply:
    """Say `said` as a plain message (or a command) in a private chat; the reply."""
    replier = RecordingReplier(clock)
    message = command(said) if said.startswith("/") else command("/ " + said)
    await bot.handle(message, replier)
    assert len(replier.sent) == 1, replier.texts
    return replier.sent[0].reply


def plain(reply: Reply) -> str:
    return plain_text(reply)


async def test_numb_and_tingling_arm_leads_with_advice_and_points_to_safety(
    bot: Knotbot, clock: ManualClock
):
    reply = await tell(bot, clock, "my arm is numb and tingling")
    first = reply.blocks[0]
    assert first.kind is BlockKind.CAUTION and first.title == "Safety first"
    assert "Numbness, tingling (pins and needles) or weakness" in first.lines[0]
    assert "/safety" in plain(reply)
    assert "Tell me a spot" not in plain(reply)


async def test_chest_pain_says_emergency_services_now_first(bot: Knotbot, clock: ManualClock):
    reply = await tell(bot, clock, "I have chest pain")
    text_ = plain(reply)
    assert text_.startswith("Urgent:\n  ! Chest pain")
    assert "call emergency services now" in " ".join(reply.blocks[0].lines[0].split())
    assert "Tell me a spot" not in text_


async def test_pain_shooting_down_a_leg_leads_with_seeing_someone(bot: Knotbot, clock: ManualClock):
    reply = await tell(bot, clock, "sharp pain shooting down my leg")
    assert plain(reply).startswith("Safety first:\n  ! Pain that shoots or spreads down an arm")
    assert "Tell me a spot" not in plain(reply)


async def test_cracked_tooth_sends_to_a_dentist_before_the_jaw_techniques(
    bot: Knotbot, clock: ManualClock
):
    text_ = plain(await tell(bot, clock, "I cracked a tooth from clenching"))
    assert text_.startswith("Safety first:\n  ! A cracked, chipped or broken tooth")
    assert text_.index("dentist") < text_.index("Jaw\n===") < text_.index("Jaw release and massage")


async def test_clenching_teeth_at_night_is_not_a_red_flag(bot: Knotbot, clock: ManualClock):
    reply = await tell(bot, clock, "I clench my teeth all the time, especially at night")
    assert all(b.kind is not BlockKind.CAUTION for b in reply.blocks[:1])
    assert "emergency" not in plain(reply) and "Safety first" not in plain(reply)


async def test_negated_sign_gets_a_gentle_line_then_the_spot(bot: Knotbot, clock: ManualClock):
    reply = await tell(bot, clock, "no numbness, just a knot in my upper back")
    assert reply.blocks[0].kind is BlockKind.NOTE
    assert reply.blocks[0].lines[0].startswith("If numbness, tingling or weakness ever shows up")
    assert plain(reply).split("\n\n")[1].startswith("Upper back")


async def test_negated_sign_without_a_spot_still_asks_for_one(bot: Knotbot, clock: ManualClock):
    text_ = plain(await tell(bot, clock, "I don't have any chest pain"))
    assert text_.startswith("(If you ever get chest pain")
    assert "Tell me a spot" in text_


async def test_plain_text_without_red_flags_reads_as_before(bot: Knotbot, clock: ManualClock):
    assert plain(await tell(bot, clock, "hello there")) == (
        "Tell me a spot (for example upper back, or jaw), or type /help."
    )
    assert plain(await tell(bot, clock, "jaw")).startswith("Jaw")


async def test_knot_argument_with_a_red_flag_leads_with_it(bot: Knotbot, clock: ManualClock):
    text_ = plain(await tell(bot, clock, "/knot my arm is numb"))
    assert text_.startswith("Safety first:\n  ! Numbness")
    assert "I don't know the spot" in text_
    known = plain(await tell(bot, clock, "/knot upper back, and it's tingling"))
    assert known.startswith("Safety first:") and "\n\nUpper back\n" in known


async def test_technique_argument_with_a_red_flag_leads_with_it(bot: Knotbot, clock: ManualClock):
    reply = await tell(bot, clock, "/technique ball-wall but my chest feels tight")
    text_ = plain(reply)
    assert text_.startswith("Urgent:")
    assert "Ball against the wall" in text_
    assert reply.all_buttons[0].action == "h:ball-wall:upper-back"  # buttons are kept


def test_any_reply_can_be_led_by_the_red_flags_of_what_was_typed(content: ContentLibrary):
    reply = say("Reminder set.")
    assert lead_with_red_flags(content, "every 2 hours relax my shoulders", reply) is reply
    led = lead_with_red_flags(content, "every 2 hours, my hands tingle", reply)
    assert led.blocks[-1] == text("Reminder set.")
    assert led.blocks[0].title == "Safety first"
