"""Their hours, exactly: stored reminders lose the per-person spread offset (every occurrence
comes at the minute asked again), and each reminder's minutes of the day are recorded, so a
full minute can be seen when the next one is booked.

Reminders deleted a moment ago can be undone (`reminders.deleted_at`), and a person's
bedtime is kept for "at bedtime" (`users.bedtime`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("deleted_from", sa.String(16), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("bedtime", sa.String(5), nullable=True))
    op.create_table(
        "reminder_minutes",
        sa.Column(
            "reminder_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("reminders.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("minute", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
    )
    op.create_index(
        "ix_reminder_minutes_platform_minute", "reminder_minutes", ["platform", "minute"]
    )
    # Imported here: the code that computes occurrences is the one the bot runs.
    from zoneinfo import ZoneInfo

    from bot.reminders.capacity import minutes_of
    from bot.reminders.schedule import Schedule, next_after

    bind = op.get_bind()
    reminders = sa.table(
        "reminders",
        sa.column("id", sa.Integer),
        sa.column("platform", sa.String),
        sa.column("schedule", sa.Text),
        sa.column("timezone", sa.String),
        sa.column("status", sa.String),
        sa.column("next_due_at", sa.DateTime),
        sa.column("occurrence_at", sa.DateTime),
        sa.column("claimed_by", sa.String),
    )
    minutes = sa.table(
        "reminder_minutes",
        sa.column("reminder_id", sa.Integer),
        sa.column("minute", sa.Integer),
        sa.column("platform", sa.String),
    )
    now = datetime.now(UTC)
    rows = bind.execute(
        sa.select(
            reminders.c.id,
            reminders.c.platform,
            reminders.c.schedule,
            reminders.c.timezone,
            reminders.c.status,
        )
    ).all()
    for id_, platform, stored, zone_name, status in rows:
        try:
            data = json.loads(stored)
            offset = int(data.pop("offset_minutes", 0) or 0)
            schedule = Schedule.from_json(data)
            zone = ZoneInfo(zone_name)
        except (ValueError, KeyError, TypeError):  # nothing a dispatcher could send either
            continue
        values: dict[str, object] = {"schedule": json.dumps(schedule.to_json())}
        if offset and status == "active":  # back to the minutes asked, from now on
            following = next_after(schedule, zone, now)
            values.update(
                next_due_at=following.replace(tzinfo=None) if following else None,
                occurrence_at=following.replace(tzinfo=None) if following else None,
                claimed_by=None,
            )
            if following is None:
                values["status"] = "finished"
        bind.execute(sa.update(reminders).where(reminders.c.id == id_).values(**values))
        found = minutes_of(schedule, zone, now)
        if found:
            bind.execute(
                sa.insert(minutes),
                [{"reminder_id": id_, "minute": m, "platform": platform} for m in found],
            )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("bedtime")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("deleted_from")
        batch.drop_column("deleted_at")
    op.drop_index("ix_reminder_minutes_platform_minute", table_name="reminder_minutes")
    op.drop_table("reminder_minutes")
