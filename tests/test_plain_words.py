"""Issue 15: plain words lead to the right spot and technique, and /knot fits a phone screen.

Every sentence is said to the core as a person in this community would type it in a private
chat ("/ ..." is plain text); the table holds the answer each must get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.actions import ReminderPreset, ShowTechnique, StartHold, decode
from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import BlockKind, Reply
from tests.helpers import RecordingReplier, press, say


@dataclass(frozen=True)
class Answer:
    """What a reply leads with: the red flag said first, the spot and its first technique (or
    a technique's own page), and the reminder offered."""

    flag: str | None = None
    area: str | None = None
    first: str | None = None
    technique: str | None = None  # a technique's page (How to), not a spot's
    reminder: str | None = None  # the preset of the one-tap reminder offered


def answer_of(content: ContentLibrary, reply: Reply) -> Answer:
    flag = next(
        (
            f.id
            for f in content.safety.red_flags
            if reply.blocks
            and reply.blocks[0].kind is BlockKind.CAUTION
            and f.advice in reply.blocks[0].lines
        ),
        None,
    )
    titles = [b.lines[0] for b in reply.blocks if b.kind is BlockKind.HEADING]
    areas = {a.name: a.id for a in content.areas}
    techniques = {t.title: t.id for t in content.techniques}
    actions = [decode(b.action) for b in reply.all_buttons]
    reminder = next((a.preset for a in actions if isinstance(a, ReminderPreset)), None)
    if titles and titles[0] in areas:
        first = techniques.get(titles[1]) if len(titles) > 1 else None
        return Answer(flag, areas[titles[0]], first, reminder=reminder)
    if titles and titles[0] in techniques:
        return Answer(flag, technique=techniques[titles[0]], reminder=reminder)
    return Answer(flag, reminder=reminder)


J, S, U, N, L = "jaw", "shoulders", "upper-back", "neck", "lower-back"
BED, LEGS = "bed", "legs"

# (what they wrote, the answer it must get)
SENTENCES: list[tuple[str, Answer]] = [
    # the jaw: clenching and grinding, with the mouth guard reminder offered
    ("I clench my teeth all the time, especially at night", Answer(None, J, "mouth-guard", reminder=BED)),
    ("I clench my teeth", Answer(None, J, "jaw-release", reminder=BED)),
    ("I clench my jaw", Answer(None, J, "jaw-release", reminder=BED)),
    ("I grind my teeth at night", Answer(None, J, "mouth-guard", reminder=BED)),
    ("my partner says I grind my teeth in my sleep", Answer(None, J, "mouth-guard", reminder=BED)),
    ("I wake up with a sore jaw every morning", Answer(None, J, "mouth-guard", reminder=BED)),
    ("my dentist says my teeth are worn down from grinding", Answer(None, J, "mouth-guard", reminder=BED)),
    ("caught myself clenching at my desk again", Answer(None, J, "jaw-release", reminder=BED)),
    ("my jaw is so tight today", Answer(None, J, "jaw-release", reminder=BED)),
    ("my jaw clicks when I yawn", Answer(None, J, "jaw-release", reminder=BED)),
    ("I grit my teeth when I concentrate", Answer(None, J, "jaw-release", reminder=BED)),
    ("my TMJ is flaring up again", Answer(None, J, "jaw-release", reminder=BED)),
    ("achy jaw after a stressful week", Answer(None, J, "jaw-release", reminder=BED)),
    # a tooth: the dentist first, then the jaw page
    ("I cracked a tooth from clenching", Answer("dentist", J, "mouth-guard")),
    ("chipped a molar, probably from grinding", Answer("dentist", J, "mouth-guard")),
    ("toothache on the left side since yesterday", Answer("dentist", J, "mouth-guard")),
    # a reminder asked for plainly stays a reminder (issue 14)
    ("I keep forgetting my mouth guard", Answer(reminder=BED)),
    # shoulders creeping up: the shoulder drop first
    ("my shoulders are up to my chin", Answer(None, S, "shoulder-drop")),
    ("shoulders up to my ears again", Answer(None, S, "shoulder-drop")),
    ("noticed my shoulders creeping up towards my ears", Answer(None, S, "shoulder-drop")),
    ("stress makes my shoulders tight", Answer(None, S, "shoulder-drop")),
    ("my traps are rock hard", Answer(None, S, "shoulder-drop")),
    ("I've been shrugging all day in meetings", Answer(None, S, "shoulder-drop")),
    ("knots in my shoulders", Answer(None, S, "ball-wall")),
    # the upper back
    ("knot between my shoulder blades that won't go away", Answer(None, U, "two-balls-sock")),
    ("the muscles on both sides of my spine are tight", Answer(None, U, "two-balls-sock")),
    ("my shoulder blades ache", Answer(None, U, "two-balls-sock")),
    ("my upper back is in knots", Answer(None, U, "ball-wall")),
    ("hunched over my laptop all day", Answer(None, U, "ball-wall")),
    ("rhomboids are killing me", Answer(None, U, "ball-wall")),
    ("mid back is stiff from the desk", Answer(None, U, "ball-wall")),
    # the neck
    ("I fell asleep at my desk and my neck is stiff", Answer(None, N, "neck-tilt")),
    ("tension headache again after work", Answer(None, N, "neck-tilt")),
    ("got a crick in my neck from sleeping funny", Answer(None, N, "neck-tilt")),
    ("text neck from scrolling on my phone", Answer(None, N, "neck-tilt")),
    ("it hurts to turn my head to the left", Answer(None, N, "neck-tilt")),
    # the lower back
    ("my lower back aches after sitting all day", Answer(None, L, "legs-up-chair", reminder=LEGS)),
    ("my back is killing me after standing all day at work", Answer(None, L, "legs-up-chair", reminder=LEGS)),
    ("my hips are so tight from driving", Answer(None, L, "legs-up-chair", reminder=LEGS)),
    ("the small of my back is sore", Answer(None, L, "legs-up-chair", reminder=LEGS)),
    ("lumbar pain from the office chair", Answer(None, L, "legs-up-chair", reminder=LEGS)),
    # stress in general
    ("I'm so stressed, everything feels tight", Answer(None, S, "shoulder-drop")),
    ("work has me wound up", Answer(None, S, "shoulder-drop")),
    # equipment by the names people use
    ("how do I use a lacrosse ball?", Answer(technique="ball-wall")),
    ("where should the tennis ball in a sock go?", Answer(technique="ball-wall")),
    ("I bought a trigger point massager", Answer(technique="ball-wall")),
    ("my physio gave me a ball on a cord", Answer(technique="ball-wall")),
    ("two tennis balls in a sock, how does that work", Answer(technique="two-balls-sock")),
    ("is a peanut ball any good", Answer(technique="two-balls-sock")),
    ("my mouth guard hurts", Answer(technique="mouth-guard")),
    # a red flag leads, and the spot still follows
    ("my arm is numb and my shoulders are up to my chin", Answer("nerve-signs", S, "shoulder-drop")),
    # a negated mention does not count
    ("I don't clench, but my neck is stiff", Answer(None, N, "neck-tilt")),
    ("I don't grind my teeth", Answer()),
    ("hello there", Answer()),
]  # fmt: skip


def test_the_table_is_long_enough():
    assert len(SENTENCES) >= 40
    assert len({said for said, _ in SENTENCES}) == len(SENTENCES)


@pytest.mark.parametrize(("said", "expected"), SENTENCES, ids=[s for s, _ in SENTENCES])
async def test_their_words_get_the_answer_they_need(
    bot: Knotbot, clock: ManualClock, said: str, expected: Answer
):
    reply = (await say(bot, clock, f"/ {said}")).sent[-1].reply
    assert answer_of(bot.services.content, reply) == expected


# -- the findings, one by one --------------------------------------------------------


async def test_i_clench_my_teeth_offers_the_mouth_guard_reminder_that_sets_one(
    bot: Knotbot, clock: ManualClock
):
    said = await say(bot, clock, "/ I clench my teeth all the time, especially at night")
    assert said.last.startswith("Jaw")
    assert "I can remind you to put your mouth guard in." in said.last
    offer = next(b for b in said.sent[-1].reply.all_buttons if b.action.startswith("rn:"))
    assert offer.label == "Mouth guard at bedtime"
    replier = RecordingReplier(clock)
    await bot.handle(press(offer.action), replier)
    assert "When do you usually go to bed?" in replier.last


async def test_cracked_tooth_leads_with_the_dentist_then_the_jaw(bot: Knotbot, clock: ManualClock):
    text = (await say(bot, clock, "/ I cracked a tooth from clenching")).last
    assert text.startswith("Safety first:\n  ! A cracked, chipped or broken tooth")
    assert "needs a dentist first" in text
    assert text.index("needs a dentist first") < text.index("\nJaw\n")


@pytest.mark.parametrize(
    ("said", "technique"),
    [
        ("/knot trigger point massager", "Ball against the wall"),
        ("/technique ball on a cord", "Ball against the wall"),
        ("/technique tennis ball in a sock", "Ball against the wall"),
        ("/technique lacrosse ball", "Ball against the wall"),
        ("/technique two tennis balls in a sock", "Two tennis balls in a knotted sock"),
        ("/technique peanut ball", "Two tennis balls in a knotted sock"),
        ("/knot night guard", "Mouth guard at night"),
    ],
)
async def test_equipment_names_find_the_technique(
    bot: Knotbot, clock: ManualClock, said: str, technique: str
):
    text = (await say(bot, clock, said)).last
    assert text.startswith(technique)
    assert "Cautions:" in text


async def test_shoulders_up_to_the_chin_puts_the_shoulder_drop_first(
    bot: Knotbot, clock: ManualClock
):
    for said in ("/ my shoulders are up to my chin", "/knot shoulders up to my chin"):
        text = (await say(bot, clock, said)).last
        assert text.startswith("Shoulders")
        assert text.index("The shoulder drop") < text.index("Ball against the wall")


async def test_the_area_by_its_name_keeps_its_own_order(bot: Knotbot, clock: ManualClock):
    text = (await say(bot, clock, "/knot shoulders")).last
    assert text.index("Ball against the wall") < text.index("The shoulder drop")


# -- phone-sized answers ---------------------------------------------------------------------

# About one phone screen.
SCREEN_WORDS = 120
_WORD = re.compile(r"[^\W_][\w'\u2019-]*")


def words_on_screen(reply: Reply) -> int:
    """Words a person reads: every block's text and title, and every button's label."""
    lines = [line for b in reply.blocks for line in (b.title, *b.lines)]
    lines += [b.label for b in reply.all_buttons]
    return sum(len(_WORD.findall(line)) for line in lines)


async def test_knot_for_every_area_fits_a_phone_screen(bot: Knotbot, clock: ManualClock):
    for area in bot.services.content.areas:
        reply = (await say(bot, clock, f"/knot {area.id}")).sent[-1].reply
        assert words_on_screen(reply) <= SCREEN_WORDS, (area.id, words_on_screen(reply))


async def test_plain_words_answers_fit_a_phone_screen_too(bot: Knotbot, clock: ManualClock):
    for said, expected in SENTENCES:
        if expected.area is not None and expected.flag is None:
            reply = (await say(bot, clock, f"/ {said}")).sent[-1].reply
            assert words_on_screen(reply) <= SCREEN_WORDS, (said, words_on_screen(reply))


async def test_each_technique_has_its_title_line_and_buttons(bot: Knotbot, clock: ManualClock):
    content = bot.services.content
    for area in content.areas:
        reply = (await say(bot, clock, f"/knot {area.id}")).sent[-1].reply
        for technique in content.techniques_for(area.id):
            assert technique.title in [b.lines[0] for b in reply.blocks]
            assert technique.line in [line for b in reply.blocks for line in b.lines]
            row = next(r for r in reply.buttons if ShowTechnique(technique.id) in _decoded(r))
            if technique.hold is not None:
                assert StartHold(technique.id, area.id) in _decoded(row)
        assert "Cautions" not in [b.title for b in reply.blocks]  # one tap away


def _decoded(row: tuple) -> list:  # type: ignore[type-arg]
    return [decode(b.action) for b in row]


async def test_how_to_has_the_steps_and_cautions(bot: Knotbot, clock: ManualClock):
    for technique in bot.services.content.techniques:
        replier = RecordingReplier(clock)
        await bot.handle(press(ShowTechnique(technique.id)), replier)
        for line in (*technique.steps, *technique.cautions):
            assert line in replier.last


async def test_the_cautions_still_come_before_a_first_hold_started_from_knot(
    bot: Knotbot, clock: ManualClock
):
    reply = (await say(bot, clock, "/knot upper-back")).sent[-1].reply
    start = next(b for b in reply.all_buttons if b.action == "h:ball-wall:upper-back")
    replier = RecordingReplier(clock)
    bot.services.holds.attach("memory", replier)
    await bot.handle(press(start.action), replier)
    assert "Before you start" in replier.sent[0].text
    assert "never on the spine" in replier.sent[0].text
    for hold in bot.services.holds.active:
        await clock.run_until(hold.task)
