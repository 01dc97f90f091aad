"""Routine bookkeeping: save (with the shipped caps), find by forgiving name, delete, copy a
shared one, and the `/routine new` draft kept in the database between messages.

Who may touch a routine by its number is checked before these are called (`bot.access`);
lookups by name are always scoped to the person asking.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.content import ContentLibrary
from bot.i18n import N_, Explained, Translator
from bot.messages import UserRef
from bot.routines.model import (
    MAX_ROUNDS,
    PRESSURE_WHY,
    Routine,
    from_row,
    press_cap,
    routine_number,
)
from bot.routines.parse import name_key
from bot.storage import Database
from bot.storage.routines import MAX_PER_PERSON
from bot.storage.schema import Routine as RoutineRow

# A draft untouched for this long is forgotten: its questions would come out of the blue.
DRAFT_TTL = timedelta(hours=6)


class RoutineRefused(Explained, ValueError):
    """Why a routine cannot be saved or found, said in the person's language."""


_UNKNOWN_SPOT = N_("I don't know that spot; pick one of the buttons.")
_GONE = N_("That routine no longer exists.")


@dataclass(frozen=True)
class CapNote:
    """What a cap changed in a routine as written, and why; said in the reader's language."""

    rounds: int = 0  # rounds asked for, when more than a hold runs (else 0)
    asked: int = 0  # seconds asked for a press, when over its cap (else 0)
    cap: int = 0
    pressure: bool = False

    def said(self, t: Translator) -> str:
        if self.rounds:
            return t.gettext(
                "%(rounds)d rounds is more than one hold runs; it runs %(most)d, "
                "and you can start it again."
            ) % {"rounds": self.rounds, "most": MAX_ROUNDS}
        why = (
            t.gettext(PRESSURE_WHY)
            if self.pressure
            else t.gettext("Longer is not better; start it again later.")
        )
        return (
            t.gettext("%(asked)s is longer than this hold goes, so it holds for %(cap)s.")
            % {
                "asked": _spoken(self.asked, t),
                "cap": _spoken(self.cap, t),
            }
            + f" {why}"
        )


@dataclass(frozen=True)
class Fields:
    """A routine as written, before the caps."""

    name: str
    area: str
    steps: tuple[str, ...]
    press_seconds: int
    rounds: int
    rest_seconds: int | None = None  # None: the default for its kind
    pressure: bool = False


@dataclass(frozen=True)
class Saved:
    routine: Routine
    notes: tuple[CapNote, ...] = ()  # what the caps changed, and why
    updated: bool = False  # a routine of that name was there and is now this


@dataclass
class Draft:
    """What `/routine new` has been told so far, and what it asks next."""

    step: str
    said: dict[str, Any] = field(default_factory=dict)
    routine_id: int | None = None  # the routine being edited


def default_rest(pressure: bool, press_seconds: int) -> int:
    """A pause between rounds when the sheet names none: a knot gets longer to settle."""
    if pressure:
        return 15
    return 3 if press_seconds <= 10 else 10


def capped(fields: Fields) -> tuple[Fields, tuple[CapNote, ...]]:
    """The shipped hold rules applied to a routine as written: a press never over its cap (60 s
    for pressure), at most MAX_ROUNDS rounds at once. The notes say what changed and why."""
    notes: list[CapNote] = []
    cap = press_cap(fields.pressure)
    press, rounds = fields.press_seconds, fields.rounds
    if press > cap:
        notes.append(CapNote(asked=press, cap=cap, pressure=fields.pressure))
        press = cap
    if rounds > MAX_ROUNDS:
        notes.append(CapNote(rounds=rounds))
        rounds = MAX_ROUNDS
    rest = fields.rest_seconds
    if rest is None:
        rest = default_rest(fields.pressure, press)
    rest = max(0, min(rest, cap))
    return replace(fields, press_seconds=press, rounds=rounds, rest_seconds=rest), tuple(notes)


def _spoken(seconds: int, t: Translator) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return t.ngettext("%(count)d minute", "%(count)d minutes", seconds // 60) % {
            "count": seconds // 60
        }
    return t.ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


class RoutineService:
    def __init__(self, *, db: Database, clock: Clock, content: ContentLibrary) -> None:
        self._db = db
        self._clock = clock
        self._content = content

    def use_content(self, content: ContentLibrary) -> None:
        self._content = content

    @property
    def content(self) -> ContentLibrary:
        return self._content

    async def mine(self, ref: UserRef) -> list[Routine]:
        async with self._db.transaction() as tx:
            user = await tx.users.get(ref.platform, ref.user_id)
            if user is None:
                return []
            return [from_row(r) for r in await tx.routines.of_user(user.id)]

    async def own(self, ref: UserRef, routine_id: int) -> Routine | None:
        """The routine numbered `routine_id` if it is this person's, else None."""
        async with self._db.transaction() as tx:
            user = await tx.users.get(ref.platform, ref.user_id)
            row = await tx.routines.own(user.id, routine_id) if user else None
            return from_row(row) if row else None

    async def find(self, ref: UserRef, said: str, *, exact: bool = False) -> Routine | None:
        """Their routine by a forgiving name ('Chin-tucks', 'chin tuck'); `exact`: only the same
        name, whatever its case, spaces and punctuation."""
        number = routine_number(said.strip())
        if number is not None:  # "routine-12", as a hold cut short by a restart names it
            return await self.own(ref, number)
        key = name_key(said)
        if not key:
            return None
        mine = await self.mine(ref)
        keys = {name_key(r.name): r for r in mine}
        if key in keys:
            return keys[key]
        if exact:
            return None
        starting = [r for k, r in keys.items() if k.startswith(key) and len(key) * 2 >= len(k)]
        if len(starting) == 1:
            return starting[0]
        close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.8)
        return keys[close[0]] if close else None

    async def save(self, ref: UserRef, fields: Fields, routine_id: int | None = None) -> Saved:
        """Store a routine (capped), or change `routine_id` (its owner's, checked before); a
        new routine with the name of one they have replaces that one."""
        if self._content.area(fields.area) is None:
            raise RoutineRefused(_UNKNOWN_SPOT)
        kept, notes = capped(fields)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            key = name_key(kept.name)
            row = await tx.routines.own(user.id, routine_id) if routine_id else None
            same_name = await tx.routines.by_key(user.id, key)
            if row is None:
                row = same_name
            elif same_name is not None and same_name.id != row.id:
                raise RoutineRefused(
                    N_("You have another routine called \u201c%(name)s\u201d; pick another name."),
                    name=same_name.name,
                )
            updated = row is not None
            if row is None:
                if await tx.routines.count(user.id) >= MAX_PER_PERSON:
                    raise RoutineRefused(
                        N_(
                            "You have %(count)d routines already; delete one first "
                            "(/routine lists them)."
                        ),
                        count=MAX_PER_PERSON,
                    )
                row = RoutineRow(user_id=user.id, created_at=now)
            row.name, row.name_key, row.area_id = kept.name, key, kept.area
            row.steps = json.dumps(list(kept.steps), ensure_ascii=False)
            row.press_seconds, row.rounds = kept.press_seconds, kept.rounds
            row.rest_seconds = kept.rest_seconds if kept.rest_seconds is not None else 0
            row.pressure, row.updated_at = kept.pressure, now
            await tx.routines.add(row)
            await tx.routines.drop_draft(user.id)
            return Saved(from_row(row), notes, updated)

    async def set_pressure(self, routine_id: int) -> Saved:
        """It presses on a spot: from now on a pressure hold, with that cap and daily limit."""
        async with self._db.transaction() as tx:
            row = await tx.routines.get(routine_id)
            if row is None:
                raise RoutineRefused(_GONE)
            routine = from_row(row)
        fields = Fields(
            routine.name, routine.area, routine.steps, routine.press_seconds, routine.rounds,
            None, pressure=True,
        )  # fmt: skip
        async with self._db.transaction() as tx:
            row = await tx.routines.get(routine_id)
            assert row is not None
            kept, notes = capped(fields)
            row.pressure, row.press_seconds = True, kept.press_seconds
            row.rest_seconds = max(row.rest_seconds, kept.rest_seconds or 0)
            row.updated_at = self._clock.now()
            return Saved(from_row(row), notes, True)

    async def delete(self, routine_id: int) -> Routine | None:
        async with self._db.transaction() as tx:
            row = await tx.routines.get(routine_id)
            if row is None:
                return None
            gone = from_row(row)
            await tx.routines.delete(routine_id)
            return gone

    async def get(self, routine_id: int) -> Routine | None:
        """By number: only after `bot.access` said it is the presser's."""
        async with self._db.transaction() as tx:
            row = await tx.routines.get(routine_id)
            return from_row(row) if row else None

    async def for_reminder(self, reminder_id: int) -> Routine | None:
        """The routine a reminder offers to start, if it still exists."""
        async with self._db.transaction() as tx:
            found = await tx.reminders.get(reminder_id)
            if found is None or found.routine_id is None:
                return None
            row = await tx.routines.own(found.user_id or 0, found.routine_id)
            return from_row(row) if row else None

    # -- the step-by-step conversation -----------------------------------------------------

    async def draft(self, ref: UserRef) -> Draft | None:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            user = await tx.users.get(ref.platform, ref.user_id)
            row = await tx.routines.draft(user.id) if user else None
            if row is None or user is None:
                return None
            if now - row.updated_at > DRAFT_TTL:
                await tx.routines.drop_draft(user.id)
                return None
            try:
                said = json.loads(row.data)
            except ValueError:
                said = {}
            return Draft(row.step, said if isinstance(said, dict) else {}, row.routine_id)

    async def keep_draft(self, ref: UserRef, draft: Draft) -> None:
        now = self._clock.now()
        async with self._db.transaction() as tx:
            user = await tx.users.ensure(ref, now)
            await tx.routines.put_draft(
                user.id,
                step=draft.step,
                data=json.dumps(draft.said, ensure_ascii=False),
                routine_id=draft.routine_id,
                now=now,
            )

    async def drop_draft(self, ref: UserRef) -> bool:
        async with self._db.transaction() as tx:
            user = await tx.users.get(ref.platform, ref.user_id)
            if user is None or await tx.routines.draft(user.id) is None:
                return False
            await tx.routines.drop_draft(user.id)
            return True
