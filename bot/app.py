"""Building a ready Knotbot from settings: content checked, database migrated."""

from __future__ import annotations

import asyncio
import logging

from bot.clock import Clock
from bot.content import load_content
from bot.core import Knotbot
from bot.settings import Settings
from bot.storage import Database, DatabaseUnavailable

log = logging.getLogger(__name__)


async def open_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db_attempts: int = 1,
    db_retry_delay: float = 5.0,
    db: Database | None = None,
) -> Knotbot:
    """Load content (ContentError if invalid), reach and migrate the database, build the core.

    With `db_attempts` > 1 an unreachable database is retried, so a bot started together with
    its database waits for it instead of crashing.
    """
    content = load_content(settings.content_dir)
    db = db or Database(settings.database_url)
    for attempt in range(1, db_attempts + 1):
        try:
            await db.ping()
            await db.upgrade()
            break
        except DatabaseUnavailable as exc:
            if attempt == db_attempts:
                await db.close()
                raise
            log.warning("%s; retrying in %.0f s (%d/%d)", exc, db_retry_delay, attempt, db_attempts)
            await asyncio.sleep(db_retry_delay)
    return Knotbot(settings=settings, content=content, db=db, clock=clock)
