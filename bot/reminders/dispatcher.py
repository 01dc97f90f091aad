"""Sends reminders when they are due. The database is the source of truth: the dispatcher sleeps
until the next thing to do (or until woken by a change), and each step does what is due now.

A step:
1. claims what the platform can send in the next few seconds (`horizon`), earliest due
   first, a few per chat, none of the chats still waiting here (`bot.storage.claims`), and
   records each occurrence as `queued` (claimed, not started: safe to send after a crash);
2. hands the queued jobs to the fair queue (`bot.reminders.pacing`), which lets each chat
   send at its own pace and all of them together at the platform's rate;
3. marks the jobs that may start now as `sending`, in one transaction, and hands them to the
   senders (`concurrency` tasks, each composing and sending one job after another);
4. records outcomes of finished sends together, at least every `flush_every` seconds (sooner
   when a claim's worth is waiting), with each reminder's next occurrence.

Everything per reminder is kept cheap (under 0.1 s of CPU per 1,000 sent, see `python -m
benchmarks.reminders`): a claim is one statement whatever the backlog, a batch is recorded in a
few set-based statements (`bot.storage.claims`), schedules are parsed and their next occurrence
worked out once for everyone sharing them (`bot.reminders.planning`), and a claim is at most
`max_claim` long.

What a crash costs (README, "Reminder delivery"): claimed jobs not yet started stay `queued`
and are sent by the next claim once the lease runs out; only a send that started and whose
outcome was not recorded is in doubt. Discord drops a repeat with the same key (its nonce),
so such a send is repeated there; elsewhere it is marked `uncertain` and not repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, sleep_or_wake
from bot.messages import ChatRef
from bot.outbox import Outbox, RateLimited, RecipientGone
from bot.reminders.kinds import Composers
from bot.reminders.pacing import FairQueue, Senders
from bot.reminders.planning import (
    Job,
    Records,
    Result,
    advanced,
    choose_text,
    delivery_row,
    occurrence_of,
    plan,
    recorded_before,
)
from bot.storage import Database, Tx
from bot.storage.reminders import DeliveryStatus

log = logging.getLogger(__name__)
QUEUED, SKIPPED, UNCERTAIN = DeliveryStatus.QUEUED, DeliveryStatus.SKIPPED, DeliveryStatus.UNCERTAIN


@dataclass(frozen=True)
class DispatchSettings:
    grace: timedelta = timedelta(minutes=30)  # how late a catch-up may still be
    lease: timedelta = timedelta(seconds=30)  # a claim expires after this unless renewed
    max_sleep: float = 60.0  # look again at least this often (other processes add reminders)
    horizon: float = 5.0  # claim what the platform can send in this many seconds
    max_claim: int = 1000  # but never more than this at once (a fast platform's horizon)
    max_attempts: int = 5  # transient failures per occurrence
    max_rate_limit_retries: int = 5
    concurrency: int = 32  # sends in flight at once
    flush_every: float = 0.2  # outcomes are recorded together at least this often
    # A late occurrence counts as a catch-up (and must be inside the hours) beyond this. Below
    # it, it is only queued behind others at the platform's limit: still sent, even if the
    # queue ran past the end of the person's hours.
    catch_up_after: timedelta = timedelta(minutes=5)


@dataclass
class DispatchStats:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    uncertain: int = 0  # sends found started but unrecorded after a crash, not repeated
    claims: int = 0


@dataclass
class _Waiting:
    """Outcomes not yet recorded, and since when the oldest waits."""

    jobs: list[Job] = field(default_factory=list)
    since: float = 0.0


class Dispatcher:
    def __init__(
        self,
        *,
        platform: str,
        outbox: Outbox,
        db: Database,
        composers: Composers,
        clock: Clock,
        owner: str,
        settings: DispatchSettings | None = None,
    ) -> None:
        self.platform = platform
        self._outbox = outbox
        self._db = db
        self._composers = composers
        self._clock = clock
        self._owner = owner
        self.settings = settings or DispatchSettings()
        limits = outbox.limits
        self._dedup_window = timedelta(seconds=limits.dedup_window)
        self._queue: FairQueue[Job] = FairQueue(limits)
        horizon = math.ceil(limits.sends_per_second * self.settings.horizon)
        self._capacity = max(1, min(self.settings.max_claim, horizon))
        self._per_chat = max(1, math.ceil(limits.sends_per_chat_per_second * self.settings.horizon))
        self._claimed: dict[int, Job] = {}  # by reminder id: queued, in flight, unrecorded
        self._senders = Senders(self.settings.concurrency, self._send, f"reminders-{platform}")
        self._waiting = _Waiting()
        self._renew_at = 0.0
        self._look = True  # claim at the next step (woken, or more may be due)
        self._due_at = 0.0  # the monotonic moment the database said something falls due
        self._busy_count = 0
        self._wake = asyncio.Event()
        self._stopping = False
        self.stats = DispatchStats()

    def wake(self) -> None:
        """Something changed (a reminder created, snoozed, resumed): look again now."""
        self._look = True
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Until stop(): do what is due, then sleep until the next thing to do."""
        failures = 0
        while not self._stopping:
            try:
                wake_at = await self.step()
                failures = 0
            except Exception:
                failures += 1
                delay = min(60.0, 2.0**failures)
                log.warning(
                    "reminder dispatcher: step failed; again in %.0f s", delay, exc_info=True
                )
                wake_at = self._clock.monotonic() + delay
            if not self._stopping:
                await sleep_or_wake(self._clock, wake_at, self._wake)
        await self.close()

    async def step(self) -> float:
        """Do everything due now; return the monotonic moment to look again."""
        mono = self._clock.monotonic()
        idle = not self._queue and not self._senders
        waiting = self._waiting
        if waiting.jobs and (
            idle
            or mono >= waiting.since + self.settings.flush_every
            or len(waiting.jobs) >= self._capacity
        ):
            await self.flush()
        if self._claimed and mono >= self._renew_at:
            await self._renew()
        busy = self._queue.busy()
        if len(busy) < self._busy_count:  # a chat's queue emptied: it may have more due
            self._look = True
        room = self._capacity - len(self._queue) - len(self._senders)
        if room > 0 and not self._stopping and (self._look or mono >= self._due_at):
            self._look = False
            if await self._claim(room, busy) == room:
                self._look = True  # more may be due at once, once there is room
            else:
                self._due_at = await self._db_due(self._queue.busy())
            self._busy_count = len(self._queue.busy())
        ready = self._queue.take_ready(self._clock.monotonic())
        if ready:
            await self._start(ready)
        return self._next_wake()

    def _next_wake(self) -> float:
        mono = self._clock.monotonic()
        moments = [mono + self.settings.max_sleep]
        if self._capacity > len(self._queue) + len(self._senders):  # room to claim more
            moments.append(mono if self._look else self._due_at)
        if (ready_at := self._queue.next_ready_at()) is not None:
            moments.append(ready_at)
        if self._waiting.jobs:
            moments.append(self._waiting.since + self.settings.flush_every)
        if self._claimed:
            moments.append(self._renew_at)
        return min(moments)

    async def _db_due(self, busy: set[str]) -> float:
        """The monotonic moment the next reminder falls due here (at most `max_sleep` away:
        other processes add reminders too)."""
        async with self._db.transaction() as tx:
            due = await tx.claims.next_due(self.platform, busy)
        mono = self._clock.monotonic()
        latest = mono + self.settings.max_sleep
        if due is None:
            return latest
        return min(latest, mono + max(0.0, (due - self._clock.now()).total_seconds()))

    async def next_due(self) -> datetime | None:
        """When the earliest of this platform's reminders is due (None: nothing scheduled)."""
        async with self._db.transaction() as tx:
            return await tx.claims.next_due(self.platform)

    def woken(self) -> bool:
        """Whether something asked for a look since the last call (simulations use this where
        `run` would wake up)."""
        woken = self._wake.is_set()
        self._wake.clear()
        return woken

    @property
    def busy(self) -> bool:
        """Jobs are queued, in flight or waiting to be recorded."""
        return bool(self._claimed)

    async def settle(self) -> None:
        """Wait for the sends in flight (simulations call this between steps)."""
        await self._senders.settle()

    # -- claiming ---------------------------------------------------------------------------

    async def _claim(self, room: int, busy: set[str]) -> int:
        now = self._clock.now()
        s = self.settings
        async with self._db.transaction() as tx:
            rows = await tx.claims.claim(
                platform=self.platform,
                now=now,
                lease_until=now + s.lease,
                owner=self._owner,
                limit=room,
                per_chat=self._per_chat,
                busy=busy,
            )
            if not rows:
                return 0
            jobs = [plan(r, now, grace=s.grace, catch_up_after=s.catch_up_after) for r in rows]
            await self._record_claimed(tx, jobs, now)
        self.stats.claims += 1
        self._renew_at = self._clock.monotonic() + s.lease.total_seconds() / 3
        for job in jobs:
            if job.deliver:
                self._claimed[job.reminder_id] = job
                self._queue.add(job.chat_id, job.community, job.occurrence, job)
        return len(rows)

    async def _record_claimed(self, tx: Tx, jobs: list[Job], now: datetime) -> None:
        """Each occurrence recorded as `queued` (or skipped); those found recorded before, half
        done after a crash, decided (`planning.after_crash`); the ones not to send advanced."""
        for job in jobs:
            count = self._composers.text_count(job.kind)
            job.text_index = choose_text(count, job.last_text_index, job.key)
        ids = await tx.claims.add_deliveries(
            [delivery_row(job, QUEUED if job.deliver else SKIPPED) for job in jobs]
        )
        for job in jobs:
            job.delivery_id = ids.get(job.key)
        before = [job for job in jobs if job.key not in ids]
        found = await tx.claims.deliveries([job.key for job in before])
        uncertain, skipped = recorded_before(before, found, now, self._dedup_window)
        for job in uncertain:
            log.warning(
                "reminder %s: a send of %s started before a crash and its outcome is unknown; "
                "not repeated (at most once)",
                job.reminder_id,
                job.key,
            )
        await tx.claims.set_status([j.delivery_id or 0 for j in uncertain], UNCERTAIN)
        await tx.claims.set_status(skipped, SKIPPED)
        self.stats.uncertain += len(uncertain)
        done = [job for job in jobs if not job.deliver]
        self.stats.skipped += len(done) - len(uncertain)
        await tx.claims.advance([advanced(job, self._owner) for job in done])
        await tx.claims.unclaim([job.reminder_id for job in done], self._owner)

    async def _renew(self) -> None:
        until = self._clock.now() + self.settings.lease
        async with self._db.transaction() as tx:
            await tx.claims.renew(list(self._claimed), self._owner, until)
        self._renew_at = self._clock.monotonic() + self.settings.lease.total_seconds() / 3

    # -- sending ----------------------------------------------------------------------------

    async def _start(self, ready: list[Job]) -> None:
        """Mark `sending` (durably, together), then start each send."""
        ids = [job.delivery_id for job in ready if job.delivery_id is not None]
        try:
            async with self._db.transaction() as tx:
                await tx.claims.set_status(ids, DeliveryStatus.SENDING, self._clock.now())
        except Exception:
            for job in ready:  # not started: they wait for the next step
                self._queue.add(job.chat_id, job.community, job.occurrence, job)
            raise
        self._senders.start(ready)

    async def _send(self, job: Job) -> None:
        """Compose the job's message and send it (a sender's work)."""
        try:
            reply = await self._composers.compose(occurrence_of(job))
        except Exception as exc:
            self._finished(job, Result.RETRY, f"composing failed: {exc}")
            return
        if reply is None:
            self._finished(job, Result.EMPTY)
            return
        chat = ChatRef(self.platform, job.chat_id, job.chat_kind)
        try:
            await self._outbox.send(chat, reply, key=job.key)
        except RateLimited as exc:
            self._queue.hold_off(self._clock.monotonic(), exc.retry_after)
            job.rate_limited += 1
            if job.rate_limited > self.settings.max_rate_limit_retries:
                self._finished(job, Result.RETRY, str(exc))
                return
            try:
                async with self._db.transaction() as tx:  # certainly not sent: queued again
                    await tx.claims.set_status([job.delivery_id or 0], DeliveryStatus.QUEUED)
            except Exception as error:  # not queued again: a retry later
                self._finished(job, Result.RETRY, f"{type(error).__name__}: {error}")
                return
            self._queue.add(job.chat_id, job.community, job.occurrence, job)
            self._wake.set()
        except RecipientGone as exc:
            self._finished(job, Result.GONE, str(exc))
        except Exception as exc:
            self._finished(job, Result.RETRY, f"{type(exc).__name__}: {exc}")
        else:
            job.sent_at = self._clock.now()
            self._finished(job, Result.SENT)

    def _finished(self, job: Job, result: Result, error: str = "") -> None:
        job.result, job.error = result, error
        if not self._waiting.jobs:
            self._waiting.since = self._clock.monotonic()
        self._waiting.jobs.append(job)
        self._wake.set()  # a chat may be free, and the outcome wants recording

    # -- recording --------------------------------------------------------------------------

    async def flush(self) -> None:
        """Record every finished send's outcome and its reminder's next step, in one go."""
        jobs, self._waiting = self._waiting.jobs, _Waiting()
        if not jobs:
            return
        s = self.settings
        records = Records(self._clock.now(), self._owner, s.max_attempts, s.grace)
        for job in jobs:
            self._count(job, *records.add(job))
        async with self._db.transaction() as tx:
            await tx.claims.settle(records.settled)
            for chat_id in records.gone:  # every reminder to this chat pauses
                paused = await tx.reminders.block_chat(self.platform, chat_id)
                log.info("recipient %s is gone; paused %d reminder(s)", chat_id, paused)
            await tx.claims.advance(records.changes)
            await tx.claims.unclaim([job.reminder_id for job in jobs], self._owner)
        for job in jobs:
            self._claimed.pop(job.reminder_id, None)

    def _count(self, job: Job, status: DeliveryStatus, change: dict[str, Any] | None) -> None:
        match status:
            case DeliveryStatus.SENT:
                self.stats.sent += 1
            case DeliveryStatus.SKIPPED:
                self.stats.skipped += 1
            case DeliveryStatus.FAILED:
                self.stats.failed += 1
                log.warning("reminder %s: not delivered (%s)", job.reminder_id, job.error)
            case DeliveryStatus.RETRYING:
                assert change is not None
                log.info("reminder %s: send failed (%s); retrying", job.reminder_id, job.error)
                wait = (change["next_due_at"] - self._clock.now()).total_seconds()
                self._due_at = min(self._due_at, self._clock.monotonic() + wait)

    async def close(self) -> None:
        """At shutdown: finish the sends in flight, record them, and let go of the rest (due
        again at once, for the next process to send)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.settle(), timeout=30)
        await self.flush()
        waiting = [job.reminder_id for job in self._queue.drain()]
        if waiting:
            async with self._db.transaction() as tx:
                await tx.claims.unclaim(waiting, self._owner, due_again=True)
            for reminder_id in waiting:
                self._claimed.pop(reminder_id, None)
