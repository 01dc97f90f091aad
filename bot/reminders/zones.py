"""Finding someone's time zone from what they type: a zone name, a city, or their local time."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.text import clean

# Offered first when several zones fit (e.g. all zones where it is now 14:35).
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


@dataclass(frozen=True)
class ZoneSearch:
    zone: str | None  # a sure answer
    candidates: tuple[str, ...] = ()  # zones to pick from


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if z.startswith(_REGIONS) or z == "UTC"))


@cache
def _by_key() -> dict[str, str]:
    keys: dict[str, str] = {}
    for zone in _zones():
        keys.setdefault(zone.lower(), zone)
        city = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
        keys.setdefault(city, zone)
    for alias, zone in {
        "kiev": "Europe/Kyiv",
        "utc": "UTC",
        "gmt": "UTC",
        "calcutta": "Asia/Kolkata",
        "bombay": "Asia/Kolkata",
        "mumbai": "Asia/Kolkata",
        "delhi": "Asia/Kolkata",
        "new york city": "America/New_York",
        "nyc": "America/New_York",
        "san francisco": "America/Los_Angeles",
        "beijing": "Asia/Shanghai",
        "munich": "Europe/Berlin",
        "hamburg": "Europe/Berlin",
        "zurich": "Europe/Zurich",
    }.items():
        keys.setdefault(alias, zone)
    return keys


def zone_names() -> tuple[str, ...]:
    """Every zone people may pick (read from the system once)."""
    return _zones()


def is_zone(name: str) -> bool:
    """A zone people may pick: the same ones /timezone accepts typed (not `localtime`,
    `Factory` or `EST5EDT`, which the system also knows)."""
    return name in _zones()


def _ordered(zones: list[str]) -> tuple[str, ...]:
    common = [z for z in COMMON if z in zones]
    return tuple(common + [z for z in zones if z not in common])


def zones_with_offset(offset: timedelta, now: datetime) -> tuple[str, ...]:
    return _ordered([z for z in _zones() if now.astimezone(ZoneInfo(z)).utcoffset() == offset])


def find_zone(query: str, now: datetime) -> ZoneSearch:
    said = clean(query)[:64]
    key = said.lower().replace("_", " ")
    if not key:
        return ZoneSearch(None)
    exact = _by_key().get(key) or _by_key().get(said.lower())
    if exact:
        return ZoneSearch(exact)
    offset = re.fullmatch(r"(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", key)
    if offset:
        sign = 1 if offset.group(1) == "+" else -1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0)) * sign
        return ZoneSearch(None, zones_with_offset(delta, now)[:8])
    clock = re.fullmatch(r"(\d{1,2})[:.h](\d{2})\s*(am|pm)?", key.replace(" ", ""))
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if clock.group(3):
            hour = hour % 12 + (12 if clock.group(3) == "pm" else 0)
        if hour < 24 and minute < 60:
            utc = now.replace(second=0, microsecond=0)
            local = utc.replace(hour=hour, minute=minute)
            delta = local - utc
            # Offsets run from -12 to +14 hours: pick the day that fits.
            while delta > timedelta(hours=14):
                delta -= timedelta(days=1)
            while delta < timedelta(hours=-12):
                delta += timedelta(days=1)
            quarter = timedelta(minutes=15)
            delta = quarter * round(delta / quarter)
            return ZoneSearch(None, zones_with_offset(delta, now)[:8])
    close = difflib.get_close_matches(key, list(_by_key()), n=5, cutoff=0.75)
    found = _ordered(list(dict.fromkeys(_by_key()[c] for c in close)))
    return ZoneSearch(None, found[:5])  # a guess: let the person confirm it
