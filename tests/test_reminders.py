"""Relax reminders on a manual clock as people set and use them: scheduling in their zone and
hours, the buttons (Done, Snooze, Stop), /reminders, /quiet, shared reminders."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import ChatKind
from bot.storage import Database
from bot.storage.schema import ReminderDone
from tests.helpers import (
    Delivered,
    RecordingOutbox,
    RecordingReplier,
    dispatcher_for,
    group_chat,
    press,
    run_until,
    say,
    user,
)


def local_times(sent: list[Delivered], zone: str = "UTC") -> list[str]:
    return [d.at.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") for d in sent]


async def test_reminders_arrive_on_time_in_the_window_with_buttons(
    bot: Knotbot, clock: ManualClock
):
    replier = await say(bot, clock, "/remind every 2 hours from 9:00 to 17:00 on weekdays")
    outbox = RecordingOutbox(clock)
    dispatcher = dispatcher_for(bot, outbox)
    await run_until(clock, dispatcher, datetime(2026, 3, 9, 9, 0, tzinfo=UTC))  # Mon to next Mon

    # On the minutes asked for, inside the hours asked for: never 17:59 for "9 to 17".
    said = "Set: relax reminders, every 2 h, 09:00\u201317:00, Mon\u2013Fri (UTC)."
    assert said in replier.last
    week = [
        f"{d} {h:02d}:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri") for h in (9, 11, 13, 15, 17)
    ]
    # Set at Mon 09:00: the first comes at 11:00, the last next Monday at 09:00.
    expected = [*week[1:], "Mon 09:00"]
    assert local_times(outbox.sent) == expected
    first = outbox.sent[0]
    assert first.chat.kind is ChatKind.PRIVATE and first.chat.chat_id == "u1"
    assert [b.label for b in first.reply.all_buttons] == [
        "Done",
        "Snooze 15 min",
        "Stop these reminders",
    ]
    assert first.text.startswith("Relax break")
    assert first.key and first.key.startswith("r1-") and len(first.key) <= 25


async def test_texts_rotate_and_never_repeat_back_to_back(
    bot: Knotbot, clock: ManualClock, content: ContentLibrary
):
    await say(bot, clock, "/remind every 30 min from 0:00 to 23:30")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(days=2))
    texts = [d.reply.blocks[1].lines[0] for d in outbox.sent]
    assert len(texts) > 90
    assert all(a != b for a, b in itertools.pairwise(texts))
    assert set(texts) == set(content.reminder_kinds["relax"].texts)


async def test_snooze_sends_it_again_in_15_minutes(bot: Knotbot, clock: ManualClock, db: Database):
    await say(bot, clock, "/remind at 9:30")
    outbox = RecordingOutbox(clock)
    dispatcher = dispatcher_for(bot, outbox)
    await run_until(clock, dispatcher, datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    (first,) = outbox.sent
    snooze = first.reply.all_buttons[1].action
    replier = RecordingReplier(clock)
    await bot.handle(press(snooze, message=None), replier)
    assert "Snoozed until 09:46." in replier.last
    await run_until(clock, dispatcher, datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    assert local_times(outbox.sent) == ["Mon 09:30", "Mon 09:46"]
    assert outbox.sent[1].reply.all_buttons[0].label == "Done"


async def test_done_is_logged_once(bot: Knotbot, clock: ManualClock, db: Database):
    await say(bot, clock, "/remind at 9:30")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    done = outbox.sent[0].reply.all_buttons[0].action
    replier = RecordingReplier(clock)
    await bot.handle(press(done), replier)
    assert "Done. Nice work" in replier.last
    assert not replier.sent[-1].reply.all_buttons
    await bot.handle(press(done), replier)
    assert replier.notices == ["Already logged."]
    async with db.session() as s:
        assert await s.scalar(select(func.count()).select_from(ReminderDone)) == 1
    stranger = RecordingReplier(clock)
    await bot.handle(press(done, who=user("u2", "Bo")), stranger)
    assert stranger.notices == ["That is someone else's reminder."]


async def test_stop_button_pauses_and_reminders_resumes(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind every hour from 9 to 17")
    outbox = RecordingOutbox(clock)
    dispatcher = dispatcher_for(bot, outbox)
    await run_until(clock, dispatcher, datetime(2026, 3, 2, 10, 30, tzinfo=UTC))
    sent = len(outbox.sent)
    stop = outbox.sent[-1].reply.all_buttons[2].action
    replier = RecordingReplier(clock)
    await bot.handle(press(stop), replier)
    assert replier.last.startswith("Paused: Relax break, every hour")
    await run_until(clock, dispatcher, datetime(2026, 3, 2, 14, 50, tzinfo=UTC))
    assert len(outbox.sent) == sent
    listing = await say(bot, clock, "/reminders")
    assert "\u00b7 paused" in listing.last
    resume = listing.sent[-1].reply.all_buttons[0]
    assert resume.label == "Resume #1"
    await bot.handle(press(resume.action), replier)
    assert replier.last.startswith("Resumed #1.")
    await run_until(clock, dispatcher, datetime(2026, 3, 2, 17, 30, tzinfo=UTC))
    minute = local_times(outbox.sent)[0][-2:]
    after_resume = local_times(outbox.sent)[sent:]
    assert after_resume == [f"Mon {h}:{minute}" for h in (15, 16, 17)][: len(after_resume)]
    assert len(after_resume) >= 2


async def test_delete_and_change(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 22:30 mouth guard")
    changed = await say(bot, clock, "/remind change 1 at 21:45 mouth guard")
    assert "Changed #1: Bedtime, daily at 21:45" in changed.last
    other = await say(bot, clock, "/remind change 1 at 8:00", who=user("u2", "Bo"))
    assert "someone else's reminder" in other.last
    listing = await say(bot, clock, "/reminders")
    delete = listing.sent[-1].reply.all_buttons[1]
    replier = RecordingReplier(clock)
    await bot.handle(press(delete.action), replier)
    assert "Deleted #1." in replier.last and "no reminders yet" in replier.last


async def test_quiet_pauses_everything_until_it_ends(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind every hour from 9 to 17")
    replier = await say(bot, clock, "/quiet for 3 days")
    assert "Quiet until Thu 5 Mar 09:00" in replier.last
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    assert outbox.sent and min(d.at for d in outbox.sent) >= datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    off = await say(bot, clock, "/quiet off")
    assert "Quiet time is over" in off.last
    bad = await say(bot, clock, "/quiet sometimes")
    assert "I didn't catch how long" in bad.last


async def test_timezone_by_city_and_local_time_moves_reminders(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 9:30")
    replier = await say(bot, clock, "/timezone berlin")
    assert (
        "Set your time zone to Europe/Berlin" in replier.last and "1 reminder moved" in replier.last
    )
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    assert local_times(outbox.sent, "Europe/Berlin") == ["Tue 09:30"]
    guess = await say(bot, clock, "/timezone 19:00")  # it is 09:00 UTC on the manual clock
    labels = [b.label for b in guess.sent[-1].reply.all_buttons]
    assert labels and all("(19:" in label for label in labels)
    assert "Asia/Bangkok (19:00)" in labels
    unknown = await say(bot, clock, "/timezone Mars/Olympus")
    assert "I don't know the time zone" in unknown.last


async def test_spring_forward_reminder_fires_once_at_the_first_valid_time(
    bot: Knotbot, clock: ManualClock
):
    clock_at = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    await clock.advance((clock_at - clock.now()).total_seconds())
    await say(bot, clock, "/timezone Europe/Berlin")
    await say(bot, clock, "/remind at 2:30")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    assert [
        d.at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d %H:%M") for d in outbox.sent
    ] == ["29 03:00", "30 02:30", "31 02:30"]


async def test_moderators_can_schedule_a_shared_reminder_for_a_community(
    bot: Knotbot, clock: ManualClock
):
    group = group_chat()
    member = await say(bot, clock, "/remind here daily at 15:00 stretch break", chat=group)
    assert "Only moderators can set reminders for everyone here" in member.last
    moderator = user("m1", "Mo", moderator=True)
    await say(bot, clock, "/timezone here Europe/Lisbon", who=moderator, chat=group)
    made = await say(
        bot, clock, "/remind here daily at 15:00 stretch break", who=moderator, chat=group
    )
    assert "Set: stretch break reminders, daily at 15:00 (Europe/Lisbon)." in made.last
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    (sent,) = outbox.sent
    assert sent.chat.kind is ChatKind.COMMUNITY and sent.chat.chat_id == "g1"
    assert [b.label for b in sent.reply.all_buttons] == ["Done", "Stop these reminders"]
    assert sent.text.startswith("Stretch break")
    stop = sent.reply.all_buttons[1].action
    replier = RecordingReplier(clock)
    await bot.handle(press(stop, chat=group), replier)
    assert replier.notices == ["Only moderators can change reminders for everyone."]
    done = sent.reply.all_buttons[0].action
    for who in ("u1", "u2"):
        await bot.handle(press(done, who=user(who), chat=group), replier)
    assert replier.notices[-2:] == ["Logged. Nice work.", "Logged. Nice work."]


async def test_unreadable_requests_get_examples(bot: Knotbot, clock: ManualClock):
    for said, expected in [
        ("/remind whenever", "I didn't catch when. Pick one, or say when in your words:"),
        ("/remind every 5 minutes", "every 15 minutes at the most often"),
        ("/remind at 25:00", "\u201c25:00\u201d is not a time of day"),
        ("/remind every 2 hours from 18 to 9", "The hours must run forward"),
    ]:
        assert expected in (await say(bot, clock, said)).last
    bare = await say(bot, clock, "/remind")
    assert [b.label for b in bare.sent[-1].reply.all_buttons] == [
        "Every 2 h, 9\u201317, weekdays",
        "Mouth guard at bedtime",
        "Legs-up rest at 19:00",
    ]


async def test_stop_on_a_snoozed_copy_stops_the_series_and_snooze_works_once(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/remind at 9:30")
    outbox = RecordingOutbox(clock)
    dispatcher = dispatcher_for(bot, outbox)
    await run_until(clock, dispatcher, datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    snooze = outbox.sent[0].reply.all_buttons[1].action
    replier = RecordingReplier(clock)
    await bot.handle(press(snooze), replier)
    await bot.handle(press(snooze), replier)
    assert replier.notices == ["Already snoozed until 09:46."]
    await run_until(clock, dispatcher, datetime(2026, 3, 2, 9, 50, tzinfo=UTC))
    assert len(outbox.sent) == 2
    stop = outbox.sent[1].reply.all_buttons[2].action
    await bot.handle(press(stop), replier)
    assert replier.last.startswith("Paused: Relax break, daily at 09:30.")
    await run_until(clock, dispatcher, datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    assert len(outbox.sent) == 2
