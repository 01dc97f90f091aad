"""Content files: shipped content is valid, broken content is reported by file and field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.content import ContentError, ContentLibrary, load_content


@pytest.fixture
def folder(tmp_path: Path, content_dir: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content_dir, target)
    return target


def edit_yaml(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def problems(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return [str(p) for p in caught.value.problems]


def test_shipped_content_covers_every_area_with_cautioned_techniques(content: ContentLibrary):
    assert {a.id for a in content.areas} >= {"upper-back", "lower-back", "shoulders", "neck", "jaw"}
    for area in content.areas:
        techniques = content.techniques_for(area.id)
        assert techniques, f"no technique for {area.id}"
        assert all(t.cautions for t in techniques)
    assert len(content.reminder_kinds["relax"].texts) >= 5
    signs = " ".join(content.safety.see_a_professional.signs)
    for sign in ("sharp", "radiat", "numbness", "tingling", "injury"):
        assert sign in signs


@pytest.mark.parametrize(
    ("said", "area"),
    [
        ("upper-back", "upper-back"),
        ("Upper Back", "upper-back"),
        ("upperback", "upper-back"),
        ("between shoulder blades", "upper-back"),
        ("my shoulder blades hurt", "upper-back"),
        ("traps", "shoulders"),
        ("TMJ", "jaw"),
        ("tmj\u200b", "jaw"),
        ("\uff2a\uff21\uff37", "jaw"),  # full-width letters
        ("lower back", "lower-back"),
        ("low back", "lower-back"),
        ("NECK", "neck"),
    ],
)
def test_areas_resolve_by_alias_and_forgiving_spelling(
    content: ContentLibrary, said: str, area: str
):
    found = content.find_area(said)
    assert found.match is not None and found.match.id == area


def test_misspelled_area_suggests_without_guessing(content: ContentLibrary):
    found = content.find_area("uper back")
    assert found.match is None
    assert found.suggestions[0].id == "upper-back"


def test_press_longer_than_its_cap_names_file_technique_and_field(folder: Path):
    def too_long(data):  # type: ignore[no-untyped-def]
        data["techniques"][0]["hold"]["press"]["seconds"] = 45

    edit_yaml(folder / "techniques.yaml", too_long)
    (problem,) = problems(folder)
    assert problem.startswith("techniques.yaml: techniques[0] (ball-wall).hold.press: ")
    assert "longer than the hard cap max_seconds (20)" in problem


def test_pressure_hold_cap_cannot_be_raised_beyond_a_minute(folder: Path):
    def raise_cap(data):  # type: ignore[no-untyped-def]
        data["techniques"][0]["hold"]["press"]["max_seconds"] = 300

    edit_yaml(folder / "techniques.yaml", raise_cap)
    (problem,) = problems(folder)
    assert "techniques[0] (ball-wall).hold" in problem and "too long for a pressure hold" in problem


def test_a_cap_longer_than_its_caution_promises_is_a_problem(folder: Path):
    def raise_cap(data):  # type: ignore[no-untyped-def]
        data["techniques"][0]["hold"]["press"]["max_seconds"] = 30  # "about 20 seconds"

    edit_yaml(folder / "techniques.yaml", raise_cap)
    (problem,) = problems(folder)
    assert problem == (
        "techniques.yaml: techniques[0] (ball-wall).hold: press.max_seconds (30) is longer than "
        "cautions[0] promises (20 s); lower the cap or change the caution"
    )


@pytest.mark.parametrize(
    ("caution", "promised"),
    [
        ("Stay for half a minute at most.", 30),
        ("Never more than a minute.", 60),
        ("Ten seconds is plenty on this spot.", 10),
        ("Keep each press to 15 s.", 15),
    ],
)
def test_a_caution_names_its_seconds_in_words_or_digits(folder: Path, caution: str, promised: int):
    def promise(data):  # type: ignore[no-untyped-def]
        tilt = data["techniques"][-1]
        assert tilt["id"] == "neck-tilt"
        tilt["cautions"].append(caution)
        tilt["hold"]["press"]["seconds"] = min(20, promised)
        tilt["hold"]["press"]["max_seconds"] = promised + 1

    edit_yaml(folder / "techniques.yaml", promise)
    (problem,) = problems(folder)
    assert f"longer than cautions[2] promises ({promised} s)" in problem


def test_words_like_as_are_not_a_duration_in_a_caution(folder: Path):
    """'as' is not 'a s' (one second): a caution written in plain words promises no time."""

    def plain_caution(data):  # type: ignore[no-untyped-def]
        data["techniques"][0]["cautions"].append(
            "Press as gently as you can, as long as it is easy."
        )

    edit_yaml(folder / "techniques.yaml", plain_caution)
    assert not [problem for problem in problems(folder) if "promises" in problem]


def test_shipped_caps_keep_what_their_cautions_promise(content: ContentLibrary):
    from bot.content.durations import seconds_named

    for technique in content.techniques:
        if technique.hold is not None:
            for caution in technique.cautions:
                assert all(technique.hold.press.max_seconds <= s for s in seconds_named(caution))
    ball = content.technique("ball-wall")
    assert ball is not None and ball.hold is not None and ball.hold.press.max_seconds == 20


def test_the_threads_details_are_in_the_content(content: ContentLibrary):
    two = content.technique("two-balls-sock")
    legs = content.technique("legs-up-chair")
    assert two is not None and legs is not None and legs.hold is not None
    assert "physiotherapist" in two.summary and "travels well" in two.summary
    said = " ".join((legs.summary, *legs.steps, *legs.hold.press.cues))
    assert "back and forth" in said and "side to side" not in said


def test_a_technique_name_leads_to_one_technique(folder: Path):
    def clash(data):  # type: ignore[no-untyped-def]
        data["techniques"][1]["aliases"].append("Lacrosse Ball")

    edit_yaml(folder / "techniques.yaml", clash)
    assert problems(folder) == [
        "techniques.yaml: techniques[1] (two-balls-sock).aliases: "
        "'Lacrosse Ball' is already a name of technique 'ball-wall'"
    ]


def test_understanding_entries_are_checked_against_the_other_files(folder: Path):
    def broken(data):  # type: ignore[no-untyped-def]
        entries = data["understanding"]
        entries[0]["area"] = "elbow"
        entries[1]["techniques"] = ["neck-tilt", "foam-roller"]
        entries[2]["reminder"] = "floss"
        entries[4]["id"] = entries[5]["id"]

    edit_yaml(folder / "understanding.yaml", broken)
    assert problems(folder) == [
        "understanding.yaml: understanding[0] (tooth).area: 'elbow' is not an area in areas.yaml",
        "understanding.yaml: understanding[1] (clench-at-night).techniques: "
        "'neck-tilt' is not a technique for 'jaw'",
        "understanding.yaml: understanding[1] (clench-at-night).techniques: "
        "'foam-roller' is not a technique in techniques.yaml",
        "understanding.yaml: understanding[2] (clenching).reminder: "
        "'floss' is not a kind in reminders.yaml",
        "understanding.yaml: understanding[5] (upper-back).id: is used twice",
    ]


def test_a_broken_phrase_names_the_entry_and_the_phrase(folder: Path):
    def broken(data):  # type: ignore[no-untyped-def]
        data["understanding"][3]["phrases"] = ["shoulder ... ... up"]

    edit_yaml(folder / "understanding.yaml", broken)
    assert (
        "understanding.yaml: understanding[3] (between-the-blades).phrases[0]: "
        "'...' must sit between words in 'shoulder ... ... up'"
    ) in problems(folder)


def test_every_problem_in_every_file_is_reported_at_once(folder: Path):
    def no_cautions(data):  # type: ignore[no-untyped-def]
        del data["techniques"][1]["cautions"]
        data["techniques"][2]["areas"] = ["elbow"]

    edit_yaml(folder / "techniques.yaml", no_cautions)
    (folder / "safety.yaml").write_text("notice: [unclosed\n")
    found = problems(folder)
    assert "techniques.yaml: techniques[1] (two-balls-sock).cautions: is required" in found
    assert any(p.startswith("safety.yaml: line 2") and "not valid YAML" in p for p in found)
    assert (
        "techniques.yaml: techniques[2] (shoulder-drop).areas: 'elbow' is not an area in areas.yaml"
        not in found
    )  # cross-checks wait for valid files
    assert len(found) == 2


def test_unknown_area_and_duplicate_alias_are_cross_checked(folder: Path):
    def bad_area(data):  # type: ignore[no-untyped-def]
        data["techniques"][2]["areas"] = ["elbow"]

    def clash(data):  # type: ignore[no-untyped-def]
        data["areas"][1]["aliases"].append("upper back")

    edit_yaml(folder / "techniques.yaml", bad_area)
    edit_yaml(folder / "areas.yaml", clash)
    found = problems(folder)
    assert (
        "techniques.yaml: techniques[2] (shoulder-drop).areas: 'elbow' is not an area in areas.yaml"
        in found
    )
    assert (
        "areas.yaml: areas[1] (shoulders).aliases: 'upper back' is already a name of area 'upper-back'"
        in found
    )


def test_missing_file_and_misspelled_field(folder: Path):
    (folder / "tips.yaml").unlink()

    def typo(data):  # type: ignore[no-untyped-def]
        data["areas"][0]["sumary"] = data["areas"][0].pop("summary")

    edit_yaml(folder / "areas.yaml", typo)
    found = problems(folder)
    assert "tips.yaml: file is missing" in found
    assert "areas.yaml: areas[0] (upper-back).summary: is required" in found
    assert (
        "areas.yaml: areas[0] (upper-back).sumary: is not a known field (check the spelling)"
        in found
    )


def test_shipped_red_flags_cover_the_signs_of_issue_15(content: ContentLibrary):
    flags = {f.id: f for f in content.safety.red_flags}
    assert set(flags) >= {
        "nerve-signs",
        "radiating-pain",
        "chest-pain",
        "fall-or-accident",
        "fever-back",
        "bladder-bowel",
        "jaw-lock",
        "sudden-headache",
        "dentist",
    }
    assert flags["chest-pain"].urgent and not flags["dentist"].urgent


def test_broken_red_flags_name_safety_yaml_the_flag_and_the_field(folder: Path):
    added: list[int] = []  # where the bad patterns land in their lists

    def break_flags(data):  # type: ignore[no-untyped-def]
        flags = data["red_flags"]
        added.extend([len(flags[3]["patterns"]), len(flags[4]["patterns"])])
        flags[0]["patterns"] = []
        flags[1]["pattern"] = flags[1].pop("patterns")
        flags[2]["patterns"][0] = "numb + "
        flags[3]["patterns"].append("... headache")
        flags[4]["patterns"].append("chest-pain")
        flags[4]["unless"] = ["fell + asleep"]
        del flags[5]["urgent"]

    edit_yaml(folder / "safety.yaml", break_flags)
    found = problems(folder)
    assert found == [
        "safety.yaml: red_flags[0] (chest-pain).patterns: needs at least 1 entry",
        "safety.yaml: red_flags[1] (face-or-speech).patterns: is required",
        "safety.yaml: red_flags[1] (face-or-speech).pattern: is not a known field (check the spelling)",
        "safety.yaml: red_flags[2] (bladder-bowel).patterns[0]: '+' needs words on both sides",
        f"safety.yaml: red_flags[3] (sudden-headache).patterns[{added[0]}]: '...' must sit between words in '... headache'",
        f"safety.yaml: red_flags[4] (nerve-signs).patterns[{added[1]}]: 'chest-pain' should be a word or words joined by '|' (letters and digits only; write a hyphen as a space)",
        "safety.yaml: red_flags[4] (nerve-signs).unless[0]: '+' only works in patterns, not here",
        "safety.yaml: red_flags[5] (radiating-pain).urgent: is required",
    ]


def test_red_flag_ids_are_unique_and_the_list_is_required(folder: Path):
    def twice(data):  # type: ignore[no-untyped-def]
        data["red_flags"][3]["id"] = "chest-pain"

    edit_yaml(folder / "safety.yaml", twice)
    assert problems(folder) == ["safety.yaml: red_flags: the id 'chest-pain' is used twice"]

    def gone(data):  # type: ignore[no-untyped-def]
        del data["red_flags"]

    edit_yaml(folder / "safety.yaml", gone)
    assert problems(folder) == ["safety.yaml: red_flags: is required"]


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_content_check_command_reports_file_and_field_and_exits_1(folder: Path, tmp_path: Path):
    def too_long(data):  # type: ignore[no-untyped-def]
        data["techniques"][0]["hold"]["press"]["seconds"] = 45

    edit_yaml(folder / "techniques.yaml", too_long)
    result = run_cli("content", "check", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "techniques.yaml: techniques[0] (ball-wall).hold.press:" in result.stderr


def test_content_check_command_accepts_the_shipped_content(tmp_path: Path):
    result = run_cli("content", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "is valid: 5 areas" in result.stdout
    assert "9 plain-word entries" in result.stdout
