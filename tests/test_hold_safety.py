"""The safety rules of holds: cautions first, the press cap, the daily limit per spot, history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.holds.timeline import build_timeline
from tests.helpers import RecordingReplier, command, eventually, press, user
from tests.holding import history, start_hold


async def test_completed_hold_is_stored_with_its_rounds_and_times(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    started = clock.now()
    active = await start_hold(bot, replier, "two-balls-sock")
    await clock.run_until(active.task)
    await eventually(lambda: not bot.services.holds.active)
    (row,) = await history(bot)
    assert (row.status, row.rounds_done, row.rounds_planned) == ("completed", 3, 3)
    assert row.started_at == started
    assert row.ended_at is not None
    assert (row.ended_at - row.started_at).total_seconds() == pytest.approx(113, abs=1)


async def test_first_hold_of_a_technique_shows_its_cautions_and_later_ones_do_not(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    first = await start_hold(bot, replier, "shoulder-drop")
    assert "Before you start" in replier.sent[-1].text
    assert "Don't force the shoulders down" in replier.sent[-1].text
    await clock.run_until(first.task)
    second = await start_hold(bot, replier, "shoulder-drop")
    assert "Before you start" not in replier.sent[-1].text
    await clock.run_until(second.task)


async def test_press_time_never_exceeds_the_cap(content: ContentLibrary):
    for technique in content.techniques:
        if technique.hold is None:
            continue
        timeline = build_timeline(technique.hold, cadence=3)
        presses = [s for s in timeline.segments if s.kind == "press"]
        assert all(s.seconds <= technique.hold.press.max_seconds for s in presses)
        if technique.hold.pressure:
            assert all(s.seconds <= 60 for s in presses)


async def seed_rounds(bot: Knotbot, rounds: int, area: str = "upper-back", hours_ago: float = 2):
    async with bot.services.db.transaction() as tx:
        row = await tx.users.ensure(user(), bot.services.clock.now())
        hold = await tx.holds.start(
            user_id=row.id,
            platform="memory",
            chat_id="u1",
            technique_id="ball-wall",
            area_id=area,
            pressure=True,
            rounds_planned=rounds,
            owner="someone",
            now=bot.services.clock.now() - timedelta(hours=hours_ago),
        )
        await tx.holds.finish(
            hold.id, status="completed", rounds_done=rounds, now=bot.services.clock.now()
        )


async def test_after_the_daily_rounds_the_bot_says_to_rest_the_spot(
    bot: Knotbot, clock: ManualClock
):
    await seed_rounds(bot, 6)
    replier = RecordingReplier(clock)
    await bot.handle(command("/hold upper-back"), replier)
    assert not bot.services.holds.active
    assert "Give this spot a rest until tomorrow" in replier.last
    assert "hurt more the next day" in replier.last
    # A gentle, pressure-free alternative is offered instead.
    labels = [b.label for b in replier.sent[-1].reply.all_buttons]
    assert "Try instead: The shoulder drop" in labels


async def test_rounds_are_cut_to_what_is_left_of_the_daily_limit(bot: Knotbot, clock: ManualClock):
    await seed_rounds(bot, 4)
    replier = RecordingReplier(clock)
    bot.services.holds.attach("memory", replier)
    await bot.handle(command("/hold upper-back"), replier)
    start_anyway = replier.sent[-1].reply.all_buttons[0]
    await bot.handle(press(start_anyway.action), replier)
    (active,) = bot.services.holds.active
    assert "Only 2 rounds today" in replier.sent[-1].text
    await clock.run_until(active.task)
    assert "Done: 2 rounds" in replier.edits[-1].text


async def test_rounds_older_than_a_day_do_not_count(bot: Knotbot, clock: ManualClock):
    await seed_rounds(bot, 6, hours_ago=25)
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "upper-back")
    assert "round 1 of 3" in replier.sent[-1].text
    active.runner.stop()
    await clock.run_until(active.task)


def press_seconds_shown(texts: list[str]) -> int:
    """The longest 'Press: N s' a hold's frames counted down from."""
    found = [
        int(line.split(":")[1].strip().removesuffix(" s"))
        for text in texts
        for line in text.splitlines()
        if line.startswith("Press: ")
    ]
    return max(found)


async def test_a_hold_asked_longer_than_its_cap_runs_at_the_cap_and_says_why(
    bot: Knotbot, clock: ManualClock
):
    technique = bot.services.content.technique("ball-wall")
    assert technique is not None and technique.hold is not None
    cap = technique.hold.press.max_seconds
    assert cap < 60
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall for 60 seconds")
    first = replier.sent[-1].text
    assert f"60 seconds is longer than this hold goes, so it presses for {cap} seconds." in first
    assert "never longer" in first and "hurt more the next day" in first
    await clock.run_until(active.task)
    texts = [e.text for e in replier.edits]
    assert press_seconds_shown(texts) == cap
    assert "Done: 3 rounds" in texts[-1]


async def test_a_shorter_press_asked_for_is_kept_without_a_word(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall for 10 sec")
    assert "longer than this hold goes" not in replier.sent[-1].text
    await clock.run_until(active.task)
    assert press_seconds_shown([e.text for e in replier.edits]) == 10


async def test_a_second_pressure_hold_on_a_spot_done_today_asks_first(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    first = await start_hold(bot, replier, "upper-back")  # 09:00 UTC, the person's zone
    await clock.run_until(first.task)
    await clock.advance(3600)
    await bot.handle(command("/hold two-balls-sock"), replier)
    assert not bot.services.holds.active
    assert replier.last.startswith(
        "You did 3 rounds on your upper back this morning. Another round?"
    )
    labels = [b.label for b in replier.sent[-1].reply.all_buttons]
    assert labels == ["Start anyway", "Not now"]
    start_anyway, not_now = replier.sent[-1].reply.all_buttons

    await bot.handle(press(not_now.action), replier)
    assert "gets a rest" in replier.last and not bot.services.holds.active
    await bot.handle(press(start_anyway.action), replier)
    (second,) = bot.services.holds.active
    assert "Two tennis balls in a knotted sock" in replier.sent[-1].text
    await clock.run_until(second.task)
    rows = await history(bot)
    assert [(r.technique_id, r.rounds_done) for r in rows] == [
        ("ball-wall", 3),
        ("two-balls-sock", 3),
    ]
    # Now at the daily limit: refused as before, no question.
    await bot.handle(command("/hold upper-back"), replier)
    assert "Give this spot a rest until tomorrow" in replier.last


async def test_a_gentle_hold_or_another_spot_starts_without_asking(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    first = await start_hold(bot, replier, "ball-wall")
    await clock.run_until(first.task)
    gentle = await start_hold(bot, replier, "shoulder-drop")  # no pressure
    await clock.run_until(gentle.task)
    other_spot = await start_hold(bot, replier, "jaw")
    await clock.run_until(other_spot.task)


async def test_replacing_a_running_hold_counts_only_the_rounds_it_has_done(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    first = await start_hold(bot, replier, "ball-wall")
    await clock.advance(2)  # still getting ready: nothing pressed yet
    second = await start_hold(bot, replier, "ball-wall")  # replaces it, no question
    assert first.task.done() and second.hold_id != first.hold_id
    await clock.advance(30)  # round 1 pressed (5 s ready + 20 s press)
    await bot.handle(command("/hold two-balls-sock"), replier)
    assert replier.last.startswith("You did 1 round on your upper back just now.")
    assert [h.hold_id for h in bot.services.holds.active] == [second.hold_id]  # still running
    second.runner.stop()
    await clock.run_until(second.task)


def test_the_time_of_day_is_said_in_the_persons_day():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.holds.answers import when_word

    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # 21:00 in Berlin
    assert when_word(now - timedelta(minutes=5), now, berlin) == "just now"
    assert when_word(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), now, berlin) == "this morning"
    assert when_word(datetime(2026, 3, 2, 13, 0, tzinfo=UTC), now, berlin) == "this afternoon"
    assert when_word(datetime(2026, 3, 1, 21, 30, tzinfo=UTC), now, berlin) == "last night"
    assert when_word(datetime(2026, 3, 1, 15, 0, tzinfo=UTC), now, berlin) == (
        "yesterday afternoon"
    )
