"""Translations in content files: each one complete, nothing extra, and what is not yet
translated.

A translation (`translations: {de: {...}}` on an item) must carry every text the English
has (missing ones are a problem), only texts of that item (extra ones are a problem), as many
entries in a list as the English. An item with no translation for a language is shown in
English there: `knotbot content check` lists those as not yet translated, without failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bot.content.models import _Translatable
from bot.i18n import LANGUAGES
from bot.i18n.choose import ENGLISH

# Language names for messages to content editors (who write in English).
_IN_ENGLISH = {"de": "German", "es": "Spanish", "en": "English"}


@dataclass(frozen=True)
class Gap:
    """One problem, or one item not yet translated, named by file and field."""

    file: str
    field: str
    message: str


def translation_problems(file: str, model: BaseModel) -> list[Gap]:
    """Every missing or extra text in the translations `model` carries."""
    problems: list[Gap] = []
    for path, item in _items(model, ""):
        for language, texts in item.translations.items():
            where = _join(path, f"translations.{language}")
            if language not in LANGUAGES or language == ENGLISH:
                others = ", ".join(lang for lang in LANGUAGES if lang != ENGLISH)
                problems.append(
                    Gap(
                        file,
                        where,
                        f"extra translation: knotbot does not speak '{language}' "
                        f"(it speaks {others} besides English)",
                    )
                )
                continue
            name = _IN_ENGLISH.get(language, language)
            for field in texts:
                if field not in item.TRANSLATABLE:
                    known = ", ".join(item.TRANSLATABLE) or "none"
                    problems.append(
                        Gap(
                            file,
                            f"{where}.{field}",
                            f"extra translation: '{field}' is not a "
                            f"text of this item (its texts: {known})",
                        )
                    )
            for field in item.TRANSLATABLE:
                english = getattr(item, field, None)
                if not english:
                    continue
                said = texts.get(field)
                if said is None:
                    problems.append(Gap(file, f"{where}.{field}", f"missing {name} translation"))
                elif isinstance(english, tuple) != isinstance(said, tuple):
                    kind = "a list" if isinstance(english, tuple) else "one text"
                    problems.append(
                        Gap(file, f"{where}.{field}", f"should be {kind}, as in English")
                    )
                elif isinstance(english, tuple) and len(said) != len(english):
                    problems.append(
                        Gap(
                            file,
                            f"{where}.{field}",
                            f"has {len(said)} entries; the English has "
                            f"{len(english)} (translate each one)",
                        )
                    )
    return problems


def untranslated(file: str, model: BaseModel) -> dict[str, list[Gap]]:
    """Per language, the items with texts but no translation yet (shown in English)."""
    gaps: dict[str, list[Gap]] = {lang: [] for lang in LANGUAGES if lang != ENGLISH}
    for path, item in _items(model, ""):
        if not any(getattr(item, field, None) for field in item.TRANSLATABLE):
            continue
        for language, found in gaps.items():
            if language not in item.translations:
                found.append(Gap(file, path or "(top level)", "not yet translated"))
    return gaps


def _items(node: Any, path: str) -> Iterator[tuple[str, _Translatable]]:
    """Every translatable item inside `node`, with its field path ("techniques[0] (ball-wall)")."""
    if isinstance(node, _Translatable):
        yield path, node
    if isinstance(node, BaseModel):
        for name, value in node:
            if name != "translations":
                yield from _items(value, _join(path, name))
    elif isinstance(node, tuple):
        for i, value in enumerate(node):
            label = f"{path}[{i}]"
            if isinstance(getattr(value, "id", None), str):
                label += f" ({value.id})"
            yield from _items(value, label)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _items(value, _join(path, str(key)))


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field
