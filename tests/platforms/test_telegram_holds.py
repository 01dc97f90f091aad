"""Guided holds on Telegram: one message, sent once and then edited through the outbox at the
platform's cadence, each frame the core's rendered; its buttons work, and a hold a stop or a
restart cut short says so in its message.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import itertools

from adapters.telegram.app import run as run_telegram
from adapters.telegram.render import render_one
from bot.actions import HoldControl, HoldOp, StartHold, TenseHold, When
from bot.core import Knotbot
from bot.messages import ChatRef, MessageRef, Reply, UserRef, heading, text
from tests.conftest import make_settings
from tests.helpers import eventually
from tests.platforms.spy import CoreSpy, Way, spy_on
from tests.platforms.telegram_user import (
    USER,
    answers_to,
    as_sent,
    ask,
    buttons,
    data_for,
    edits_of,
    markup_of,
    press,
    running,
    wire_history,
)
from tests.shortholds import QUICK
from tests.standins.telegram_api import StoredMessage, TelegramStandIn


async def start_hold(tg: TelegramStandIn, core: Knotbot) -> tuple[StoredMessage, str]:
    """/knot upper-back, then press its "Start hold" for the ball against the wall: the live
    message (once the hold runs) and the press's query id."""
    area = await ask(tg, "/knot upper-back")
    sends = len(tg.calls_to("sendMessage"))
    query = press(tg, area, data_for(area, StartHold, technique="ball-wall"))
    call = await tg.wait_for("sendMessage", count=sends + 1)
    await eventually(lambda: bool(core.services.holds.active))
    return tg.messages[(USER, call.result["message_id"])], query


def frames_of(spy: CoreSpy, live: StoredMessage) -> list[str]:
    """Each frame of the hold as the adapter must have sent it: the first as a message, the
    rest as edits (cut to one message)."""
    first = next(
        s for s in spy.said if s.ref is not None and s.ref.message_id == str(live.message_id)
    )
    assert first.way in (Way.REPLY, Way.UPDATE) and first.reply is not None
    return [as_sent(first.reply)[0], *(render_one(r) for r in spy.edits_of(first.ref))]


async def stopped(core: Knotbot) -> None:
    await eventually(lambda: not core.services.holds.active, within=15)


async def statuses(core: Knotbot) -> list[str]:
    async with core.services.db.transaction() as tx:
        row = await tx.users.get("telegram", str(USER))
        assert row is not None
        holds = await tx.holds.history(row.id, dtm.datetime(2000, 1, 1, tzinfo=dtm.UTC))
    return [h.status for h in holds]


async def test_a_hold_is_one_message_edited_frame_by_frame_at_the_cadence(
    tg: TelegramStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(tg, quick_core, limits=QUICK):
        live, query = await start_hold(tg, quick_core)
        await stopped(quick_core)
    frames = frames_of(spy, live)
    assert len(frames) > 4 and wire_history(tg, USER, live.message_id) == frames
    _, frame = tg.calls_to("sendMessage")  # the hold sent ONE message...
    edits = tg.calls_to("editMessageText")  # ...and edited only that one
    assert {c.params["message_id"] for c in edits} == {live.message_id}
    assert all(not c.failed for c in edits)
    *_, last = spy.edits_of(MessageRef("telegram", str(USER), str(live.message_id)))
    assert frame.params["reply_markup"] == markup_of(spy.replies(Way.REPLY, Way.UPDATE)[-1])
    assert markup_of(last) is None and tg.messages[(USER, live.message_id)].reply_markup is None
    gaps = [b.at - a.at for a, b in itertools.pairwise(edits)]
    assert min(gaps) >= QUICK.min_edit_interval - 0.15, gaps
    # The button was answered once, as soon as the first frame was out.
    (answer,) = tg.calls_to("answerCallbackQuery")
    assert answer.params["callback_query_id"] == query
    assert answer.at < edits[1].at
    assert await statuses(quick_core) == ["completed"]


async def test_stop_button_stops_the_hold_at_once_and_a_second_press_gets_the_cores_toast(
    tg: TelegramStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(tg, quick_core, limits=QUICK):
        live, _ = await start_hold(tg, quick_core)
        await tg.wait_for("editMessageText")
        current = tg.messages[(USER, live.message_id)]
        stop = data_for(current, HoldControl, op=HoldOp.STOP)
        (stop_button,) = [b for b in buttons(current) if b["callback_data"] == stop]
        query = press(tg, current, stop)
        await stopped(quick_core)
        await tg.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
        again = press(tg, current, stop)  # on the ended hold: a toast, one answer per press
        toast = await tg.wait_for(
            "answerCallbackQuery", lambda c: c.params["callback_query_id"] == again
        )
    assert stop_button["style"] == "danger"
    assert wire_history(tg, USER, live.message_id) == frames_of(spy, live)
    assert tg.messages[(USER, live.message_id)].reply_markup is None
    assert len(answers_to(tg, query)) == 1
    assert toast.params["text"] == spy.notices()[-1]
    assert await statuses(quick_core) == ["stopped"]


async def test_stop_command_stops_my_hold(tg: TelegramStandIn, quick_core: Knotbot) -> None:
    spy = spy_on(quick_core)
    async with running(tg, quick_core, limits=QUICK):
        live, _ = await start_hold(tg, quick_core)
        sends = len(tg.calls_to("sendMessage"))
        tg.push_text(USER, USER, "/stop")
        said = await tg.wait_for("sendMessage", count=sends + 1)
        await stopped(quick_core)
        nothing = await ask(tg, "/stop")
    assert wire_history(tg, USER, live.message_id) == frames_of(spy, live)
    assert edits_of(tg, live)  # the live message changed to say so...
    # ...and the command got the core's notice, as a message: a command has no toast.
    assert said.params["text"] == as_sent(Reply((text(spy.notices()[-1]),)))[0]
    assert nothing.raw_text == as_sent(spy.replies(Way.REPLY)[-1])[0]
    assert await statuses(quick_core) == ["stopped"]


async def test_graceful_stop_ends_running_holds_and_their_messages_say_so(
    tg: TelegramStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    settings = make_settings(
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        telegram_base_file_url=tg.base_file_url,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(quick_core, settings, stop))
    try:
        await tg.wait_for("getUpdates")
        frame = await ask(tg, "/hold ball-wall")
        await eventually(lambda: bool(quick_core.services.holds.active))
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
    assert not quick_core.services.holds.active
    assert wire_history(tg, USER, frame.message_id) == frames_of(spy, frame)
    assert await statuses(quick_core) == ["interrupted"]
    # The edit came before the client closed: nothing after it but PTB's own goodbye.
    methods = [c.method for c in tg.calls]
    assert "editMessageText" in methods[methods.index("sendMessage") :]


async def test_after_a_restart_a_left_over_hold_message_is_marked_interrupted(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running(tg, core) as first:
        ref = await first.outbox.send(
            ChatRef("telegram", str(USER)), Reply((heading("Ball against the wall"),))
        )
    async with core.services.db.transaction() as tx:
        row = await tx.users.ensure(
            UserRef("telegram", str(USER), "Ada"), core.services.clock.now()
        )
        hold = await tx.holds.start(
            user_id=row.id,
            platform="telegram",
            chat_id=str(USER),
            technique_id="ball-wall",
            area_id="upper-back",
            pressure=True,
            rounds_planned=3,
            owner="test-1",  # this very process, before its "restart"
            now=core.services.clock.now(),
        )
        await tx.holds.set_message(hold.id, ref.to_json())
    spy = spy_on(core)
    async with running(tg, core):
        pass
    (fixed,) = spy.edits_of(ref)
    assert wire_history(tg, USER, int(ref.message_id))[-1] == render_one(fixed)
    assert await statuses(core) == ["interrupted"]


async def test_a_before_and_after_tap_on_the_live_message_are_noted_and_the_keyboard_goes(
    tg: TelegramStandIn, quick_core: Knotbot
) -> None:
    async with running(tg, quick_core, limits=QUICK):
        live = await ask(tg, "/hold ball-wall")
        await eventually(lambda: bool(quick_core.services.holds.active))
        before = press(tg, live, data_for(live, TenseHold, when=When.BEFORE, value=6))
        toast = await tg.wait_for(
            "answerCallbackQuery", lambda c: c.params["callback_query_id"] == before
        )
        await stopped(quick_core)
        closing = tg.messages[(USER, live.message_id)]
        assert "How tense is it now?" in closing.raw_text
        edits = len(edits_of(tg, live))
        after = press(tg, closing, data_for(closing, TenseHold, when=When.AFTER, value=3))
        await tg.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == after)
        await eventually(lambda: len(edits_of(tg, live)) > edits)
    assert toast.params["text"] == "Noted: 6 of 10. I'll ask again at the end."
    shown = tg.messages[(USER, live.message_id)]
    assert "Noted: 6 before, 3 now." in shown.raw_text
    assert shown.reply_markup is None
    assert len(tg.calls_to("sendMessage")) == 1  # the hold's one message, nothing more
    async with quick_core.services.db.transaction() as tx:
        (hold,) = await tx.holds.history(
            (await tx.users.get("telegram", str(USER))).id,  # type: ignore[union-attr]
            dtm.datetime(2000, 1, 1, tzinfo=dtm.UTC),
        )
        noted = await tx.check_ins.of_hold(hold.id)
    assert noted is not None and (noted.tension_before, noted.tension_after) == (6, 3)


async def test_a_german_telegram_user_sees_the_hold_counting_down_in_german_in_one_message(
    tg: TelegramStandIn, quick_core: Knotbot
) -> None:
    """Their app speaks German (language_code "de"): every frame edited into the hold's one
    message, its buttons and its closing line are German, to the end."""
    async with running(tg, quick_core, limits=QUICK):
        tg.push_text(USER, USER, "/hold ball-wall", language_code="de")
        call = await tg.wait_for("sendMessage")
        live = tg.messages[(USER, call.result["message_id"])]
        await eventually(lambda: bool(quick_core.services.holds.active))
        assert [b["text"] for b in buttons(live)][-2:] == ["Pausieren", "Stopp"]
        await stopped(quick_core)
    history = wire_history(tg, USER, live.message_id)
    assert len(history) > 4 and len(tg.calls_to("sendMessage")) == 1  # one message, edited
    shown = "\n".join(history)
    for german in ("Ball gegen die Wand \u00b7 Runde 1 von 2", "Mach dich bereit: 1 s",
                   "Dr\u00fccken: 1 s", "Lehn dich gegen den Ball und atme langsam aus.",
                   "Loslassen: 1 s", "Bevor du anf\u00e4ngst"):  # fmt: skip
        assert german in shown, german
    closing = "Fertig: 2 Runden (Oberer R\u00fccken). Sei bis morgen sanft zu dieser Stelle."
    assert closing in history[-1]
    for english in ("Get ready", "Press:", "Release", "Round", "round", "Done", "Before"):
        assert english not in shown, english
