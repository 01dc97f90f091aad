"""Starts, stops and remembers holds: one per user per chat, with the safety rules applied.

Choice on a second hold: starting a new hold in a chat replaces the running one (its message
says so). Asking first would add a round trip for the common case of "I pressed Start on
the other technique", and two countdowns at once make no sense.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import actions
from bot.clock import Clock
from bot.content import ContentLibrary
from bot.content.models import Area, Technique
from bot.holds.frames import HoldView, interrupted_frame
from bot.holds.outcome import Ending, HoldOutcome, StopReason
from bot.holds.runner import HoldRunner
from bot.holds.timeline import build_timeline
from bot.messages import (
    Button,
    ChatRef,
    MessageRef,
    Reply,
    ReplyBuilder,
    UserRef,
    text,
)
from bot.outbox import DeliveryError, Outbox, Replier
from bot.storage import Database
from bot.storage.holds import HoldStatus

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
# A running hold whose process has not said "alive" for this long is dead.
STALE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 4)
_ENDING_STATUS = {
    Ending.COMPLETED: HoldStatus.COMPLETED,
    Ending.STOPPED: HoldStatus.STOPPED,
    Ending.INTERRUPTED: HoldStatus.INTERRUPTED,
}


@dataclass
class ActiveHold:
    hold_id: int
    chat: ChatRef
    user: UserRef
    runner: HoldRunner
    task: asyncio.Task[HoldOutcome | None] = field(init=False)


class HoldManager:
    def __init__(self, *, content: ContentLibrary, db: Database, clock: Clock, owner: str) -> None:
        self._content = content
        self._db = db
        self._clock = clock
        self._owner = owner[:64]
        self._active: dict[int, ActiveHold] = {}
        self._heartbeat: asyncio.Task[None] | None = None

    def use_content(self, content: ContentLibrary) -> None:
        self._content = content

    @property
    def active(self) -> list[ActiveHold]:
        return list(self._active.values())

    def find(self, chat: ChatRef, user: UserRef) -> ActiveHold | None:
        return next(
            (
                h
                for h in self._active.values()
                if h.chat.platform == chat.platform
                and h.chat.chat_id == chat.chat_id
                and h.user.user_id == user.user_id
            ),
            None,
        )

    def get(self, hold_id: int) -> ActiveHold | None:
        return self._active.get(hold_id)

    async def start(
        self, *, chat: ChatRef, user: UserRef, replier: Replier, technique: Technique, area: Area
    ) -> None:
        """Start a hold, or explain why not (rest advice); answers through `replier`."""
        plan = technique.hold
        assert plan is not None, "only techniques with a hold plan can be held"
        previous = self.find(chat, user)
        if previous is not None:
            previous.runner.stop(StopReason.REPLACED)
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(previous.task), timeout=15)

        now = self._clock.now()
        rounds = plan.rounds
        notice = ""
        rested_enough: int | None = None  # rounds done in 24 h, when at the limit: advice instead
        async with self._db.transaction() as tx:
            row = await tx.users.ensure(user, now)
            first_time = not await tx.holds.has_tried(row.id, technique.id)
            if plan.pressure:
                done = await tx.holds.pressure_rounds_since(
                    row.id, area.id, now - timedelta(hours=24)
                )
                allowed = area.daily_round_limit - done
                if allowed <= 0:
                    rested_enough = done
                elif allowed < rounds:
                    rounds = allowed
                    notice = (
                        f"Only {allowed} round{'s' if allowed > 1 else ''} today: you have done "
                        f"{done} of {area.daily_round_limit} on your {area.name.lower()} in the "
                        "last 24 hours."
                    )
            if rested_enough is None:
                hold = await tx.holds.start(
                    user_id=row.id,
                    platform=chat.platform,
                    chat_id=chat.chat_id,
                    technique_id=technique.id,
                    area_id=area.id,
                    pressure=plan.pressure,
                    rounds_planned=rounds,
                    owner=self._owner,
                    now=now,
                )
        if rested_enough is not None:  # said after the transaction: no platform call inside it
            await replier.reply(self._rest_advice(area, rested_enough))
            return
        hold_id = hold.id

        timeline = build_timeline(plan, cadence=replier.limits.min_edit_interval, rounds=rounds)
        view = HoldView(hold_id, technique, area, timeline, first_time, notice)
        runner = HoldRunner(view, replier, self._clock)
        active = ActiveHold(hold_id, chat, user, runner)
        opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Registered before the first frame goes out, so a shutdown meanwhile still finds it.
        self._active[hold_id] = active
        active.task = asyncio.create_task(self._run(active, opened), name=f"hold-{hold_id}")
        self._ensure_heartbeat()
        await asyncio.shield(opened)  # returns once the first frame is out; raises if it failed

    async def _run(self, active: ActiveHold, opened: asyncio.Future[None]) -> HoldOutcome | None:
        try:
            message = await active.runner.open()
        except BaseException as exc:
            self._active.pop(active.hold_id, None)
            await self._finish(active.hold_id, HoldStatus.STOPPED, 0)
            if isinstance(exc, asyncio.CancelledError):
                opened.cancel()
                raise
            opened.set_exception(exc)
            return None
        opened.set_result(None)
        # Stored beside the countdown, which must not wait for the database to start.
        storing = asyncio.create_task(self._store_message(active.hold_id, message))
        outcome: HoldOutcome | None = None
        try:
            outcome = await active.runner.run()
            await storing
            try:
                await active.runner.close(outcome)  # the person sees the end first
            finally:
                await self._finish(
                    active.hold_id,
                    _ENDING_STATUS[outcome.ending],
                    outcome.rounds_done,
                    outcome.ended_at,
                )
        except Exception:
            log.exception("hold %s failed", active.hold_id)
        finally:
            self._active.pop(active.hold_id, None)
        return outcome

    async def _store_message(self, hold_id: int, message: MessageRef) -> None:
        try:
            async with self._db.transaction() as tx:
                await tx.holds.set_message(hold_id, message.to_json())
        except Exception:  # the hold still runs; only a restart could not tidy its message
            log.warning("hold %s: could not store its message", hold_id, exc_info=True)

    async def _finish(
        self, hold_id: int, status: str, rounds_done: int, ended_at: datetime | None = None
    ) -> None:
        try:
            async with self._db.transaction() as tx:
                await tx.holds.finish(
                    hold_id,
                    status=status,
                    rounds_done=rounds_done,
                    now=ended_at or self._clock.now(),
                )
        except Exception:
            log.exception("hold %s: could not store how it ended", hold_id)

    def _rest_advice(self, area: Area, done: int) -> Reply:
        gentle = [
            t
            for t in self._content.techniques_for(area.id)
            if t.hold is not None and not t.hold.pressure
        ]
        builder = ReplyBuilder().add(
            text(
                f"You have done {done} rounds on your {area.name.lower()} in the last 24 hours. "
                "Give this spot a rest until tomorrow: pressing a knot too long or too often "
                "makes it hurt more the next day.",
                "If it keeps hurting, or the pain is sharp or spreads, have it looked at "
                "(/safety).",
            )
        )
        if gentle:
            builder.row(
                *(
                    Button(f"Try instead: {t.title}", actions.make(actions.HOLD, t.id, area.id))
                    for t in gentle
                )
            )
        return builder.build()

    def _ensure_heartbeat(self) -> None:
        if self._heartbeat is None or self._heartbeat.done():
            self._heartbeat = asyncio.create_task(self._beat(), name="hold-heartbeat")

    async def _beat(self) -> None:
        """Tell the database these holds are alive, so another process does not reap them."""
        while self._active:
            await self._clock.sleep_until(self._clock.monotonic() + HEARTBEAT_SECONDS)
            ids = list(self._active)
            try:
                async with self._db.transaction() as tx:
                    await tx.holds.heartbeat(ids, self._clock.now())
            except Exception:
                log.warning("hold heartbeat failed", exc_info=True)

    async def recover(self, platform: str, outbox: Outbox) -> int:
        """After a restart: mark holds nobody runs as interrupted and fix up their messages."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            dead = await tx.holds.reap_interrupted(
                platform=platform, owner=self._owner, stale_before=now - STALE_AFTER, now=now
            )
            leftovers = [(row.id, row.technique_id, row.message_ref) for row in dead]
        for hold_id, technique_id, ref in leftovers:
            if not ref:
                continue
            technique = self._content.technique(technique_id)
            title = technique.title if technique else "Guided hold"
            try:
                await outbox.edit(MessageRef.from_json(ref), interrupted_frame(title, technique_id))
            except DeliveryError as exc:
                log.info("hold %s: could not mark its message as interrupted (%s)", hold_id, exc)
            except Exception:
                log.warning("hold %s: could not mark its message", hold_id, exc_info=True)
        if leftovers:
            log.info("marked %d interrupted hold(s)", len(leftovers))
        return len(leftovers)

    async def shutdown(self, grace: float = 10.0) -> None:
        """Stop every running hold, record it as interrupted and say so in its message."""
        holds = list(self._active.values())
        for active in holds:
            active.runner.stop(StopReason.SHUTDOWN)
        if holds:
            await asyncio.wait([h.task for h in holds], timeout=grace)
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
