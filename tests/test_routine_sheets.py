"""Reading a physio's sheet as people type it: the timing ("hold 5 s, 10 times", "30 s, 3
rounds"), a line's name and timing, and what is said when no duration is found. Writing,
running and sharing a routine: tests/test_routines.py."""

from __future__ import annotations

import pytest

from bot.routines.parse import RoutineParseError, parse_timing, split_one_line, steps_of


@pytest.mark.parametrize(
    ("said", "press", "rounds", "rest"),
    [
        ("hold 5 s, 10 times", 5, 10, None),
        ("30 s, 3 rounds", 30, 3, None),
        ("20 seconds x 3, rest 15 s", 20, 3, 15),
        ("half a minute twice", 30, 2, None),
        ("3 rounds of 20 seconds", 20, 3, None),
        ("hold for 2 minutes", 120, 1, None),
        # German and Spanish sheets
        ("5 s halten, 10 Mal", 5, 10, None),
        ("5 Sekunden halten, 10 Wiederholungen", 5, 10, None),
        ("30 Sekunden, 3 Runden, 10 s Pause", 30, 3, 10),
        ("eine Minute halten, zweimal", 60, 2, None),
        ("20 Sek. x 3, Pause 15 s", 20, 3, 15),
        ("mantener 5 s, 10 veces", 5, 10, None),
        ("30 segundos, 3 rondas, descanso de 10 s", 30, 3, 10),
        ("mantén un minuto, 3 series", 60, 3, None),
        ("20 segundos x 3, 15 s de descanso", 20, 3, 15),
    ],
)
def test_timing_is_read_as_a_physio_writes_it(said, press, rounds, rest):  # type: ignore[no-untyped-def]
    timing = parse_timing(said)
    assert (timing.press_seconds, timing.rounds, timing.rest_seconds) == (press, rounds, rest)


def test_a_sheet_line_splits_into_name_and_timing():
    assert split_one_line("chin tucks: hold 5 s, 10 times") == ("chin tucks", "hold 5 s, 10 times")
    assert split_one_line("doorway stretch 30 s, 3 rounds") == ("doorway stretch", "30 s, 3 rounds")
    assert split_one_line("Kinn einziehen: 5 s halten, 10 Mal") == (
        "Kinn einziehen",
        "5 s halten, 10 Mal",
    )
    assert split_one_line("Türrahmen-Dehnung 30 Sekunden, 3 Runden") == (
        "Türrahmen-Dehnung",
        "30 Sekunden, 3 Runden",
    )
    assert split_one_line("retracción de barbilla mantener 5 s, 10 veces") == (
        "retracción de barbilla",
        "mantener 5 s, 10 veces",
    )
    assert steps_of("Sit tall. Pull your chin back.\nRelax") == (
        "Sit tall.",
        "Pull your chin back.",
        "Relax",
    )


def test_timing_without_a_duration_explains_with_examples():
    with pytest.raises(RoutineParseError, match="hold 5 s, 10 times"):
        parse_timing("ten times please")
