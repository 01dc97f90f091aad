"""Reminders: schedules with their next due time, deliveries keyed per occurrence, Done log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("quiet_until", sa.DateTime(), nullable=True))
    op.create_table(
        "reminders",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=True),
        sa.Column("community_id", Id, nullable=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("chat_kind", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("next_due_at", sa.DateTime(), nullable=True),
        sa.Column("occurrence_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_text_index", sa.Integer(), nullable=False),
        sa.Column("snooze_of", Id, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_reminders_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name="fk_reminders_community_id_communities",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_reminders_due", "reminders", ["platform", "status", "next_due_at"])
    op.create_index("ix_reminders_user", "reminders", ["user_id"])
    op.create_index("ix_reminders_chat", "reminders", ["platform", "chat_id"])
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("reminder_id", Id, nullable=True),
        sa.Column("user_id", Id, nullable=True),
        sa.Column("occurrence_key", sa.String(40), nullable=False),
        sa.Column("occurrence_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("message_ref", sa.Text(), nullable=True),
        sa.Column("text_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_deliveries"),
        sa.UniqueConstraint("occurrence_key", name="uq_reminder_deliveries_occurrence_key"),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            name="fk_reminder_deliveries_reminder_id_reminders",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_reminder_deliveries_user_id_users",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_reminder_deliveries_user_sent", "reminder_deliveries", ["user_id", "sent_at"]
    )
    op.create_table(
        "reminder_dones",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_dones"),
        sa.UniqueConstraint("delivery_id", "user_id", name="uq_reminder_dones_delivery_id"),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["reminder_deliveries.id"],
            name="fk_reminder_dones_delivery_id_reminder_deliveries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_reminder_dones_user_id_users", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("reminder_dones")
    op.drop_table("reminder_deliveries")
    op.drop_table("reminders")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("quiet_until")
