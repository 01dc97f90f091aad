"""Every translated command, run in German and in Spanish, answers without a word of English
left, except names (people's, spots' and techniques' ids, time zones, command names, the
languages' own names) and what the person typed.

What runs and what counts as English: tests/english_left.py. To translate a command, move it
from NOT_YET to COVERED there and make this test pass. /tip and /routine in a community, step
by step and pressing buttons: tests/test_no_english_left_in_communities.py.
"""

from __future__ import annotations

import pytest

from bot.actions import (
    Forget,
    ForgetChoice,
    ShowArea,
    ShowTechnique,
    encode,
)
from bot.clock import ManualClock
from bot.commands import COMMANDS
from bot.core import Knotbot
from bot.i18n import LANGUAGES, translator
from bot.messages import ButtonPress, UserRef
from bot.render import plain_text

# How long the clock runs a hold before /stop: past its setup, presses, releases and a rest.
from tests.english_left import COVERED, NAME, NOT_YET, english_left, english_sentences, ids_of
from tests.helpers import (
    PLATFORM,
    RecordingReplier,
    command,
    private_chat,
)

HOLD_RUNS_SECONDS = 70


def speaker(language: str) -> UserRef:
    return UserRef(PLATFORM, f"u-{language}", NAME, {"de": "de-DE", "es": "es-ES"}[language])


async def replies_to(bot: Knotbot, clock: ManualClock, who: UserRef, said: str) -> list[str]:
    """What the person sees: the answers, and the frames of any hold it started (edited in
    while the clock runs it), then /stop's answer and the hold's closing frame."""
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)  # a hold's edits are recorded here too
    await bot.handle(command(said, who=who), replier)
    assert replier.sent or replier.notices, f"no answer to {said!r}"
    if bot.services.holds.find(private_chat(who.user_id), who) is not None:
        await clock.advance(HOLD_RUNS_SECONDS)
        await bot.handle(command("/stop", who=who), replier)
        assert replier.edits, "the hold's message was never edited"
    return [plain_text(s.reply) for s in [*replier.sent, *replier.edits]] + replier.notices


def _cases() -> list[tuple[str, str, str]]:
    return [
        (language, name, args)
        for name, by_language in COVERED.items()
        for language, said in by_language.items()
        for args in said
    ]


@pytest.mark.parametrize(("language", "name", "args"), _cases())
async def test_no_english_is_left_in_a_translated_reply(
    bot: Knotbot, clock: ManualClock, language: str, name: str, args: str
):
    who = speaker(language)
    if name in ("reminders", "quiet", "forget"):  # something to list, to quiet, to forget
        await replies_to(bot, clock, who, "/remind " + COVERED["remind"][language][1])
    if name == "stop":  # a hold to stop: the story of /hold ends with /stop
        texts = await replies_to(bot, clock, who, "/hold legs-up-chair")
        stopped = translator(language).gettext("Your hold is stopped.")
        assert stopped in texts
        for text in texts:
            assert english_sentences(text) == [], text
            assert english_left(text, "", ids_of(bot)) == [], text
    said = f"/{name} {args}".strip() if name else args
    for text in await replies_to(bot, clock, who, said):
        assert english_sentences(text) == [], text
        assert english_left(text, args, ids_of(bot)) == [], text


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
async def test_buttons_pressed_in_a_translated_reply_answer_in_that_language(
    bot: Knotbot, clock: ManualClock, language: str
):
    who = speaker(language)
    pressed = (
        ShowArea("jaw"),
        ShowTechnique("jaw-release"),
        ShowArea("gone"),
        Forget(ForgetChoice.CANCEL),
        Forget(ForgetChoice.DELETE_TIPS),
    )
    for action in pressed:
        replier = RecordingReplier(clock)
        await bot.handle(ButtonPress(private_chat(who.user_id), who, encode(action)), replier)
        for text in [plain_text(s.reply) for s in replier.sent] + replier.notices:
            assert english_sentences(text) == [], text
            assert english_left(text, "", ids_of(bot)) == [], text


def test_every_command_is_covered_or_listed_as_not_yet():
    names = {c.name for c in COMMANDS}
    assert names - set(COVERED) - NOT_YET == set(), "a command in no list: add it to one"
    assert names >= NOT_YET and not (NOT_YET & set(COVERED))


def test_the_check_itself_finds_english():
    """The detector is not blind: the English replies it would let through are none."""
    english = "Here is what I can do: set a reminder for your shoulders."
    assert english_left(english, "", set()) != []
    assert english_sentences("Tell me a spot (for example upper back, or jaw), or type /help.")
