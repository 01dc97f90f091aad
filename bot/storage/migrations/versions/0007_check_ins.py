"""Tension check-ins: how tense a spot felt (0-10) before and after a hold, or after a
reminder's Done (`check_ins`), and whether a person wants to be asked (`users.check_ins`).

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("check_ins", sa.Boolean(), nullable=True))
    op.create_table(
        "check_ins",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            _ID,
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_check_ins_user_id_users"),
            nullable=False,
        ),
        sa.Column(
            "hold_id",
            _ID,
            sa.ForeignKey(
                "hold_sessions.id",
                ondelete="CASCADE",
                name="fk_check_ins_hold_id_hold_sessions",
            ),
            nullable=True,
        ),
        sa.Column(
            "delivery_id",
            _ID,
            sa.ForeignKey(
                "reminder_deliveries.id",
                ondelete="CASCADE",
                name="fk_check_ins_delivery_id_reminder_deliveries",
            ),
            nullable=True,
        ),
        sa.Column("technique_id", sa.String(32), nullable=False),
        sa.Column("area_id", sa.String(32), nullable=True),
        sa.Column("tension_before", sa.Integer(), nullable=True),
        sa.Column("tension_after", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("after_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_check_ins"),
        sa.UniqueConstraint("hold_id", name="uq_check_ins_hold_id"),
        sa.UniqueConstraint("delivery_id", "user_id", name="uq_check_ins_delivery_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_check_ins_user_created", "check_ins", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_check_ins_user_created", table_name="check_ins")
    op.drop_table("check_ins")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("check_ins")
