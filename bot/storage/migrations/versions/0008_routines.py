"""Their own routines: `routines`, the step-by-step `/routine new` in `routine_drafts`, a
reminder that offers one (`reminders.routine_id`) and a routine shared as a tip (`tips.routine`).

Revision ID: 0008
Revises: 0007
Create Date: 2027-02-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _user_id(table: str) -> sa.Column:
    return sa.Column(
        "user_id",
        _ID,
        sa.ForeignKey("users.id", ondelete="CASCADE", name=f"fk_{table}_user_id_users"),
        nullable=False,
    )


def _sqlite_counter(table: str) -> int | None:
    found = op.get_bind().execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table}
    )
    return found.scalar()


def upgrade() -> None:
    op.create_table(
        "routines",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        _user_id("routines"),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("name_key", sa.String(60), nullable=False),
        sa.Column("area_id", sa.String(32), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("press_seconds", sa.Integer(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("rest_seconds", sa.Integer(), nullable=False),
        sa.Column("pressure", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_routines"),
        sa.UniqueConstraint("user_id", "name_key", name="uq_routines_user_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "routine_drafts",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        _user_id("routine_drafts"),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column(
            "routine_id",
            _ID,
            sa.ForeignKey(
                "routines.id", ondelete="CASCADE", name="fk_routine_drafts_routine_id_routines"
            ),
            nullable=True,
        ),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_routine_drafts"),
        sa.UniqueConstraint("user_id", name="uq_routine_drafts_user_id"),
        sqlite_autoincrement=True,
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite adds a named reference only by rebuilding the table: kept AUTOINCREMENT, and its
    # counter carried over, so a deleted reminder's id still never comes back.
    counter = _sqlite_counter("reminders") if sqlite else None
    with op.batch_alter_table(
        "reminders", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.add_column(sa.Column("routine_id", _ID, nullable=True))
        batch.create_foreign_key(
            "fk_reminders_routine_id_routines",
            "routines",
            ["routine_id"],
            ["id"],
            ondelete="SET NULL",
        )
    if counter is not None:
        op.execute(
            sa.text(
                "UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = 'reminders'"
            ).bindparams(seq=counter)
        )
    op.add_column("tips", sa.Column("routine", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("routine")
    with op.batch_alter_table(
        "reminders", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_constraint("fk_reminders_routine_id_routines", type_="foreignkey")
        batch.drop_column("routine_id")
    op.drop_table("routine_drafts")
    op.drop_table("routines")
