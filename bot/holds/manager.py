"""Starts, controls, stops and remembers holds: one per person per chat, safety rules applied.

The manager owns each hold's message: the first frame answers the person, and every later
frame, the closing line and a restart's "cut short" go through the platform's outbox by
`MessageRef`. It returns outcomes; what they sound like is in `bot.holds.messages` and
`bot.holds.answers`.

Choice on a second hold: starting a new hold in a chat replaces the running one (its message
says so). Asking first would add a round trip for the common case of "I pressed Start on
the other technique", and two countdowns at once make no sense. A second *pressure* hold on
a spot already pressed within the day does ask first (`AskFirst`): that round trip is the
point, as pressing a knot too often makes it hurt more the next day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.content import ContentLibrary
from bot.content.models import Area, Technique
from bot.holds.answers import capped_notice, only_today
from bot.holds.messages import HoldView, again_name, interrupted_frame
from bot.holds.outcome import Ending, HoldOutcome, StopReason
from bot.holds.runner import HoldRunner, SendFirst
from bot.holds.timeline import build_timeline
from bot.i18n import Translator, choose, translator
from bot.messages import ChatRef, MessageRef, Reply, UserRef
from bot.outbox import DeliveryError, Outbox
from bot.routines.model import routine_number
from bot.storage import Database
from bot.storage.holds import HoldStatus
from bot.storage.repositories import Tx
from bot.storage.schema import HoldSession

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
# A running hold whose process has not said "alive" for this long is dead.
STALE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 4)
# How long a stop waits for the hold's closing frame before answering anyway.
STOP_WAIT_SECONDS = 15.0
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

    @property
    def paused(self) -> bool:
        return self.runner.paused


@dataclass(frozen=True)
class Started:
    hold_id: int


@dataclass(frozen=True)
class Resting:
    """At the daily limit of pressure rounds on this spot: nothing started."""

    area: Area
    rounds_done: int
    gentle: tuple[Technique, ...]  # pressure-free holds for the same spot


@dataclass(frozen=True)
class AskFirst:
    """Pressure rounds on this spot within the day, under the limit: ask before another."""

    area: Area
    rounds_done: int
    last_at: datetime  # when the latest of them started


@dataclass(frozen=True)
class TooMany:
    """This person already runs the most holds allowed at once."""

    limit: int


StartOutcome = Started | Resting | AskFirst | TooMany


class HoldManager:
    def __init__(
        self,
        *,
        content: ContentLibrary,
        db: Database,
        clock: Clock,
        owner: str,
        max_running_per_person: int = 3,
    ) -> None:
        self._content = content
        self._db = db
        self._clock = clock
        self._owner = owner[:64]
        self._max_running = max_running_per_person
        self._outboxes: dict[str, Outbox] = {}
        self._active: dict[int, ActiveHold] = {}
        self._heartbeat: asyncio.Task[None] | None = None

    def use_content(self, content: ContentLibrary) -> None:
        self._content = content

    def attach(self, platform: str, outbox: Outbox) -> None:
        """Holds on `platform` edit their messages through `outbox`."""
        self._outboxes[platform] = outbox

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

    def running_for(self, user: UserRef) -> list[ActiveHold]:
        return [
            h
            for h in self._active.values()
            if h.user.platform == user.platform and h.user.user_id == user.user_id
        ]

    async def start(
        self,
        *,
        chat: ChatRef,
        user: UserRef,
        technique: Technique,
        area: Area,
        send: SendFirst,
        press_seconds: int | None = None,
        confirmed: bool = False,
        always_caution: bool = False,
        t: Translator | None = None,
    ) -> StartOutcome:
        """Start a hold whose first frame goes out through `send` (the event's answer).

        `press_seconds`: the press time asked for (never above the cap; the hold says why);
        `confirmed`: the person already said yes to another pressure round on this spot;
        `always_caution`: its cautions show on every hold, not only the first (a person's own
        routine: "this is your own plan" stands);
        `t`: the language of the person starting it, which the hold speaks to its end (give
        `technique` and `area` in that language too).
        """
        t = t or translator("en")
        plan = technique.hold
        assert plan is not None, "only techniques with a hold plan can be held"
        outbox = self._outboxes.get(chat.platform)
        assert outbox is not None, f"no outbox attached for {chat.platform}"
        previous = self.find(chat, user)
        if plan.pressure and not confirmed:
            asked = await self._pressed_today(user, area)
            if asked is not None:
                return asked
        if previous is not None:
            await self.stop(previous, StopReason.REPLACED)
        if len(self.running_for(user)) >= self._max_running:
            return TooMany(self._max_running)

        now = self._clock.now()
        rounds = plan.rounds
        notices: list[str] = []
        if press_seconds is not None and press_seconds > plan.press.max_seconds:
            notices.append(capped_notice(technique, press_seconds, t))
        async with self._db.transaction() as tx:
            row = await tx.users.ensure(user, now)
            ask_before = row.check_ins is not False
            first_time = always_caution or not await tx.holds.has_tried(row.id, technique.id)
            if plan.pressure:
                # Rounds done in 24 hours, counting holds still running anywhere as done.
                done = await tx.holds.pressure_rounds_since(
                    row.id, area.id, now - timedelta(hours=24)
                )
                allowed = area.daily_round_limit - done
                if allowed <= 0:
                    spoken = self._content.in_language(t.language)
                    gentle = tuple(
                        one for one in spoken.holdable_for(area.id) if not one.hold.pressure
                    )
                    return Resting(area, done, gentle)
                if allowed < rounds:
                    rounds = allowed
                    notices.insert(0, only_today(allowed, done, area, t))
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
            hold_id = hold.id

        timeline = build_timeline(
            plan,
            cadence=outbox.limits.min_edit_interval,
            rounds=rounds,
            press_seconds=press_seconds,
        )
        view = HoldView(
            hold_id, technique, area, timeline, first_time, tuple(notices), ask_before, t
        )
        active = ActiveHold(hold_id, chat, user, HoldRunner(view, outbox, self._clock))
        opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Registered before the first frame goes out, so a shutdown meanwhile still finds it.
        self._active[hold_id] = active
        active.task = asyncio.create_task(self._run(active, send, opened), name=f"hold-{hold_id}")
        self._ensure_heartbeat()
        await asyncio.shield(opened)  # returns once the first frame is out; raises if it failed
        return Started(hold_id)

    async def _pressed_today(self, user: UserRef, area: Area) -> AskFirst | None:
        """AskFirst if this spot was pressed within the day and has rounds left: rounds of
        holds that ended, and those finished so far by this person's holds running here."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            row = await tx.users.get(user.platform, user.user_id)
            if row is None:
                return None
            done, last = await tx.holds.finished_rounds_since(
                row.id, area.id, now - timedelta(hours=24)
            )
        for running in self.running_for(user):
            view = running.runner.view
            if view.area.id == area.id and view.technique.hold and view.technique.hold.pressure:
                so_far = running.runner.rounds_done_now()
                if so_far:
                    done, last = done + so_far, now
        if 0 < done < area.daily_round_limit:
            return AskFirst(area, done, last or now)
        return None

    def note_before(self, hold_id: int, value: int | None) -> None:
        """The "how tense was it?" tap was answered (None: skipped) on a running hold."""
        active = self._active.get(hold_id)
        if active is not None:
            active.runner.note_before(value)

    def pause(self, hold: ActiveHold) -> None:
        hold.runner.pause()

    def resume(self, hold: ActiveHold) -> None:
        hold.runner.resume()

    async def stop(
        self, hold: ActiveHold, reason: StopReason = StopReason.USER, *, wait: bool = True
    ) -> None:
        """Stop a hold; with `wait`, return once its message says so (or after a while)."""
        hold.runner.stop(reason)
        if wait:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(hold.task), timeout=STOP_WAIT_SECONDS)

    async def _run(
        self, active: ActiveHold, send: SendFirst, opened: asyncio.Future[None]
    ) -> HoldOutcome | None:
        try:
            message = await active.runner.open(send)
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
        self, hold_id: int, status: HoldStatus, rounds_done: int, ended_at: datetime | None = None
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

    async def recover(self, platform: str) -> int:
        """After a restart: mark holds nobody runs as interrupted and fix up their messages,
        each in the language of the person who started it."""
        now = self._clock.now()
        leftovers: list[tuple[int, str, Reply]] = []
        async with self._db.transaction() as tx:
            dead = await tx.holds.reap_interrupted(
                platform=platform, owner=self._owner, stale_before=now - STALE_AFTER, now=now
            )
            for row in dead:
                if row.message_ref:
                    leftovers.append((row.id, row.message_ref, await self._cut_short(tx, row)))
        outbox = self._outboxes.get(platform)
        for hold_id, ref, frame in leftovers:
            if outbox is None:
                break
            try:
                await outbox.edit(MessageRef.from_json(ref), frame)
            except DeliveryError as exc:
                log.info("hold %s: could not mark its message as interrupted (%s)", hold_id, exc)
            except Exception:
                log.warning("hold %s: could not mark its message", hold_id, exc_info=True)
        if dead:
            log.info("marked %d interrupted hold(s)", len(dead))
        return len(dead)

    async def _cut_short(self, tx: Tx, row: HoldSession) -> Reply:
        """A dead hold's "cut short" message, in its person's language (their /language, else
        their platform's), named as they know it: the technique's title, or their routine's."""
        person = await tx.users.by_id(row.user_id)
        language = choose(person.language, person.locale) if person else "en"
        t = translator(language)
        number = routine_number(row.technique_id)
        if number is not None:
            routine = await tx.routines.own(row.user_id, number)
            if routine is None:  # deleted since: nothing to start again
                return interrupted_frame(t.gettext("Your routine"), None, t)
            return interrupted_frame(routine.name, again_name(row.technique_id, routine.name), t)
        technique = self._content.in_language(language).technique(row.technique_id)
        title = technique.title if technique else t.gettext("Guided hold")
        return interrupted_frame(title, row.technique_id, t)

    async def shutdown(self, grace: float = 10.0) -> None:
        """Stop every running hold, record it as interrupted and say so in its message."""
        holds = list(self._active.values())
        for active in holds:
            await self.stop(active, StopReason.SHUTDOWN, wait=False)
        if holds:
            await asyncio.wait([h.task for h in holds], timeout=grace)
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
