"""The languages knotbot speaks, and how a person's language is chosen.

Every sentence the core says goes through a `Translator` handed down with the request (no
global "current language"): `t.gettext("Stop")`, `t.ngettext("%(n)d round", "%(n)d rounds", n)`.
English is the source language (its catalog is the identity); the others are gettext
catalogs in `bot/i18n/locales/<lang>/LC_MESSAGES/knotbot.po`, compiled once when first used.
"""

from bot.i18n.choose import LANGUAGES, NAMES, choose, language_of_locale
from bot.i18n.explained import Explained
from bot.i18n.translator import Translator, translator


def N_(message: str) -> str:
    """Marks a sentence for the catalogs where it is defined; it is translated where it is
    said (`t.gettext(CONSTANT)`)."""
    return message


__all__ = [
    "LANGUAGES",
    "NAMES",
    "N_",
    "Explained",
    "Translator",
    "choose",
    "language_of_locale",
    "translator",
]
