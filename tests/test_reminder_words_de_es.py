"""/remind in German and Spanish: the time words of each language give the same schedules as
their English counterparts, and the person's own words are kept."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.parse import parse_request
from bot.reminders.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, ScheduleKind

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin
ZONE = ZoneInfo("Europe/Berlin")


def parsed(said: str):
    return parse_request(said, now=NOW, zone=ZONE)


@pytest.mark.parametrize(
    ("said", "english"),
    [
        ("Beine hoch um 19:30", "legs up at 19:30"),
        ("Beine hoch um 19.30 Uhr", "legs up at 19:30"),
        ("piernas arriba a las 19:30", "legs up at 19:30"),
        ("um 7 abends", "at 7 in the evening"),
        ("a las 7 de la tarde", "at 7 in the evening"),
        ("um halb 8", "at 7:30"),
        ("um 12 Uhr mittags", "at noon"),
        ("al mediodía", "at noon"),
        ("jeden Werktag um 9", "every weekday at 9"),
        ("werktags um 9", "on weekdays at 9"),
        ("cada día laborable a las 9", "on weekdays at 9"),
        ("de lunes a viernes a las 9", "on weekdays at 9"),
        ("täglich um 22 Uhr", "daily at 22:00"),
        ("jeden Tag um 22 Uhr", "daily at 22:00"),
        ("todos los días a las 22", "daily at 22:00"),
        ("cada día a las 22", "daily at 22:00"),
        ("am Wochenende um 10", "on weekends at 10"),
        ("los fines de semana a las 10", "on weekends at 10"),
        ("montags um 8", "on mondays at 8"),
        ("los lunes a las 8", "on mondays at 8"),
        ("alle 2 Stunden", "every 2 hours"),
        ("cada 2 horas", "every 2 hours"),
        ("alle 30 Minuten", "every 30 minutes"),
        ("cada 30 minutos", "every 30 minutes"),
        ("stündlich", "every hour"),
        ("cada hora", "every hour"),
        ("alle 2 Stunden von 9 bis 17 Uhr werktags", "every 2 hours from 9 to 17 on weekdays"),
        ("cada 2 horas de 9 a 17 de lunes a viernes", "every 2 hours from 9 to 17 on weekdays"),
        ("cada 2 horas desde las 9 hasta las 17", "every 2 hours from 9 to 17"),
        ("jeden Morgen", "every morning"),
        ("cada mañana", "every morning"),
        ("jeden Abend", "every evening"),
        ("nach der Arbeit", "after work"),
        ("después del trabajo", "after work"),
        ("jeden Tag um 9 für 2 Wochen", "daily at 9 for 2 weeks"),
        ("todos los días a las 9 durante 2 semanas", "daily at 9 for 2 weeks"),
        ("um 9 10 mal", "at 9 10 times"),
        ("a las 9 10 veces", "at 9 10 times"),
        ("täglich um 9 bis Freitag", "daily at 9 until friday"),
        ("cada día a las 9 hasta el viernes", "daily at 9 until friday"),
        ("täglich um 9 bis zum 24. Dezember", "daily at 9 until 24 december"),
        ("cada día a las 9 hasta el 24 de diciembre", "daily at 9 until 24 december"),
    ],
)
def test_german_and_spanish_time_words_mean_what_the_english_ones_do(said: str, english: str):
    assert parsed(said).schedule == parsed(english).schedule


@pytest.mark.parametrize(
    ("said", "english"),
    [
        ("in 20 Minuten", "in 20 min"),
        ("en 20 minutos", "in 20 min"),
        ("morgen um 9", "tomorrow at 9"),
        ("mañana a las 9", "tomorrow at 9"),
        ("heute Abend um 10", "tonight at 10"),
        ("esta noche", "tonight"),
    ],
)
def test_one_off_reminders_in_german_and_spanish(said: str, english: str):
    schedule = parsed(said).schedule
    assert schedule is not None and schedule.kind is ScheduleKind.ONCE
    assert schedule == parsed(english).schedule


def test_the_examples_from_the_issue():
    at_1930 = parsed("um 19:30").schedule
    assert at_1930 is not None and at_1930.times == (time(19, 30),)
    assert at_1930 == parsed("a las 19:30").schedule
    workdays = parsed("jeden Werktag um 9").schedule
    assert workdays is not None and workdays.weekdays == WEEKDAYS
    every_two = parsed("cada 2 horas").schedule
    assert every_two is not None and every_two.every_minutes == 120
    assert every_two.weekdays == ALL_DAYS


@pytest.mark.parametrize(
    ("said", "kind", "words"),
    [
        ("Schultern lockern jeden Werktag um 9", "shoulders", "schultern lockern"),
        ("Aufbissschiene rein um 22:30", "mouth-guard", "aufbissschiene rein"),
        ("Kiefer locker lassen täglich um 15 Uhr", "jaw", "kiefer locker lassen"),
        ("recuérdame relajar los hombros cada hora", "shoulders", "relajar los hombros"),
        ("erinnere mich daran, tief zu atmen um 15:00", "breathe", "tief zu atmen"),
        ("estirar la espalda a las 11", "stretch-break", "estirar la espalda"),
    ],
)
def test_their_own_words_and_the_kind_are_kept_in_their_language(said: str, kind: str, words: str):
    request = parsed(said)
    assert (request.kind, request.words) == (kind, words)


def test_bedtime_in_german_and_spanish_asks_for_the_bedtime():
    assert parsed("Aufbissschiene vor dem Schlafengehen").needs_bedtime
    assert parsed("férula antes de dormir").needs_bedtime


def test_weekend_words():
    assert parsed("am Wochenende um 10").schedule.weekdays == WEEKENDS  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "said",
    ["Guten Morgen, Schultern runter um 9", "um den Kiefer zu lockern a las 9"],
)
def test_ordinary_words_that_look_like_time_words_stay_words(said: str):
    request = parsed(said)
    assert request.schedule is not None and request.schedule.times == (time(9, 0),)
    assert request.words  # something of what they said is kept
