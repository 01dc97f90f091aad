"""Reminders that mean what people said (issue 14): their hours, their words, their time
words, repeats that end, a list that tells the truth, and plain words that lead somewhere.

Every example is said to the core as a person would type it; the clock starts on Monday
2 March 2026, 09:00 UTC, and the person's zone is UTC unless a test sets one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import Action, AddAnyway, BedtimeReminder, ReminderControl, UndoDelete
from bot.actions import ReminderOp as Op
from bot.clock import ManualClock
from bot.core import Knotbot
from bot.outbox import PlatformLimits
from tests.helpers import (
    PLATFORM,
    RecordingOutbox,
    RecordingReplier,
    dispatcher_for,
    press,
    run_until,
    say,
    user,
)

# What people type after /remind, and the schedule the confirmation must show.
TIME_WORDS = [
    ("every 2 hours from 9 to 17 on weekdays", "every 2 h, 09:00\u201317:00, Mon\u2013Fri"),
    ("every 2 hours from 09:00 to 18:00 on weekdays", "every 2 h, 09:00\u201317:00, Mon\u2013Fri"),
    ("every hour from 9 to 5", "every hour, 09:00\u201317:00, every day"),
    ("relax during the workday", "every 2 h, 09:00\u201317:00, Mon\u2013Fri"),
    ("legs up at 7:30 in the evening", "daily at 19:30"),
    ("legs up at 7:30pm", "daily at 19:30"),
    ("shoulders down at 19.30", "daily at 19:30"),
    ("breathe at noon", "daily at 12:00"),
    ("unclench at 9 at night", "daily at 21:00"),
    ("stretch every morning", "daily at 08:00"),
    ("relax every evening", "daily at 19:00"),
    ("legs up after work", "at 17:30, Mon\u2013Fri"),
    ("relax at 7:15 in the morning on weekends", "at 07:15, Sat and Sun"),
    ("legs up tonight", "once, Mon 2 Mar 21:00"),
    ("relax tonight at 10", "once, Mon 2 Mar 22:00"),
    ("tomorrow at 9", "once, Tue 3 Mar 09:00"),
    ("unclench jaw every hour", "every hour, 09:00\u201321:00, every day"),
    ("at 22:30 mouth guard", "daily at 22:30"),
]


@pytest.mark.parametrize(("said", "schedule"), TIME_WORDS, ids=[s for s, _ in TIME_WORDS])
async def test_time_words_give_the_schedule_people_mean(
    bot: Knotbot, clock: ManualClock, said: str, schedule: str
):
    answer = (await say(bot, clock, f"/remind {said}")).last
    assert answer.startswith("Set:"), answer
    assert f", {schedule} (UTC)." in answer.splitlines()[0]


async def test_nine_to_five_is_never_reminded_after_five(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind every 2 hours from 9 to 17 on weekdays")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 7, 0, 0, tzinfo=UTC))
    sent = sorted({f"{d.at:%H:%M}" for d in outbox.sent})
    assert sent == ["09:00", "11:00", "13:00", "15:00", "17:00"]
    assert len(outbox.sent) == 4 + 5 * 4  # Monday from 11:00 (it is 09:00 now), then Tue-Fri


# -- their hours: moved only when the minute is full -----------------------------------------

THREE_A_MINUTE = PlatformLimits(
    min_edit_interval=1.0, sends_per_second=3 / 60, sends_per_chat_per_second=1.0
)


async def test_a_full_minute_moves_to_the_nearest_with_room_and_says_so(
    bot: Knotbot, clock: ManualClock
):
    bot.scheduler.declare(PLATFORM, THREE_A_MINUTE)  # as an adapter does when it connects
    for i in range(3):
        answer = (await say(bot, clock, "/remind at 17:00", who=user(f"p{i}"))).last
        assert "busy" not in answer
    fourth = (await say(bot, clock, "/remind at 17:00", who=user("p3"))).last
    assert "daily at 17:01" in fourth
    assert "17:00 is busy, you'll get it at 17:01." in fourth


async def test_a_moved_time_stays_inside_the_hours_asked(bot: Knotbot, clock: ManualClock):
    bot.scheduler.declare(PLATFORM, THREE_A_MINUTE)
    said = "/remind every 2 hours from 9 to 17 on weekdays"
    for i in range(3):
        await say(bot, clock, said, who=user(f"p{i}"))
    fourth = (await say(bot, clock, said, who=user("late"))).last
    # Every time is full: later is still inside, but for 17:00 only earlier is inside "9 to 17".
    assert "09:00 at 09:01" in fourth and "17:00 at 16:59" in fourth, fourth
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 4, 0, 0, tzinfo=UTC))
    late = sorted({f"{d.at:%H:%M}" for d in outbox.sent if d.chat.chat_id == "late"})
    assert late == ["09:01", "11:01", "13:01", "15:01", "16:59"]
    assert all(d.at.hour < 17 or f"{d.at:%H:%M}" == "17:00" for d in outbox.sent)


async def test_without_a_known_limit_nobody_is_moved(bot: Knotbot, clock: ManualClock):
    for i in range(5):
        answer = (await say(bot, clock, "/remind at 17:00", who=user(f"p{i}"))).last
        assert "daily at 17:00" in answer and "busy" not in answer


# -- their words -------------------------------------------------------------------------------


async def test_their_own_words_are_kept_and_shown_in_each_reminder(
    bot: Knotbot, clock: ManualClock
):
    answer = (await say(bot, clock, "/remind unclench jaw every hour")).last
    assert answer.startswith("Set: \u201cunclench jaw\u201d, every hour")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(hours=2))
    first, second = outbox.sent[:2]
    assert first.reply.blocks[0].lines == ("Unclench jaw",)
    prompts = {d.reply.blocks[1].lines[0] for d in (first, second)}
    jaw = bot.services.content.reminder_kinds["jaw"].texts
    assert prompts <= set(jaw) and len(prompts) == 2  # a rotating prompt of the jaw kind
    listed = (await say(bot, clock, "/reminders")).last
    assert "\u201cunclench jaw\u201d, every hour" in listed


async def test_words_are_cleaned_like_tips(bot: Knotbot, clock: ManualClock):
    link = (await say(bot, clock, "/remind see example.com every hour")).last
    assert "can't hold a web address" in link
    ping = (await say(bot, clock, "/remind @Ada breathe at 10:00")).last
    assert "\u201c@\u200bada breathe\u201d" in ping
    long = (await say(bot, clock, "/remind at 11:00 " + "relax my whole body " * 10)).last
    words = long.split("\u201c")[1].split("\u201d")[0]
    assert len(words) <= 80


@pytest.mark.parametrize(
    ("made", "kind_title"),
    [("/remind mouth guard at 22:30", "Bedtime"), ("/remind legs up at 19:00", "Evening rest")],
)
async def test_a_change_keeps_what_the_new_words_do_not_say(
    bot: Knotbot, clock: ManualClock, made: str, kind_title: str
):
    await say(bot, clock, made)
    changed = (await say(bot, clock, "/remind change 1 at 23:00")).last
    assert changed.startswith(f"Changed #1: {kind_title}, daily at 23:00"), changed


async def test_a_change_of_days_keeps_the_times_and_of_words_keeps_the_schedule(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/remind every 2 hours from 9 to 17")
    days = (await say(bot, clock, "/remind change 1 on weekdays")).last
    assert "every 2 h, 09:00\u201317:00, Mon\u2013Fri" in days, days
    words = (await say(bot, clock, "/remind change 1 shoulders down")).last
    assert "\u201cshoulders down\u201d, every 2 h, 09:00\u201317:00, Mon\u2013Fri" in words


# -- at bedtime ------------------------------------------------------------------------------


async def test_at_bedtime_asks_once_then_remembers(bot: Knotbot, clock: ManualClock):
    asked = await say(bot, clock, "/remind mouth guard at bedtime")
    assert "When do you usually go to bed?" in asked.last
    choice = next(b for b in asked.sent[-1].reply.all_buttons if b.label == "22:30")
    replier = RecordingReplier(clock)
    await bot.handle(press(choice.action), replier)
    assert replier.last.startswith("Set: a mouth guard reminder, daily at 22:30")
    again = (await say(bot, clock, "/remind legs up before bed")).last
    assert again.startswith("Set: a legs-up rest reminder, daily at 22:30"), again


# -- repeats that end ------------------------------------------------------------------------


async def test_a_count_shows_what_is_left_and_finishes(bot: Knotbot, clock: ManualClock):
    assert "Set:" in (await say(bot, clock, "/remind relax at 10:00 3 times")).last
    assert "3 of 3 left" in (await say(bot, clock, "/reminders")).last
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 3, 12, tzinfo=UTC))
    assert "1 of 3 left" in (await say(bot, clock, "/reminders")).last
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 10, tzinfo=UTC))
    assert len(outbox.sent) == 3
    assert "no reminders" in (await say(bot, clock, "/reminders")).last


@pytest.mark.parametrize(
    ("said", "shown", "last_day"),
    [
        ("/remind relax at 10:00 until Friday", "until Fri 6 Mar", 6),
        ("/remind relax at 10:00 until 24 December", "until Thu 24 Dec", None),
        ("/remind relax at 10:00 for 2 weeks", "until Sun 15 Mar", 15),
    ],
)
async def test_an_end_date_is_shown_and_kept(
    bot: Knotbot, clock: ManualClock, said: str, shown: str, last_day: int | None
):
    assert "Set:" in (await say(bot, clock, said)).last
    assert shown in (await say(bot, clock, "/reminders")).last
    if last_day is not None:
        outbox = RecordingOutbox(clock)
        until = datetime(2026, 3, 31, tzinfo=UTC)
        await run_until(clock, dispatcher_for(bot, outbox), until)
        assert max(d.at for d in outbox.sent).day == last_day


# -- the list tells the truth ------------------------------------------------------------------


async def test_snoozed_copies_are_listed_with_cancel(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 9:30")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    (sent,) = outbox.sent
    snooze = next(b for b in sent.reply.all_buttons if b.label.startswith("Snooze"))
    await bot.handle(press(snooze.action), RecordingReplier(clock))
    listed = await say(bot, clock, "/reminders")
    assert "Snoozed:" in listed.last and "snoozed until today 09:46" in listed.last
    cancel = next(b for b in listed.sent[-1].reply.all_buttons if "Cancel snooze" in b.label)
    replier = RecordingReplier(clock)
    await bot.handle(press(cancel.action), replier)
    assert replier.last.startswith("Snooze cancelled.") and "Snoozed:" not in replier.last
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 2, 10, tzinfo=UTC))
    assert len(outbox.sent) == 1  # the cancelled snooze never came


async def test_a_paused_reminder_is_marked(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 9:30")
    await bot.handle(press(ReminderControl(Op.PAUSE, 1)), RecordingReplier(clock))
    assert "\u00b7 paused" in (await say(bot, clock, "/reminders")).last


async def test_the_same_reminder_twice_is_answered_with_the_first(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 22:30 mouth guard")
    twice = await say(bot, clock, "/remind mouth guard at 22:30")
    assert twice.last.startswith("You already have #1 daily at 22:30.")
    labels = [b.label for b in twice.sent[-1].reply.all_buttons]
    assert labels == ["Add it anyway", "My reminders"]
    replier = RecordingReplier(clock)
    await bot.handle(press(AddAnyway(1)), replier)
    assert replier.last.startswith("Set: a mouth guard reminder, daily at 22:30")
    listed = (await say(bot, clock, "/reminders")).last
    assert "#1 " in listed and "#2 " in listed


async def test_delete_can_be_undone_for_a_minute(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 22:30 mouth guard")
    await say(bot, clock, "/remind legs up at 19:00")
    deleted = await _pressed(bot, clock, ReminderControl(Op.DELETE, 1))
    assert deleted.last.startswith("Deleted #1. Undo brings it back for a minute.")
    assert "#1 " not in deleted.last
    assert deleted.sent[-1].reply.all_buttons[0].label == "Undo"
    back = await _pressed(bot, clock, UndoDelete(1))
    assert back.last.startswith("#1 is back.") and "#1 Bedtime, daily at 22:30" in back.last
    await _pressed(bot, clock, ReminderControl(Op.DELETE, 2))
    await clock.advance(61)
    late = await _pressed(bot, clock, UndoDelete(2))
    assert late.notices == ["Too late to undo; set it up again with /remind."]
    assert "#2 " not in (await say(bot, clock, "/reminders")).last


async def test_an_undone_reminder_still_comes(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 9:30")
    await _pressed(bot, clock, ReminderControl(Op.DELETE, 1))
    await _pressed(bot, clock, UndoDelete(1))
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    assert len(outbox.sent) == 1


async def _pressed(bot: Knotbot, clock: ManualClock, action: Action) -> RecordingReplier:
    replier = RecordingReplier(clock)
    await bot.handle(press(action), replier)
    return replier


# -- plain words lead somewhere ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "first_button"),
    [
        ("remind me to relax", "Every 2 h, 9\u201317, weekdays"),
        ("I forget to relax", "Every 2 h, 9\u201317, weekdays"),
        ("I keep forgetting my mouth guard", "Mouth guard at bedtime"),
        ("/remind relax", "Every 2 h, 9\u201317, weekdays"),
    ],
)
async def test_plain_words_offer_the_reminders_for_that_need(
    bot: Knotbot, clock: ManualClock, said: str, first_button: str
):
    text = said if said.startswith("/") else f"/ {said}"  # "/ ..." is plain text
    answer = await say(bot, clock, text)
    assert "Tell me a spot" not in answer.last
    buttons = answer.sent[-1].reply.all_buttons
    assert buttons[0].label == first_button
    replier = RecordingReplier(clock)
    await bot.handle(press(buttons[0].action), replier)
    assert replier.last.startswith(("Set:", "When do you usually go to bed?")), replier.last


async def test_a_need_named_plainly_keeps_its_kind(bot: Knotbot, clock: ManualClock):
    answer = await say(bot, clock, "/ remind me to unclench my jaw")
    first = answer.sent[-1].reply.all_buttons[0]
    replier = RecordingReplier(clock)
    await bot.handle(press(first.action), replier)
    assert replier.last.startswith("Set: unclench reminders, every 2 h"), replier.last


async def test_bedtime_button_from_an_older_version_is_answered(bot: Knotbot, clock: ManualClock):
    replier = await _pressed(bot, clock, BedtimeReminder("9x99", "mouth-guard"))
    assert "older version" in replier.last
