"""Their own routines through the core: written in one line or step by step (surviving a
restart), run as a guided hold with the shipped caps and a standing caution, reminded of,
shared as a tip and copied, exported and forgotten, and never touched by anyone else."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from bot.actions import (
    Again,
    CopyRoutine,
    DraftSpot,
    HoldAgain,
    RoutineControl,
    RoutineOp,
    RoutinePresses,
    ShareRoutine,
    TenseHold,
    When,
    decode,
)
from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import ChatRef, Command
from bot.storage import Database
from tests.conftest import make_settings
from tests.helpers import (
    PLATFORM,
    RecordingOutbox,
    RecordingReplier,
    command,
    dispatcher_for,
    group_chat,
    press,
    private_chat,
    run_until,
    user,
)
from tests.holding import phases_in_order, start_hold

ADA = user("ada", "Ada")
BO = user("bo", "Bo")
MOD = user("mod", "Mo", moderator=True)
GROUP = group_chat()
OWN_PLAN = "This is your own plan"


async def talk(
    bot: Knotbot, clock: ManualClock, said: str, *, who=ADA, chat: ChatRef | None = None
) -> RecordingReplier:  # type: ignore[no-untyped-def]
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)
    if said.startswith("/"):
        event = command(said, who=who, chat=chat)
    else:  # a plain message
        event = Command(chat or private_chat(who.user_id), who, "", said)
    await bot.handle(event, replier)
    assert replier.sent or replier.notices, f"no answer to {said!r}"
    return replier


async def tap(
    bot: Knotbot, clock: ManualClock, action, *, who=ADA, chat: ChatRef | None = None
) -> RecordingReplier:  # type: ignore[no-untyped-def]
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)
    await bot.handle(press(action, who=who, chat=chat), replier)
    return replier


async def routine_id(bot: Knotbot, name: str, who=ADA) -> int:  # type: ignore[no-untyped-def]
    found = await bot.services.routines.find(who, name, exact=True)
    assert found is not None, f"no routine {name!r}"
    return found.id


# -- writing one -------------------------------------------------------------------------


async def test_one_line_routine_asks_only_the_spot_then_shows_the_card_with_its_caution(
    bot: Knotbot, clock: ManualClock
):
    asked = await talk(bot, clock, "/routine new chin tucks: hold 5 s, 10 times")
    assert "Which spot" in asked.last
    spot = next(b for b in asked.sent[-1].reply.all_buttons if b.label == "Neck")
    saved = await tap(bot, clock, spot.action)
    assert "Saved: your routine \u201cchin tucks\u201d" in saved.last
    assert "Neck \u00b7 10 rounds: hold 5 s" in saved.last
    assert OWN_PLAN in saved.last

    listed = await talk(bot, clock, "/routine")
    assert "chin tucks: Neck \u00b7 10 rounds" in listed.last


async def test_step_by_step_routine_survives_a_restart_in_the_middle(
    content: ContentLibrary, db: Database, clock: ManualClock, bot: Knotbot
):
    assert "What is it called" in (await talk(bot, clock, "/routine new")).last
    assert "Which spot" in (await talk(bot, clock, "doorway stretch")).last
    await talk(bot, clock, "neck")  # a typed spot works like the button
    await bot.shutdown()

    again = Knotbot(settings=make_settings(), content=content, db=db, clock=clock)
    try:
        steps = await talk(again, clock, "Stand in a doorway. Forearms on the frame.\nLean in.")
        assert "How long, and how many times" in steps.last
        saved = await talk(again, clock, "30 s, 3 rounds")
        assert "Saved: your routine \u201cdoorway stretch\u201d" in saved.last
        assert "1. Stand in a doorway." in saved.last and "3. Lean in." in saved.last
    finally:
        await again.shutdown()


async def test_an_answer_not_understood_asks_again_kindly(bot: Knotbot, clock: ManualClock):
    await talk(bot, clock, "/routine new chin tucks area:neck")
    asked = await talk(bot, clock, "No steps")  # the steps question
    assert "How long" in asked.last
    odd = await talk(bot, clock, "\u202e\U0001f600" * 5000)
    assert "How long is each hold?" in odd.last and "How long, and how many times" in odd.last


async def test_huge_and_odd_names_get_a_friendly_reply(bot: Knotbot, clock: ManualClock):
    await talk(bot, clock, "/routine new")
    odd = await talk(bot, clock, "\u200b\u202e\u0000" * 3000)
    assert "What should I call it?" in odd.last
    long = await talk(bot, clock, "z\u0301" * 5000)
    assert "Which spot" in long.last


async def test_red_flags_in_the_steps_lead_the_reply_and_urgent_ones_set_it_aside(
    bot: Knotbot, clock: ManualClock
):
    await talk(bot, clock, "/routine new chin tucks area:neck")
    urgent = await talk(bot, clock, "Sit tall, I have chest pain when I do it")
    assert "emergency" in urgent.last.lower() and "kept your routine" in urgent.last
    flagged = await talk(bot, clock, "Pull the chin back; my hand gets numb and tingly")
    first = flagged.sent[-1].reply.blocks[0]
    assert first.title == "Safety first"
    assert "How long" in flagged.last  # the routine goes on, the advice first


async def test_a_pressure_hold_over_sixty_seconds_is_capped_with_the_reason(
    bot: Knotbot, clock: ManualClock
):
    saved = await talk(
        bot, clock, "/routine new ball on the knot: press 90 s, 12 times area:upper-back"
    )
    said = saved.last
    assert "90 seconds is longer than this hold goes, so it holds for 60 seconds" in said
    assert "12 rounds is more than one hold runs" in said
    assert "Knot" not in said.split("\n")[0]
    assert "Upper back \u00b7 10 rounds: press 60 s" in said


# -- running one -------------------------------------------------------------------------


async def test_hold_by_forgiving_name_runs_it_like_a_shipped_hold_with_the_caution(
    bot: Knotbot, clock: ManualClock
):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 3 times area:neck")
    replier = await talk(bot, clock, "/hold Chin-Tucks")
    active = bot.services.holds.active[-1]
    outcome = await clock.run_until(active.task)
    texts = [replier.sent[0].text] + [e.text for e in replier.edits]
    assert phases_in_order(texts) == ["Get ready", *(["Hold", "Let go"] * 3), "Done"]
    assert all(OWN_PLAN in t for t in texts[:-1])  # standing, not only the first time
    assert outcome is not None and outcome.rounds_done == 3

    second = await talk(bot, clock, "/hold chin tuck")  # a typo still finds it
    assert OWN_PLAN in second.sent[0].text
    await bot.services.holds.stop(bot.services.holds.active[-1])


async def test_a_pressure_routine_keeps_the_spots_daily_round_limit(
    bot: Knotbot, clock: ManualClock
):
    await talk(bot, clock, "/routine new thumb press: press 10 s, 3 times area:neck")
    first = await talk(bot, clock, "/hold thumb press")
    await clock.run_until(bot.services.holds.active[-1].task)
    assert "Press" in first.sent[0].text
    asked = await talk(bot, clock, "/hold thumb press")
    assert "You did 3 rounds on your neck just now. Another round?" in asked.last
    start = asked.sent[-1].reply.all_buttons[0]
    again = await tap(bot, clock, start.action)  # "Start anyway": within the neck's 4 a day
    assert "Only 1 round today" in again.sent[0].text
    await clock.run_until(bot.services.holds.active[-1].task)
    rest = await talk(bot, clock, "/hold thumb press")
    assert "Give this spot a rest" in rest.last  # 4 of the neck's 4 rounds are done


# -- reminders ---------------------------------------------------------------------------


async def test_a_reminder_of_a_routine_offers_to_start_it(
    bot: Knotbot, clock: ManualClock, platform: RecordingOutbox
):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 10 times area:neck")
    set_up = await talk(bot, clock, "/remind chin tucks every day at 11:00")
    assert "chin tucks" in set_up.last
    dispatcher = dispatcher_for(bot, platform)
    await run_until(clock, dispatcher, clock.now() + timedelta(days=1, hours=1))
    message = platform.sent[0]
    assert "Time for your routine: Neck \u00b7 10 rounds" in message.text
    start = message.reply.all_buttons[0]
    assert start.label == "Start chin tucks"
    running = await tap(bot, clock, start.action)
    assert "Chin tucks" in running.sent[0].text or "chin tucks" in running.sent[0].text
    await bot.services.holds.stop(bot.services.holds.active[-1])


# -- sharing and copying -----------------------------------------------------------------


async def test_a_shared_routine_is_moderated_then_copied_by_another_member(
    bot: Knotbot, clock: ManualClock
):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 10 times area:neck", chat=GROUP)
    number = await routine_id(bot, "chin tucks")
    shared = await tap(bot, clock, ShareRoutine(number), chat=GROUP)
    assert "once a moderator approves it" in shared.last
    tip = int(shared.last.split("#")[1].split()[0])

    early = await tap(bot, clock, CopyRoutine(tip), who=BO, chat=GROUP)
    assert early.notices == ["Only approved tips that share a routine can be copied."]
    queue = await talk(bot, clock, "/tip pending", who=MOD, chat=GROUP)
    await tap(bot, clock, queue.sent[-1].reply.all_buttons[0].action, who=MOD, chat=GROUP)

    top = await talk(bot, clock, "/tip top", who=BO, chat=GROUP)
    copy = next(b for b in top.sent[-1].reply.all_buttons if b.label == "Copy to my routines")
    copied = await tap(bot, clock, copy.action, who=BO, chat=GROUP)
    assert "Copied to your routines: \u201cchin tucks\u201d" in copied.notices[0]
    mine = await talk(bot, clock, "/routine", who=BO)
    assert "chin tucks: Neck" in mine.last


# -- who may touch a routine -------------------------------------------------------------


async def test_forged_buttons_never_run_edit_delete_or_copy_someone_elses_routine(
    bot: Knotbot, clock: ManualClock
):
    """Bo forges every button he can think of with Ada's routine number."""
    await talk(bot, clock, "/routine new secret stretch: hold 5 s, 2 times area:neck")
    theirs = await routine_id(bot, "secret stretch")
    for op in RoutineOp:
        forged = await tap(bot, clock, RoutineControl(op, theirs), who=BO)
        assert forged.notices == ["That is someone else's routine; /routine new makes yours."]
    assert (await tap(bot, clock, RoutinePresses(theirs), who=BO)).notices
    assert (await tap(bot, clock, ShareRoutine(theirs), who=BO, chat=GROUP)).notices
    assert not bot.services.holds.active, "a forged Start ran someone else's routine"
    # "Start anyway" names a routine by its technique id: it is looked up as Bo's only.
    again = await tap(bot, clock, HoldAgain(Again.YES, f"routine-{theirs}", "neck"), who=BO)
    assert not bot.services.holds.active and "no longer in my notes" in again.last
    assert "secret" not in (await talk(bot, clock, f"/hold routine-{theirs}", who=BO)).last
    assert not bot.services.holds.active
    # Copy names tips only: a private routine's number is no approved tip of this group.
    copy = await tap(bot, clock, CopyRoutine(theirs), who=BO, chat=GROUP)
    assert copy.notices and "Copied" not in copy.notices[0]
    # A draft button only ever fills the presser's own draft.
    await tap(bot, clock, DraftSpot("jaw"), who=BO)
    still = await bot.services.routines.own(ADA, theirs)
    assert still is not None and still.area == "neck" and still.name == "secret stretch"
    assert not (await bot.services.routines.mine(BO))


# -- your data ---------------------------------------------------------------------------


async def test_routines_are_in_the_export_and_go_with_forget(bot: Knotbot, clock: ManualClock):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 10 times area:neck")
    await talk(bot, clock, "/routine new")  # a draft in progress is theirs too
    await talk(bot, clock, "doorway stretch")
    exported = await talk(bot, clock, "/export")
    attachment = exported.sent[-1].reply.attachment
    assert attachment is not None
    data = json.loads(attachment.data)
    assert [r["name"] for r in data["routines"]] == ["chin tucks"]
    assert data["routines"][0]["press_seconds"] == 5
    assert data["routine_draft"]["said"]["name"] == "doorway stretch"

    asked = await talk(bot, clock, "/forget")
    forget = next(b for b in asked.sent[-1].reply.all_buttons if b.label.startswith("Forget me"))
    await tap(bot, clock, forget.action)
    assert await bot.services.routines.mine(ADA) == []
    assert await bot.services.routines.draft(ADA) is None
    async with bot.services.db.transaction() as tx:
        left = await tx.session.execute(text("SELECT count(*) FROM routines"))
        assert left.scalar() == 0


async def test_delete_and_edit_by_the_owner(bot: Knotbot, clock: ManualClock):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 10 times area:neck")
    number = await routine_id(bot, "chin tucks")
    edit = await tap(bot, clock, RoutineControl(RoutineOp.EDIT, number))
    assert "Now: chin tucks" in edit.last
    await talk(bot, clock, "same")
    await talk(bot, clock, "keep")
    await talk(bot, clock, "Sit tall. Chin back.")
    changed = await talk(bot, clock, "hold 6 s, 8 times")
    assert "Updated: your routine \u201cchin tucks\u201d" in changed.last
    assert "8 rounds: hold 6 s" in changed.last and "1. Sit tall." in changed.last
    deleted = await tap(bot, clock, RoutineControl(RoutineOp.DELETE, number))
    assert "Deleted your routine \u201cchin tucks\u201d" in deleted.last
    assert await bot.services.routines.mine(ADA) == []


async def test_asking_a_pressure_routine_for_longer_than_its_cap_says_why(
    bot: Knotbot, clock: ManualClock
):
    await talk(bot, clock, "/routine new thumb press: press 20 s, 2 times area:jaw")
    running = await talk(bot, clock, "/hold thumb press for 90 seconds")
    first = running.sent[0].text
    assert "90 seconds is longer than this hold goes, so it presses for 60 seconds." in first
    assert "Pressing a knot longer than 60 seconds makes it hurt more" in first
    assert "Press: 1:00" in first or "Get ready" in first
    await bot.services.holds.stop(bot.services.holds.active[-1])


async def test_saving_under_the_same_name_changes_it_instead_of_adding_one(
    bot: Knotbot, clock: ManualClock
):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 10 times area:neck")
    again = await talk(bot, clock, "/routine new Chin Tucks: hold 8 s, 6 times area:neck")
    assert "Updated: your routine" in again.last and "6 rounds: hold 8 s" in again.last
    assert len(await bot.services.routines.mine(ADA)) == 1


async def test_a_whole_sheet_in_one_line_saves_the_first_and_says_to_send_the_next(
    bot: Knotbot, clock: ManualClock
):
    said = await talk(
        bot,
        clock,
        "/routine new chin tucks: hold 5 s, 10 times; doorway stretch: 30 s, 3 rounds area:neck",
    )
    assert "Saved: your routine \u201cchin tucks\u201d" in said.last
    assert "send /routine new doorway stretch: 30 s, 3 rounds next" in said.last


# -- what /progress and a reminder's Done say about a routine ------------------------------


async def test_progress_and_the_check_in_name_a_routine_by_its_name_not_its_number(
    bot: Knotbot, clock: ManualClock
):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 3 times area:neck")
    replier = RecordingReplier(clock)
    active = await start_hold(bot, replier, "chin tucks", who=ADA)
    await bot.handle(press(TenseHold(When.BEFORE, active.hold_id, 6), who=ADA), replier)
    await clock.run_until(active.task)
    closing = replier.edits[-1]
    after = next(
        a
        for a in (decode(b.action) for b in closing.reply.all_buttons)
        if isinstance(a, TenseHold) and a.value == 3
    )
    await bot.handle(press(after, who=ADA, message=closing.ref), replier)
    assert all("routine-" not in text for text in [*replier.texts, *replier.notices])

    shown = await talk(bot, clock, "/progress")
    assert "chin tucks, neck: 6.0 \u2192 3.0 over 1 hold" in shown.last
    assert "routine-" not in shown.last
    await talk(bot, clock, "/routine delete chin tucks")
    gone = await talk(bot, clock, "/progress")
    assert "a deleted routine, neck: 6.0 \u2192 3.0 over 1 hold" in gone.last


async def test_done_on_a_routines_reminder_names_the_routine(
    bot: Knotbot, clock: ManualClock, platform: RecordingOutbox
):
    await talk(bot, clock, "/routine new chin tucks: hold 5 s, 10 times area:neck")
    await talk(bot, clock, "/remind chin tucks every day at 11:00")
    await run_until(clock, dispatcher_for(bot, platform), clock.now() + timedelta(days=1, hours=1))
    done = next(b for b in platform.sent[0].reply.all_buttons if b.label == "Done")
    after = await tap(bot, clock, done.action)
    assert "Time for your routine: Neck \u00b7 10 rounds: hold 5 s" in after.last
    assert "Done. Nice work, that counts." in after.last
    assert not after.sent[-1].reply.all_buttons  # no second Start on the answered message
