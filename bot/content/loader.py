"""Read and validate a content folder; every problem names its file and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.library import ContentLibrary
from bot.content.models import (
    AreasFile,
    RemindersFile,
    Safety,
    TechniquesFile,
    TipsFile,
    UnderstandingFile,
    normalize_name,
)
from bot.content.translations import translation_problems, untranslated

# file name -> the model its top level must match
FILES: dict[str, type[BaseModel]] = {
    "areas.yaml": AreasFile,
    "techniques.yaml": TechniquesFile,
    "reminders.yaml": RemindersFile,
    "safety.yaml": Safety,
    "tips.yaml": TipsFile,
    "understanding.yaml": UnderstandingFile,
}


@dataclass(frozen=True)
class ContentProblem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found, so one run of `knotbot content check` shows them all."""

    def __init__(self, folder: Path, problems: list[ContentProblem]) -> None:
        self.folder = folder
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"Content in {self.folder} has {len(self.problems)} problem(s):"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def load_content(folder: Path) -> ContentLibrary:
    """Load every content file in `folder`, or raise ContentError listing all problems."""
    problems: list[ContentProblem] = []
    parsed: dict[str, Any] = {}
    not_yet: dict[str, list[str]] = {}  # per language, items shown in English
    if not folder.is_dir():
        raise ContentError(folder, [ContentProblem(str(folder), "", "is not a folder")])
    for name, model in FILES.items():
        path = folder / name
        raw = _read_yaml(path, problems)
        if raw is None:
            continue
        try:
            parsed[name] = model.model_validate(raw)
        except ValidationError as exc:
            problems += [
                ContentProblem(name, _field_path(err["loc"], raw), _message(err))
                for err in exc.errors()
            ]
            continue
        problems += [
            ContentProblem(gap.file, gap.field, gap.message)
            for gap in translation_problems(name, parsed[name])
        ]
        for language, gaps in untranslated(name, parsed[name]).items():
            not_yet.setdefault(language, []).extend(f"{g.file}: {g.field}" for g in gaps)
    if len(parsed) == len(FILES):
        problems += _cross_checks(
            parsed["areas.yaml"], parsed["techniques.yaml"], parsed["tips.yaml"]
        )
        problems += _technique_names(parsed["techniques.yaml"])
        problems += _understanding_checks(
            parsed["understanding.yaml"],
            {a.id for a in parsed["areas.yaml"].areas},
            parsed["techniques.yaml"],
            parsed["reminders.yaml"],
        )
    if problems:
        raise ContentError(folder, problems)
    return ContentLibrary(
        areas=parsed["areas.yaml"].areas,
        techniques=parsed["techniques.yaml"].techniques,
        reminder_kinds=parsed["reminders.yaml"].kinds,
        safety=parsed["safety.yaml"],
        curated_tips=parsed["tips.yaml"].tips,
        understanding=parsed["understanding.yaml"].understanding,
        untranslated={language: tuple(items) for language, items in not_yet.items()},
    )


def _read_yaml(path: Path, problems: list[ContentProblem]) -> Any:
    if not path.is_file():
        problems.append(ContentProblem(path.name, "", "file is missing"))
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problems.append(ContentProblem(path.name, "", f"is not UTF-8 text ({exc.reason})"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(ContentProblem(path.name, where, f"is not valid YAML: {reason}"))
        return None
    if not isinstance(data, dict):
        problems.append(ContentProblem(path.name, "", "must be a mapping at the top level"))
        return None
    return data


def _field_path(loc: Iterable[int | str], raw: Any) -> str:
    """('techniques', 2, 'hold') -> 'techniques[2] (ball-wall).hold', naming items by id."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                label += f" ({node['id']})"
            parts.append(label)
        else:
            if parts:
                parts.append(".")
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def _message(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        return "is required"
    if err["type"] == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if err["type"] == "too_short" and isinstance(err.get("ctx"), dict):
        least = err["ctx"].get("min_length", 1)
        return f"needs at least {least} {'entry' if least == 1 else 'entries'}"
    if err["type"] == "string_type" and isinstance(err.get("input"), dict):
        return "should be text; put it in quotes when it contains ': '"
    return msg


def _cross_checks(
    areas: AreasFile, techniques: TechniquesFile, tips: TipsFile
) -> list[ContentProblem]:
    problems: list[ContentProblem] = []
    area_ids = {a.id for a in areas.areas}
    seen_names: dict[str, str] = {}
    for i, area in enumerate(areas.areas):
        for name in (area.id, area.name, *area.aliases):
            key = normalize_name(name)
            owner = seen_names.setdefault(key, area.id)
            if owner != area.id:
                problems.append(
                    ContentProblem(
                        "areas.yaml",
                        f"areas[{i}] ({area.id}).aliases",
                        f"'{name}' is already a name of area '{owner}'",
                    )
                )
    if len(area_ids) != len(areas.areas):
        problems.append(ContentProblem("areas.yaml", "areas", "two areas share an id"))
    seen_ids: set[str] = set()
    for i, tech in enumerate(techniques.techniques):
        where = f"techniques[{i}] ({tech.id})"
        if tech.id in seen_ids:
            problems.append(ContentProblem("techniques.yaml", f"{where}.id", "is used twice"))
        seen_ids.add(tech.id)
        for area in tech.areas:
            if area not in area_ids:
                problems.append(
                    ContentProblem(
                        "techniques.yaml",
                        f"{where}.areas",
                        f"'{area}' is not an area in areas.yaml",
                    )
                )
    for area in area_ids - {a for t in techniques.techniques for a in t.areas}:
        problems.append(
            ContentProblem("techniques.yaml", "techniques", f"no technique for area '{area}'")
        )
    for i, tip in enumerate(tips.tips):
        if tip.area is not None and tip.area not in area_ids:
            problems.append(
                ContentProblem("tips.yaml", f"tips[{i}].area", f"'{tip.area}' is not an area")
            )
    return problems


def _technique_names(techniques: TechniquesFile) -> list[ContentProblem]:
    """A name (id, title or alias) leads to one technique only."""
    problems: list[ContentProblem] = []
    seen: dict[str, str] = {}
    for i, tech in enumerate(techniques.techniques):
        for name in (tech.id, tech.title, *tech.aliases):
            owner = seen.setdefault(normalize_name(name), tech.id)
            if owner != tech.id:
                problems.append(
                    ContentProblem(
                        "techniques.yaml",
                        f"techniques[{i}] ({tech.id}).aliases",
                        f"'{name}' is already a name of technique '{owner}'",
                    )
                )
    return problems


def _understanding_checks(
    understanding: UnderstandingFile,
    areas: set[str],
    techniques: TechniquesFile,
    reminders: RemindersFile,
) -> list[ContentProblem]:
    """Every entry leads to a real area, techniques of that area, and a real reminder kind."""
    problems: list[ContentProblem] = []
    by_id = {t.id: t for t in techniques.techniques}
    seen: set[str] = set()
    for i, entry in enumerate(understanding.understanding):
        where = f"understanding[{i}] ({entry.id})"

        def problem(field: str, message: str, where: str = where) -> None:
            problems.append(ContentProblem("understanding.yaml", f"{where}.{field}", message))

        if entry.id in seen:
            problem("id", "is used twice")
        seen.add(entry.id)
        if entry.area not in areas:
            problem("area", f"'{entry.area}' is not an area in areas.yaml")
        for tech_id in entry.techniques:
            tech = by_id.get(tech_id)
            if tech is None:
                problem("techniques", f"'{tech_id}' is not a technique in techniques.yaml")
            elif entry.area in areas and entry.area not in tech.areas:
                problem("techniques", f"'{tech_id}' is not a technique for '{entry.area}'")
        if entry.reminder is not None and entry.reminder not in reminders.kinds:
            problem("reminder", f"'{entry.reminder}' is not a kind in reminders.yaml")
    return problems
