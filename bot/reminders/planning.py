"""What to do with one claimed reminder: which occurrence, send it or skip it, what comes next.

Pure decisions, no I/O, so they are cheap for every reminder and easy to test:
- an occurrence missed while the bot was down is caught up at most once: the latest missed
  one, if it is within the grace window and inside the reminder's hours;
- lateness from waiting behind others at the platform's limit is not a catch-up (below
  `catch_up_after`), so a busy minute never drops anyone's reminder;
- an occurrence found half-sent after a crash is repeated only where the platform drops a
  repeat (Discord's nonce, within its window); elsewhere it is marked uncertain: never twice.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import choose
from bot.messages import ChatKind
from bot.reminders.kinds import Occurrence
from bot.reminders.schedule import Schedule, latest_at_or_before, next_after
from bot.storage.reminders import DeliveryStatus, ReminderStatus


class Result(StrEnum):
    """How one send went."""

    SENT = "sent"
    GONE = "gone"  # the recipient blocked the bot or left
    RETRY = "retry"  # a failure worth another try
    EMPTY = "empty"  # its composer had nothing to post this time
    REQUEUED = "requeued"  # the platform said wait (429): not sent, queued again


@dataclass(slots=True)
class Job:
    """One occurrence of one claimed reminder, from claim to recorded outcome."""

    reminder_id: int
    series_id: int  # the reminder a snoozed copy copies (its buttons act on that one)
    user_id: int | None
    community_id: int | None
    chat_id: str
    chat_kind: ChatKind
    kind: str
    words: str
    schedule: Schedule
    zone: ZoneInfo
    occurrence: datetime
    following: datetime | None
    attempts: int
    last_text_index: int
    deliver: bool
    key: str = ""
    delivery_id: int | None = None
    text_index: int = -1
    rate_limited: int = 0  # 429s met so far
    # The language of its message: its person's (a shared one: whoever set it up).
    language: str = "en"
    result: Result | None = None
    sent_at: datetime | None = None
    error: str = ""

    @property
    def community(self) -> bool:
        return self.chat_kind is ChatKind.COMMUNITY


def occurrence_key(reminder_id: int, moment: datetime) -> str:
    """Stable id of one occurrence; short enough for Discord's 25-character nonce."""
    return f"r{reminder_id}-{int(moment.timestamp())}"


def choose_text(count: int, last: int, seed: str) -> int:
    """A text index for this occurrence (the same for the same seed), never the one used last
    time."""
    if count <= 1:
        return 0
    others = count - 1 if 0 <= last < count else count
    index = zlib.crc32(seed.encode()) % others
    return index + 1 if 0 <= last <= index else index


# Enough for a big bot's variety: people share a handful of schedules, and the ones moved off a
# full minute (`bot.reminders.capacity`) add a few thousand more.
_SCHEDULES = 16_384


@lru_cache(maxsize=_SCHEDULES)
def parsed(schedule_json: str) -> Schedule:
    """Schedules as stored, parsed once."""
    return Schedule.from_json(json.loads(schedule_json))


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=_SCHEDULES)
def following_after(schedule_json: str, zone_name: str, after: datetime) -> datetime | None:
    """The next occurrence after `after`, worked out once for everyone due at that moment with
    the same schedule in the same zone (a busy minute has many)."""
    return next_after(parsed(schedule_json), zone(zone_name), after)


def plan(row: Any, now: datetime, *, grace: timedelta, catch_up_after: timedelta) -> Job:
    """The job for a claimed reminder row (the columns of `bot.storage.claims.CLAIMED`)."""
    schedule = parsed(row.schedule)
    where = zone(row.timezone)
    occurrence = row.occurrence_at or now
    following = following_after(row.schedule, row.timezone, occurrence)
    if following is None or following <= now:  # maybe missed some: the slow, careful way
        latest = latest_at_or_before(schedule, where, now)
        if latest is not None and latest > occurrence:
            occurrence = latest  # several were missed: only the most recent may be caught up
        following = following_after(row.schedule, row.timezone, max(now, occurrence))
    late = now - occurrence
    deliver = late <= grace
    if late > catch_up_after and not schedule.in_window(now, where):
        deliver = False
    if row.community_id is None and row.quiet_until is not None and row.quiet_until > now:
        deliver = False  # its person asked for quiet (/quiet)
    return Job(
        reminder_id=row.id,
        series_id=row.snooze_of or row.id,
        user_id=row.user_id,
        community_id=row.community_id,
        chat_id=row.chat_id,
        chat_kind=_CHAT_KINDS[row.chat_kind],
        kind=row.kind,
        words=row.words or "",
        schedule=schedule,
        zone=where,
        occurrence=occurrence,
        following=following,
        attempts=row.attempts,
        last_text_index=row.last_text_index,
        deliver=deliver,
        key=occurrence_key(row.id, occurrence),
        language=choose(row.language, row.locale),
    )


def after_crash(found: Any, now: datetime, dedup_window: timedelta) -> DeliveryStatus | None:
    """An occurrence recorded before: None to send it (again), else the status it keeps or gets.

    `queued` was claimed but never started, and `retrying` is known not delivered: send.
    `sending` may have gone out before a crash: repeat it only while the platform would drop a
    repeat with the same key, else it is `uncertain` (better one missing than one twice).
    Anything else is settled already.
    """
    status = DeliveryStatus(found.status)
    if status in (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING):
        return None
    if status is DeliveryStatus.SENDING:
        attempted = found.attempted_at
        if attempted is not None and now - attempted <= dedup_window:
            return None
        return DeliveryStatus.UNCERTAIN
    return status


def recorded_before(
    jobs: list[Job], found: dict[str, Any], now: datetime, dedup_window: timedelta
) -> tuple[list[Job], list[int]]:
    """Occurrences recorded before this claim (a crash, a retry), by key in `found`, decided
    by `after_crash`: the jobs whose send is in doubt (to mark `uncertain`), and the records of
    the ones not to send now (to mark `skipped`). Both are sent no more."""
    uncertain: list[Job] = []
    skipped: list[int] = []
    for job in jobs:
        record = found.get(job.key)
        if record is None:  # gone meanwhile (its person forgotten): nothing to send
            job.deliver = False
            continue
        job.delivery_id, job.text_index = record.id, record.text_index
        keep = after_crash(record, now, dedup_window)
        if keep is DeliveryStatus.UNCERTAIN:
            uncertain.append(job)
        if keep is not None:
            job.deliver = False
        elif not job.deliver:
            skipped.append(record.id)
    return uncertain, skipped


def occurrence_of(job: Job) -> Occurrence:
    """What the composer of a job's kind gets to write its message."""
    assert job.delivery_id is not None
    return Occurrence(
        reminder_id=job.series_id,
        delivery_id=job.delivery_id,
        kind=job.kind,
        text_index=job.text_index,
        schedule=job.schedule,
        zone=job.zone,
        community_id=job.community_id,
        words=job.words,
        language=job.language,
    )


def delivery_row(job: Job, status: DeliveryStatus) -> dict[str, Any]:
    """The record of one occurrence, as claimed (queued) or skipped."""
    return {
        "reminder_id": job.reminder_id,
        # A community's occurrence is no one person's (see ReminderDelivery).
        "user_id": job.user_id if job.community_id is None else None,
        "occurrence_key": job.key,
        "occurrence_at": job.occurrence,
        "kind": job.kind,
        "status": status.value,
        "text_index": job.text_index,
    }


_ACTIVE, _FINISHED = ReminderStatus.ACTIVE.value, ReminderStatus.FINISHED.value
_CHAT_KINDS = {kind.value: kind for kind in ChatKind}


def advanced(job: Job, owner: str, text_index: int | None = None) -> dict[str, Any]:
    """The claimed reminder moved on to its next occurrence (finished if there is none)."""
    following = job.following
    return {
        "b_id": job.reminder_id,
        "b_owner": owner,
        "status": _ACTIVE if following else _FINISHED,
        "next_due_at": following,
        "last_text_index": job.last_text_index if text_index is None else text_index,
    }


def outcome(
    job: Job, now: datetime, *, owner: str, max_attempts: int, grace: timedelta
) -> tuple[DeliveryStatus, dict[str, Any] | None]:
    """A finished job's delivery status, and its reminder's change (None: leave it; a gone
    recipient pauses all of that chat's reminders instead). A failure is tried again with a
    growing pause (30 s, 60 s, ...) while within the grace window."""
    match job.result:
        case Result.SENT:
            return DeliveryStatus.SENT, advanced(job, owner, job.text_index)
        case Result.EMPTY:
            return DeliveryStatus.SKIPPED, advanced(job, owner)
        case Result.GONE:
            return DeliveryStatus.FAILED, None
    attempts = job.attempts + 1
    if attempts < max_attempts and now - job.occurrence < grace:
        retry = advanced(job, owner)
        retry.update(
            status=_ACTIVE,
            next_due_at=now + timedelta(seconds=30 * 2 ** (attempts - 1)),
            occurrence_at=job.occurrence,
            attempts=attempts,
        )
        return DeliveryStatus.RETRYING, retry
    return DeliveryStatus.FAILED, advanced(job, owner)


@dataclass
class Records:
    """Finished jobs as one flush records them: each delivery's outcome, each reminder's next
    step, and the chats whose recipient is gone (all their reminders pause)."""

    now: datetime
    owner: str
    max_attempts: int
    grace: timedelta
    settled: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)

    def add(self, job: Job) -> tuple[DeliveryStatus, dict[str, Any] | None]:
        status, change = outcome(
            job, self.now, owner=self.owner, max_attempts=self.max_attempts, grace=self.grace
        )
        self.settled.append(
            {"b_id": job.delivery_id, "status": status.value, "sent_at": job.sent_at}
        )
        if job.result is Result.GONE:
            self.gone.add(job.chat_id)
        elif change is not None:
            self.changes.append(change)
        return status, change
