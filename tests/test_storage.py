"""Storage on SQLite and on PostgreSQL: the same code, the same behaviour."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect

from bot.messages import ChatKind, ChatRef, UserRef
from bot.storage import Database


async def test_migrations_create_the_tables_and_can_run_again(any_db: Database):
    await any_db.upgrade()  # a second run is a no-op
    async with any_db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"users", "communities", "hold_sessions", "alembic_version"} <= tables


async def test_a_user_is_created_once_and_kept_fresh(any_db: Database):
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    async with any_db.transaction() as tx:
        first = await tx.users.ensure(UserRef("telegram", "42", "Ada", "en"), now)
    async with any_db.transaction() as tx:
        again = await tx.users.ensure(UserRef("telegram", "42", "Ada L.", "de"), now)
        other_platform = await tx.users.ensure(UserRef("discord", "42", "Ada"), now)
    assert again.id == first.id
    assert (again.display_name, again.locale) == ("Ada L.", "de")
    assert other_platform.id != first.id
    assert again.created_at == now  # times come back aware, in UTC


async def test_concurrent_first_contact_creates_one_user(any_db: Database):
    now = datetime(2026, 5, 1, tzinfo=UTC)

    async def contact() -> int:
        async with any_db.transaction() as tx:
            return (await tx.users.ensure(UserRef("telegram", "7", "Bo"), now)).id

    ids = await asyncio.gather(*(contact() for _ in range(5)))
    assert len(set(ids)) == 1


async def test_community_is_stored_for_group_chats_only(any_db: Database):
    now = datetime(2026, 5, 1, tzinfo=UTC)
    group = ChatRef("discord", "chan", ChatKind.COMMUNITY, "guild-1", "Knot Club")
    async with any_db.transaction() as tx:
        community = await tx.communities.ensure(group, now)
        private = await tx.communities.ensure(ChatRef("discord", "u"), now)
    assert community is not None and community.name == "Knot Club"
    assert private is None


async def test_hold_history_counts_pressure_rounds_per_area_in_a_window(any_db: Database):
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    async with any_db.transaction() as tx:
        user = await tx.users.ensure(UserRef("console", "local", "me"), now)
        for hours_ago, area, pressure, rounds in [
            (1, "upper-back", True, 3),
            (5, "upper-back", True, 2),
            (30, "upper-back", True, 3),  # older than a day
            (2, "upper-back", False, 1),  # no pressure: does not count
            (2, "jaw", True, 3),
        ]:
            hold = await tx.holds.start(
                user_id=user.id,
                platform="console",
                chat_id="local",
                technique_id="ball-wall",
                area_id=area,
                pressure=pressure,
                rounds_planned=rounds,
                owner="p1",
                now=now - timedelta(hours=hours_ago),
            )
            await tx.holds.finish(hold.id, status="completed", rounds_done=rounds, now=now)
    async with any_db.transaction() as tx:
        since = now - timedelta(hours=24)
        assert await tx.holds.pressure_rounds_since(user.id, "upper-back", since) == 5
        assert await tx.holds.pressure_rounds_since(user.id, "jaw", since) == 3
        assert await tx.holds.has_tried(user.id, "ball-wall")
        assert not await tx.holds.has_tried(user.id, "jaw-release")


async def test_reaping_takes_own_leftovers_and_stale_holds_but_not_live_ones(any_db: Database):
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    async with any_db.transaction() as tx:
        user = await tx.users.ensure(UserRef("telegram", "1", "me"), now)
        made = {}
        for name, owner, beat in [
            ("mine", "p1", now),
            ("stale", "p2", now - timedelta(minutes=10)),
            ("live", "p2", now - timedelta(seconds=20)),
        ]:
            hold = await tx.holds.start(
                user_id=user.id,
                platform="telegram",
                chat_id="1",
                technique_id="ball-wall",
                area_id="upper-back",
                pressure=True,
                rounds_planned=3,
                owner=owner,
                now=beat,
            )
            made[name] = hold.id
    async with any_db.transaction() as tx:
        reaped = await tx.holds.reap_interrupted(
            platform="telegram", owner="p1", stale_before=now - timedelta(minutes=2), now=now
        )
    assert {r.id for r in reaped} == {made["mine"], made["stale"]}


async def test_migrations_build_exactly_the_tables_the_code_declares(any_db: Database):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.storage.schema import Base

    async with any_db.engine.connect() as conn:
        differences = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert differences == []
