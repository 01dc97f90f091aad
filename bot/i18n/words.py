"""Words people type after a command, in each language knotbot speaks, read as the English
keyword the command knows ("aus", "apagar": off)."""

from __future__ import annotations

from bot.i18n.translator import Translator

_ON_OFF = {
    "an": "on", "ein": "on", "einschalten": "on", "s\u00ed": "on", "si": "on",
    "activar": "on", "encender": "on",
    "aus": "off", "ausschalten": "off", "apagar": "off", "desactivar": "off", "no": "off",
}  # fmt: skip


def on_or_off(word: str) -> str:
    """The keyword meant: "an" and "s\u00ed" are on, "aus" and "apagar" off; others as typed."""
    said = word.strip().lower()
    return _ON_OFF.get(said, said)


def spot_in_a_sentence(name: str, t: Translator) -> str:
    """A spot's name inside a sentence: lower case ("upper back", "parte alta de la espalda"),
    except German nouns, which keep their capital ("Oberer Rücken")."""
    return name if t.language == "de" else name.lower()
