"""Which language a person gets: their own /language choice, else their platform's, else
English."""

from __future__ import annotations

# The languages knotbot speaks; English first (the source language and the fallback).
LANGUAGES: tuple[str, ...] = ("en", "de", "es")
# Each language's name in itself, for the /language buttons.
NAMES: dict[str, str] = {"en": "English", "de": "Deutsch", "es": "Español"}
ENGLISH = "en"


def language_of_locale(locale: str | None) -> str | None:
    """The language knotbot speaks for a platform locale ("de", "de-AT", "es-ES", "es_419",
    "pt-BR"), or None when it speaks none of that locale's language."""
    if not locale:
        return None
    language = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in LANGUAGES else None


def choose(chosen: str | None, locale: str | None) -> str:
    """An explicit /language choice wins; then the platform's locale; then English."""
    if chosen in LANGUAGES:
        return chosen
    return language_of_locale(locale) or ENGLISH
