"""Bugs the fuzz tests (test_fuzz_core.py) found in the core, pinned now that they are fixed."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import Knotbot
from bot.messages import ButtonPress, ChatKind, ChatRef, Command, Incoming
from tests.fuzzing import (
    PLATFORM,
    Crash,
    World,
    fresh_bot,
    hidden,
    logged_errors,
    person,
)
from tests.helpers import RecordingReplier

# -- regressions: bugs these tests found, fixed --------------------------------------------------

OOPS = "Something went wrong on my side"


async def answer_to(bot: Knotbot, event: Incoming) -> tuple[list[str], list[Crash]]:
    replier = RecordingReplier(bot.services.clock)
    with logged_errors() as errors:
        await bot.handle(event, replier)
    return [s.text for s in replier.sent] + replier.notices, errors.crashes()


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("press", "hs:\u00b2"),  # bot/commands/holds.py on_control_button
        ("press", "rp:\u00b2"),  # bot/commands/reminders.py on_list_button
        ("press", "rd:\u00b2"),  # bot/commands/reminders.py on_reminder_button
        ("press", "tt:\u00b2"),  # bot/commands/tips.py _number
        ("command", "remove \u00b2"),  # /tip remove ²: bot/commands/tips.py _number
    ],
)
async def test_superscript_digits_are_not_numbers(bot: Knotbot, kind: str, said: str) -> None:
    chat = ChatRef(PLATFORM, "g1", ChatKind.COMMUNITY, "c1", "Knot Club")
    who = person(moderator=True)
    event = ButtonPress(chat, who, said) if kind == "press" else Command(chat, who, "tip", said)
    answers, crashes = await answer_to(bot, event)
    assert not crashes and not any(OOPS in a for a in answers), (answers, crashes)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("remind", "in 99999999999 days"),  # bot/reminders/parse.py _one_off
        ("remind", "in 1000000000 min"),  # the days= timedelta is built for minutes too
        ("quiet", "for 99999999999 days"),  # bot/commands/reminders.py quiet_until
        ("quiet", "for 1000000000 m"),
    ],
)
async def test_huge_durations_are_refused_kindly(bot: Knotbot, name: str, args: str) -> None:
    answers, crashes = await answer_to(bot, Command(ChatRef(PLATFORM, "u1"), person(), name, args))
    assert not crashes and not any(OOPS in a for a in answers), (answers, crashes)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("command", "change 99999999999999999999 at 9:00"),  # Reminders.get
        ("press", "rp:99999999999999999999"),  # Reminders.get
        ("press", "rx:99999999999999999999"),  # Reminders.get
        ("press", "rd:99999999999999999999"),  # Reminders.delivery_by_id
        ("press", "rz:99999999999999999999"),  # Reminders.delivery_by_id
    ],
)
async def test_huge_ids_are_unknown_ids(bot: Knotbot, kind: str, said: str) -> None:
    chat, who = ChatRef(PLATFORM, "u1"), person()
    event = ButtonPress(chat, who, said) if kind == "press" else Command(chat, who, "remind", said)
    answers, crashes = await answer_to(bot, event)
    assert not crashes and not any(OOPS in a for a in answers), (answers, crashes)


async def test_an_echoed_argument_carries_no_arabic_letter_mark(bot: Knotbot) -> None:
    answers, _ = await answer_to(
        bot, Command(ChatRef(PLATFORM, "u1"), person(), "knot", "\u061cnowhere")
    )
    assert "\u061c" not in "".join(answers), answers


async def test_start_does_not_echo_invisible_characters_of_a_display_name(bot: Knotbot) -> None:
    who = person(name="\u202eAda\u0007\u200b")
    answers, _ = await answer_to(bot, Command(ChatRef(PLATFORM, "u1"), who, "start", ""))
    assert not [c for c in "".join(answers) if hidden(c)], answers


async def test_a_tip_credit_carries_no_invisible_characters(bot: Knotbot) -> None:
    chat = ChatRef(PLATFORM, "g1", ChatKind.COMMUNITY, "c1", "Knot Club")
    who = person(name="\u202eAda\u0007")
    tip = "a tennis ball against the wall, gently, for a minute"
    answers, _ = await answer_to(bot, Command(chat, who, "tip", f"share {tip}"))
    assert tip in "".join(answers), answers  # shared
    assert not [c for c in "".join(answers) if hidden(c)], answers


async def test_each_fuzzed_bot_leaves_nothing_running(world: World) -> None:
    """The harness itself: a hold a fuzzed command starts ends with the example's bot."""
    async with fresh_bot(world) as bot:
        replier = RecordingReplier(bot.services.clock)
        await bot.handle(Command(ChatRef(PLATFORM, "h1"), person("h1"), "hold", "jaw"), replier)
        assert bot.services.holds.active
        task = bot.services.holds.active[0].task
    assert task.done() and not bot.services.holds.active
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("hold")]
