"""What "no English left" means, for the tests that run every command in German and Spanish
(tests/test_no_english_left.py through the core, tests/platforms/
test_every_command_in_their_language.py through both platforms' stand-ins).

COVERED lists the commands (with what is typed after them) those tests run in every language;
NOT_YET lists, honestly, the commands whose replies still speak English. A new command must be
added to one of the two, or `test_every_command_is_covered_or_listed_as_not_yet` fails.
"""

from __future__ import annotations

import functools
import re

from bot.commands import COMMANDS
from bot.core import Knotbot
from bot.i18n import LANGUAGES, NAMES, translator
from bot.i18n.extract import code_messages

# How long the clock runs a hold before /stop: past its setup, presses, releases and a rest.
NAME = "Ada"
# Each translated command with what people type after it, in the person's language.
COVERED: dict[str, dict[str, tuple[str, ...]]] = {
    "start": {"de": ("", "jaw", "remind"), "es": ("", "jaw", "remind")},
    "help": {"de": ("",), "es": ("",)},
    "knot": {"de": ("", "upper-back", "Kiefer", "uper back", "Zeh"),
             "es": ("", "upper-back", "mandíbula", "uper back", "dedo")},
    "areas": {"de": ("",), "es": ("",)},
    "technique": {"de": ("", "ball-wall", "two-balls-sock", "Schwebebalken"),
                  "es": ("", "ball-wall", "neck-tilt", "trampolín")},
    "safety": {"de": ("",), "es": ("",)},
    "language": {"de": ("", "klingonisch", "de"), "es": ("", "klingon", "es")},
    "timezone": {"de": ("", "Europe/Berlin", "Nirgendwo"), "es": ("", "Europe/Madrid", "Ningunaparte")},
    "remind": {"de": ("", "Schultern lockern um 19:30", "alle 2 Stunden werktags", "irgendwann",
                      "Aufbissschiene vor dem Schlafengehen", "change x y"),
               "es": ("", "soltar los hombros a las 19:30", "cada 2 horas entre semana", "algún día",
                      "férula antes de dormir", "change x y")},
    "reminders": {"de": ("",), "es": ("",)},
    "quiet": {"de": ("", "für 3 Tage", "aus", "ewig"), "es": ("", "durante 3 días", "apagar", "siempre")},
    "": {"de": ("Kiefer", "hallo"), "es": ("mandíbula", "hola")},  # plain words in a private chat
    "nosuchcommand": {"de": ("",), "es": ("",)},  # the unknown-command answer
    "hepl": {"de": ("",), "es": ("",)},  # ... with its suggestion
    "export": {"de": ("",), "es": ("",)},
    "forget": {"de": ("",), "es": ("",)},
    "progress": {"de": ("",), "es": ("",)},
    "checkins": {"de": ("", "aus", "an"), "es": ("", "apagar", "activar")},
    # A hold: its first frame, the frames the clock runs, /stop and the closing frame.
    "hold": {"de": ("", "ball-wall", "Schultern", "neck-tilt für 90 Sekunden", "Purzelbaum"),
             "es": ("", "ball-wall", "hombros", "jaw-release durante 2 minutos", "voltereta")},
    "stop": {"de": ("",), "es": ("",)},  # with a hold running, and then without one
    # In a private chat; in a community, and pressing their buttons: the tests further down.
    "tip": {"de": ("", "random", "top", "area Nacken", "mine", "quatsch",
                   "share Ein Tennisball in der Socke hilft mir jeden Abend"),
            "es": ("", "random", "top", "area cuello", "mine", "tonterías",
                   "share Una pelota de tenis en un calcetín me ayuda cada noche")},
    "routine": {"de": ("", "new", "Kinn einziehen: 5 s halten, 10 Mal area:neck",
                       "Türrahmen 30 Sekunden, 3 Runden", "neu Nacken: 20 Sekunden x 3, 15 s Pause",
                       "show Nichts", "cancel", "delete", "Schulterkreisen"),
                "es": ("", "new", "retracción de barbilla: mantener 5 s, 10 veces area:neck",
                       "marco de la puerta 30 segundos, 3 rondas",
                       "nueva cuello: 20 segundos x 3, descanso de 15 s",
                       "show Nada", "cancel", "delete", "círculos de hombros")},
}  # fmt: skip
NOT_YET: set[str] = set()

# Words that are English and neither German nor Spanish ("was", "will", "me", "Pause" and
# "Zone" are both): one in a reply is English left over.
ENGLISH = frozenset(
    [
        "the",
        "you",
        "your",
        "yours",
        "and",
        "with",
        "for",
        "this",
        "that",
        "these",
        "those",
        "what",
        "when",
        "where",
        "which",
        "here",
        "there",
        "have",
        "has",
        "please",
        "every",
        "daily",
        "reminder",
        "reminders",
        "spot",
        "spots",
        "set",
        "hold",
        "press",
        "stop",
        "don't",
        "can't",
        "i'm",
        "it's",
        "is",
        "are",
        "of",
        "to",
        "at",
        "on",
        "or",
        "not",
        "it",
        "my",
        "we",
        "our",
        "from",
        "into",
        "can",
        "would",
        "should",
        "next",
        "today",
        "tomorrow",
        "done",
        "know",
        "try",
        "type",
        "pick",
        "sorry",
        "thanks",
        "nice",
        "work",
        "first",
        "time",
        "resume",
        "delete",
        "undo",
        "previous",
        "snooze",
        "ready",
        "release",
        "round",
        "paused",
        "stopped",
        "skip",
        "before",
        "again",
        "anyway",
        "help",
        "show",
        "tips",
        "tip",
        "routine",
        "routines",
        "shared",
        "moderator",
        "moderators",
        "review",
        "approved",
        "rounds",
        "steps",
        "thank",
        "saved",
        "keep",
    ]
)
_WORD = re.compile(r"[\w'\u2019]+")


def _names() -> set[str]:
    """What is allowed to stay as it is: names, ids and the like."""
    return {"knotbot", NAME, *NAMES.values(), "UTC"}


def _strip(text: str, typed: str, ids: set[str]) -> str:
    """The reply without what may stay English: what was typed, names, commands and ids."""
    for said in sorted({typed, typed.lower(), *_names(), *ids}, key=len, reverse=True):
        if said:
            text = text.replace(said, " ")
    text = re.sub(r"/\w+", " ", text)  # command names: /help, /remind
    text = re.sub(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/]+\b", " ", text)  # time zones: Europe/Berlin
    return text


def english_left(text: str, typed: str, ids: set[str]) -> list[str]:
    words = _WORD.findall(_strip(text, typed, ids).lower().replace("\u2019", "'"))
    return sorted({w for w in words if w in ENGLISH})


@functools.cache
def _catalog_sentences() -> tuple[tuple[str, str], ...]:
    """(English, what of it shows in a reply) for each catalog sentence of three words or
    more; read once (a hold's story has dozens of frames to check)."""
    found = []
    for message, _ in code_messages():
        english = message if isinstance(message, str) else message[0]
        plain = re.sub(r"%\(\w+\)\w", "", english).strip(" .:")
        if len(plain.split()) >= 3:
            found.append((english, plain))
    return tuple(found)


def english_sentences(text: str) -> list[str]:
    """Whole catalog sentences (of three words or more) said in English."""
    return [english for english, plain in _catalog_sentences() if plain in text]


def ids_of(bot: Knotbot) -> set[str]:
    """What people type that stays as it is: spot and technique ids, subcommand keywords
    and each command's usage."""
    content = bot.services.content
    ids = {a.id for a in content.areas} | {t.id for t in content.techniques}
    ids |= {"<id>", "share", "random", "top", "area", "mine", "pending", "on", "off", "auto"}
    ids |= {"daily", "new", "edit", "delete", "cancel"}  # /tip and /routine subcommands
    # The usage of each command is what people type (its keywords stay as they are).
    for language in LANGUAGES:
        t = translator(language)
        ids |= {t.gettext(c.usage) for c in COMMANDS if c.usage}
    return ids
