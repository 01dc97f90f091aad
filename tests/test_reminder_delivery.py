"""Relax reminders on a manual clock as the dispatcher delivers them: outages and catch-up,
crashes between send and commit, platform errors and limits, several dispatchers at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.outbox import PlatformLimits, RateLimited, RecipientGone, TemporaryFailure
from bot.reminders.dispatcher import Dispatcher, DispatchSettings
from bot.reminders.kinds import Composers
from bot.reminders.parse import parse_request
from bot.reminders.planning import occurrence_key
from bot.reminders.schedule import Schedule, next_after
from bot.storage import Database
from bot.storage.schema import Reminder, ReminderDelivery
from tests.conftest import make_settings
from tests.helpers import (
    RecordingOutbox,
    dispatcher_for,
    eventually,
    private_chat,
    run_until,
    say,
    user,
)


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
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=1))
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
    await say(bot, clock, "/remind legs up at 9:30", who=user("p0", "P"))  # a second for p0
    await clock.advance(30 * 60)
    limits = PlatformLimits(
        min_edit_interval=3.0, sends_per_second=30.0, sends_per_chat_per_second=1.0
    )
    outbox = RecordingOutbox(clock, limits=limits)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=1))
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
