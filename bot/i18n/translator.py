"""A Translator for one language: gettext with plural forms, and Babel's dates and lists.

Catalogs are read from the .po files shipped in the package and compiled in memory the first
time a language is used; after that they never change, so a translator is safe to share.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import resources

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from bot.i18n.choose import ENGLISH, LANGUAGES

DOMAIN = "knotbot"


@dataclass(frozen=True)
class Translator:
    """What a handler uses to speak one person's language."""

    language: str
    catalog: NullTranslations

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for `n` (German and Spanish have two, other languages more)."""
        return self.catalog.ngettext(singular, plural, n)

    def join(self, items: Sequence[str], style: str = "standard") -> str:
        """A list in words: "a, b and c", "a, b und c", "a, b y c"."""
        return format_list(list(items), style=style, locale=self.language)

    def day_text(self, day: date, form: str = "medium") -> str:
        """A date as people of this language write it ("7 Dec 2026", "07.12.2026")."""
        return format_date(day, form, locale=self.language)

    def decimal(self, value: float) -> str:
        """One decimal, as the language writes it: "6.1", "6,1"."""
        return format_decimal(value, "0.0", locale=self.language)

    def short_day(self, day: date, *, weekday: bool = True) -> str:
        """A day as the language shortens it: "Fr., 4. Dez.", "vie, 4 dic" ("4. Dez." without
        the weekday)."""
        return format_skeleton("MMMEd" if weekday else "MMMd", day, locale=self.language)

    def time_text(self, moment: time | datetime) -> str:
        """A time of day, always on the 24-hour clock knotbot uses in every language."""
        return format_time(moment, "HH:mm", locale=self.language)

    def moment_text(self, moment: datetime, form: str = "medium") -> str:
        return format_datetime(moment, form, locale=self.language)

    def weekday_text(self, day: date, *, wide: bool = False) -> str:
        """A weekday: "Mon", "Mo.", "lun" (or "Monday", "Montag", "lunes" when `wide`)."""
        return format_date(day, "EEEE" if wide else "EEE", locale=self.language)


@functools.cache
def translator(language: str) -> Translator:
    """The translator for `language` (English for any language knotbot does not speak)."""
    if language not in LANGUAGES or language == ENGLISH:
        return Translator(ENGLISH, NullTranslations())
    return Translator(language, _compiled(language))


def catalog_text(language: str) -> str:
    """The .po file of `language`, as shipped."""
    path = resources.files("bot.i18n") / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return path.read_text(encoding="utf-8")


def _compiled(language: str) -> Translations:
    catalog = read_po(io.StringIO(catalog_text(language)), locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
