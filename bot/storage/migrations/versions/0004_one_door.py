"""One scheduling door: a reminder keeps the person's own words; unused columns go.

The tip of the day is found by its kind among the community's reminders, so the community no
longer points at it (a pointer that outlived its reminder could name a stranger's reminder once
the id was reused). Deliveries never needed the sent message's reference.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("words", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.drop_column("message_ref")
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("tip_of_the_day_id")


def downgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(sa.Column("tip_of_the_day_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.add_column(sa.Column("message_ref", sa.Text(), nullable=True))
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("words")
