"""Guided holds on a manual clock: frames, timing, control, safety, history and restarts."""

from __future__ import annotations

import asyncio
import itertools
import random

import pytest

from bot.actions import HoldControl, HoldOp
from bot.clock import ManualClock
from bot.core import Knotbot
from bot.holds.timeline import build_timeline
from bot.messages import MessageRef
from bot.outbox import MessageGone, RateLimited
from bot.render import plain_text
from tests.helpers import SLOW, RecordingReplier, command, eventually, press, private_chat, user
from tests.holding import history, phases_in_order, start_hold


async def test_hold_shows_every_phase_of_every_round_in_order(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "upper-back")
    outcome = await clock.run_until(active.task)

    texts = [replier.sent[0].text] + [e.text for e in replier.edits]
    assert phases_in_order(texts) == [
        "Get ready",
        *(["Press", "Release", "Rest"] * 2),
        "Press",
        "Release",
        "Done",
    ]
    assert "Done: 3 rounds on your upper back. Go easy on this spot until tomorrow." in texts[-1]
    assert outcome is not None and outcome.rounds_done == 3


async def test_every_edit_lands_exactly_on_its_planned_offset(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock, limits=SLOW)
    technique = bot.services.content.technique("ball-wall")
    assert technique and technique.hold
    timeline = build_timeline(technique.hold, cadence=SLOW.min_edit_interval)

    active = await start_hold(bot, replier, "ball-wall")
    t0 = replier.sent[0].at
    await clock.run_until(active.task)

    offsets = [round(e.at - t0, 6) for e in replier.edits]
    planned = [t.offset for t in timeline.ticks[1:]] + [timeline.total]
    assert offsets == planned
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    assert min(gaps) >= SLOW.min_edit_interval - 1e-9, "edits faster than the platform allows"


async def test_fifteen_minute_rest_does_not_drift_even_with_uneven_edit_times(
    bot: Knotbot, clock: ManualClock
):
    rng = random.Random(7)
    replier = RecordingReplier(clock, limits=SLOW)
    replier.edit_seconds = 0.0

    async def jittery_edit(message: MessageRef, reply, _orig=replier.edit):  # type: ignore[no-untyped-def]
        replier.edit_seconds = rng.uniform(0.0, 2.5)
        await _orig(message, reply)

    replier.edit = jittery_edit  # type: ignore[method-assign]
    active = await start_hold(bot, replier, "legs-up-chair")
    t0 = replier.sent[0].at
    await clock.run_until(active.task)

    technique = bot.services.content.technique("legs-up-chair")
    assert technique and technique.hold
    timeline = build_timeline(technique.hold, cadence=SLOW.min_edit_interval)
    planned = {t.offset for t in timeline.ticks} | {timeline.total}
    started = [round(e.at - t0, 6) for e in replier.edits]
    assert set(started) <= planned, "an edit started off its planned offset (drift)"
    assert started[-1] == pytest.approx(950.0)
    assert "hips very gently" in " ".join(e.text for e in replier.edits)  # the hip-roll cue


async def test_stop_button_ends_the_hold_at_once_and_keeps_history(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall")
    await clock.advance(31)  # round 1 pressed (5 s ready + 20 s press), now in release/rest
    stop_at = clock.monotonic()
    await bot.handle(press(HoldControl(HoldOp.STOP, active.hold_id)), replier)
    await clock.run_until(active.task)

    last = replier.edits[-1]
    assert last.at - stop_at < 1.0
    assert "Stopped after 1 of 3 rounds" in last.text
    assert not bot.services.holds.active
    rows = await history(bot)
    assert [(r.status, r.rounds_done, r.technique_id, r.area_id) for r in rows] == [
        ("stopped", 1, "ball-wall", "upper-back")
    ]
    assert rows[0].ended_at is not None and rows[0].ended_at > rows[0].started_at


async def test_stop_command_stops_my_hold(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "jaw")
    await clock.advance(3)
    await bot.handle(command("/stop"), replier)
    await clock.run_until(active.task)
    assert "Stopped after 0 of 3 rounds" in replier.edits[-1].text


async def test_someone_else_cannot_stop_my_hold(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall")
    other = RecordingReplier(clock)
    stranger = user("u2", "Bo")
    await bot.handle(
        press(HoldControl(HoldOp.STOP, active.hold_id), who=stranger, chat=private_chat("u1")),
        other,
    )
    assert other.notices == ["This is someone else's hold; start your own with /hold."]
    await clock.run_until(active.task)
    assert "Done: 3 rounds" in replier.edits[-1].text


async def test_a_slow_platform_neither_delays_the_end_nor_piles_up_edits(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock, edit_seconds=5.0)  # each edit takes 5 s, cadence is 1 s
    active = await start_hold(bot, replier, "ball-wall")
    t0 = replier.sent[0].at
    outcome = await clock.run_until(active.task)
    await eventually(lambda: not bot.services.holds.active)

    (row,) = await history(bot)
    assert row.ended_at is not None
    assert (row.ended_at - row.started_at).total_seconds() == pytest.approx(110, abs=0.01)
    starts = [e.at for e in replier.edits]
    assert all(b - a >= 5.0 for a, b in itertools.pairwise(starts)), "edits overlapped"
    assert outcome is not None and outcome.frames_skipped > 50
    assert replier.edits[-1].text.startswith("Ball against the wall")
    assert "Done: 3 rounds" in replier.edits[-1].text
    assert replier.edits[-1].at - t0 <= 110 + 5.0


async def test_rate_limited_edits_skip_frames_until_retry_after(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    failures = iter([RateLimited(10.0)])
    replier.edit_error = lambda: next(failures, None)
    active = await start_hold(bot, replier, "ball-wall")
    t0 = replier.sent[0].at
    await clock.run_until(active.task)
    offsets = [e.at - t0 for e in replier.edits]
    assert not [o for o in offsets if 1.0 < o < 11.0], "edited while told to wait"
    assert "Done: 3 rounds" in replier.edits[-1].text


async def test_a_deleted_hold_message_stops_the_hold(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    replier.edit_error = lambda: MessageGone("message to edit not found")
    active = await start_hold(bot, replier, "ball-wall")
    outcome = await clock.run_until(active.task)
    assert outcome is not None and outcome.ending == "stopped"
    await eventually(lambda: not bot.services.holds.active)
    (row,) = await history(bot)
    assert row.status == "stopped"


async def test_starting_another_hold_replaces_the_running_one(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    first = await start_hold(bot, replier, "ball-wall")
    await clock.advance(2)
    second = await start_hold(bot, replier, "jaw")
    assert first.task.done()
    assert "Stopped: you started another hold." in replier.edits_of(replier.sent[0].ref)[-1].text
    assert [h.hold_id for h in bot.services.holds.active] == [second.hold_id]
    second.runner.stop()
    await clock.run_until(second.task)


async def test_pause_and_resume_shift_the_rest_of_the_hold(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "shoulder-drop")  # 3 + 60 + 3 = 66 s
    t0 = replier.sent[0].at
    await clock.advance(10)  # 3 s ready + 7 s of the 60 s drop: 53 s left
    await bot.handle(press(HoldControl(HoldOp.PAUSE, active.hold_id)), replier)
    await clock.advance(1)
    paused = replier.edits[-1]
    assert "Paused \u00b7 Let them drop: 53 s" in paused.text
    assert [b.label for b in paused.reply.all_buttons] == ["Resume", "Stop"]
    edits_while_paused = len(replier.edits)
    await clock.advance(120)
    assert len(replier.edits) == edits_while_paused, "a paused hold kept counting"
    await bot.handle(press(HoldControl(HoldOp.RESUME, active.hold_id)), replier)
    await clock.run_until(active.task)
    assert replier.edits[-1].at - t0 == pytest.approx(66 + 121)
    assert "Done" in replier.edits[-1].text


async def test_hold_with_several_people_in_one_group_runs_one_per_person(
    bot: Knotbot, clock: ManualClock
):
    from tests.helpers import group_chat

    group = group_chat()
    a, b = RecordingReplier(clock), RecordingReplier(clock)
    first = await start_hold(bot, a, "ball-wall", who=user("u1"), chat=group)
    second = await start_hold(bot, b, "ball-wall", who=user("u2", "Bo"), chat=group)
    assert {h.hold_id for h in bot.services.holds.active} == {first.hold_id, second.hold_id}
    await asyncio.gather(clock.run_until(first.task), clock.run_until(second.task))


async def test_restart_marks_leftover_holds_interrupted_and_fixes_their_message(
    bot: Knotbot, clock: ManualClock
):
    left_message = MessageRef("memory", "u1", "42")
    async with bot.services.db.transaction() as tx:
        row = await tx.users.ensure(user(), clock.now())
        mine = await tx.holds.start(
            user_id=row.id,
            platform="memory",
            chat_id="u1",
            technique_id="ball-wall",
            area_id="upper-back",
            pressure=True,
            rounds_planned=3,
            owner="test-1",
            now=clock.now(),
        )
        await tx.holds.set_message(mine.id, left_message.to_json())
        alive_elsewhere = await tx.holds.start(
            user_id=row.id,
            platform="memory",
            chat_id="u9",
            technique_id="jaw-release",
            area_id="jaw",
            pressure=True,
            rounds_planned=3,
            owner="test-2",
            now=clock.now(),
        )
    outbox = RecordingReplier(clock)
    await bot.start("memory", outbox)
    assert [e.ref for e in outbox.edits] == [left_message]
    assert "cut short because knotbot restarted" in outbox.edits[0].text
    assert "/hold ball-wall" in outbox.edits[0].text
    rows = {r.id: r.status for r in await history(bot)}
    assert rows == {mine.id: "interrupted", alive_elsewhere.id: "running"}


async def test_the_closing_frame_waits_out_a_short_rate_limit(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    original = replier.edit
    limited: list[float] = []

    async def limited_once_at_the_end(message: MessageRef, reply) -> None:  # type: ignore[no-untyped-def]
        if "Done" in plain_text(reply) and not limited:
            limited.append(clock.monotonic())
            raise RateLimited(4.0)
        await original(message, reply)

    replier.edit = limited_once_at_the_end  # type: ignore[method-assign]
    active = await start_hold(bot, replier, "shoulder-drop")
    await clock.run_until(active.task)
    assert "Done" in replier.edits[-1].text
    assert replier.edits[-1].at - limited[0] == pytest.approx(4.0)


async def test_shutdown_while_the_first_frame_is_being_sent_still_stops_the_hold(
    bot: Knotbot, clock: ManualClock
):
    gate = asyncio.Event()
    replier = RecordingReplier(clock)
    original = replier.reply

    async def slow_first_frame(reply):  # type: ignore[no-untyped-def]
        await gate.wait()
        return await original(reply)

    replier.reply = slow_first_frame  # type: ignore[method-assign]
    bot.services.holds.attach("memory", replier)
    starting = asyncio.create_task(bot.handle(command("/hold jaw"), replier))
    await eventually(lambda: bool(bot.services.holds.active))
    stopping = asyncio.create_task(bot.services.holds.shutdown())
    await asyncio.sleep(0)
    gate.set()
    await starting
    await stopping
    assert not bot.services.holds.active
    assert "because knotbot is restarting" in replier.edits[-1].text
    (row,) = await history(bot)
    assert row.status == "interrupted"
