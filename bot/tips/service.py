"""Tip bookkeeping: sharing with its checks, moderation, thanks and reports, tip of the day."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.content import ContentLibrary
from bot.messages import ChatKind, ChatRef, UserRef
from bot.reminders.schedule import Schedule, ScheduleKind, next_after
from bot.storage import Database, Tx
from bot.storage.reminders import ReminderStatus
from bot.storage.schema import Community, Reminder, Tip
from bot.storage.tips import TipStatus
from bot.tips.rules import TipRefused, checked_text, text_key

log = logging.getLogger(__name__)

SHARES_PER_DAY = 3
REPORTS_TO_HIDE = 3
CURATED_AUTHOR = "the knotbot community"
TIP_OF_THE_DAY = "tip-of-the-day"  # the reminder kind that posts one


@dataclass(frozen=True)
class Shared:
    tip: Tip
    waits_for_moderator: bool


class TipService:
    def __init__(
        self, *, content: ContentLibrary, db: Database, clock: Clock, default_zone: str
    ) -> None:
        self._content = content
        self._db = db
        self._clock = clock
        self._default_zone = default_zone

    def use_content(self, content: ContentLibrary) -> None:
        self._content = content

    async def _community(self, tx: Tx, chat: ChatRef) -> Community:
        """The chat's community, its pool seeded with the curated tips on first use."""
        if chat.kind is not ChatKind.COMMUNITY:
            raise TipRefused(
                "Tips are shared in a community: a Discord server or Telegram group I am in. "
                "/tip random shows one here."
            )
        now = self._clock.now()
        community = await tx.communities.ensure(chat, now)
        assert community is not None
        if not community.tips_seeded:  # a community's pool starts with the curated tips
            community.tips_seeded = True
            for curated in self._content.curated_tips:
                await tx.tips.add(
                    Tip(
                        community_id=community.id,
                        author_id=None,
                        author_name=CURATED_AUTHOR,
                        text=curated.text,
                        text_key=text_key(curated.text),
                        area=curated.area,
                        status=TipStatus.APPROVED,
                        curated=True,
                        thanks=0,
                        reports=0,
                        created_at=now,
                    )
                )
        return community

    async def share(self, ref: UserRef, chat: ChatRef, raw: str, area: str | None) -> Shared:
        text = checked_text(raw)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            user = await tx.users.ensure(ref, now)
            if (
                await tx.tips.shared_since(community.id, user.id, now - timedelta(days=1))
                >= SHARES_PER_DAY
            ):
                raise TipRefused(
                    f"You have shared {SHARES_PER_DAY} tips today, thank you! "
                    "You can share more tomorrow."
                )
            key = text_key(text)
            if await tx.tips.by_key(community.id, key) is not None:
                raise TipRefused("This tip is already in this community's collection.")
            moderated = community.moderation
            tip = await tx.tips.add(
                Tip(
                    community_id=community.id,
                    author_id=user.id,
                    author_name=(ref.display_name or "a member")[:100],
                    text=text,
                    text_key=key,
                    area=area,
                    status=TipStatus.PENDING if moderated else TipStatus.APPROVED,
                    curated=False,
                    thanks=0,
                    reports=0,
                    created_at=now,
                    decided_at=None if moderated else now,
                )
            )
            if tip is None:  # the same text arrived a moment ago
                raise TipRefused("This tip is already in this community's collection.")
            return Shared(tip, moderated)

    async def visible(
        self, chat: ChatRef, *, order: str, area: str | None = None, limit: int = 3
    ) -> list[Tip]:
        """Approved tips of the chat's community; outside a community, the curated ones."""
        if chat.kind is not ChatKind.COMMUNITY:
            curated = [t for t in self._content.curated_tips if area is None or t.area == area]
            if order == "random":
                curated = random.sample(curated, k=min(limit, len(curated)))
            return [
                Tip(
                    id=0,
                    author_name=CURATED_AUTHOR,
                    text=t.text,
                    area=t.area,
                    thanks=0,
                    curated=True,
                )
                for t in curated[:limit]
            ]
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            return list(await tx.tips.approved(community.id, area=area, order=order, limit=limit))

    async def _tip_here(self, tx: Tx, chat: ChatRef, tip_id: int) -> tuple[Community, Tip]:
        community = await self._community(tx, chat)
        tip = await tx.tips.get(tip_id)
        if tip is None or tip.community_id != community.id:
            raise TipRefused("That tip is not in this community.")
        return community, tip

    async def vote(self, ref: UserRef, chat: ChatRef, tip_id: int, kind: str) -> tuple[Tip, bool]:
        """Thanks or Report, once per person. Returns (the tip, whether this vote counted)."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            _, tip = await self._tip_here(tx, chat, tip_id)
            if tip.status != TipStatus.APPROVED:
                raise TipRefused("That tip is not shown any more.")
            user = await tx.users.ensure(ref, now)
            if kind == "thanks" and tip.author_id == user.id:
                raise TipRefused("That's your own tip; others can thank you for it.")
            counted = await tx.tips.vote(tip, user.id, kind, now)
            if kind == "report" and counted and tip.reports >= REPORTS_TO_HIDE:
                tip.status = TipStatus.HIDDEN  # out of sight until a moderator looks
            return tip, counted

    async def decide(self, ref: UserRef, chat: ChatRef, tip_id: int, status: str) -> Tip:
        """A moderator approves, rejects or removes a tip."""
        if not ref.is_moderator:
            raise TipRefused("Only moderators can approve, reject or remove tips.")
        async with self._db.transaction() as tx:
            _, tip = await self._tip_here(tx, chat, tip_id)
            tip.status = status
            tip.decided_at = self._clock.now()
            return tip

    async def waiting(self, ref: UserRef, chat: ChatRef) -> list[Tip]:
        if not ref.is_moderator:
            raise TipRefused("Only moderators can see tips waiting for review.")
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            return list(await tx.tips.waiting(community.id))

    async def mine(self, ref: UserRef, chat: ChatRef) -> list[Tip]:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            user = await tx.users.ensure(ref, now)
            return list(await tx.tips.by_author(community.id, user.id))

    async def delete_own(self, ref: UserRef, chat: ChatRef, tip_id: int) -> Tip:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            _, tip = await self._tip_here(tx, chat, tip_id)
            user = await tx.users.ensure(ref, now)
            if tip.author_id != user.id:
                raise TipRefused("You can only delete your own tips.")
            tip.status = TipStatus.REMOVED
            tip.decided_at = now
            return tip

    async def set_moderation(self, ref: UserRef, chat: ChatRef, on: bool) -> None:
        if not ref.is_moderator:
            raise TipRefused("Only moderators can change how tips are moderated.")
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            community.moderation = on

    async def set_tip_of_the_day(
        self, ref: UserRef, chat: ChatRef, at: time | None
    ) -> tuple[ZoneInfo, Reminder | None]:
        """Post a tip every day at `at` (the community's zone) in this chat; None turns it off."""
        if not ref.is_moderator:
            raise TipRefused("Only moderators can set up the tip of the day.")
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            zone = ZoneInfo(community.timezone or self._default_zone)
            if community.tip_of_the_day_id is not None:
                await tx.reminders.delete(community.tip_of_the_day_id)
                community.tip_of_the_day_id = None
            if at is None:
                return zone, None
            schedule = Schedule(ScheduleKind.DAILY, times=(at,))
            first = next_after(schedule, zone, now)
            user = await tx.users.ensure(ref, now)
            row = await tx.reminders.add(
                Reminder(
                    user_id=user.id,
                    community_id=community.id,
                    platform=chat.platform,
                    chat_id=chat.chat_id,
                    chat_kind=ChatKind.COMMUNITY.value,
                    kind=TIP_OF_THE_DAY,
                    schedule=json.dumps(schedule.to_json()),
                    timezone=zone.key,
                    status=ReminderStatus.ACTIVE,
                    next_due_at=first,
                    occurrence_at=first,
                    attempts=0,
                    last_text_index=-1,
                    created_at=now,
                )
            )
            community.tip_of_the_day_id = row.id
            return zone, row

    async def feature(self, community_id: int | None) -> Tip | None:
        """The tip of the day: the approved tip featured least recently (then marked)."""
        if community_id is None:
            return None
        async with self._db.transaction() as tx:
            found = await tx.tips.approved(community_id, order="stale", limit=1)
            if not found:
                return None
            found[0].featured_at = self._clock.now()
            return found[0]

    async def for_area(self, chat: ChatRef, area_id: str, limit: int = 2) -> Sequence[Tip]:
        """The community's best tips for a spot, for /knot (nothing outside a community)."""
        if chat.kind is not ChatKind.COMMUNITY:
            return []
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            return await tx.tips.approved(community.id, area=area_id, order="top", limit=limit)
