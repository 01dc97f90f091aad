"""Alembic environment: always runs on a connection the bot hands over (see Database.upgrade)."""

from alembic import context

from bot.storage.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `knotbot db upgrade`; it connects with your settings.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
