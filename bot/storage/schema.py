"""The tables. Times are stored as UTC without a zone; a zone name sits next to recurring things."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite's integer primary keys autoincrement only as INTEGER; PostgreSQL gets BIGINT.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, the same on SQLite and PostgreSQL."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# SQLite reuses the id of a deleted row unless a table says AUTOINCREMENT; an id that comes
# back would make an old button or a stale reference name somebody else's row.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    locale: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # /quiet: no personal reminders before this moment.
    quiet_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # When they go to bed ("22:30", their wall clock), for "/remind mouth guard at bedtime".
    bedtime: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # /checkins: None until they choose (holds ask, reminders' Done asks once they have
    # answered one), True on, False off.
    check_ins: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # /language: the language they chose ("de"); None follows their platform's locale.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)


class Community(Base):
    """A Discord server or a Telegram group: where tips are shared and shared reminders live."""

    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("platform", "platform_community_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_community_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Tips: shared tips wait for a moderator unless this is off.
    moderation: Mapped[bool] = mapped_column(Boolean, default=True)
    # The curated tips from content were added to this community's pool.
    tips_seeded: Mapped[bool] = mapped_column(Boolean, default=False)


class HoldSession(Base):
    """One guided hold, from its first frame to completed, stopped or interrupted."""

    __tablename__ = "hold_sessions"
    __table_args__ = (
        Index("ix_hold_sessions_user_area_started", "user_id", "area_id", "started_at"),
        Index("ix_hold_sessions_status", "status"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_ref: Mapped[str | None] = mapped_column(Text, nullable=True)
    technique_id: Mapped[str] = mapped_column(String(32))
    area_id: Mapped[str] = mapped_column(String(32))
    pressure: Mapped[bool] = mapped_column(Boolean)
    rounds_planned: Mapped[int] = mapped_column(Integer)
    rounds_done: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # running, completed, stopped, interrupted
    # Which bot process runs it, and when that process last said it is alive: a restarted
    # process interrupts its own leftovers at once, anyone reaps holds whose heartbeat stopped.
    owner: Mapped[str] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Reminder(Base):
    """A recurring (or one-off) reminder; `next_due_at` is when the dispatcher must act on it.

    `occurrence_at` is the scheduled moment being delivered. While a dispatcher holds a claim,
    `next_due_at` is pushed to the claim's expiry, so a crashed claim simply becomes due again.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_due", "platform", "status", "next_due_at"),
        Index("ix_reminders_user", "user_id"),
        Index("ix_reminders_chat", "platform", "chat_id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True
    )
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), nullable=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    chat_kind: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    # The person's own words for it ("unclench jaw"), shown with each prompt; "" if none.
    words: Mapped[str] = mapped_column(String(200), default="", server_default="")
    schedule: Mapped[str] = mapped_column(Text)  # JSON of bot.reminders.schedule.Schedule
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # active, paused, blocked, finished
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_text_index: Mapped[int] = mapped_column(Integer, default=-1)
    # A snoozed copy names the reminder it copies, and goes with it.
    snooze_of: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", ondelete="CASCADE"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Deleted a moment ago (Undo still possible), and the status it had then.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_from: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The person's own routine it offers to start (kind "routine"); gone with the routine.
    routine_id: Mapped[int | None] = mapped_column(
        ForeignKey("routines.id", ondelete="SET NULL"), nullable=True
    )


class ReminderMinute(Base):
    """A minute of the day (UTC) a reminder fires at: how full each minute is, so a new
    reminder can be moved off a minute the platform cannot send in time."""

    __tablename__ = "reminder_minutes"
    __table_args__ = (Index("ix_reminder_minutes_platform_minute", "platform", "minute"),)

    reminder_id: Mapped[int] = mapped_column(
        Id, ForeignKey("reminders.id", ondelete="CASCADE"), primary_key=True
    )
    minute: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0..1439, UTC
    platform: Mapped[str] = mapped_column(String(32))


class ReminderDelivery(Base):
    """One occurrence of a reminder, keyed so it is never sent twice."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("occurrence_key"),
        Index("ix_reminder_deliveries_user_sent", "user_id", "sent_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", ondelete="SET NULL"), nullable=True
    )
    # The person it was sent to; None for a community's shared reminder, whose occurrences
    # belong to everyone there (forgetting the moderator who set it up keeps them).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True
    )
    occurrence_key: Mapped[str] = mapped_column(String(40))
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    # sending (outcome unknown), sent, retrying, skipped, failed, uncertain
    status: Mapped[str] = mapped_column(String(16))
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    text_index: Mapped[int] = mapped_column(Integer, default=-1)


class ReminderDone(Base):
    """Someone pressed Done on a reminder (logged once per person and occurrence)."""

    __tablename__ = "reminder_dones"
    __table_args__ = (UniqueConstraint("delivery_id", "user_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("reminder_deliveries.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Tip(Base):
    """A tip a member shared with their community (or a curated one from content)."""

    __tablename__ = "tips"
    __table_args__ = (
        UniqueConstraint("community_id", "text_key"),
        Index("ix_tips_community_status", "community_id", "status"),
        Index("ix_tips_author", "author_id", "created_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    author_name: Mapped[str] = mapped_column(String(100))  # as they were called when sharing
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(String(64))  # for spotting the same tip twice
    area: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # pending, approved, rejected, removed (by a moderator), deleted (by its author), hidden
    status: Mapped[str] = mapped_column(String(16))
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Thanks and reports are counted from tip_votes, never stored: a count that outlived the
    # votes (someone forgotten, then back) could be inflated by one person.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    featured_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A shared routine: a copy of it as it was shared (JSON), so others can copy it while the
    # author's own stays private and theirs to change.
    routine: Mapped[str | None] = mapped_column(Text, nullable=True)


class TipVote(Base):
    """One person's Thanks or Report on a tip (once each); the tip's counts are these rows."""

    __tablename__ = "tip_votes"
    __table_args__ = (
        UniqueConstraint("tip_id", "user_id", "kind"),
        Index("ix_tip_votes_tip_kind", "tip_id", "kind"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # thanks, report
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckIn(Base):
    """How tense a spot felt (0-10) before and after one hold, or after a reminder's Done.

    One row per hold (both values, each set once) or per person and reminder occurrence.
    """

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("hold_id"),
        UniqueConstraint("delivery_id", "user_id"),
        Index("ix_check_ins_user_created", "user_id", "created_at"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    hold_id: Mapped[int | None] = mapped_column(
        ForeignKey("hold_sessions.id", ondelete="CASCADE"), nullable=True
    )
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder_deliveries.id", ondelete="CASCADE"), nullable=True
    )
    technique_id: Mapped[str] = mapped_column(String(32))  # a technique, or a reminder's kind
    area_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    tension_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tension_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    after_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Routine(Base):
    """A person's own routine (a physiotherapist's sheet): run as a guided hold, privately."""

    __tablename__ = "routines"
    __table_args__ = (UniqueConstraint("user_id", "name_key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(60))  # the name folded, for finding it again
    area_id: Mapped[str] = mapped_column(String(32))
    steps: Mapped[str] = mapped_column(Text)  # JSON list of the steps in their words
    press_seconds: Mapped[int] = mapped_column(Integer)
    rounds: Mapped[int] = mapped_column(Integer)
    rest_seconds: Mapped[int] = mapped_column(Integer)
    pressure: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoutineDraft(Base):
    """`/routine new` step by step: what was said so far, kept here so a restart loses nothing."""

    __tablename__ = "routine_drafts"
    __table_args__ = (UniqueConstraint("user_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(16))  # what is asked next: name, spot, steps, timing
    data: Mapped[str] = mapped_column(Text)  # JSON of what was said so far
    routine_id: Mapped[int | None] = mapped_column(
        ForeignKey("routines.id", ondelete="CASCADE"), nullable=True
    )  # the routine being edited, if any
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
