"""Finding someone's time zone from what they type: a zone, a city, a country, an abbreviation
(EST, CET), an offset (UTC+2) or their local time (14:35).

The names come from data (see `data`): the tz database, CLDR through Babel, GeoNames cities.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.reminders.zones import data
from bot.reminders.zones.data import fold
from bot.text import clean

# Offered first when several zones fit (e.g. all zones where it is now 14:35); the rest follow
# by population.
COMMON = (
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris",
    "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw",
    "Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Phoenix", "America/Anchorage", "America/Toronto", "America/Vancouver",
    "America/Mexico_City", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
    "America/Bogota", "America/Santiago", "Pacific/Honolulu", "Africa/Lagos", "Africa/Cairo",
    "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
    "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Shanghai",
    "Asia/Hong_Kong", "Asia/Manila", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth",
    "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland", "UTC",
)  # fmt: skip
# A typed local time this many minutes from a zone's clock still finds that zone (a slow typist,
# a clock a little off); further from every zone, none "shows" it and the nearest are offered.
SLACK_MINUTES = 7
# Another city of the same name is offered when it has this share of the chosen one's people
# (Portland, Maine next to Portland, Oregon; not Paris, Texas next to Paris).
OTHER_CITY_SHARE = 0.05
# A country's most populous zone answers for it when it holds this share of its people
# (Germany, Spain); otherwise its zones are offered (the US, Brazil).
COUNTRY_SHARE = 0.9
# What people write for a country instead of its name or ISO code.
COUNTRY_WORDS = {"uk": "GB", "usa": "US"}

_OFFSET = re.compile(r"(?:utc|gmt)([+\-\u2212])(\d{1,2})(?::?(\d{2}))?")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(am|pm)?")


class Choice(NamedTuple):
    zone: str
    place: str = ""  # what was matched, when it is not the zone's own name ("Portland, Maine")


@dataclass(frozen=True)
class ZoneSearch:
    zone: str | None  # a sure answer
    candidates: tuple[Choice, ...] = ()  # zones to pick from
    place: str = ""  # with a sure answer found by city: which one ("Portland, Oregon")
    others: tuple[Choice, ...] = ()  # with a sure answer: same-named places in other zones
    unseen_time: str = ""  # a typed local time no zone shows: `candidates` are the nearest


def zone_names() -> tuple[str, ...]:
    """Every zone people may pick (read from the system once)."""
    return data.zones()


def is_zone(name: str) -> bool:
    """A zone people may pick: the same ones /timezone accepts typed (not `localtime`,
    `Factory` or `EST5EDT`, which the system also knows)."""
    return name in _zone_set()


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(data.zones())


@cache
def _zone_keys() -> dict[str, str]:
    """Folded zone ids ("america/new york"), then the place in each id ("new york")."""
    keys = {fold(zone): zone for zone in data.zones()}
    for zone in data.zone_countries():
        keys.setdefault(fold(zone.rsplit("/", 1)[-1]), zone)
    return keys


def _ordered(zones: list[str]) -> tuple[str, ...]:
    """The common zones first, then the most populous (not Antarctica/Mawson before Tashkent)."""
    common = [z for z in COMMON if z in zones]
    return tuple(common + data.most_populous(z for z in zones if z not in common))


@cache
def _places() -> tuple[str, ...]:
    """The zones offered for an offset or a local time: places (not old names) and UTC."""
    return (*data.zone_countries(), "UTC")


def zones_with_offset(offset: timedelta, now: datetime) -> tuple[str, ...]:
    """Zones whose clocks are `offset` from UTC at `now`, the common ones first."""
    return _ordered([z for z in _places() if now.astimezone(ZoneInfo(z)).utcoffset() == offset])


def find_zone(query: str, now: datetime) -> ZoneSearch:
    """What someone typed → a zone, or zones to choose from (none when nothing fits)."""
    said = clean(query)[:64]
    key = fold(said)
    if not key:
        return ZoneSearch(None)
    compact = said.casefold().replace(" ", "")
    if offset := _OFFSET.fullmatch(compact):
        sign = 1 if offset.group(1) == "+" else -1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0)) * sign
        return ZoneSearch(None, _choices(zones_with_offset(delta, now)[:8]))
    clock = _CLOCK.fullmatch(compact)
    if clock and (clock.group(2) or clock.group(3)):
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        if clock.group(3):  # 12am is midnight, 12pm noon; 13pm is no time
            hour = hour % 12 + (12 if clock.group(3) == "pm" else 0) if 1 <= hour <= 12 else 24
        if hour < 24 and minute < 60:
            return _by_local_time(hour, minute, now)
    if zone := _zone_keys().get(key):
        return ZoneSearch(zone)
    if re.fullmatch(r"[a-z]{3,5}", key) and (zone := data.abbreviations().get(key)):
        return ZoneSearch(zone)
    return _by_country(key) or _by_city(key) or _close_to(key)


def _choices(zones: tuple[str, ...] | list[str]) -> tuple[Choice, ...]:
    return tuple(Choice(zone) for zone in zones)


def _by_local_time(hour: int, minute: int, now: datetime) -> ZoneSearch:
    """The zones whose clocks show this time now; when none does, the nearest ones."""
    typed = hour * 60 + minute
    apart: dict[str, int] = {}
    for zone in _places():
        local = now.astimezone(ZoneInfo(zone))
        gap = abs(local.hour * 60 + local.minute - typed)
        apart[zone] = min(gap, 24 * 60 - gap)
    gaps = sorted(set(apart.values()))

    def at(gap: int) -> tuple[str, ...]:
        return _ordered([z for z, g in apart.items() if g == gap])

    if gaps[0] <= SLACK_MINUTES:
        return ZoneSearch(None, _choices(at(gaps[0])[:8]))
    nearest = [zone for gap in gaps[:2] for zone in at(gap)[:3]]
    return ZoneSearch(None, _choices(nearest), unseen_time=f"{hour:02d}:{minute:02d}")


def _by_country(key: str) -> ZoneSearch | None:
    cities = data.cities()
    iso = COUNTRY_WORDS.get(key) or cities.countries.get(key)
    zones = data.most_populous([z for z, cc in data.zone_countries().items() if cc == iso])
    if not zones:
        return None
    people = [cities.population.get(zone, 0) for zone in zones]
    if people[0] >= COUNTRY_SHARE * sum(people):
        return ZoneSearch(zones[0])
    return ZoneSearch(None, _choices(zones[:8]))


def _by_city(key: str) -> ZoneSearch | None:
    """The most populous city of that name (or "name, country" / "name, US state")."""
    cities = data.cities()
    name, _, where = (part.strip() for part in key.rpartition(",")) if "," in key else (key, "", "")
    named = cities.by_name.get(name, ())
    if where:
        named = tuple(i for i in named if _is_in(cities.cities[i], where))
    # A big city of that name beats a bigger one also called so (Birmingham is nobody's old
    # name); a small one does not (Calcutta is Kolkata, not the town in South Africa).
    if named and cities.cities[named[0]].population >= data.ALIAS_POPULATION:
        best = cities.cities[named[0]]
    else:
        also = data.aliases().get(name, ())
        also = tuple(i for i in also if not where or _is_in(cities.cities[i], where))
        found = sorted({*named, *also})  # the most populous first
        if not found:
            return None
        best = cities.cities[found[0]]
    others: list[Choice] = []
    for i in named if not where else ():
        city = cities.cities[i]
        if city.population < OTHER_CITY_SHARE * best.population or len(others) == 3:
            break
        if city.zone != best.zone and all(city.zone != o.zone for o in others):
            others.append(Choice(city.zone, f"{city.name}, {city.region}"))
    return ZoneSearch(best.zone, place=f"{best.name}, {best.region}", others=tuple(others))


def _is_in(city: data.City, where: str) -> bool:
    """Whether "where" (a country, its ISO code, a US state or its code) is where `city` is."""
    cities = data.cities()
    iso = COUNTRY_WORDS.get(where) or cities.countries.get(where) or where.upper()
    state = cities.states.get(where)
    in_state = city.country == "US" and state == cities.states.get(fold(city.region))
    return city.country == iso or (state is not None and in_state)


@cache
def _guessable() -> dict[str, Choice]:
    """Names a misspelling is matched against: zones, countries, cities of 100,000 or more."""
    cities = data.cities()
    names = {key: Choice(zone) for key, zone in _zone_keys().items()}
    for key, iso in cities.countries.items():
        country = _by_country(key)
        if country and country.zone:
            names.setdefault(key, Choice(country.zone, cities.country_names[iso]))
    for key, found in cities.by_name.items():
        city = cities.cities[found[0]]
        if city.population >= data.ALIAS_POPULATION:
            names.setdefault(key, Choice(city.zone, f"{city.name}, {city.region}"))
    return names


def _close_to(key: str) -> ZoneSearch:
    """A guess for a misspelling ("Berlinn"): offered as buttons, for the person to confirm."""
    if len(key) < 4:
        return ZoneSearch(None)
    names = _guessable()
    found: list[Choice] = []
    for close in difflib.get_close_matches(key, list(names), n=5, cutoff=0.8):
        if all(names[close].zone != f.zone for f in found):
            found.append(names[close])
    return ZoneSearch(None, tuple(found))
