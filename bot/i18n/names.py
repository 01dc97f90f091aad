"""Command names in each language, for platforms that show a command under a local name
(Discord's name_localizations; the command still arrives under its own name). Telegram has one
name per command, typed by everyone, so it keeps the English names.

A name is lower case letters, digits, "-" or "_", up to 32 characters.
"""

from __future__ import annotations

COMMAND_NAMES: dict[str, dict[str, str]] = {
    "de": {
        "start": "start", "help": "hilfe", "knot": "knoten", "areas": "stellen",
        "technique": "technik", "hold": "\u00fcbung", "stop": "stopp", "remind": "erinnern",
        "reminders": "erinnerungen", "timezone": "zeitzone", "language": "sprache",
        "quiet": "ruhe", "tip": "tipp", "progress": "fortschritt", "forget": "vergessen",
        "safety": "sicherheit",
    },
    "es": {
        "start": "inicio", "help": "ayuda", "knot": "nudo", "areas": "zonas",
        "technique": "t\u00e9cnica", "hold": "ejercicio", "stop": "parar", "remind": "recordar",
        "reminders": "recordatorios", "timezone": "zona-horaria", "language": "idioma",
        "quiet": "silencio", "tip": "consejo", "progress": "progreso", "forget": "olvidar",
        "safety": "seguridad",
    },
}  # fmt: skip


def command_name(name: str, language: str) -> str | None:
    """`name` in `language`, or None where it keeps its own name."""
    return COMMAND_NAMES.get(language, {}).get(name)
