"""The safety rules of holds: cautions first, the press cap, the daily limit per spot, history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.holds.timeline import build_timeline
from tests.helpers import RecordingReplier, command, eventually, user
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
    active = await start_hold(bot, replier, "upper-back")
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
