"""Every translated command, run in German and in Spanish, answers without a word of English
left, except names (people's, spots' and techniques' ids, time zones, command names, the
languages' own names) and what the person typed.

COVERED lists the commands (with what is typed after them) this test runs in every language;
NOT_YET lists, honestly, the commands whose replies still speak English. A new command must be
added to one of the two, or `test_every_command_is_covered_or_listed_as_not_yet` fails: to
translate one, move it from NOT_YET to COVERED and make this test pass.
"""

from __future__ import annotations

import re

import pytest

from bot.actions import Forget, ForgetChoice, ShowArea, ShowTechnique, encode
from bot.clock import ManualClock
from bot.commands import COMMANDS
from bot.core import Knotbot
from bot.i18n import LANGUAGES, NAMES, translator
from bot.i18n.extract import code_messages
from bot.messages import ButtonPress, UserRef
from bot.render import plain_text
from tests.helpers import PLATFORM, RecordingReplier, command, private_chat

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
}  # fmt: skip
NOT_YET = {"hold", "stop", "tip", "routine"}

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
        "help",
        "show",
        "tips",
        "tip",
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


def english_sentences(text: str) -> list[str]:
    """Whole catalog sentences (of three words or more) said in English."""
    found = []
    for message, _ in code_messages():
        english = message if isinstance(message, str) else message[0]
        plain = re.sub(r"%\(\w+\)\w", "", english).strip(" .:")
        if len(plain.split()) >= 3 and plain in text:
            found.append(english)
    return found


def speaker(language: str) -> UserRef:
    return UserRef(PLATFORM, f"u-{language}", NAME, {"de": "de-DE", "es": "es-ES"}[language])


async def replies_to(bot: Knotbot, clock: ManualClock, who: UserRef, said: str) -> list[str]:
    replier = RecordingReplier(clock)
    await bot.handle(command(said, who=who), replier)
    assert replier.sent or replier.notices, f"no answer to {said!r}"
    return [plain_text(s.reply) for s in replier.sent] + replier.notices


def _ids(bot: Knotbot) -> set[str]:
    content = bot.services.content
    ids = {a.id for a in content.areas} | {t.id for t in content.techniques}
    ids |= {"<id>", "share", "random", "top", "area", "mine", "pending", "on", "off", "auto"}
    # The usage of each command is what people type (its keywords stay as they are).
    for language in LANGUAGES:
        t = translator(language)
        ids |= {t.gettext(c.usage) for c in COMMANDS if c.usage}
    return ids


def _cases() -> list[tuple[str, str, str]]:
    return [
        (language, name, args)
        for name, by_language in COVERED.items()
        for language, said in by_language.items()
        for args in said
    ]


@pytest.mark.parametrize(("language", "name", "args"), _cases())
async def test_no_english_is_left_in_a_translated_reply(
    bot: Knotbot, clock: ManualClock, language: str, name: str, args: str
):
    who = speaker(language)
    if name in ("reminders", "quiet", "forget"):  # something to list, to quiet, to forget
        await replies_to(bot, clock, who, "/remind " + COVERED["remind"][language][1])
    said = f"/{name} {args}".strip() if name else args
    for text in await replies_to(bot, clock, who, said):
        assert english_sentences(text) == [], text
        assert english_left(text, args, _ids(bot)) == [], text


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
async def test_buttons_pressed_in_a_translated_reply_answer_in_that_language(
    bot: Knotbot, clock: ManualClock, language: str
):
    who = speaker(language)
    pressed = (
        ShowArea("jaw"),
        ShowTechnique("jaw-release"),
        ShowArea("gone"),
        Forget(ForgetChoice.CANCEL),
        Forget(ForgetChoice.DELETE_TIPS),
    )
    for action in pressed:
        replier = RecordingReplier(clock)
        await bot.handle(ButtonPress(private_chat(who.user_id), who, encode(action)), replier)
        for text in [plain_text(s.reply) for s in replier.sent] + replier.notices:
            assert english_sentences(text) == [], text
            assert english_left(text, "", _ids(bot)) == [], text


def test_every_command_is_covered_or_listed_as_not_yet():
    names = {c.name for c in COMMANDS}
    assert names - set(COVERED) - NOT_YET == set(), "a command in no list: add it to one"
    assert names >= NOT_YET and not (NOT_YET & set(COVERED))


def test_the_check_itself_finds_english():
    """The detector is not blind: the English replies it would let through are none."""
    english = "Here is what I can do: set a reminder for your shoulders."
    assert english_left(english, "", set()) != []
    assert english_sentences("Tell me a spot (for example upper back, or jaw), or type /help.")
