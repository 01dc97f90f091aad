"""Fair dispatch: a chat's own limit never delays other chats (issue "Trust boundaries", 3).

One group with 2,000 reminders due at 10:00 (more than any community may set up; written
straight into the database, as a bug or an old version might have left them) and 1,000 people
due at 10:00 too, on a platform paced like Telegram: 30 messages a second in all, one a second
into a chat, twenty a minute into a group.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

from sqlalchemy import insert

from bot.clock import ManualClock
from bot.core import Knotbot
from bot.outbox import PlatformLimits
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.storage.schema import Reminder, User
from tests.helpers import PLATFORM, RecordingOutbox, dispatcher_for, run_until

TELEGRAM = PlatformLimits(
    min_edit_interval=3.0,
    sends_per_second=30.0,
    sends_per_chat_per_second=1.0,
    sends_per_community_chat_per_minute=20.0,
)
TEN = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PEOPLE = 1_000
GROUP_BACKLOG = 2_000


async def fill(bot: Knotbot, clock: ManualClock) -> None:
    daily = json.dumps(Schedule(ScheduleKind.DAILY, times=(time(10, 0),)).to_json())
    now = clock.now()
    async with bot.services.db.transaction() as tx:
        await tx.session.execute(
            insert(User),
            [
                {"platform": PLATFORM, "platform_user_id": f"p{i}", "display_name": "P",
                 "created_at": now}
                for i in range(PEOPLE + 1)
            ],
        )  # fmt: skip
        row = {
            "platform": PLATFORM, "kind": "relax", "words": "", "schedule": daily,
            "timezone": "UTC", "status": "active", "next_due_at": TEN, "occurrence_at": TEN,
            "attempts": 0, "last_text_index": -1, "created_at": now,
        }  # fmt: skip
        group = {**row, "user_id": 1, "community_id": None, "chat_id": "g1",
                 "chat_kind": "community"}  # fmt: skip
        people = [
            {**row, "user_id": i + 2, "chat_id": f"p{i + 1}", "chat_kind": "private"}
            for i in range(PEOPLE)
        ]
        await tx.session.execute(insert(Reminder), [group] * GROUP_BACKLOG + people)


async def test_one_groups_backlog_never_makes_anyone_else_late(bot: Knotbot, clock: ManualClock):
    await fill(bot, clock)
    outbox = RecordingOutbox(clock, limits=TELEGRAM)
    await run_until(clock, dispatcher_for(bot, outbox), TEN + timedelta(minutes=5))

    to_people = sorted(d.at for d in outbox.sent if not d.chat.is_community)
    to_group = sorted(d.at for d in outbox.sent if d.chat.is_community)
    assert len(to_people) == PEOPLE
    # The overall rate alone forces the i-th person to wait i/30 s; the group takes at most
    # one slot a second meanwhile. Nobody is later than that.
    for i, at in enumerate(to_people):
        forced = (i + 1 + (i // 29 + 1)) / 30
        assert (at - TEN).total_seconds() <= forced + 1.0, (i, at)
    assert (to_people[-1] - TEN).total_seconds() < 36
    # The group drains at its own pace: one a second, twenty a minute, and goes on.
    assert all((b - a).total_seconds() >= 1.0 for a, b in pairwise(to_group))
    for first in range(len(to_group) - 20):
        assert (to_group[first + 20] - to_group[first]).total_seconds() >= 60.0
    assert 20 * 5 <= len(to_group) <= 20 * 5 + 1
    # Never more than 30 in any second, in all.
    everything = sorted(d.at for d in outbox.sent)
    for first in range(len(everything) - 30):
        assert (everything[first + 30] - everything[first]).total_seconds() >= 1.0
