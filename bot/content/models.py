"""Pydantic models of the content files: what a non-programmer may write, checked on load."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.content.durations import seconds_named
from bot.content.red_flags import parse_pattern, parse_phrase

# Ids travel inside button ids (Telegram allows 64 bytes per button), so keep them short.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=24)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
# The one line under a technique's title in /knot: the whole answer must fit a phone screen.
ShortLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=90)]

# A pressure hold may never press longer than this, whatever a content file says.
PRESSURE_CAP_CEILING_SECONDS = 60
# Nothing runs longer than this as one phase.
PHASE_CEILING_SECONDS = 30 * 60


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A translation of one item's texts: the same field names, in another language.
Translation = dict[str, Line | tuple[Line, ...]]


class _Translatable(_Strict):
    """An item whose texts people read: next to the English, `translations` may carry them in
    each other language knotbot speaks (`translations: {de: {name: ..., summary: ...}}`).
    `bot/content/translations.py` checks that a translation has each text and nothing else."""

    # The fields read by people, in the order a translator meets them.
    TRANSLATABLE: ClassVar[tuple[str, ...]] = ()
    translations: dict[str, Translation] = Field(default_factory=dict)

    def localized(self, language: str) -> Self:
        """This item in `language`: its translated texts, and its parts' (English where
        there is no translation)."""
        update: dict[str, Any] = {}
        for name, value in self:
            if isinstance(value, _Translatable):
                update[name] = value.localized(language)
            elif isinstance(value, tuple) and value and isinstance(value[0], _Translatable):
                update[name] = tuple(item.localized(language) for item in value)
            elif (
                isinstance(value, dict)
                and value
                and isinstance(next(iter(value.values())), _Translatable)
            ):
                update[name] = {key: item.localized(language) for key, item in value.items()}
        for name, text in self.translations.get(language, {}).items():
            if name in self.TRANSLATABLE:
                update[name] = text
        return self.model_copy(update=update) if update else self


class Area(_Translatable):
    TRANSLATABLE = ("name", "summary")

    id: Slug
    name: Line
    summary: Line
    aliases: tuple[Line, ...] = ()
    daily_round_limit: int = Field(ge=1, le=20)


class Phase(_Translatable):
    TRANSLATABLE: ClassVar[tuple[str, ...]] = ("label", "text")

    seconds: int = Field(ge=0, le=PHASE_CEILING_SECONDS)
    # The short name shown with the countdown ("Press: 12 s"); each phase has a default.
    label: str | None = Field(default=None, min_length=1, max_length=40)
    text: str = Field(default="", max_length=300)


class PressPhase(Phase):
    TRANSLATABLE = ("label", "text", "cues")

    seconds: int = Field(ge=1, le=PHASE_CEILING_SECONDS)
    text: Line
    max_seconds: int = Field(ge=1, le=PHASE_CEILING_SECONDS)
    cue_every_seconds: int | None = Field(default=None, ge=10)
    cues: tuple[Line, ...] = ()

    @model_validator(mode="after")
    def _within_cap(self) -> PressPhase:
        if self.seconds > self.max_seconds:
            raise ValueError(
                f"seconds ({self.seconds}) is longer than the hard cap max_seconds "
                f"({self.max_seconds})"
            )
        if self.cues and not self.cue_every_seconds:
            raise ValueError("cues need cue_every_seconds")
        return self


class HoldPlan(_Translatable):
    TRANSLATABLE = ("done",)

    pressure: bool
    rounds: int = Field(ge=1, le=10)
    prepare: Phase
    press: PressPhase
    release: Phase
    rest: Phase
    done: Line

    @model_validator(mode="after")
    def _pressure_is_short(self) -> HoldPlan:
        if self.pressure and self.press.max_seconds > PRESSURE_CAP_CEILING_SECONDS:
            raise ValueError(
                f"press.max_seconds ({self.press.max_seconds}) is over "
                f"{PRESSURE_CAP_CEILING_SECONDS} s, too long for a pressure hold"
            )
        return self

    @property
    def total_seconds(self) -> int:
        """The whole routine: prepare, then rounds of press and release, rests between rounds."""
        per_round = self.press.seconds + self.release.seconds
        return (
            self.prepare.seconds + self.rounds * per_round + (self.rounds - 1) * self.rest.seconds
        )


class Technique(_Translatable):
    TRANSLATABLE = ("title", "line", "summary", "equipment", "steps", "cautions")

    id: Slug
    title: Line
    # Other names people use for it or its equipment ("lacrosse ball", "ball on a cord").
    aliases: tuple[Line, ...] = ()
    areas: tuple[Slug, ...] = Field(min_length=1)
    line: ShortLine
    equipment: tuple[Line, ...] = ()
    summary: Line
    steps: tuple[Line, ...] = Field(min_length=1)
    cautions: tuple[Line, ...] = Field(min_length=1)
    hold: HoldPlan | None = None

    @field_validator("hold")
    @classmethod
    def _cap_keeps_the_cautions_promise(
        cls, hold: HoldPlan | None, info: ValidationInfo
    ) -> HoldPlan | None:
        """A caution saying "about 20 seconds, never longer" is a promise the hard cap keeps."""
        if hold is None:
            return hold
        for i, said in enumerate(info.data.get("cautions", ())):
            promised = min(seconds_named(said), default=None)
            if promised is not None and promised < hold.press.max_seconds:
                raise ValueError(
                    f"press.max_seconds ({hold.press.max_seconds}) is longer than cautions[{i}] "
                    f"promises ({promised} s); lower the cap or change the caution"
                )
        return hold


class ReminderKind(_Translatable):
    TRANSLATABLE = ("title", "texts")

    title: Line
    texts: tuple[Line, ...] = Field(min_length=2)


class SeeAProfessional(_Translatable):
    TRANSLATABLE = ("intro", "signs", "urgent")

    intro: Line
    signs: tuple[Line, ...] = Field(min_length=1)
    urgent: Line


def _pattern(text: str) -> str:
    parse_pattern(text)  # raises ValueError saying what is wrong
    return text


def _phrase(text: str) -> str:
    parse_phrase(text)
    return text


# Red-flag patterns in the small language of bot/content/red_flags.py ("fever + back ... pain").
PatternText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_pattern),
]
PhraseText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_phrase),
]


class RedFlag(_Translatable):
    """A sign that needs a professional first; its advice leads any reply that mentions it."""

    TRANSLATABLE = ("advice", "gentle")

    id: Slug
    urgent: bool  # the advice says to call emergency services now
    advice: Line
    gentle: Line  # one line, when every mention is negated ("no numbness")
    patterns: tuple[PatternText, ...] = Field(min_length=1)
    # Phrases that look like a pattern but are not one ("fell asleep" is not a fall).
    unless: tuple[PhraseText, ...] = ()


class Safety(_Translatable):
    TRANSLATABLE = ("notice", "own_routine")

    notice: Line
    # The standing caution on a person's own routine (/routine): it is their plan, unchecked.
    own_routine: Line = (
        "This is your own plan, as you typed it: knotbot has not checked it. Follow what your "
        "physiotherapist or doctor told you, and stop if it hurts."
    )
    see_a_professional: SeeAProfessional
    red_flags: tuple[RedFlag, ...] = Field(min_length=1)

    @field_validator("red_flags")
    @classmethod
    def _ids_unique(cls, flags: tuple[RedFlag, ...]) -> tuple[RedFlag, ...]:
        ids = [f.id for f in flags]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"the id '{twice[0]}' is used twice")
        return flags


class Understanding(_Strict):
    """Plain words ("I clench my teeth") that mean a spot, the techniques to show first, and
    a reminder worth offering."""

    id: Slug
    # In the red-flag pattern language: `...` allows a few words between, `|` either word,
    # `+` both parts anywhere in the message; any form of a word matches (clench, clenching).
    phrases: tuple[PatternText, ...] = Field(min_length=1)
    area: Slug
    techniques: tuple[Slug, ...] = ()  # shown first, in this order; the area's others follow
    reminder: Slug | None = None  # a kind in reminders.yaml, offered as a one-tap button


class CuratedTip(_Translatable):
    TRANSLATABLE = ("text",)

    area: Slug | None = None
    text: Line


# The shapes of the files themselves.
class AreasFile(_Strict):
    areas: tuple[Area, ...] = Field(min_length=1)


class TechniquesFile(_Strict):
    techniques: tuple[Technique, ...] = Field(min_length=1)


class RemindersFile(_Strict):
    kinds: dict[Slug, ReminderKind] = Field(min_length=1)


class TipsFile(_Strict):
    tips: tuple[CuratedTip, ...] = ()


class UnderstandingFile(_Strict):
    understanding: tuple[Understanding, ...] = Field(min_length=1)


def normalize_name(text: str) -> str:
    """Fold a spoken name to a key: case, spaces, hyphens and punctuation don't matter."""
    return re.sub(r"[\W_]+", "", text.casefold())
