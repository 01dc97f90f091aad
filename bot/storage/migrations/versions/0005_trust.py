"""Trust boundaries in the data: ids never reused, references cleared by the database, tip
counts derived from votes, and a community's reminder occurrences no one person's.

- SQLite tables become AUTOINCREMENT (PostgreSQL sequences never reuse ids anyway).
- A snoozed copy references the reminder it copies (ON DELETE CASCADE); copies whose reminder
  is already gone are removed.
- Occurrences of shared reminders lose their `user_id` (it was the moderator who set them up,
  so forgetting that moderator deleted everyone's Done records).
- `tips.thanks` and `tips.reports` go: counts are the tip's vote rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = (
    "users",
    "communities",
    "hold_sessions",
    "reminders",
    "reminder_deliveries",
    "reminder_dones",
    "tips",
    "tip_votes",
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(
        "DELETE FROM reminders WHERE snooze_of IS NOT NULL "
        "AND snooze_of NOT IN (SELECT id FROM reminders)"
    )
    op.execute(
        "UPDATE reminder_deliveries SET user_id = NULL WHERE reminder_id IN "
        "(SELECT id FROM reminders WHERE community_id IS NOT NULL)"
    )
    op.drop_index("ix_tips_community_status", table_name="tips")
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("thanks")
        batch.drop_column("reports")
    op.create_index("ix_tips_community_status", "tips", ["community_id", "status"])
    op.create_index("ix_tip_votes_tip_kind", "tip_votes", ["tip_id", "kind"])
    with op.batch_alter_table("reminders") as batch:
        batch.create_foreign_key(
            "fk_reminders_snooze_of_reminders",
            "reminders",
            ["snooze_of"],
            ["id"],
            ondelete="CASCADE",
        )
    if sqlite:  # rebuilt with AUTOINCREMENT (Database.upgrade runs this with foreign keys off)
        for table in TABLES:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint("fk_reminders_snooze_of_reminders", type_="foreignkey")
    op.drop_index("ix_tip_votes_tip_kind", table_name="tip_votes")
    op.drop_index("ix_tips_community_status", table_name="tips")
    with op.batch_alter_table("tips") as batch:
        batch.add_column(sa.Column("thanks", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("reports", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_tips_community_status", "tips", ["community_id", "status", "thanks"])
