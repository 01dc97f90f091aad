"""Storage on SQLite and on PostgreSQL: the same code, the same behaviour."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, text

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


async def test_the_trust_migration_keeps_every_row_and_never_reuses_an_id(
    any_db: Database, tmp_path
):
    """0004 -> 0005 rebuilds every SQLite table (AUTOINCREMENT): no row may be lost on the way,
    and a deleted row's id must not come back."""
    from alembic import command
    from alembic.config import Config

    from bot.storage.db import MIGRATIONS

    def migrate(sync, target: str, down: bool = False) -> None:  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sync
        (command.downgrade if down else command.upgrade)(config, target)

    async with any_db.engine.begin() as conn:
        await conn.run_sync(migrate, "0004", True)
        for statement in (
            "INSERT INTO users (id, platform, platform_user_id, display_name, created_at) "
            "VALUES (1, 'm', 'u1', 'Ada', '2026-01-01'), (2, 'm', 'u2', 'Bo', '2026-01-01')",
            "INSERT INTO communities (id, platform, platform_community_id, name, created_at, "
            "moderation, tips_seeded) VALUES (1, 'm', 'c1', 'Club', '2026-01-01', true, true)",
            "INSERT INTO reminders (id, user_id, community_id, platform, chat_id, chat_kind, kind, "
            "schedule, timezone, status, attempts, last_text_index, created_at, words) VALUES "
            "(1, 1, 1, 'm', 'g1', 'community', 'relax', '{}', 'UTC', 'active', 0, -1, "
            "'2026-01-01', ''), (2, 2, NULL, 'm', 'u2', 'private', 'relax', '{}', 'UTC', "
            "'active', 0, -1, '2026-01-01', '')",
            "INSERT INTO reminder_deliveries (id, reminder_id, user_id, occurrence_key, "
            "occurrence_at, kind, status, text_index) VALUES (1, 1, 1, 'r1-1', '2026-01-02', "
            "'relax', 'sent', 0), (2, 2, 2, 'r2-1', '2026-01-02', 'relax', 'sent', 0)",
            "INSERT INTO reminder_dones (id, delivery_id, user_id, done_at) VALUES "
            "(1, 1, 2, '2026-01-02'), (2, 2, 2, '2026-01-02')",
            "INSERT INTO tips (id, community_id, author_id, author_name, text, text_key, status, "
            "curated, thanks, reports, created_at) VALUES (1, 1, 1, 'Ada', 'a tip', 'k', "
            "'approved', false, 5, 0, '2026-01-01')",
            "INSERT INTO tip_votes (id, tip_id, user_id, kind, created_at) VALUES "
            "(1, 1, 2, 'thanks', '2026-01-02')",
            "INSERT INTO hold_sessions (id, user_id, platform, chat_id, technique_id, area_id, "
            "pressure, rounds_planned, rounds_done, status, owner, heartbeat_at, started_at) "
            "VALUES (1, 1, 'm', 'u1', 'ball-wall', 'upper-back', true, 3, 3, 'completed', 'p', "
            "'2026-01-01', '2026-01-01')",
        ):
            await conn.exec_driver_sql(statement)
        if any_db.dialect == "postgresql":  # rows written with ids, as an old version wrote them
            await conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('reminders', 'id'), 2)"
            )
    await any_db.upgrade()
    counts = {}
    async with any_db.engine.connect() as conn:
        for table in ("users", "reminders", "reminder_deliveries", "reminder_dones", "tips",
                      "tip_votes", "hold_sessions", "communities"):  # fmt: skip
            counts[table] = (await conn.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar()
        shared_owner = (
            await conn.exec_driver_sql("SELECT user_id FROM reminder_deliveries WHERE id = 1")
        ).scalar()
    assert counts == {
        "users": 2, "reminders": 2, "reminder_deliveries": 2, "reminder_dones": 2, "tips": 1,
        "tip_votes": 1, "hold_sessions": 1, "communities": 1,
    }  # fmt: skip
    assert shared_owner is None  # a community's occurrence is no one person's
    async with any_db.transaction() as tx:
        await tx.reminders.delete(2)
        found = await tx.tips.counted(1)
        assert found is not None and found.thanks == 1  # counted from the votes, not stored
    async with any_db.transaction() as tx:
        await tx.session.execute(
            text(
                "INSERT INTO reminders (user_id, platform, chat_id, chat_kind, kind, schedule, "
                "timezone, status, attempts, last_text_index, created_at, words) VALUES "
                "(2, 'm', 'u2', 'private', 'relax', '{}', 'UTC', 'active', 0, -1, "
                "'2026-01-03', '')"
            )
        )
        newest = await tx.session.scalar(text("SELECT max(id) FROM reminders"))
    assert newest == 3


async def test_their_hours_migration_brings_shifted_reminders_back_to_the_minute_asked(
    any_db: Database,
):
    """0005 -> 0006: a reminder stored with the old per-person offset (09:37, 11:37, ...
    for "every 2 hours from 9 to 17") comes at 09:00, 11:00, ... 17:00 again, and its
    minutes of the day are recorded for the next booking to see."""
    import json
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from alembic import command
    from alembic.config import Config

    from bot.storage.db import MIGRATIONS

    def migrate(sync, target: str, down: bool = False) -> None:  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sync
        (command.downgrade if down else command.upgrade)(config, target)

    shifted = {
        "kind": "interval", "every_minutes": 120, "window_start": "09:00",
        "window_end": "17:00", "times": [], "weekdays": [0, 1, 2, 3, 4, 5, 6], "at": None,
        "offset_minutes": 37,
    }  # fmt: skip
    async with any_db.engine.begin() as conn:
        await conn.run_sync(migrate, "0005", True)
        await conn.exec_driver_sql(
            "INSERT INTO users (id, platform, platform_user_id, display_name, created_at) "
            "VALUES (1, 'm', 'u1', 'Ada', '2026-01-01')"
        )
        await conn.exec_driver_sql(
            "INSERT INTO reminders (id, user_id, platform, chat_id, chat_kind, kind, schedule, "
            "timezone, status, attempts, last_text_index, created_at, words, next_due_at, "
            f"occurrence_at) VALUES (1, 1, 'm', 'u1', 'private', 'relax', '{json.dumps(shifted)}',"
            " 'Europe/Berlin', 'active', 0, -1, '2026-01-01', '', '2099-01-01 08:37:00', "
            "'2099-01-01 08:37:00')"
        )
    await any_db.upgrade()
    async with any_db.transaction() as tx:
        row = await tx.reminders.get(1)
        assert row is not None
        stored = json.loads(row.schedule)
        minutes = await tx.reminders.load("m", set(range(24 * 60)))
    assert "offset_minutes" not in stored and stored["moves"] == []
    assert row.next_due_at is not None and row.next_due_at < datetime(2099, 1, 1, tzinfo=UTC)
    local = row.next_due_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert local.minute == 0 and local.hour in (9, 11, 13, 15, 17)
    assert sum(minutes.values()) == 5  # 09:00 ... 17:00, each counted once


async def test_the_routines_migration_keeps_reminders_and_never_reuses_their_ids(
    any_db: Database,
):
    """0007 -> 0008 adds routines, and a reminder's link to one (rebuilding the reminders
    table on SQLite): every reminder stays, a deleted one's id does not come back, and a
    deleted routine leaves its reminders in place without it."""
    from alembic import command
    from alembic.config import Config

    from bot.storage.db import MIGRATIONS

    def migrate(sync, target: str, down: bool = False) -> None:  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sync
        (command.downgrade if down else command.upgrade)(config, target)

    reminder = (
        "INSERT INTO reminders ({id}user_id, platform, chat_id, chat_kind, kind, schedule, "
        "timezone, status, attempts, last_text_index, created_at, words) VALUES ({value}1, 'm', "
        "'u1', 'private', 'relax', '{{}}', 'UTC', 'active', 0, -1, '2026-01-01', '')"
    )
    async with any_db.engine.begin() as conn:
        await conn.run_sync(migrate, "0007", True)
        await conn.exec_driver_sql(
            "INSERT INTO users (id, platform, platform_user_id, display_name, created_at) "
            "VALUES (1, 'm', 'u1', 'Ada', '2026-01-01')"
        )
        for _ in range(3):
            await conn.exec_driver_sql(reminder.format(id="", value=""))
        await conn.exec_driver_sql("DELETE FROM reminders WHERE id = 3")
    await any_db.upgrade()
    now = datetime(2026, 5, 1, tzinfo=UTC)
    async with any_db.transaction() as tx:
        assert {r.id for r in await tx.reminders.for_user(1)} == {1, 2}
        await tx.session.execute(text(reminder.format(id="", value="")))
        newest = await tx.session.scalar(text("SELECT max(id) FROM reminders"))
        assert newest == 4  # not 3 again
        from bot.storage.schema import Routine

        routine = await tx.routines.add(
            Routine(
                user_id=1, name="chin tucks", name_key="chintucks", area_id="neck", steps="[]",
                press_seconds=5, rounds=10, rest_seconds=3, pressure=False, created_at=now,
                updated_at=now,
            )
        )  # fmt: skip
        row = await tx.reminders.get(1)
        assert row is not None
        row.routine_id = routine.id
    async with any_db.transaction() as tx:
        await tx.routines.delete(routine.id)
    async with any_db.transaction() as tx:
        row = await tx.reminders.get(1)
        assert row is not None and row.routine_id is None  # the reminder stays, unlinked


async def test_the_language_migration_keeps_people_and_starts_them_unchosen(any_db: Database):
    """0008 -> 0009 -> 0008 -> 0009: people stay; their /language choice starts empty (their
    platform's locale speaks for them) and is kept once made."""
    from alembic import command
    from alembic.config import Config

    from bot.storage.db import MIGRATIONS

    def migrate(sync, target: str, down: bool = False) -> None:  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sync
        (command.downgrade if down else command.upgrade)(config, target)

    async with any_db.engine.begin() as conn:
        await conn.run_sync(migrate, "0008", True)
        await conn.exec_driver_sql(
            "INSERT INTO users (id, platform, platform_user_id, display_name, locale, created_at)"
            " VALUES (1, 'm', 'u1', 'Ada', 'de-DE', '2026-01-01')"
        )
        await conn.run_sync(migrate, "0009")
    async with any_db.transaction() as tx:
        assert await tx.users.language_of("m", "u1") is None
        ada = await tx.users.get("m", "u1")
        assert ada is not None and ada.locale == "de-DE"
        await tx.users.set_language(ada, "es")
    async with any_db.transaction() as tx:
        assert await tx.users.language_of("m", "u1") == "es"
        assert await tx.users.language_of("m", "nobody") is None
    async with any_db.engine.begin() as conn:
        await conn.run_sync(migrate, "0008", True)
        names = await conn.exec_driver_sql("SELECT display_name FROM users")
        assert [row[0] for row in names] == ["Ada"]
    await any_db.upgrade()
