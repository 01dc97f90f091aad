"""Community tips: tips with moderation status, thanks and reports; community tip settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(
            sa.Column("moderation", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("tip_of_the_day_id", Id, nullable=True))
        batch.add_column(
            sa.Column("tips_seeded", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "tips",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("community_id", Id, nullable=False),
        sa.Column("author_id", Id, nullable=True),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.String(64), nullable=False),
        sa.Column("area", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("curated", sa.Boolean(), nullable=False),
        sa.Column("thanks", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("featured_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tips"),
        sa.UniqueConstraint("community_id", "text_key", name="uq_tips_community_id"),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name="fk_tips_community_id_communities",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_tips_author_id_users", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_tips_community_status", "tips", ["community_id", "status", "thanks"])
    op.create_index("ix_tips_author", "tips", ["author_id", "created_at"])
    op.create_table(
        "tip_votes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("tip_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tip_votes"),
        sa.UniqueConstraint("tip_id", "user_id", "kind", name="uq_tip_votes_tip_id"),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name="fk_tip_votes_tip_id_tips", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_tip_votes_user_id_users", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("tip_votes")
    op.drop_table("tips")
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("tips_seeded")
        batch.drop_column("tip_of_the_day_id")
        batch.drop_column("moderation")
