"""Tension check-ins: one optional 0-10 tap before and after a hold (and after a reminder's
Done), /checkins on|off, and what /progress, /export and /forget make of them."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from sqlalchemy import func, select

from bot.actions import SKIP, TenseHold, TenseReminder, When, decode
from bot.clock import ManualClock
from bot.core import Knotbot
from bot.progress import Progress, axis_ticks, chart, labelled_days, relief, relief_line
from bot.storage import Database
from bot.storage.schema import CheckIn
from tests.helpers import (
    RecordingOutbox,
    RecordingReplier,
    command,
    dispatcher_for,
    group_chat,
    press,
    run_until,
    say,
    user,
)
from tests.holding import start_hold

ASKED_BEFORE = "How tense was it before you started?"
ASKED_AFTER = "How tense is it now?"


def taps(replier_sent_reply) -> list[object]:  # type: ignore[no-untyped-def]
    """The check-in actions among a reply's buttons."""
    found = [decode(b.action) for b in replier_sent_reply.all_buttons]
    return [a for a in found if isinstance(a, TenseHold | TenseReminder)]


async def check_ins(bot: Knotbot) -> list[CheckIn]:
    async with bot.services.db.session() as session:
        return list((await session.scalars(select(CheckIn).order_by(CheckIn.id))).all())


async def test_before_and_after_taps_are_noted_once_and_progress_shows_the_average(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall")
    first = replier.sent[-1]
    assert ASKED_BEFORE in first.text
    assert [b.label for b in first.reply.all_buttons][:12] == [*map(str, range(11)), "Skip"]
    await bot.handle(press(TenseHold(When.BEFORE, active.hold_id, 6)), replier)
    assert replier.notices[-1] == "Noted: 6 of 10. I'll ask again at the end."
    await clock.advance(0)
    assert ASKED_BEFORE not in replier.edits[-1].text, "the question stays after the tap"
    assert not taps(replier.edits[-1].reply)
    await bot.handle(press(TenseHold(When.BEFORE, active.hold_id, 2)), replier)
    assert replier.notices[-1] == "Already noted."

    await clock.run_until(active.task)
    closing = replier.edits[-1]
    assert "Done: 3 rounds on your upper back" in closing.text and ASKED_AFTER in closing.text
    after = next(a for a in taps(closing.reply) if getattr(a, "value", None) == 3)
    await bot.handle(press(after, message=closing.ref), replier)
    assert "Noted: 6 before, 3 now." in replier.last
    assert "Done: 3 rounds on your upper back" in replier.last
    assert not replier.sent[-1].reply.all_buttons
    await bot.handle(press(after, message=closing.ref), replier)
    assert replier.notices[-1] == "Already noted."
    (row,) = await check_ins(bot)
    assert (row.technique_id, row.area_id, row.tension_before, row.tension_after) == (
        "ball-wall",
        "upper-back",
        6,
        3,
    )

    shown = await say(bot, clock, "/progress")
    assert "Ball against the wall, upper back: 6.0 \u2192 3.0 over 1 hold" in shown.last


async def test_without_a_before_the_hold_ends_without_a_question(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "shoulder-drop")
    await clock.run_until(active.task)
    assert not replier.edits[-1].reply.all_buttons
    assert await check_ins(bot) == []


async def test_skipping_the_before_removes_the_question_and_stores_nothing(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall")
    await bot.handle(press(TenseHold(When.BEFORE, active.hold_id, SKIP)), replier)
    await clock.advance(0)
    assert not taps(replier.edits[-1].reply)
    await clock.run_until(active.task)
    assert not replier.edits[-1].reply.all_buttons
    assert await check_ins(bot) == []


async def test_the_before_question_goes_once_the_first_press_is_over(
    bot: Knotbot, clock: ManualClock
):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall")  # 5 s ready, then a 20 s press
    await clock.advance(24)
    assert ASKED_BEFORE in replier.edits[-1].text
    await clock.advance(2)
    assert ASKED_BEFORE not in replier.edits[-1].text
    active.runner.stop()
    await clock.run_until(active.task)


async def test_checkins_off_asks_nothing_and_on_brings_them_back(bot: Knotbot, clock: ManualClock):
    off = await say(bot, clock, "/checkins off")
    assert off.last.startswith("Check-ins are off")
    assert "are off" in (await say(bot, clock, "/checkins")).last
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "shoulder-drop")
    assert ASKED_BEFORE not in replier.sent[-1].text
    assert [b.label for b in replier.sent[-1].reply.all_buttons] == ["Pause", "Stop"]
    await clock.run_until(active.task)
    await say(bot, clock, "/checkins on")
    again = await start_hold(bot, replier, "shoulder-drop")
    assert ASKED_BEFORE in replier.sent[-1].text
    await clock.run_until(again.task)


async def test_someone_else_cannot_answer_my_check_in(bot: Knotbot, clock: ManualClock):
    group = group_chat()
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall", chat=group)
    other = RecordingReplier(clock)
    tap = TenseHold(When.BEFORE, active.hold_id, 9)
    await bot.handle(press(tap, who=user("u2", "Bo"), chat=group), other)
    assert other.notices == ["That question is for the person holding."]
    after = TenseHold(When.AFTER, active.hold_id, 1)
    await bot.handle(press(after, who=user("u2", "Bo"), chat=group), other)
    assert other.notices[-1] == "That question is for the person who held."
    assert await check_ins(bot) == []
    active.runner.stop()
    await clock.run_until(active.task)


async def test_done_on_a_reminder_asks_once_check_ins_are_on_and_notes_the_tap(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/remind at 9:30")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    done = outbox.sent[0].reply.all_buttons[0].action
    replier = RecordingReplier(clock)
    await say(bot, clock, "/checkins on")
    await bot.handle(press(done), replier)
    assert "Done. Nice work" in replier.last and ASKED_AFTER in replier.last
    (tap,) = [a for a in taps(replier.sent[-1].reply) if getattr(a, "value", None) == 2]
    await bot.handle(press(tap), replier)
    assert "Done. Noted: 2 of 10." in replier.last and not replier.sent[-1].reply.all_buttons
    await bot.handle(press(tap), replier)
    assert replier.notices[-1] == "Already noted."
    (row,) = await check_ins(bot)
    assert (row.delivery_id, row.tension_before, row.tension_after) == (tap.delivery_id, None, 2)


async def test_done_does_not_ask_someone_who_never_used_check_ins(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/remind at 9:30")
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    replier = RecordingReplier(clock)
    await bot.handle(press(outbox.sent[0].reply.all_buttons[0].action), replier)
    assert ASKED_AFTER not in replier.last and not replier.sent[-1].reply.all_buttons


async def test_check_ins_are_exported_and_forgotten(bot: Knotbot, clock: ManualClock):
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "ball-wall")
    await bot.handle(press(TenseHold(When.BEFORE, active.hold_id, 7)), replier)
    await clock.run_until(active.task)
    await bot.handle(press(TenseHold(When.AFTER, active.hold_id, 4)), replier)
    exported = await say(bot, clock, "/export")
    attachment = exported.sent[-1].reply.attachment
    assert attachment is not None
    data = json.loads(attachment.data)
    (entry,) = data["check_ins"]
    assert (entry["hold_id"], entry["tension_before"], entry["tension_after"]) == (
        data["holds"][0]["id"],
        7,
        4,
    )
    assert data["user"]["check_ins"] is None  # never chosen: the default
    asked = await say(bot, clock, "/forget")
    forget = asked.sent[-1].reply.all_buttons[0].action
    await bot.handle(press(forget), RecordingReplier(clock))
    async with bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_relief_averages_each_technique_and_spot():
    found = relief(
        [
            ("ball-wall", "upper-back", 6, 3),
            ("ball-wall", "upper-back", 7, 5),
            ("jaw-release", "jaw", 5, 4),
        ]
    )
    assert [relief_line(r, r.technique, r.area) for r in found] == [
        "ball-wall, upper-back: 6.5 \u2192 4.0 over 2 holds",
        "jaw-release, jaw: 5.0 \u2192 4.0 over 1 hold",
    ]


def test_the_charts_axes_carry_numbers_and_dates():
    assert axis_ticks(0) == [0, 1]
    assert axis_ticks(3) == [0, 1, 2, 3]
    assert axis_ticks(5) == [0, 2, 4, 6]
    days = Progress(first_day=date(2026, 2, 3)).days
    assert labelled_days(days) == [6, 13, 20, 27]  # every 7th day back from today
    blank = Progress(first_day=date(2026, 2, 3))
    image = Image.open(io.BytesIO(chart(blank, {"jaw": "Jaw"}))).convert("RGB")
    left_margin = image.crop((0, 40, 40, 320))
    assert len(left_margin.getcolors() or []) > 1, "no numbers up the side"
    under = image.crop((44, 310, 704, 326))
    assert len(under.getcolors() or []) > 1, "no dates along the bottom"


async def test_the_check_in_migration_adds_its_table_and_keeps_users(any_db: Database):
    """0006 -> 0007 -> 0006 -> 0007: people stay, their setting starts unchosen, and the
    check-ins table comes and goes."""
    from alembic import command as alembic
    from alembic.config import Config

    from bot.storage.db import MIGRATIONS

    def migrate(sync, target: str, down: bool = False) -> None:  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sync
        (alembic.downgrade if down else alembic.upgrade)(config, target)

    async with any_db.engine.begin() as conn:
        await conn.run_sync(migrate, "0006", True)
        await conn.exec_driver_sql(
            "INSERT INTO users (id, platform, platform_user_id, display_name, created_at) "
            "VALUES (1, 'm', 'u1', 'Ada', '2026-01-01')"
        )
    await any_db.upgrade()
    async with any_db.transaction() as tx:
        ada = await tx.users.get("m", "u1")
        assert ada is not None and ada.check_ins is None
        assert not await tx.check_ins.wanted(ada)
        hold = await tx.holds.start(
            user_id=ada.id,
            platform="m",
            chat_id="u1",
            technique_id="ball-wall",
            area_id="upper-back",
            pressure=True,
            rounds_planned=3,
            owner="x",
            now=datetime(2026, 3, 2, tzinfo=UTC),
        )
        now = datetime(2026, 3, 2, tzinfo=UTC)
        assert await tx.check_ins.before_hold(hold.id, ada.id, 5, now)
        assert not await tx.check_ins.before_hold(hold.id, ada.id, 6, now)  # once
        noted = await tx.check_ins.after_hold(hold.id, ada.id, 2, now + timedelta(minutes=2))
        assert noted is not None and (noted.tension_before, noted.tension_after) == (5, 2)
        assert await tx.check_ins.wanted(ada)  # answered one
    async with any_db.engine.begin() as conn:
        await conn.run_sync(migrate, "0006", True)
        await conn.run_sync(migrate, "0007")
    await any_db.upgrade()  # the later migrations' columns, which the code reads too
    async with any_db.transaction() as tx:
        assert await tx.users.get("m", "u1") is not None
        assert await tx.check_ins.of_hold(hold.id) is None


async def test_command_menu_has_checkins(bot: Knotbot, clock: ManualClock):
    shown = await say(bot, clock, "/help")
    assert "/checkins on|off" in shown.last
    assert command("/checkins off").name == "checkins"
