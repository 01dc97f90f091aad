"""Content in each language: a translation next to the English carries every text and nothing
else, and `knotbot content check` names the file and field of anything missing or extra."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import ContentLibrary, load_content
from bot.i18n import LANGUAGES
from tests.test_content import edit_yaml, problems, run_cli


@pytest.fixture
def folder(tmp_path: Path, content_dir: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content_dir, target)
    return target


def test_a_missing_translation_names_the_file_the_item_and_the_field(folder: Path):
    def forget_summary(data):  # type: ignore[no-untyped-def]
        del data["areas"][3]["translations"]["es"]["summary"]

    edit_yaml(folder / "areas.yaml", forget_summary)
    assert problems(folder) == [
        "areas.yaml: areas[3] (jaw).translations.es.summary: missing Spanish translation"
    ]


def test_an_extra_translation_names_the_file_the_item_and_the_field(folder: Path):
    def add_aliases(data):  # type: ignore[no-untyped-def]
        data["areas"][0]["translations"]["de"]["aliases"] = ["Rücken oben"]

    edit_yaml(folder / "areas.yaml", add_aliases)
    (problem,) = problems(folder)
    assert problem.startswith("areas.yaml: areas[0] (upper-back).translations.de.aliases: ")
    assert "extra translation: 'aliases' is not a text of this item" in problem


def test_a_language_knotbot_does_not_speak_is_an_extra_translation(folder: Path):
    def add_french(data):  # type: ignore[no-untyped-def]
        data["areas"][1]["translations"]["fr"] = {"name": "Épaules", "summary": "Le haut."}

    edit_yaml(folder / "areas.yaml", add_french)
    (problem,) = problems(folder)
    assert problem.startswith("areas.yaml: areas[1] (shoulders).translations.fr: ")
    assert "knotbot does not speak 'fr'" in problem


def test_a_translated_list_has_one_entry_per_english_one(folder: Path):
    def drop_a_step(data):  # type: ignore[no-untyped-def]
        data["techniques"][0]["translations"]["de"]["steps"].pop()

    edit_yaml(folder / "techniques.yaml", drop_a_step)
    assert problems(folder) == [
        "techniques.yaml: techniques[0] (ball-wall).translations.de.steps: has 3 entries; "
        "the English has 4 (translate each one)"
    ]


def test_a_red_flags_advice_without_its_gentle_line_is_named(folder: Path):
    def forget_gentle(data):  # type: ignore[no-untyped-def]
        del data["red_flags"][0]["translations"]["de"]["gentle"]

    edit_yaml(folder / "safety.yaml", forget_gentle)
    assert problems(folder) == [
        "safety.yaml: red_flags[0] (chest-pain).translations.de.gentle: missing German translation"
    ]


def test_the_content_check_command_reports_it_and_exits_1(folder: Path, tmp_path: Path):
    def forget_name(data):  # type: ignore[no-untyped-def]
        del data["areas"][2]["translations"]["de"]["name"]

    edit_yaml(folder / "areas.yaml", forget_name)
    result = run_cli("content", "check", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "areas.yaml: areas[2] (neck).translations.de.name: missing German translation" in (
        result.stderr
    )


def test_the_content_check_command_lists_what_is_not_yet_translated(folder: Path, tmp_path: Path):
    def untranslate_a_tip(data):  # type: ignore[no-untyped-def]
        del data["tips"][0]["translations"]

    edit_yaml(folder / "tips.yaml", untranslate_a_tip)
    result = run_cli("content", "check", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Not yet translated to de" in result.stdout
    assert "  - tips.yaml: tips[0]" in result.stdout


def test_the_shipped_content_is_translated_to_every_language(tmp_path: Path):
    result = run_cli("content", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Not yet translated" not in result.stdout


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_what_the_translated_commands_show_is_translated_in_the_shipped_content(
    content: ContentLibrary, language: str
):
    """/start, /help, /knot, /technique, /areas, /safety and /hold (its phases) show these:
    none may fall back."""
    not_yet = content.untranslated[language]
    for shown in ("areas.yaml", "safety.yaml: (top level)", "safety.yaml: see_a_professional",
                  "safety.yaml: red_flags", "techniques.yaml: techniques"):  # fmt: skip
        assert not [item for item in not_yet if item.startswith(shown)]


def test_untranslated_items_fall_back_to_english(folder: Path):
    def drop_spanish(data):  # type: ignore[no-untyped-def]
        del data["areas"][4]["translations"]["es"]

    edit_yaml(folder / "areas.yaml", drop_spanish)
    content = load_content(folder)
    assert content.in_language("es").areas[4].name == "Lower back"
    assert content.in_language("de").areas[4].name == "Unterer Rücken"
    assert "areas.yaml: areas[4] (lower-back)" in content.untranslated["es"]


def test_a_hold_phase_missing_its_translation_names_the_file_the_phase_and_the_field(
    folder: Path,
):
    def forget_press_text(data):  # type: ignore[no-untyped-def]
        del data["techniques"][0]["hold"]["press"]["translations"]["de"]["text"]

    edit_yaml(folder / "techniques.yaml", forget_press_text)
    assert problems(folder) == [
        "techniques.yaml: techniques[0] (ball-wall).hold.press.translations.de.text: "
        "missing German translation"
    ]


def test_a_hold_phases_cues_are_translated_one_by_one_and_its_closing_line_too(folder: Path):
    def drop_a_cue_and_the_done(data):  # type: ignore[no-untyped-def]
        hold = data["techniques"][2]["hold"]
        hold["press"]["translations"]["es"]["cues"].pop()
        del hold["translations"]["es"]["done"]

    edit_yaml(folder / "techniques.yaml", drop_a_cue_and_the_done)
    assert sorted(problems(folder)) == [
        "techniques.yaml: techniques[2] (shoulder-drop).hold.press.translations.es.cues: "
        "has 2 entries; the English has 3 (translate each one)",
        "techniques.yaml: techniques[2] (shoulder-drop).hold.translations.es.done: "
        "missing Spanish translation",
    ]


def test_an_extra_text_on_a_hold_phase_is_named(folder: Path):
    def add_seconds(data):  # type: ignore[no-untyped-def]
        data["techniques"][0]["hold"]["rest"]["translations"]["de"]["seconds"] = "15"

    edit_yaml(folder / "techniques.yaml", add_seconds)
    (problem,) = problems(folder)
    assert problem.startswith(
        "techniques.yaml: techniques[0] (ball-wall).hold.rest.translations.de.seconds: "
    )
    assert "extra translation: 'seconds' is not a text of this item (its texts: label, text)" in (
        problem
    )


def test_a_hold_reads_its_phases_in_the_language(content: ContentLibrary):
    technique = content.in_language("es").technique("shoulder-drop")
    assert technique is not None and technique.hold is not None
    assert technique.hold.press.label == "D\u00e9jalos caer"
    assert technique.hold.press.cues[1] == "Brazos pesados, mand\u00edbula suelta."
    assert technique.hold.done.startswith("Hombros abajo.")
    assert technique.hold.press.seconds == 60  # numbers stay the English item's
