"""Tip bookkeeping: sharing with its checks, moderation, thanks and reports, tip of the day.

Who may do each of these is checked before they are called (`bot.access`). Everything
returned is a plain `TipView`, never a database row.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.content import ContentLibrary
from bot.i18n import N_
from bot.messages import ChatKind, ChatRef, Reply, UserRef
from bot.reminders.kinds import TIP_OF_THE_DAY, Occurrence
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.reminders.scheduler import Booking, Scheduler
from bot.storage import Database, Tx
from bot.storage.schema import Community, Tip
from bot.storage.tips import Counted, TipStatus, VoteKind
from bot.tips.messages import tip_of_the_day
from bot.tips.rules import TipRefused, checked_text, credit_name, text_key

SHARES_PER_DAY = 3
REPORTS_TO_HIDE = 3
CURATED_AUTHOR = "the knotbot community"
# Why a moderator's decision does not apply any more.
_ALREADY = {
    TipStatus.APPROVED: N_("That tip is shown already; /tip remove takes it down."),
    TipStatus.REJECTED: N_("That tip was rejected already."),
    TipStatus.REMOVED: N_("That tip was taken down already."),
    TipStatus.DELETED: N_("Its author deleted that tip; it stays deleted."),
}


_DUPLICATE = N_("This tip is already in this community's collection.")


@dataclass(frozen=True)
class TipView:
    """A tip as lists and replies show it. `id` 0: a curated tip shown outside a community."""

    id: int
    text: str
    author_name: str
    area: str | None
    status: TipStatus
    thanks: int = 0
    reports: int = 0
    curated: bool = False
    routine: bool = False  # a shared routine: others can copy it


def view(found: Counted) -> TipView:
    tip = found.tip
    return TipView(
        id=tip.id,
        text=tip.text,
        author_name=tip.author_name,
        area=tip.area,
        status=TipStatus(tip.status),
        thanks=found.thanks,
        reports=found.reports,
        curated=tip.curated,
        routine=tip.routine is not None,
    )


@dataclass(frozen=True)
class Shared:
    tip: TipView
    waits_for_moderator: bool


class TipService:
    def __init__(
        self,
        *,
        content: ContentLibrary,
        db: Database,
        clock: Clock,
        scheduler: Scheduler,
        default_zone: str,
    ) -> None:
        self._content = content
        self._db = db
        self._clock = clock
        self._scheduler = scheduler
        self._default_zone = default_zone

    def use_content(self, content: ContentLibrary) -> None:
        self._content = content

    async def _community(self, tx: Tx, chat: ChatRef) -> Community:
        """The chat's community, its pool seeded with the curated tips on first use."""
        if chat.kind is not ChatKind.COMMUNITY:
            raise TipRefused(
                N_(
                    "Tips are shared in a community: a Discord server or Telegram group I am in. "
                    "/tip random shows one here."
                )
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
                        created_at=now,
                    )
                )
        return community

    async def share(
        self, ref: UserRef, chat: ChatRef, raw: str, area: str | None, *, routine: str | None = None
    ) -> Shared:
        """Share a tip; `routine`: a copy of a routine (JSON) that others may copy once the tip
        is approved. Every rule of tips applies to it alike, moderation first."""
        text = checked_text(raw)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            user = await tx.users.ensure(ref, now)
            shared_today = await tx.tips.shared_since(community.id, user.id, now - timedelta(1))
            if shared_today >= SHARES_PER_DAY:
                raise TipRefused(
                    N_(
                        "You have shared %(count)d tips today, thank you! "
                        "You can share more tomorrow."
                    ),
                    count=SHARES_PER_DAY,
                )
            key = text_key(text)
            if await tx.tips.by_key(community.id, key) is not None:
                raise TipRefused(_DUPLICATE)
            moderated = community.moderation
            tip = await tx.tips.add(
                Tip(
                    community_id=community.id,
                    author_id=user.id,
                    author_name=credit_name(ref.display_name),
                    text=text,
                    text_key=key,
                    area=area,
                    status=TipStatus.PENDING if moderated else TipStatus.APPROVED,
                    curated=False,
                    created_at=now,
                    decided_at=None if moderated else now,
                    routine=routine,
                )
            )
            if tip is None:  # the same text arrived a moment ago
                raise TipRefused(_DUPLICATE)
            return Shared(view(Counted(tip, 0, 0)), moderated)

    async def visible(
        self, chat: ChatRef, *, order: str, area: str | None = None, limit: int = 3
    ) -> list[TipView]:
        """Approved tips of the chat's community; outside a community, the curated ones."""
        if chat.kind is not ChatKind.COMMUNITY:
            curated = [t for t in self._content.curated_tips if area is None or t.area == area]
            if order == "random":
                curated = random.sample(curated, k=min(limit, len(curated)))
            return [
                TipView(0, t.text, CURATED_AUTHOR, t.area, TipStatus.APPROVED, curated=True)
                for t in curated[:limit]
            ]
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            found = await tx.tips.approved(community.id, area=area, order=order, limit=limit)
            return [view(t) for t in found]

    async def _tip(self, tx: Tx, tip_id: int) -> Tip:
        tip = await tx.tips.get(tip_id)
        if tip is None:
            raise TipRefused(N_("That tip is not in this community."))
        return tip

    async def vote(self, ref: UserRef, tip_id: int, kind: VoteKind) -> tuple[TipView, bool]:
        """Thanks or Report, once per person. Returns (the tip, whether this vote counted)."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            tip = await self._tip(tx, tip_id)
            if tip.status != TipStatus.APPROVED:
                raise TipRefused(N_("That tip is not shown any more."))
            user = await tx.users.ensure(ref, now)
            if kind is VoteKind.THANKS and tip.author_id == user.id:
                raise TipRefused(N_("That's your own tip; others can thank you for it."))
            counted = await tx.tips.vote(tip, user.id, kind, now)
            found = await tx.tips.counted(tip.id)
            assert found is not None
            if kind is VoteKind.REPORT and counted and found.reports >= REPORTS_TO_HIDE:
                tip.status = TipStatus.HIDDEN  # out of sight until a moderator looks
            return view(found), counted

    async def decide(self, tip_id: int, status: TipStatus) -> TipView:
        """A moderator approves, rejects or removes a tip: approve and reject what waits for a
        decision, remove what is shown. A tip its author deleted stays deleted."""
        allowed = {
            TipStatus.APPROVED: (TipStatus.PENDING, TipStatus.HIDDEN),
            TipStatus.REJECTED: (TipStatus.PENDING, TipStatus.HIDDEN),
            TipStatus.REMOVED: (TipStatus.APPROVED, TipStatus.PENDING, TipStatus.HIDDEN),
        }
        async with self._db.transaction() as tx:
            tip = await self._tip(tx, tip_id)
            if tip.status not in allowed[status]:
                raise TipRefused(_ALREADY.get(TipStatus(tip.status), N_("That tip was decided.")))
            tip.status = status
            tip.decided_at = self._clock.now()
            found = await tx.tips.counted(tip.id)
            assert found is not None
            return view(found)

    async def waiting(self, chat: ChatRef) -> list[TipView]:
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            return [view(t) for t in await tx.tips.waiting(community.id)]

    async def mine(self, ref: UserRef, chat: ChatRef) -> list[TipView]:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            user = await tx.users.ensure(ref, now)
            return [view(t) for t in await tx.tips.by_author(community.id, user.id)]

    async def shared_routine(self, tip_id: int) -> str | None:
        """The routine an approved tip shares (JSON), or None: a tip that waits, was taken
        down or shares no routine cannot be copied (`bot.access` checked the community)."""
        async with self._db.transaction() as tx:
            tip = await self._tip(tx, tip_id)
            if tip.status != TipStatus.APPROVED:
                return None
            return tip.routine

    async def delete_own(self, tip_id: int) -> None:
        """Its author takes a tip down for good (`bot.access` has checked it is theirs)."""
        async with self._db.transaction() as tx:
            tip = await self._tip(tx, tip_id)
            tip.status = TipStatus.DELETED
            tip.decided_at = self._clock.now()

    async def set_moderation(self, chat: ChatRef, on: bool) -> None:
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            community.moderation = on

    async def set_tip_of_the_day(
        self, ref: UserRef, chat: ChatRef, at: time | None
    ) -> tuple[ZoneInfo, bool]:
        """Post a tip every day at `at` (the community's zone) in this chat; None turns it off.
        Returns the zone, and whether one was set before."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            zone = ZoneInfo(community.timezone or self._default_zone)
            earlier = [
                r
                for r in await tx.reminders.for_community(community.id)
                if r.kind == TIP_OF_THE_DAY
            ]
            for row in earlier:
                await tx.reminders.delete(row.id)
            if at is not None:
                user = await tx.users.ensure(ref, now)
                booking = Booking(
                    kind=TIP_OF_THE_DAY,
                    schedule=Schedule(ScheduleKind.DAILY, times=(at,)),
                    zone=zone.key,
                    platform=chat.platform,
                    chat_id=chat.chat_id,
                    chat_kind=ChatKind.COMMUNITY,
                    user_id=user.id,
                    community_id=community.id,
                )
                await self._scheduler.book(tx, booking)
            return zone, bool(earlier)

    async def compose_tip_of_the_day(self, occurrence: Occurrence) -> Reply | None:
        """The tip of the day: the approved tip featured least recently (then marked)."""
        if occurrence.community_id is None:
            return None
        async with self._db.transaction() as tx:
            found = await tx.tips.approved(occurrence.community_id, order="stale", limit=1)
            if not found:
                return None
            found[0].tip.featured_at = self._clock.now()
            # In the language of the moderator who set it up: the community's, as far as
            # knotbot can tell (a group has no language of its own on either platform).
            content = self._content.in_language(occurrence.language)
            return tip_of_the_day(content, view(found[0]))

    async def for_area(self, chat: ChatRef, area_id: str, limit: int = 2) -> Sequence[TipView]:
        """The community's best tips for a spot, for /knot (nothing outside a community)."""
        if chat.kind is not ChatKind.COMMUNITY:
            return []
        async with self._db.transaction() as tx:
            community = await self._community(tx, chat)
            found = await tx.tips.approved(community.id, area=area_id, order="top", limit=limit)
            return [view(t) for t in found]
