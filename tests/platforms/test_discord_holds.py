"""Guided holds on Discord: one message, the interaction's answer, then edited through the
outbox (as `@original` with the interaction's token while it lasts, through the channel
after), each frame the core's rendered; its buttons work, and a hold a stop or a restart cut
short says so.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from adapters.discord.delivery import Handle
from bot.actions import HoldControl, HoldOp, StartHold, decode, encode
from bot.core import Knotbot
from bot.messages import ButtonPress, Incoming, MessageRef, ReplyBuilder, UserRef, text
from bot.outbox import MessageGone, Replier
from bot.storage import Database
from bot.storage.schema import HoldSession
from tests.helpers import eventually
from tests.platforms.discord_user import (
    CHANNEL_ID,
    GUILD_ID,
    IN_GUILD,
    OTHER_ID,
    USER_ID,
    body_text,
    components_of,
    edited_as,
    noticed_as,
    running,
    shown,
    slash,
)
from tests.platforms.spy import CoreSpy, Way, spy_on
from tests.shortholds import QUICK
from tests.standins.discord_api import EPHEMERAL, DiscordStandIn, InjectedInteraction
from tests.standins.discord_api import StoredMessage as Message

START_BALL_WALL = encode(StartHold("ball-wall", "upper-back"))


async def start_hold(
    api: DiscordStandIn, core: Knotbot, user_id: int = USER_ID
) -> tuple[InjectedInteraction, Message]:
    """/knot upper-back, then "Start hold" for the ball against the wall; the live message."""
    knot = await slash(api, "knot", {"area": "upper-back"}, user_id=user_id)
    press = await api.inject_button(START_BALL_WALL, knot.id, user_id=user_id)
    callback = await api.wait_for_callback(press)
    assert callback.status == 200, callback.response
    hold = api.original_response(press)
    assert hold is not None
    await eventually(lambda: bool(core.services.holds.active))  # its first frame is out
    return press, hold


def stop_button(message: Message) -> str:
    """The custom_id of the hold message's Stop button."""
    for custom_id in message.custom_ids():
        action = decode(custom_id)
        if isinstance(action, HoldControl) and action.op is HoldOp.STOP:
            return custom_id
    raise AssertionError(f"no Stop button: {message.custom_ids()}")


def live_ref(spy: CoreSpy, message: Message) -> MessageRef:
    """The ref the core got for the hold's message (the one it edits through the outbox)."""
    return next(
        s.ref for s in spy.said if s.ref is not None and s.ref.message_id == str(message.id)
    )


async def hold_history(core: Knotbot, user_id: int = USER_ID) -> list[HoldSession]:
    """Once no hold runs any more: the closing frame is shown before the ending is stored."""
    await eventually(lambda: not core.services.holds.active, within=15)
    async with core.services.db.transaction() as tx:
        row = await tx.users.get("discord", str(user_id))
        assert row is not None
        since = datetime.now(UTC) - timedelta(days=1)
        return list(await tx.holds.history(row.id, since))


async def test_start_hold_runs_a_full_hold_as_edits_of_one_message(
    discord_api: DiscordStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(discord_api, quick_core, QUICK):
        press, hold = await start_hold(discord_api, quick_core)
        history = await hold_history(quick_core)
    assert hold.ephemeral
    edits = discord_api.calls_matching(
        "PATCH", rf"/webhooks/{discord_api.app_id}/{re.escape(press.token)}/messages/@original"
    )
    assert all(e.status == 200 for e in edits)
    frames = spy.edits_of(live_ref(spy, hold))
    assert len(frames) > 4 and [body_text(e.json) for e in edits] == [edited_as(f) for f in frames]
    assert hold.components == components_of(frames[-1]) == []  # no Pause/Stop at the end
    assert not discord_api.calls_matching("PATCH", r"/channels/.*")
    assert all(e.json["allowed_mentions"] == {"parse": []} for e in edits)
    assert [(h.status, h.rounds_done) for h in history] == [("completed", 2)]


async def test_stop_button_stops_the_hold_at_once(
    discord_api: DiscordStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(discord_api, quick_core, QUICK):
        _, hold = await start_hold(discord_api, quick_core)
        stop = await discord_api.inject_button(stop_button(hold), hold.id, user_id=USER_ID)
        acknowledged = await discord_api.wait_for_callback(stop)
        history = await hold_history(quick_core)
    assert acknowledged.json["type"] == 6  # a silent "deferred update": no "interaction failed"
    assert shown(hold) == edited_as(spy.edits_of(live_ref(spy, hold))[-1])
    assert hold.components == []
    assert [h.status for h in history] == ["stopped"]


async def test_stop_command_stops_my_hold_and_says_so_privately(
    discord_api: DiscordStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(discord_api, quick_core, QUICK):
        _, hold = await start_hold(discord_api, quick_core)
        inj = await discord_api.inject_slash_command("stop", user_id=USER_ID, **IN_GUILD)
        answer = await discord_api.wait_for_callback(inj)
        history = await hold_history(quick_core)
    assert shown(hold) == edited_as(spy.edits_of(live_ref(spy, hold))[-1])
    assert answer.json["type"] == 4
    assert answer.json["data"]["flags"] == EPHEMERAL
    assert answer.json["data"]["content"] == noticed_as(spy.notices()[-1])
    assert [h.status for h in history] == ["stopped"]


async def test_someone_elses_stop_button_gets_a_private_notice(
    discord_api: DiscordStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(discord_api, quick_core, QUICK):
        _, hold = await start_hold(discord_api, quick_core)
        stranger = await discord_api.inject_button(stop_button(hold), hold.id, user_id=OTHER_ID)
        answer = await discord_api.wait_for_callback(stranger)
        still_running = bool(quick_core.services.holds.active)
    assert answer.json["type"] == 4
    assert answer.json["data"]["flags"] == EPHEMERAL
    assert answer.json["data"]["content"] == noticed_as(spy.notices()[-1])
    assert still_running


async def test_a_hold_outliving_its_token_goes_on_by_channel_edits_when_not_ephemeral(
    discord_api: DiscordStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(discord_api, quick_core, QUICK):
        inj = await discord_api.inject_slash_command("hold", {"what": "ball-wall"}, user_id=USER_ID)
        await discord_api.wait_for_callback(inj)
        hold = discord_api.original_response(inj)
        assert hold is not None and not hold.ephemeral  # a DM
        discord_api.expire_interaction(inj)
        route = rf"/channels/{hold.channel_id}/messages/{hold.id}"
        channel_edit = await discord_api.wait_for("PATCH", route, timeout=5)
        stop = await discord_api.inject_button(stop_button(hold), hold.id, user_id=USER_ID)
        await discord_api.wait_for_callback(stop)
        await hold_history(quick_core)
    assert channel_edit.status == 200
    last = discord_api.calls_matching("PATCH", route)[-1]
    assert body_text(last.json) == edited_as(spy.edits_of(live_ref(spy, hold))[-1])
    assert hold.components == []


async def test_a_hold_longer_than_a_token_lasts_is_posted_visibly_in_a_server(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with running(discord_api, core):
        inj = await discord_api.inject_slash_command(
            "hold", {"what": "legs-up-chair"}, user_id=USER_ID, guild_id=GUILD_ID
        )
        callback = await discord_api.wait_for_callback(inj)
        hold = discord_api.original_response(inj)
        assert hold is not None and not hold.ephemeral
        await eventually(lambda: bool(core.services.holds.active))
        stop = await discord_api.inject_button(stop_button(hold), hold.id, user_id=USER_ID)
        await discord_api.wait_for_callback(stop)
        await hold_history(core)
    assert not (callback.json["data"].get("flags") or 0) & EPHEMERAL  # a 16-minute hold
    assert hold.components == []


async def test_graceful_stop_marks_a_running_hold_interrupted_and_says_so(
    discord_api: DiscordStandIn, quick_core: Knotbot
) -> None:
    spy = spy_on(quick_core)
    async with running(discord_api, quick_core, QUICK) as app:
        press, hold = await start_hold(discord_api, quick_core)
        await app.stop()
    assert shown(hold) == edited_as(spy.edits_of(live_ref(spy, hold))[-1])
    assert hold.components == []
    last = discord_api.calls_matching("PATCH", rf"/webhooks/\d+/{re.escape(press.token)}/.+")[-1]
    assert last.status == 200
    assert [h.status for h in await hold_history(quick_core)] == ["interrupted"]


async def test_a_message_a_press_updated_in_place_is_edited_later_as_the_original(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    """The pressed message becomes the answer; one the core says it will go on editing
    (`live_for`, like a hold's) the outbox changes later through the press's token."""
    updated: list[MessageRef] = []
    handle = core.handle

    async def in_place(event: Incoming, replier: Replier) -> object:
        if not isinstance(event, ButtonPress):
            return await handle(event, replier)
        chosen = replace(ReplyBuilder().add(text("You chose it")).build(), live_for=60.0)
        updated.append(await replier.update(chosen))
        return None

    core.handle = in_place  # type: ignore[method-assign]
    async with running(discord_api, core) as app:
        knot = await slash(discord_api, "knot", {"area": "upper-back"})
        press = await discord_api.inject_button(START_BALL_WALL, knot.id, user_id=USER_ID)
        callback = await discord_api.wait_for_callback(press)
        await eventually(lambda: bool(updated))
        await app.outbox.edit(updated[0], ReplyBuilder().add(text("And edited it.")).build())
    patch = rf"/webhooks/\d+/{re.escape(press.token)}/messages/@original"
    assert discord_api.calls_matching("PATCH", patch)
    assert callback.json["type"] == 7
    assert callback.json["data"]["content"] == "You chose it"
    assert callback.json["data"]["components"] == []
    assert knot.content == "And edited it." and knot.ephemeral


async def test_after_a_restart_a_left_over_hold_message_is_fixed_up_through_its_token(
    discord_api: DiscordStandIn, core: Knotbot, db: Database
) -> None:
    async with running(discord_api, core):
        inj = await discord_api.inject_slash_command(
            "knot", {"area": "jaw"}, user_id=USER_ID, **IN_GUILD
        )
        await discord_api.wait_for_callback(inj)
    message = discord_api.original_response(inj)
    assert message is not None and message.ephemeral
    # What a hold left behind when its process died: a "running" row and its live message.
    handle = Handle(discord_api.app_id, inj.token, time.time(), ephemeral=True, original=True)
    ref = MessageRef("discord", str(CHANNEL_ID), str(message.id), handle.to_extra())
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        row = await tx.users.ensure(UserRef("discord", str(USER_ID)), now)
        left = await tx.holds.start(
            user_id=row.id,
            platform="discord",
            chat_id=str(CHANNEL_ID),
            technique_id="jaw-release",
            area_id="jaw",
            pressure=True,
            rounds_planned=3,
            owner=core.services.settings.instance_id,
            now=now,
        )
        await tx.holds.set_message(left.id, ref.to_json())
    spy = spy_on(core)
    async with running(discord_api, core) as restarted:
        edit = await discord_api.wait_for(
            "PATCH",
            rf"/webhooks/{discord_api.app_id}/{re.escape(inj.token)}/messages/{message.id}",
        )
        (fixed,) = spy.replies(Way.EDIT)
        assert edit.status == 200 and message.content == edited_as(fixed)
        discord_api.expire_interaction(inj)
        with pytest.raises(MessageGone):  # ephemeral: only its token could edit it
            await restarted.outbox.edit(ref, ReplyBuilder().add(text("too late")).build())


async def test_a_spanish_discord_user_sees_the_hold_and_its_stop_in_spanish(
    discord_api: DiscordStandIn, quick_core: Knotbot
) -> None:
    """Their client speaks Spanish (interaction.locale "es-ES"): the hold's frames, edited
    into its one message, its buttons, its closing line and /stop's answer are Spanish."""
    spy = spy_on(quick_core)
    async with running(discord_api, quick_core, QUICK):
        hold = await slash(discord_api, "hold", {"what": "ball-wall"}, locale="es-ES")
        await eventually(lambda: bool(quick_core.services.holds.active))
        labels = [b["label"] for row in hold.components for b in row.get("components", [])]
        await eventually(lambda: len(spy.edits_of(live_ref(spy, hold))) >= 3)  # a few frames
        inj = await discord_api.inject_slash_command(
            "stop", user_id=USER_ID, locale="es-ES", **IN_GUILD
        )
        answer = await discord_api.wait_for_callback(inj)
        await hold_history(quick_core)
    frames = [edited_as(f) for f in spy.edits_of(live_ref(spy, hold))]
    assert labels[-2:] == ["Pausar", "Parar"]
    assert "Pelota contra la pared \u00b7 ronda 1 de 2" in "\n".join(frames)
    assert "Parado tras" in shown(hold) and "Parar antes est\u00e1 bien" in shown(hold)
    assert answer.json["data"]["content"] == noticed_as("Tu ejercicio est\u00e1 parado.")
    for english in ("Get ready", "Press:", "Release", "round", "Stopped", "Before"):
        assert english not in "\n".join(frames), english
