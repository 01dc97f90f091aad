"""Relax reminders end to end on a manual clock: scheduling, delivery, buttons, outages, pacing."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import ChatKind
from bot.outbox import PlatformLimits, RateLimited, RecipientGone, TemporaryFailure
from bot.reminders.dispatcher import Dispatcher, DispatchSettings
from bot.reminders.kinds import Composers
from bot.reminders.parse import parse_request
from bot.reminders.planning import occurrence_key
from bot.reminders.schedule import Schedule, next_after
from bot.storage import Database
from bot.storage.schema import Reminder, ReminderDelivery, ReminderDone
from tests.conftest import make_settings
from tests.helpers import (
    Delivered,
    RecordingOutbox,
    RecordingReplier,
    command,
    dispatcher_for,
    eventually,
    group_chat,
    press,
    private_chat,
    run_until,
    user,
)


async def say(bot: Knotbot, clock: ManualClock, text: str, **kw: object) -> RecordingReplier:
    replier = RecordingReplier(clock)
    await bot.handle(command(text, **kw), replier)  # type: ignore[arg-type]
    return replier


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


async def test_after_an_outage_one_catch_up_inside_the_grace_window(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/remind every 30 min from 9 to 17")
    outbox = RecordingOutbox(clock)
    # The bot is down from 09:00 to 11:10: four occurrences are missed.
    await clock.advance(130 * 60)
    await run_until(clock, dispatcher_for(bot, outbox, grace=timedelta(minutes=30)), clock.now())
    assert len(outbox.sent) == 1  # one catch-up, not a burst
    minute = outbox.sent[0].key
    assert minute is not None
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=40))
    assert len(outbox.sent) == 2  # then the regular schedule


async def test_after_a_long_outage_missed_reminders_are_skipped(
    bot: Knotbot, clock: ManualClock, db: Database
):
    await say(bot, clock, "/remind every 30 min from 9 to 17")
    outbox = RecordingOutbox(clock)
    await clock.advance(3 * 24 * 3600 + 3 * 3600)  # back on Thursday at 12:00
    dispatcher = dispatcher_for(bot, outbox, grace=timedelta(minutes=10))
    await run_until(clock, dispatcher, clock.now())
    back = clock.now()
    assert len(outbox.sent) <= 1  # Monday to Wednesday's occurrences are not sent in a burst
    for delivered in outbox.sent:  # at most the latest one, if it is within the grace window
        assert delivered.key is not None
        occurred = datetime.fromtimestamp(int(delivered.key.split("-")[1]), UTC)
        assert timedelta(0) <= back - occurred <= timedelta(minutes=10)
    async with db.session() as s:
        row = await s.scalar(select(Reminder))
    assert (
        row is not None
        and row.next_due_at is not None
        and row.next_due_at > clock.now() - timedelta(seconds=1)
    )


async def test_a_queue_at_the_platform_limit_that_runs_past_the_hours_loses_nothing(
    bot: Knotbot, clock: ManualClock
):
    """Being late because the platform lets only so many through is not an outage: 150 people
    due at Friday 23:59, sent at 1 a second, all get theirs although the last go out on
    Saturday, a day outside their schedule."""
    request = parse_request("at 23:59 on weekdays", now=clock.now(), zone=ZoneInfo("UTC"))
    for i in range(150):
        await bot.services.reminders.create(user(f"q{i}"), private_chat(f"q{i}"), request)
    friday = datetime(2026, 3, 6, 23, 58, tzinfo=UTC)
    await clock.advance((friday - clock.now()).total_seconds())
    slow = PlatformLimits(
        min_edit_interval=1.0, sends_per_second=1.0, sends_per_chat_per_second=1.0
    )
    outbox = RecordingOutbox(clock, limits=slow)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 7, 0, 10, tzinfo=UTC))
    assert len(outbox.sent) == 150
    assert max(d.at for d in outbox.sent) > datetime(2026, 3, 7, 0, 1, tzinfo=UTC)  # Saturday


async def test_no_catch_up_outside_the_hours(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind every 30 min from 9 to 17")
    outbox = RecordingOutbox(clock)
    await clock.advance((8 * 60 + 20) * 60)  # back at 17:20: the 17:xx one was missed, window over
    await run_until(clock, dispatcher_for(bot, outbox, grace=timedelta(hours=2)), clock.now())
    sent_late = [d for d in outbox.sent if d.at.hour >= 17 and d.at.minute >= 20]
    assert sent_late == []


async def test_a_crash_between_send_and_commit_never_sends_twice(
    bot: Knotbot, clock: ManualClock, db: Database
):
    await say(bot, clock, "/remind at 9:30")
    await clock.advance(30 * 60)
    outbox = RecordingOutbox(clock)
    crashing = dispatcher_for(bot, outbox, lease=timedelta(minutes=2))
    await crashing.step()  # claims, marks it as being sent, sends it...
    await crashing.settle()  # ...and the process dies before recording the outcome
    assert len(outbox.sent) == 1

    await clock.advance(3 * 60)  # the claim expires; a restarted dispatcher picks the row up
    restarted = dispatcher_for(bot, outbox)
    await run_until(clock, restarted, clock.now())
    assert len(outbox.sent) == 1
    async with db.session() as s:
        statuses = (await s.scalars(select(ReminderDelivery.status))).all()
        row = await s.scalar(select(Reminder))
    assert statuses == ["uncertain"]
    assert row is not None and row.next_due_at == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


async def sent_then_crashed(
    bot: Knotbot, clock: ManualClock
) -> tuple[RecordingOutbox, list[str | None]]:
    """A 9:30 reminder sent to a platform that drops repeats with the same key for two
    minutes; the process dies before recording the send. Returns the platform and the keys
    of every send attempt."""
    await say(bot, clock, "/remind at 9:30")
    await clock.advance(30 * 60)
    outbox = RecordingOutbox(clock, limits=PlatformLimits(1.0, 50.0, 1.0, dedup_window=120.0))
    keys: list[str | None] = []
    outbox.fail = lambda chat, key: keys.append(key)  # type: ignore[assignment, func-returns-value]
    crashing = dispatcher_for(bot, outbox)
    await crashing.step()
    await crashing.settle()  # sent; the process dies before recording it
    return outbox, keys


async def test_a_deduplicating_platform_gets_the_same_key_again_after_a_crash(
    bot: Knotbot, clock: ManualClock
):
    outbox, keys = await sent_then_crashed(bot, clock)
    await clock.advance(100)  # the claim expired; back within the nonce's window
    await run_until(clock, dispatcher_for(bot, outbox), clock.now())
    assert len(keys) == 2 and keys[0] == keys[1]  # sent again with the same key
    assert len(outbox.sent) == 1  # and the platform kept one


async def test_after_the_dedup_window_a_crashed_send_is_not_repeated(
    bot: Knotbot, clock: ManualClock
):
    outbox, keys = await sent_then_crashed(bot, clock)
    await clock.advance(10 * 60)  # back only after the platform forgot the key
    await run_until(clock, dispatcher_for(bot, outbox), clock.now())
    assert len(keys) == 1  # not sent again: it could have arrived twice
    assert len(outbox.sent) == 1


async def test_429_waits_retry_after_then_delivers(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 9:30")
    await clock.advance(30 * 60)
    failures = iter([RateLimited(7.0)])
    outbox = RecordingOutbox(clock, fail=lambda chat, key: next(failures, None))
    await run_until(clock, dispatcher_for(bot, outbox), clock.now())
    (sent,) = outbox.sent
    assert sent.at - datetime(2026, 3, 2, 9, 30, tzinfo=UTC) == timedelta(seconds=7)


async def test_403_pauses_the_users_reminders_instead_of_retrying(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind every hour from 9 to 17")
    await say(bot, clock, "/remind at 22:30 mouth guard")
    attempts: list[str | None] = []

    def blocked(chat, key):  # type: ignore[no-untyped-def]
        attempts.append(key)
        return RecipientGone("Forbidden: bot was blocked by the user")

    outbox = RecordingOutbox(clock, fail=blocked)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(days=2))
    assert len(attempts) == 1  # one attempt, then everything for this person pauses
    listing = await say(bot, clock, "/reminders")
    assert listing.last.count("paused: I couldn't reach you") == 2
    await bot.recipient_back("memory", "u1")  # they unblock the bot
    listing = await say(bot, clock, "/reminders")
    assert "couldn't reach" not in listing.last


async def test_a_transient_error_is_retried_with_backoff(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 9:30")
    await clock.advance(30 * 60)
    failures = iter([TemporaryFailure("timeout"), TemporaryFailure("502")])
    outbox = RecordingOutbox(clock, fail=lambda chat, key: next(failures, None))
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=5))
    (sent,) = outbox.sent
    assert sent.at == datetime(2026, 3, 2, 9, 31, 30, tzinfo=UTC)  # after 30 s, then 60 s


async def test_sends_are_paced_to_the_platform_limits(
    content: ContentLibrary, db: Database, clock: ManualClock
):
    bot = Knotbot(settings=make_settings(), content=content, db=db, clock=clock)
    for i in range(60):
        await say(bot, clock, "/remind at 9:30", who=user(f"p{i}", "P"))
    await say(bot, clock, "/remind at 9:30", who=user("p0", "P"))  # a second one for p0
    await clock.advance(30 * 60)
    limits = PlatformLimits(
        min_edit_interval=3.0, sends_per_second=30.0, sends_per_chat_per_second=1.0
    )
    outbox = RecordingOutbox(clock, limits=limits)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now())
    assert len(outbox.sent) == 61
    times = sorted(d.at for d in outbox.sent)
    for i, first in enumerate(times):  # never more than 30 in any one second
        in_a_second = [t for t in times[i:] if (t - first).total_seconds() < 1.0]
        assert len(in_a_second) <= 30
    assert (times[-1] - times[0]).total_seconds() < 2.5  # and no slower than the limit asks
    p0 = sorted(d.at for d in outbox.sent if d.chat.chat_id == "p0")
    assert (p0[1] - p0[0]).total_seconds() >= 1.0


async def test_a_new_nearer_reminder_wakes_the_sleeping_dispatcher(
    bot: Knotbot, clock: ManualClock
):
    outbox = RecordingOutbox(clock)
    bot.dispatchers._settings = DispatchSettings(max_sleep=3600)
    dispatcher = bot.dispatchers.start("memory", outbox)
    await eventually(lambda: clock.next_deadline is not None)  # asleep for up to an hour
    await say(bot, clock, "/remind in 2 min")
    await eventually(
        lambda: clock.next_deadline is not None and clock.next_deadline <= clock.monotonic() + 120
    )
    await clock.advance(120)
    await eventually(lambda: len(outbox.sent) == 1)
    assert outbox.sent[0].at == datetime(2026, 3, 2, 9, 2, tzinfo=UTC)
    dispatcher.stop()


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
        ("/remind whenever", "I didn't catch when. Some ways to say it:"),
        ("/remind every 5 minutes", "every 15 minutes at the most often"),
        ("/remind at 25:00", "\u201c25:00\u201d is not a time of day"),
        ("/remind every 2 hours from 18 to 9", "The hours must run forward"),
    ]:
        assert expected in (await say(bot, clock, said)).last
    bare = await say(bot, clock, "/remind")
    assert [b.label for b in bare.sent[-1].reply.all_buttons] == [
        "Every 2 h, 9\u201318, weekdays",
        "Mouth guard at 22:30",
        "Legs-up rest at 19:00",
    ]


async def test_two_dispatchers_on_one_database_send_every_occurrence_exactly_once(
    any_db: Database, content: ContentLibrary
):
    clock = ManualClock()
    bot = Knotbot(settings=make_settings(), content=content, db=any_db, clock=clock)
    request = parse_request("every 30 min from 9 to 12", now=clock.now(), zone=ZoneInfo("UTC"))
    for i in range(40):
        await bot.services.reminders.create(user(f"p{i}"), private_chat(f"p{i}"), request)
    limits = PlatformLimits(
        min_edit_interval=1.0, sends_per_second=1000.0, sends_per_chat_per_second=1000.0
    )
    outbox = RecordingOutbox(clock, limits=limits)

    def dispatcher(name: str) -> Dispatcher:
        return Dispatcher(
            platform="memory",
            outbox=outbox,
            db=any_db,
            composers=Composers(content),
            clock=clock,
            owner=name,
            settings=DispatchSettings(horizon=0.007),  # claims of 7 at 1,000 a second
        )

    a, b = dispatcher("proc-a"), dispatcher("proc-b")
    end = datetime(2026, 3, 2, 12, 31, tzinfo=UTC)
    first, second = a, b
    while clock.now() < end:
        # Two processes wake in either order (on SQLite, transactions queue in arrival order).
        first, second = second, first
        for process in (first, second, first, second):
            await process.step()
            await process.settle()
        await clock.advance(60)
    for process in (a, b):
        await process.flush()
    keys = [d.key for d in outbox.sent]
    assert len(set(keys)) == len(keys), "an occurrence went out twice"
    expected: set[str] = set()
    async with any_db.session() as session:
        for row in (await session.scalars(select(Reminder))).all():
            schedule = Schedule.from_json(json.loads(row.schedule))
            moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # when they were created
            while (moment := next_after(schedule, ZoneInfo("UTC"), moment)) and moment <= end:
                expected.add(occurrence_key(row.id, moment))
    assert len(expected) >= 40 * 6
    assert set(keys) == expected, "an occurrence was lost"
    assert a.stats.sent > 0 and b.stats.sent > 0


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
