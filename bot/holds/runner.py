"""Drives one hold: shows each frame at start + offset, edits one message, never falls behind.

The runner owns timing only. The first frame answers the person (through the event's replier);
from then on the hold's message is edited by reference through the platform's outbox, at each
tick's fixed offset on a monotonic clock. An edit still in flight when the next frame is due makes
that frame be skipped (never queued behind it), and a late wake-up jumps to the newest due
frame, so a slow platform can neither delay the end of a hold nor pile up edits.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable

from bot.clock import Clock, sleep_or_wake
from bot.holds.messages import HoldView, done_frame, running_frame, stopped_frame
from bot.holds.outcome import Ending, HoldOutcome, StopReason
from bot.holds.timeline import Tick
from bot.messages import MessageRef, Reply
from bot.outbox import DeliveryError, MessageGone, Outbox, RateLimited

# Sends the first frame as the answer to the event that started the hold.
SendFirst = Callable[[Reply], Awaitable[MessageRef]]

log = logging.getLogger(__name__)

# How long the closing frame waits for an edit still in flight before it goes anyway.
FINAL_EDIT_GRACE = 10.0
# A pause longer than this ends the hold: nobody should find a paused countdown next week.
MAX_PAUSE_SECONDS = 30 * 60


class HoldRunner:
    def __init__(self, view: HoldView, outbox: Outbox, clock: Clock) -> None:
        self.view = view
        self._outbox = outbox
        self._clock = clock
        self._signal = asyncio.Event()
        self._stop_reason: StopReason | None = None
        self._pause_requested = False
        self._paused = False
        self._message: MessageRef | None = None
        self._start = 0.0
        self._inflight: asyncio.Task[None] | None = None
        self._quiet_until = 0.0
        self._shown = 0
        self._skipped = 0
        self.ended = asyncio.Event()
        # The "how tense was it?" tap: asked on the first round's frames until answered.
        self._asking = view.ask_before
        self.before: int | None = None

    @property
    def message(self) -> MessageRef | None:
        return self._message

    @property
    def paused(self) -> bool:
        return self._paused

    async def open(self, send: SendFirst) -> MessageRef:
        """Send the first frame; the countdown starts when it is out."""
        first = self._frame(self.view.timeline.ticks[0])
        live_for = self.view.timeline.total + FINAL_EDIT_GRACE
        self._message = await send(dataclasses.replace(first, live_for=live_for))
        self._start = self._clock.monotonic()
        self._shown = 1
        return self._message

    def note_before(self, value: int | None) -> None:
        """The person answered (or skipped) the "before" tap: the question goes at once."""
        if not self._asking:
            return
        self._asking, self.before = False, value
        if self._message is None or self._paused or self.ended.is_set():
            return
        self._show(self._frame(self.view.timeline.tick_at(self._clock.monotonic() - self._start)))

    def rounds_done_now(self) -> int:
        """Press phases finished so far (for counting a hold about to be replaced)."""
        if self._message is None:
            return 0
        return self.view.timeline.rounds_done_at(self._clock.monotonic() - self._start)

    def stop(self, reason: StopReason = StopReason.USER) -> None:
        if self._stop_reason is None:
            self._stop_reason = reason
        self._signal.set()

    def pause(self) -> None:
        self._pause_requested = True
        self._signal.set()

    def resume(self) -> None:
        self._pause_requested = False
        self._signal.set()

    async def run(self) -> HoldOutcome:
        """Run the timeline to its end or until stopped; returns as soon as the hold is over."""
        timeline = self.view.timeline
        ticks = timeline.ticks
        index = 1
        try:
            while self._stop_reason is None:
                due = self._start + (ticks[index].offset if index < len(ticks) else timeline.total)
                await self._wait(due)
                if self._stop_reason is not None:
                    break
                if self._pause_requested:
                    await self._hold_paused()
                    continue
                now = self._clock.monotonic()
                if now < due:
                    continue  # woken by a signal that changed nothing (e.g. resume while running)
                if index >= len(ticks):
                    break  # the end
                # Woken late? Skip to the newest frame that is due; its offset is still exact.
                while index + 1 < len(ticks) and self._start + ticks[index + 1].offset <= now:
                    index += 1
                    self._skipped += 1
                self._show(self._frame(ticks[index]))
                index += 1
        finally:
            self.ended.set()
        elapsed = self._clock.monotonic() - self._start
        if self._stop_reason is None:
            return self._outcome(Ending.COMPLETED, timeline.rounds)
        ending = Ending.INTERRUPTED if self._stop_reason is StopReason.SHUTDOWN else Ending.STOPPED
        return self._outcome(ending, timeline.rounds_done_at(elapsed))

    async def close(self, outcome: HoldOutcome) -> None:
        """Show the closing frame, after any edit still in flight (bounded)."""
        if self._message is None or outcome.reason is StopReason.GONE:
            return
        # "How tense is it now?" only where a "before" was given, and something was held.
        held = outcome.ending is Ending.COMPLETED or (
            outcome.reason in (StopReason.USER, StopReason.PAUSED_TOO_LONG)
            and outcome.rounds_done > 0
        )
        ask_after = self.before is not None and held
        if outcome.ending is Ending.COMPLETED:
            reply = done_frame(self.view, ask_after=ask_after)
        else:
            reply = stopped_frame(
                self.view, outcome.rounds_done, outcome.reason, ask_after=ask_after
            )
        if self._inflight is not None and not self._inflight.done():
            await self._race(self._inflight, self._clock.monotonic() + FINAL_EDIT_GRACE)
        wait = self._quiet_until - self._clock.monotonic()
        if 0 < wait <= FINAL_EDIT_GRACE:
            await self._clock.sleep_until(self._quiet_until)
        for attempt in range(2):  # the closing frame is worth one wait for a rate limit
            try:
                await self._outbox.edit(self._message, reply)
                return
            except RateLimited as exc:
                if attempt or exc.retry_after > FINAL_EDIT_GRACE:
                    log.warning("hold %s: closing frame rate limited", self.view.hold_id)
                    return
                await self._clock.sleep_until(self._clock.monotonic() + exc.retry_after)
            except DeliveryError as exc:
                log.info("hold %s: closing frame not shown (%s)", self.view.hold_id, exc)
                return

    # -- internals -------------------------------------------------------------------------

    def _frame(self, tick: Tick, *, paused: bool = False) -> Reply:
        asking = self._asking and not paused
        ask = asking and tick.offset < self.view.timeline.first_press_end - 1e-9
        return running_frame(self.view, tick, paused=paused, ask_before=ask)

    def _outcome(self, ending: Ending, rounds_done: int) -> HoldOutcome:
        return HoldOutcome(
            ending, rounds_done, self._stop_reason, self._shown, self._skipped, self._clock.now()
        )

    async def _wait(self, deadline: float) -> None:
        """Sleep until `deadline` on the clock, or until stop/pause/resume, whichever is first."""
        await sleep_or_wake(self._clock, deadline, self._signal)

    async def _race(self, task: asyncio.Future[None], deadline: float) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep_until(deadline))
        try:
            await asyncio.wait({task, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sleeper

    async def _hold_paused(self) -> None:
        paused_at = self._clock.monotonic()
        self._paused = True
        tick = self.view.timeline.tick_at(paused_at - self._start)
        self._show(self._frame(tick, paused=True))
        while self._pause_requested and self._stop_reason is None:
            await self._wait(paused_at + MAX_PAUSE_SECONDS)
            if self._clock.monotonic() >= paused_at + MAX_PAUSE_SECONDS:
                self.stop(StopReason.PAUSED_TOO_LONG)
        self._paused = False
        resumed_at = self._clock.monotonic()
        self._start += resumed_at - paused_at  # the timeline continues where it paused
        if self._stop_reason is None:
            tick = self.view.timeline.tick_at(resumed_at - self._start)
            self._show(self._frame(tick))

    def _show(self, reply: Reply) -> None:
        now = self._clock.monotonic()
        if (self._inflight is not None and not self._inflight.done()) or now < self._quiet_until:
            self._skipped += 1
            return
        self._shown += 1
        self._inflight = asyncio.ensure_future(self._edit(reply))

    async def _edit(self, reply: Reply) -> None:
        assert self._message is not None
        try:
            await self._outbox.edit(self._message, reply)
        except MessageGone:
            log.info("hold %s: its message is gone, stopping", self.view.hold_id)
            self.stop(StopReason.GONE)
        except RateLimited as exc:
            self._quiet_until = self._clock.monotonic() + exc.retry_after
            log.warning(
                "hold %s: edits rate limited for %.1f s", self.view.hold_id, exc.retry_after
            )
        except DeliveryError as exc:
            log.warning("hold %s: edit failed (%s), frame skipped", self.view.hold_id, exc)
        except Exception:
            log.exception("hold %s: edit failed, frame skipped", self.view.hold_id)
