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
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.messages import ChatKind
from bot.reminders.schedule import Schedule, latest_at_or_before, next_after
from bot.storage.reminders import DeliveryStatus, ReminderStatus


class Result(StrEnum):
    """How one send went."""

    SENT = "sent"
    GONE = "gone"  # the recipient blocked the bot or left
    RETRY = "retry"  # a failure worth another try
    EMPTY = "empty"  # its composer had nothing to post this time
    REQUEUED = "requeued"  # the platform said wait (429): not sent, queued again


@dataclass
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
    """A text index for this occurrence, never the one used last time."""
    if count <= 1:
        return 0
    choices = [i for i in range(count) if i != last]
    return random.Random(seed).choice(choices)


@lru_cache(maxsize=4096)
def parsed(schedule_json: str) -> Schedule:
    """Schedules as stored, parsed once (most people share a handful of schedules)."""
    return Schedule.from_json(json.loads(schedule_json))


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def plan(
    row: Any, now: datetime, *, quiet: set[int], grace: timedelta, catch_up_after: timedelta
) -> Job:
    """The job for a claimed reminder row (the columns of `bot.storage.claims.CLAIMED`)."""
    schedule = parsed(row.schedule)
    where = zone(row.timezone)
    occurrence = row.occurrence_at or now
    latest = latest_at_or_before(schedule, where, now)
    if latest is not None and latest > occurrence:
        occurrence = latest  # several were missed: only the most recent may be caught up
    following = next_after(schedule, where, max(now, occurrence))
    late = now - occurrence
    deliver = late <= grace
    if late > catch_up_after and not schedule.in_window(now, where):
        deliver = False
    if row.community_id is None and row.user_id in quiet:
        deliver = False
    return Job(
        reminder_id=row.id,
        series_id=row.snooze_of or row.id,
        user_id=row.user_id,
        community_id=row.community_id,
        chat_id=row.chat_id,
        chat_kind=ChatKind(row.chat_kind),
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


def advanced(job: Job, owner: str, text_index: int | None = None) -> dict[str, Any]:
    """The claimed reminder moved on to its next occurrence (finished if there is none)."""
    following = job.following
    status = ReminderStatus.ACTIVE if following else ReminderStatus.FINISHED
    return {
        "b_id": job.reminder_id,
        "b_owner": owner,
        "status": status.value,
        "next_due_at": following,
        "occurrence_at": following,
        "attempts": 0,
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
            status=ReminderStatus.ACTIVE.value,
            next_due_at=now + timedelta(seconds=30 * 2 ** (attempts - 1)),
            occurrence_at=job.occurrence,
            attempts=attempts,
        )
        return DeliveryStatus.RETRYING, retry
    return DeliveryStatus.FAILED, advanced(job, owner)
