"""The conversation core, as a user of any platform sees it."""

from __future__ import annotations

import pytest

from bot import actions
from bot.clock import ManualClock
from bot.core import Knotbot
from bot.messages import ButtonPress
from bot.storage import Database
from tests.conftest import make_settings
from tests.helpers import PLATFORM, RecordingOutbox, RecordingReplier, command, press


async def ask(bot: Knotbot, clock: ManualClock, text: str) -> RecordingReplier:
    replier = RecordingReplier(clock)
    await bot.handle(command(text), replier)
    assert replier.sent, f"no reply to {text!r}"
    return replier


async def test_knot_upper_back_shows_its_techniques_with_cautions_one_tap_away(
    bot: Knotbot, clock: ManualClock
):
    replier = await ask(bot, clock, "/knot upper-back")
    text = replier.last
    assert text.startswith("Upper back")
    for title in (
        "Ball against the wall",
        "Two tennis balls in a knotted sock",
        "The shoulder drop",
    ):
        assert title in text
    assert "about 20 seconds" in text
    assert "see a professional" not in text and "/safety" in text
    buttons = replier.sent[-1].reply.all_buttons
    assert [b.action for b in buttons] == [
        "h:ball-wall:upper-back",
        "t:ball-wall",
        "h:two-balls-sock:upper-back",
        "t:two-balls-sock",
        "h:shoulder-drop:upper-back",
        "t:shoulder-drop",
    ]
    how_to = RecordingReplier(clock)
    await bot.handle(press("t:ball-wall"), how_to)
    assert "Cautions:" in how_to.last and "never longer" in how_to.last
    assert "see a professional" in how_to.last


@pytest.mark.parametrize(
    "said", ["upper back", "UPPERBACK", "between the shoulder blades", "a knot in my upper back"]
)
async def test_knot_understands_the_ways_people_name_the_upper_back(
    bot: Knotbot, clock: ManualClock, said: str
):
    replier = await ask(bot, clock, f"/knot {said}")
    assert replier.last.startswith("Upper back")


async def test_knot_with_misspelled_area_suggests_upper_back(bot: Knotbot, clock: ManualClock):
    replier = await ask(bot, clock, "/knot uper back")
    text = replier.last
    assert "I don't know the spot \u201cuper back\u201d. Did you mean upper-back" in text
    assert next(b.action for b in replier.sent[-1].reply.all_buttons) == "a:upper-back"
    assert "lower-back" in text and "jaw" in text  # the list of spots follows


async def test_suggestion_button_shows_the_area(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    await bot.handle(press("a:upper-back"), replier)
    assert replier.last.startswith("Upper back")


async def test_knot_without_an_area_lists_the_areas(bot: Knotbot, clock: ManualClock):
    replier = await ask(bot, clock, "/knot")
    for area in ("upper-back", "lower-back", "shoulders", "neck", "jaw"):
        assert area in replier.last
    assert len(replier.sent[-1].reply.all_buttons) == 5


async def test_jaw_mentions_mouth_guard_and_the_lower_back_the_chair(
    bot: Knotbot, clock: ManualClock
):
    assert "Mouth guard at night" in (await ask(bot, clock, "/knot tmj")).last
    lower = (await ask(bot, clock, "/knot lower back")).last
    assert "Legs up on a chair" in lower and "15 minutes" in lower
    how_to = RecordingReplier(clock)
    await bot.handle(press("t:legs-up-chair"), how_to)
    assert "never overstretch" in how_to.last


async def test_unknown_area_with_nothing_close_lists_the_spots(bot: Knotbot, clock: ManualClock):
    replier = await ask(bot, clock, "/knot elbow")
    assert "I don't know the spot \u201celbow\u201d." in replier.last
    assert "Did you mean" not in replier.last
    assert "upper-back" in replier.last


async def test_huge_and_odd_arguments_get_a_short_friendly_answer(bot: Knotbot, clock: ManualClock):
    replier = await ask(bot, clock, "/knot " + "\u202e\u200bx" * 50_000)
    assert len(replier.last) < 1000
    assert "\u202e" not in replier.last and "\u200b" not in replier.last
    assert "I don't know the spot" in replier.last


async def test_technique_command_shows_one_technique_and_its_hold_button(
    bot: Knotbot, clock: ManualClock
):
    replier = await ask(bot, clock, "/technique two balls")
    assert replier.last.startswith("Two tennis balls in a knotted sock")
    assert "Helps with: Upper back" in replier.last
    assert replier.sent[-1].reply.all_buttons[0].action == "h:two-balls-sock:upper-back"
    mouth_guard = await ask(bot, clock, "/technique mouth-guard")
    assert not mouth_guard.sent[-1].reply.all_buttons  # nothing to hold


async def test_help_lists_every_command(bot: Knotbot, clock: ManualClock):
    text = (await ask(bot, clock, "/help")).last
    for spec in bot.commands:
        assert f"/{spec.name}" in text


async def test_start_greets_by_name_with_the_safety_notice(bot: Knotbot, clock: ManualClock):
    text = (await ask(bot, clock, "/start")).last
    assert text.startswith("Hi Ada, I'm knotbot")
    assert "not medical advice" in text


async def test_safety_lists_when_to_see_a_professional(bot: Knotbot, clock: ManualClock):
    text = (await ask(bot, clock, "/safety")).last
    for sign in ("sharp", "radiates", "numbness, tingling", "after a fall"):
        assert sign in text


async def test_unknown_command_suggests_the_close_one(bot: Knotbot, clock: ManualClock):
    assert "I don't know /knto. Did you mean /knot?" in (await ask(bot, clock, "/knto jaw")).last


async def test_free_text_naming_a_spot_shows_it(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    await bot.handle(command("/ jaw"), replier)  # name "" is free text
    assert replier.last.startswith("Jaw")


async def test_button_from_an_older_version_gets_a_notice(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    await bot.handle(press("zz:whatever"), replier)
    assert replier.notices == ["That button is from an older version of me; try /help."]


async def test_hold_button_for_a_technique_that_no_longer_exists(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    await bot.handle(press("h:gone:upper-back"), replier)
    assert "no longer in my notes" in replier.last


async def test_every_button_id_fits_telegram(bot: Knotbot, clock: ManualClock):
    for area in bot.services.content.areas:
        replier = await ask(bot, clock, f"/knot {area.id}")
        for button in replier.sent[-1].reply.all_buttons:
            assert len(button.action.encode()) <= actions.MAX_BYTES


async def test_database_down_gets_a_friendly_answer_and_stateless_commands_still_work(
    content, clock: ManualClock, tmp_path
):
    down = Database("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    bot = Knotbot(settings=make_settings(), content=content, db=down, clock=clock)
    bot.services.holds.attach(PLATFORM, RecordingOutbox(clock))
    try:
        replier = RecordingReplier(clock)
        await bot.handle(command("/hold upper-back"), replier)
        assert "can't reach my notebook" in replier.last
        assert "nothing you saved is lost" in replier.last
        replier = await ask(bot, clock, "/knot jaw")  # needs no database
        assert replier.last.startswith("Jaw")
    finally:
        await down.close()


async def test_press_without_a_message_and_unknown_hold_id(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    await bot.handle(ButtonPress(command("/x").chat, command("/x").user, "hs:notanumber"), replier)
    assert replier.notices == ["This hold has already ended."]
