"""How each kind of scheduled message is composed, registered by kind.

The dispatcher knows occurrences, not features: for each one it asks `Composers.compose`,
which uses the composer registered for the reminder's kind (the tip of the day registers its
own) or else writes a relax prompt from content. So the dispatcher never calls back up into
the core, and a new kind of scheduled message is one `register` call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.content import ContentLibrary
from bot.messages import Reply
from bot.reminders.messages import reminder_reply
from bot.reminders.schedule import Schedule


@dataclass(frozen=True)
class Occurrence:
    """One moment a reminder is sent, as much as its message needs to know."""

    reminder_id: int  # the series (a snoozed copy names the reminder it copies)
    delivery_id: int
    kind: str
    text_index: int
    schedule: Schedule
    zone: ZoneInfo
    community_id: int | None  # stored id of the community it is posted to; None: personal
    words: str = ""  # the person's own words for it, if they gave some
    language: str = "en"  # the language its message is written in

    @property
    def shared(self) -> bool:
        return self.community_id is not None


# Posts a community tip every day (composed by bot.tips); /tip daily schedules it.
TIP_OF_THE_DAY = "tip-of-the-day"

# Builds the message for one occurrence; None means there is nothing to post this time.
Composer = Callable[[Occurrence], Awaitable[Reply | None]]


class Composers:
    def __init__(self, content: ContentLibrary) -> None:
        self._content = content
        self._by_kind: dict[str, Composer] = {}

    def use_content(self, content: ContentLibrary) -> None:
        self._content = content

    def register(self, kind: str, composer: Composer) -> None:
        self._by_kind[kind] = composer

    def text_count(self, kind: str) -> int:
        """How many prompts a kind rotates through (1 for composed kinds)."""
        found = self._content.reminder_kinds.get(kind)
        return len(found.texts) if found and kind not in self._by_kind else 1

    async def compose(self, occurrence: Occurrence) -> Reply | None:
        composer = self._by_kind.get(occurrence.kind)
        if composer is not None:
            return await composer(occurrence)
        return reminder_reply(self._content.in_language(occurrence.language), occurrence)
