"""Sends reminders when they are due: the database is the source of truth, the dispatcher
sleeps until the earliest due time (or until woken by a change) and then claims a batch.

One pass:
1. claim due rows (earliest first, FOR UPDATE SKIP LOCKED; the claim pushes `next_due_at` to
   a lease expiry) and, in the same transaction, write a `sending` delivery per occurrence;
2. send them, paced to the platform's limits, honouring 429 retry-after;
3. in one transaction, record each outcome and advance each schedule.

Delivery semantics (README "Reminder delivery"): an occurrence is keyed
`r<reminder id>-<unix time>`, so it is recorded once. A crash before step 3 leaves its rows
claimed; the claim expires and the occurrence comes round again with its `sending` row still
there. A platform that deduplicates sends by key (Discord's nonce) gets the send repeated
with the same key; elsewhere it is marked `uncertain` and not sent again: never twice.
Missed occurrences (the bot was down) are caught up at most once, if the latest missed one is
within the grace window and inside the reminder's hours; otherwise they are skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock, sleep_or_wake
from bot.messages import ChatKind, ChatRef, Reply
from bot.outbox import Outbox, RateLimited, RecipientGone
from bot.reminders.kinds import Composers, Occurrence
from bot.reminders.schedule import Schedule, latest_at_or_before, next_after
from bot.storage import Database, Tx
from bot.storage.reminders import DeliveryStatus, ReminderStatus
from bot.storage.schema import Reminder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchSettings:
    grace: timedelta = timedelta(minutes=30)  # how late a catch-up may still be
    lease: timedelta = timedelta(seconds=90)  # a claim expires after this
    max_sleep: float = 60.0  # look again at least this often (other processes add reminders)
    batch: int = 200
    max_attempts: int = 5  # transient failures per occurrence
    max_rate_limit_retries: int = 5
    concurrency: int = 32  # sends in flight at once
    # A late occurrence counts as a catch-up (and must be inside the hours) beyond this. Below
    # it, it is only queued behind others at the platform's limit (at 30/s, 5 minutes is 9,000
    # messages): still sent, even if the queue ran past the end of the person's hours.
    catch_up_after: timedelta = timedelta(minutes=5)


def occurrence_key(reminder_id: int, moment: datetime) -> str:
    """Stable id of one occurrence; short enough for Discord's 25-character nonce."""
    return f"r{reminder_id}-{int(moment.timestamp())}"


def choose_text(count: int, last: int, seed: str) -> int:
    """A text index for this occurrence, never the one used last time."""
    if count <= 1:
        return 0
    choices = [i for i in range(count) if i != last]
    return random.Random(seed).choice(choices)


class Pacer:
    """Spaces sends to a platform's rates: at most `per_second` sends in any one-second window
    (so a burst may go at once, then the window must pass) and one send per chat per
    1/`per_chat_per_second` seconds; a 429 pauses everything for its retry-after.

    Slots are reserved in call order (earliest due first) and never earlier than the slot
    before, so a send never overtakes one that was due before it.
    """

    def __init__(self, per_second: float, per_chat_per_second: float, clock: Clock) -> None:
        size = max(1, int(per_second))
        self._window_seconds = size / per_second
        self._window: deque[float] = deque(maxlen=size)  # the last `size` reserved slots
        self._chat_gap = 1.0 / per_chat_per_second
        self._clock = clock
        self._last = 0.0
        self._chat_next: dict[str, float] = {}

    def reserve(self, chat: str) -> float:
        """The monotonic moment this chat's next send may go out."""
        now = self._clock.monotonic()
        at = max(now, self._last, self._chat_next.get(chat, 0.0))
        if len(self._window) == self._window.maxlen:
            at = max(at, self._window[0] + self._window_seconds)
        self._window.append(at)
        self._last = at
        self._chat_next[chat] = at + self._chat_gap
        if len(self._chat_next) > 10_000:  # forget chats whose slot has passed
            self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
        return at

    def hold_off(self, seconds: float) -> None:
        self._last = max(self._last, self._clock.monotonic() + seconds)


class SendResult(StrEnum):
    NONE = ""  # not sent (not to be delivered, or settled already)
    SENT = "sent"
    GONE = "gone"  # the recipient blocked the bot or left
    RETRY = "retry"  # a failure worth another try
    EMPTY = "empty"  # its composer had nothing to post this time


@dataclass
class _Job:
    row: Reminder
    schedule: Schedule
    zone: ZoneInfo
    occurrence: datetime
    next_occurrence: datetime | None
    deliver: bool
    skip_status: DeliveryStatus | None = DeliveryStatus.SKIPPED
    delivery_id: int | None = None
    text_index: int = -1
    result: SendResult = SendResult.NONE
    sent_at: datetime | None = None
    error: str = ""


@dataclass
class DispatchStats:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


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
        self._pacer = Pacer(limits.sends_per_second, limits.sends_per_chat_per_second, clock)
        self._dedup_window = timedelta(seconds=limits.dedup_window)
        self._wake = asyncio.Event()
        self._stopping = False
        self.stats = DispatchStats()
        self._batch = max(1, min(self.settings.batch, int(limits.sends_per_second * 60)))

    def wake(self) -> None:
        """Something changed (a reminder created, snoozed, resumed): look again now."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Until stop(): send what is due, then sleep until the next due time."""
        failures = 0
        while not self._stopping:
            try:
                while not self._stopping and await self.run_once():
                    pass
                due = await self.next_due()
                failures = 0
            except Exception:
                failures += 1
                delay = min(60.0, 2.0**failures)
                log.warning(
                    "reminder dispatcher: pass failed; again in %.0f s", delay, exc_info=True
                )
                await sleep_or_wake(self._clock, self._clock.monotonic() + delay, self._wake)
                continue
            if self._stopping:
                break
            wait = self.settings.max_sleep
            if due is not None:
                wait = min(wait, max(0.0, (due - self._clock.now()).total_seconds()))
            await sleep_or_wake(self._clock, self._clock.monotonic() + wait, self._wake)

    async def next_due(self) -> datetime | None:
        """When the earliest of this platform's reminders is due (None: nothing scheduled)."""
        async with self._db.transaction() as tx:
            return await tx.reminders.next_due(self.platform)

    async def run_once(self) -> int:
        """Claim and handle one batch of due reminders; returns how many were claimed."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            rows = await tx.reminders.claim(
                platform=self.platform,
                now=now,
                lease_until=now + self.settings.lease,
                limit=self._batch,
                owner=self._owner,
            )
            if not rows:
                return 0
            quiet = await tx.reminders.quiet_among(
                {r.user_id for r in rows if r.user_id is not None and r.community_id is None}, now
            )
            jobs = [self._plan(row, now, quiet) for row in rows]
            await self._prepare(tx, jobs, now)
        deliver = [j for j in jobs if j.deliver]
        if deliver:
            semaphore = asyncio.Semaphore(self.settings.concurrency)
            await asyncio.gather(*(self._send(job, semaphore) for job in deliver))
        await self._record(jobs)
        return len(rows)

    def _plan(self, row: Reminder, now: datetime, quiet: set[int]) -> _Job:
        schedule = Schedule.from_json(json.loads(row.schedule))
        zone = ZoneInfo(row.timezone)
        occurrence = row.occurrence_at or now
        latest = latest_at_or_before(schedule, zone, now)
        if latest is not None and latest > occurrence:
            occurrence = latest  # several were missed: only the most recent may be caught up
        following = next_after(schedule, zone, max(now, occurrence))
        late = now - occurrence
        deliver = late <= self.settings.grace
        if late > self.settings.catch_up_after and not schedule.in_window(now, zone):
            deliver = False
        if row.user_id in quiet:
            deliver = False
        return _Job(row, schedule, zone, occurrence, following, deliver)

    async def _prepare(self, tx: Tx, jobs: list[_Job], now: datetime) -> None:
        """Write (or find) each job's delivery row, deciding on resends after a crash."""
        keys = {occurrence_key(job.row.id, job.occurrence): job for job in jobs}
        existing = await tx.reminders.deliveries_by_key(list(keys))
        fresh: list[dict[str, object]] = []
        for key, job in keys.items():
            found = existing.get(key)
            if found is None:
                count = self._composers.text_count(job.row.kind)
                job.text_index = choose_text(count, job.row.last_text_index, key)
                fresh.append(
                    {
                        "reminder_id": job.row.id,
                        # A community's occurrence is no one person's (see ReminderDelivery).
                        "user_id": job.row.user_id if job.row.community_id is None else None,
                        "occurrence_key": key,
                        "occurrence_at": job.occurrence,
                        "kind": job.row.kind,
                        "status": DeliveryStatus.SENDING if job.deliver else job.skip_status,
                        "attempted_at": now if job.deliver else None,
                        "text_index": job.text_index,
                    }
                )
                job.skip_status = None
                continue
            job.skip_status = None
            if not job.deliver or found.status not in (
                DeliveryStatus.SENDING,
                DeliveryStatus.RETRYING,
            ):
                job.deliver = False  # already settled
                continue
            crashed = found.status == DeliveryStatus.SENDING
            attempted = found.attempted_at or found.occurrence_at
            if crashed and now - attempted > self._dedup_window:
                # It may have gone out before a crash, and the platform would not drop a
                # repeat any more: better missing one than sending it twice.
                found.status = DeliveryStatus.UNCERTAIN
                job.deliver = False
                continue
            found.status, found.attempted_at = DeliveryStatus.SENDING, now
            job.delivery_id, job.text_index = found.id, found.text_index
        ids = await tx.reminders.add_deliveries(fresh)
        for key, job in keys.items():
            job.delivery_id = ids.get(key, job.delivery_id)

    def _occurrence(self, job: _Job) -> Occurrence:
        row = job.row
        assert job.delivery_id is not None
        return Occurrence(
            reminder_id=row.snooze_of or row.id,
            delivery_id=job.delivery_id,
            kind=row.kind,
            text_index=job.text_index,
            schedule=job.schedule,
            zone=job.zone,
            community_id=row.community_id,
            words=row.words,
        )

    async def _send(self, job: _Job, semaphore: asyncio.Semaphore) -> None:
        row = job.row
        chat = ChatRef(row.platform, row.chat_id, ChatKind(row.chat_kind))
        try:
            composed = await self._composers.compose(self._occurrence(job))
        except Exception as exc:
            job.result, job.error = SendResult.RETRY, f"composing failed: {exc}"
            return
        if composed is None:
            job.result = SendResult.EMPTY
            return
        reply: Reply = composed
        key = occurrence_key(row.id, job.occurrence)
        for _ in range(self.settings.max_rate_limit_retries + 1):
            await self._clock.sleep_until(self._pacer.reserve(f"{chat.kind}:{chat.chat_id}"))
            async with semaphore:
                try:
                    await self._outbox.send(chat, reply, key=key)
                    job.result, job.sent_at = SendResult.SENT, self._clock.now()
                    return
                except RateLimited as exc:
                    self._pacer.hold_off(exc.retry_after)
                    job.error = str(exc)
                except RecipientGone as exc:
                    job.result, job.error = SendResult.GONE, str(exc)
                    return
                except Exception as exc:
                    job.result, job.error = SendResult.RETRY, f"{type(exc).__name__}: {exc}"
                    return
        job.result = SendResult.RETRY

    async def _record(self, jobs: list[_Job]) -> None:
        """Record every outcome and advance every schedule, in one transaction."""
        now = self._clock.now()
        gone_chats: set[str] = set()
        reminders: list[dict[str, Any]] = []
        deliveries: list[dict[str, Any]] = []
        for job in jobs:
            row = job.row
            change: dict[str, Any] = {
                "id": row.id,
                "claimed_by": None,
                "attempts": 0,
                "occurrence_at": job.next_occurrence,
                "next_due_at": job.next_occurrence,
                "last_text_index": row.last_text_index,
                "status": ReminderStatus.ACTIVE if job.next_occurrence else ReminderStatus.FINISHED,
            }
            outcome: dict[str, Any] | None = None
            if job.deliver and job.result is SendResult.RETRY:
                attempts = row.attempts + 1
                if (
                    attempts < self.settings.max_attempts
                    and now - job.occurrence < self.settings.grace
                ):
                    change.update(
                        attempts=attempts,
                        occurrence_at=job.occurrence,
                        next_due_at=now + timedelta(seconds=30 * 2 ** (attempts - 1)),
                        status=ReminderStatus.ACTIVE,
                    )
                    outcome = {"status": DeliveryStatus.RETRYING}
                    log.info("reminder %s: send failed (%s); retrying", row.id, job.error)
                else:
                    outcome = {"status": DeliveryStatus.FAILED}
                    self.stats.failed += 1
                    log.warning("reminder %s: giving up on this occurrence (%s)", row.id, job.error)
            elif job.deliver and job.result is SendResult.GONE:
                outcome = {"status": DeliveryStatus.FAILED}
                gone_chats.add(row.chat_id)  # every reminder to this chat pauses, below
                self.stats.failed += 1
                change = {**change, "occurrence_at": job.occurrence, "next_due_at": None}
            elif job.deliver and job.result is SendResult.SENT:
                outcome = {"status": DeliveryStatus.SENT, "sent_at": job.sent_at}
                change["last_text_index"] = job.text_index
                self.stats.sent += 1
            else:
                if job.result is SendResult.EMPTY:
                    outcome = {"status": DeliveryStatus.SKIPPED}
                self.stats.skipped += 1
            reminders.append(change)
            if outcome is not None and job.delivery_id is not None:
                deliveries.append({"id": job.delivery_id, "sent_at": None, **outcome})
        async with self._db.transaction() as tx:
            current = await tx.reminders.statuses([job.row.id for job in jobs])
            # Deleted meanwhile: nothing to do. Paused or blocked meanwhile: leave it so.
            await tx.reminders.update_many(
                [c for c in reminders if current.get(c["id"]) == ReminderStatus.ACTIVE]
            )
            await tx.reminders.update_many(
                [
                    {"id": c["id"], "claimed_by": None}
                    for c in reminders
                    if c["id"] in current and current[c["id"]] != ReminderStatus.ACTIVE
                ]
            )
            await tx.reminders.update_deliveries(deliveries)
            for chat_id in gone_chats:
                paused = await tx.reminders.block_chat(self.platform, chat_id)
                log.info("recipient %s is gone; paused %d reminder(s)", chat_id, paused)


class Dispatchers:
    """The running dispatcher of each platform: started when its adapter connects, woken when
    something is scheduled, stopped at shutdown."""

    def __init__(
        self,
        *,
        db: Database,
        composers: Composers,
        clock: Clock,
        owner: str,
        settings: DispatchSettings | None = None,
    ) -> None:
        self._db = db
        self._composers = composers
        self._clock = clock
        self._owner = owner
        self._settings = settings
        self.running: dict[str, Dispatcher] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, platform: str, outbox: Outbox) -> Dispatcher:
        """Run the platform's dispatcher (once; a second call returns the running one)."""
        if platform in self.running:
            return self.running[platform]
        dispatcher = Dispatcher(
            platform=platform,
            outbox=outbox,
            db=self._db,
            composers=self._composers,
            clock=self._clock,
            owner=self._owner,
            settings=self._settings,
        )
        self.running[platform] = dispatcher
        self._tasks.append(asyncio.create_task(dispatcher.run(), name=f"reminders-{platform}"))
        return dispatcher

    def wake(self, platform: str) -> None:
        if platform in self.running:
            self.running[platform].wake()

    async def stop(self) -> None:
        for dispatcher in self.running.values():
            dispatcher.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=30)
        self._tasks.clear()
        self.running.clear()
