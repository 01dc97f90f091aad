"""One transaction's view of storage: `tx.users`, `tx.holds`, ... bound to the same session."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.checkins import CheckIns
from bot.storage.claims import Claims
from bot.storage.holds import Holds
from bot.storage.ownership import Ownership
from bot.storage.personal import Personal
from bot.storage.reminders import Reminders
from bot.storage.routines import Routines
from bot.storage.tips import Tips
from bot.storage.users import Communities, Users


class Tx:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.committed: list[Callable[[], None]] = []
        self.users = Users(session)
        self.communities = Communities(session)
        self.holds = Holds(session)
        self.reminders = Reminders(session)
        self.tips = Tips(session)
        self.personal = Personal(session)
        self.ownership = Ownership(session)
        self.claims = Claims(session)
        self.check_ins = CheckIns(session)
        self.routines = Routines(session)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this transaction has committed (never if it rolls back)."""
        self.committed.append(callback)
