"""One transaction's view of storage: `tx.users`, `tx.holds`, ... bound to the same session."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.holds import Holds
from bot.storage.personal import Personal
from bot.storage.reminders import Reminders
from bot.storage.tips import Tips
from bot.storage.users import Communities, Users


class Tx:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = Users(session)
        self.communities = Communities(session)
        self.holds = Holds(session)
        self.reminders = Reminders(session)
        self.tips = Tips(session)
        self.personal = Personal(session)
