"""A routine as the core uses it, its limits, and the hold plan it runs as.

A routine runs through the same hold machinery as the shipped techniques (`bot.holds`), as a
`Technique` made on the spot: so its caps are the shipped caps (a pressure phase never over
60 s, the spot's daily round limit) and its message is the shipped hold's message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.content import ContentLibrary
from bot.content.models import (
    PHASE_CEILING_SECONDS,
    PRESSURE_CAP_CEILING_SECONDS,
    HoldPlan,
    Phase,
    PressPhase,
    Technique,
)
from bot.i18n import N_, Translator, translator
from bot.storage.schema import Routine as RoutineRow

MAX_NAME = 60
MAX_STEPS = 8
MAX_STEP_CHARS = 200
MAX_ROUNDS = 10  # the most rounds any hold runs in one go (content's own limit)
# A stretch or movement (no pressure) may hold longer, but one phase never runs past this.
STRETCH_CAP_SECONDS = 5 * 60
# Technique ids of routines: "routine-12". Never a shipped id (content ids carry no digits
# after "routine-"), and it travels in hold rows and Start anyway buttons.
ID_PREFIX = "routine-"
PRESSURE_WHY = N_(
    "Pressing a knot longer than 60 seconds makes it hurt more the next day, not less, "
    "so knotbot never presses longer."
)


@dataclass(frozen=True)
class Routine:
    id: int
    name: str
    area: str  # an area id from content
    steps: tuple[str, ...]
    press_seconds: int
    rounds: int
    rest_seconds: int
    pressure: bool

    @property
    def technique_id(self) -> str:
        return f"{ID_PREFIX}{self.id}"

    def snapshot(self) -> str:
        """The routine without its number or owner, as a shared tip keeps it (JSON)."""
        return json.dumps(
            {
                "name": self.name,
                "area": self.area,
                "steps": list(self.steps),
                "press_seconds": self.press_seconds,
                "rounds": self.rounds,
                "rest_seconds": self.rest_seconds,
                "pressure": self.pressure,
            },
            ensure_ascii=False,
        )


def press_cap(pressure: bool) -> int:
    return PRESSURE_CAP_CEILING_SECONDS if pressure else STRETCH_CAP_SECONDS


def from_row(row: RoutineRow) -> Routine:
    return Routine(
        id=row.id,
        name=row.name,
        area=row.area_id,
        steps=tuple(json.loads(row.steps)),
        press_seconds=row.press_seconds,
        rounds=row.rounds,
        rest_seconds=row.rest_seconds,
        pressure=row.pressure,
    )


def from_snapshot(text: str) -> dict[str, Any] | None:
    """A shared routine's fields, or None if the stored copy is not one (checked, not trusted)."""
    try:
        data = json.loads(text)
        fields = {
            "name": str(data["name"])[:MAX_NAME],
            "area": str(data["area"]),
            "steps": tuple(str(s)[:MAX_STEP_CHARS] for s in data["steps"])[:MAX_STEPS],
            "pressure": bool(data["pressure"]),
            "rounds": max(1, min(int(data["rounds"]), MAX_ROUNDS)),
            "rest_seconds": max(0, min(int(data["rest_seconds"]), STRETCH_CAP_SECONDS)),
        }
        fields["press_seconds"] = max(
            1, min(int(data["press_seconds"]), press_cap(fields["pressure"]))
        )
    except (ValueError, TypeError, KeyError):
        return None
    return fields


def technique_of(
    routine: Routine, content: ContentLibrary, t: Translator | None = None
) -> Technique:
    """The routine as a technique the hold manager runs: capped like the shipped holds, its
    steps on the frames, and the standing caution that it is the person's own plan. `content`
    and `t` in the person's language: the words around their steps are said in it."""
    t = t or translator("en")
    cap = press_cap(routine.pressure)
    press = max(1, min(routine.press_seconds, cap))
    said = " ".join(routine.steps)[:300] or routine.name
    cautions = [content.safety.own_routine]
    if routine.pressure:
        cautions.append(t.gettext(PRESSURE_WHY))
    if routine.steps:
        ready = t.gettext("Get into position: %(step)s") % {"step": routine.steps[0]}
    else:
        ready = t.gettext("Get into position.")
    plan = HoldPlan(
        pressure=routine.pressure,
        rounds=max(1, min(routine.rounds, MAX_ROUNDS)),
        prepare=Phase(seconds=5, text=ready[:300]),
        press=PressPhase(
            seconds=press,
            max_seconds=cap,
            label=t.gettext("Press") if routine.pressure else t.gettext("Hold"),
            text=said,
        ),
        release=Phase(
            seconds=min(routine.rest_seconds, PHASE_CEILING_SECONDS), label=t.gettext("Let go")
        ),
        rest=Phase(seconds=0),
        done=t.gettext("That was your routine. Well done."),
    )
    # Built without the content check that a caution's durations bound the cap: that check
    # is for content files, and would read "as you typed it" as "a s(econd)". The caps are
    # the plan's own checks above (a pressure press never over 60 s).
    return Technique.model_construct(
        id=routine.technique_id,
        title=routine.name,
        areas=(routine.area,),
        line=f"{routine.rounds} \u00d7 {press} s"[:90],
        summary=routine.name,
        steps=routine.steps or (routine.name,),
        cautions=tuple(cautions),
        aliases=(),
        equipment=(),
        hold=plan,
    )


def routine_number(technique_id: str) -> int | None:
    """12 for "routine-12"; None for a shipped technique's id."""
    rest = technique_id.removeprefix(ID_PREFIX)
    if rest == technique_id or not rest.isascii() or not rest.isdigit() or len(rest) > 15:
        return None
    return int(rest)
