"""The loaded content and the forgiving lookups the commands need."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.content.models import (
    Area,
    CuratedTip,
    ReminderKind,
    Safety,
    Technique,
    Understanding,
    normalize_name,
)
from bot.content.plain_words import PlainWords
from bot.content.red_flags import RedFlagIndex
from bot.i18n.choose import ENGLISH, LANGUAGES

# Longer input is cut before matching: nobody names a body part in 80 characters.
_MAX_LOOKUP_CHARS = 80

T = TypeVar("T")


@dataclass(frozen=True)
class Lookup(Generic[T]):
    """The result of a forgiving lookup: a sure match, or close suggestions, or nothing."""

    match: T | None
    suggestions: tuple[T, ...] = ()


def lookup_key(text: str) -> str:
    return normalize_name(unicodedata.normalize("NFKC", text[:_MAX_LOOKUP_CHARS]))


@dataclass(frozen=True)
class ContentLibrary:
    areas: tuple[Area, ...]
    techniques: tuple[Technique, ...]
    reminder_kinds: Mapping[str, ReminderKind]
    safety: Safety
    curated_tips: tuple[CuratedTip, ...]
    understanding: tuple[Understanding, ...] = ()
    # The language of the texts; the English library also holds one per other language.
    language: str = ENGLISH
    # Per language, the items not yet translated there ("techniques.yaml: techniques[0]
    # (ball-wall)"): they are shown in English.
    untranslated: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # In a translated library: the curated tips' English, in order (communities store that).
    curated_english: tuple[str, ...] = field(default=(), compare=False)
    _languages: dict[str, ContentLibrary] = field(init=False, repr=False, compare=False)
    _area_names: dict[str, Area] = field(init=False, repr=False, compare=False)
    _technique_names: dict[str, Technique] = field(init=False, repr=False, compare=False)
    # The red flags' patterns, parsed once here rather than for every message.
    red_flag_index: RedFlagIndex = field(init=False, repr=False, compare=False)
    plain_words: PlainWords = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        area_names: dict[str, Area] = {}
        for area in self.areas:
            for name in (area.id, area.name, *area.aliases):
                area_names.setdefault(normalize_name(name), area)
        tech_names: dict[str, Technique] = {}
        for tech in self.techniques:
            for name in (tech.id, tech.title, *tech.aliases):
                tech_names.setdefault(normalize_name(name), tech)
        object.__setattr__(self, "_area_names", area_names)
        object.__setattr__(self, "_technique_names", tech_names)
        object.__setattr__(self, "red_flag_index", RedFlagIndex(self.safety.red_flags))
        object.__setattr__(self, "plain_words", PlainWords(self.understanding))
        languages: dict[str, ContentLibrary] = {self.language: self}
        if self.language == ENGLISH:  # built once, at load: read-only afterwards
            for language in LANGUAGES:
                if language != ENGLISH:
                    languages[language] = self._localized(language)
        object.__setattr__(self, "_languages", languages)

    def in_language(self, language: str) -> ContentLibrary:
        """The same content with its texts in `language` (English where not translated)."""
        return self._languages.get(language) or self._languages.get(ENGLISH, self)

    def _localized(self, language: str) -> ContentLibrary:
        return ContentLibrary(
            areas=tuple(a.localized(language) for a in self.areas),
            techniques=tuple(t.localized(language) for t in self.techniques),
            reminder_kinds={k: v.localized(language) for k, v in self.reminder_kinds.items()},
            safety=self.safety.localized(language),
            curated_tips=tuple(tip.localized(language) for tip in self.curated_tips),
            understanding=self.understanding,
            language=language,
            untranslated=self.untranslated,
            curated_english=tuple(tip.text for tip in self.curated_tips),
        )

    def curated_text(self, english: str) -> str:
        """A curated tip (as stored in a community, in English) in this library's language;
        `english` itself when it is no curated tip or has no translation."""
        for original, here in zip(self.curated_english, self.curated_tips, strict=False):
            if original == english:
                return here.text
        return english

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def technique(self, technique_id: str) -> Technique | None:
        return next((t for t in self.techniques if t.id == technique_id), None)

    def techniques_for(self, area_id: str, first: tuple[str, ...] = ()) -> tuple[Technique, ...]:
        """The area's techniques in file order, except those named in `first`, which lead."""
        mine = [t for t in self.techniques if area_id in t.areas]
        rank = {tech_id: i for i, tech_id in enumerate(first)}
        return tuple(sorted(mine, key=lambda t: rank.get(t.id, len(rank))))

    def holdable_for(self, area_id: str) -> tuple[Technique, ...]:
        return tuple(t for t in self.techniques_for(area_id) if t.hold is not None)

    def area_named(self, text: str) -> Area | None:
        """The area whose id or name this is exactly ('upper back', 'Jaw'), aliases aside."""
        key = lookup_key(text)
        return next((a for a in self.areas if key in (lookup_key(a.id), lookup_key(a.name))), None)

    def find_area(self, text: str) -> Lookup[Area]:
        """'Upper Back', 'upperback', 'traps', 'uper back', 'knot in my upper back' all work."""
        return _find(lookup_key(text), self._area_names)

    def find_technique(self, text: str) -> Lookup[Technique]:
        """By id, title or alias: 'two balls', 'lacrosse ball', 'tennis ball in a sock'."""
        return _find(lookup_key(text), self._technique_names)

    def understand(self, said: str) -> Understanding | None:
        """What plain words mean ("I clench my teeth": the jaw), from understanding.yaml."""
        return self.plain_words.find(said)


def _find(key: str, names: dict[str, T]) -> Lookup[T]:
    if not key:
        return Lookup(None)
    if key in names:
        return Lookup(names[key])
    # A known name inside longer text ("a knot in my upper back"): sure if only one item fits.
    # A name inside a longer contained name ('shoulder' in 'shoulderblades') does not count.
    inside = [name for name in names if len(name) >= 3 and name in key]
    longest = [n for n in inside if not any(n != other and n in other for other in inside)]
    contained = _unique([names[n] for n in longest])
    if len(contained) == 1:
        return Lookup(contained[0])
    # The start of a name ("two balls" for "two-balls-sock"): sure if only one item fits.
    prefixed = _unique(
        [
            n_item
            for name, n_item in names.items()
            if name.startswith(key) and len(key) * 2 >= len(name)
        ]
    )
    if len(prefixed) == 1 and not contained:
        return Lookup(prefixed[0])
    close = difflib.get_close_matches(key, names.keys(), n=6, cutoff=0.6)
    return Lookup(None, tuple(_unique(contained + [names[n] for n in close]))[:3])


def _unique(items: list[T]) -> list[T]:
    seen: list[T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
