"""Every translated command, run in German and in Spanish, answers without a word of English
left, except names (people's, spots' and techniques' ids, time zones, command names, the
languages' own names) and what the person typed.

COVERED lists the commands (with what is typed after them) this test runs in every language;
NOT_YET lists, honestly, the commands whose replies still speak English. A new command must be
added to one of the two, or `test_every_command_is_covered_or_listed_as_not_yet` fails: to
translate one, move it from NOT_YET to COVERED and make this test pass.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.actions import (
    Forget,
    ForgetChoice,
    ShowArea,
    ShowTechnique,
    encode,
)
from bot.clock import ManualClock
from bot.commands import COMMANDS
from bot.core import Knotbot
from bot.i18n import LANGUAGES, NAMES, translator
from bot.i18n.extract import code_messages
from bot.messages import Button, ButtonPress, ChatKind, ChatRef, Command, UserRef
from bot.render import plain_text
from tests.helpers import (
    PLATFORM,
    RecordingOutbox,
    RecordingReplier,
    command,
    dispatcher_for,
    private_chat,
    run_until,
)

# How long the clock runs a hold before /stop: past its setup, presses, releases and a rest.
HOLD_RUNS_SECONDS = 70

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


def speaker(language: str) -> UserRef:
    return UserRef(PLATFORM, f"u-{language}", NAME, {"de": "de-DE", "es": "es-ES"}[language])


async def replies_to(bot: Knotbot, clock: ManualClock, who: UserRef, said: str) -> list[str]:
    """What the person sees: the answers, and the frames of any hold it started (edited in
    while the clock runs it), then /stop's answer and the hold's closing frame."""
    replier = RecordingReplier(clock)
    bot.services.holds.attach(PLATFORM, replier)  # a hold's edits are recorded here too
    await bot.handle(command(said, who=who), replier)
    assert replier.sent or replier.notices, f"no answer to {said!r}"
    if bot.services.holds.find(private_chat(who.user_id), who) is not None:
        await clock.advance(HOLD_RUNS_SECONDS)
        await bot.handle(command("/stop", who=who), replier)
        assert replier.edits, "the hold's message was never edited"
    return [plain_text(s.reply) for s in [*replier.sent, *replier.edits]] + replier.notices


def _ids(bot: Knotbot) -> set[str]:
    content = bot.services.content
    ids = {a.id for a in content.areas} | {t.id for t in content.techniques}
    ids |= {"<id>", "share", "random", "top", "area", "mine", "pending", "on", "off", "auto"}
    ids |= {"daily", "new", "edit", "delete", "cancel"}  # /tip and /routine subcommands
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
    if name == "stop":  # a hold to stop: the story of /hold ends with /stop
        texts = await replies_to(bot, clock, who, "/hold legs-up-chair")
        stopped = translator(language).gettext("Your hold is stopped.")
        assert stopped in texts
        for text in texts:
            assert english_sentences(text) == [], text
            assert english_left(text, "", _ids(bot)) == [], text
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


# -- /tip and /routine as people use them: in a community, step by step, pressing buttons ----

# What people type, in their language: never translated, so stripped before the check.
TYPED = {
    "de": {
        "tip": "Ein Tennisball in einer langen Socke an der Wand löst meinen Nacken",
        "link": "Schau auf knoten-hilfe.de nach, da steht alles",
        "name": "Kinn einziehen",
        "steps": "Aufrecht sitzen. Das Kinn gerade nach hinten ziehen.",
        "timing": "5 s halten, 10 Wiederholungen",
        "unclear": "irgendwie so",
        "keep": "gleich",
        "one line": "Kinn einziehen: 5 s halten, 10 Mal area:neck",
        "no colon": "Türrahmen 30 Sekunden, 3 Runden, 10 s Pause area:shoulders",
        "capped": "Daumendruck: 90 s drücken, 12 Mal area:upper-back",
        "remind": "Kinn einziehen täglich um 11:00",
        "spot": "Nacken",
        "off": "aus",
        "on": "an",
    },
    "es": {
        "tip": "Una pelota de tenis en un calcetín largo contra la pared me suelta el cuello",
        "link": "Mira en nudos-ayuda.es, allí está todo",
        "name": "retracción de barbilla",
        "steps": "Siéntate recto. Lleva la barbilla hacia atrás.",
        "timing": "mantener 5 s, 10 repeticiones",
        "unclear": "más o menos",
        "keep": "igual",
        "one line": "retracción de barbilla: mantener 5 s, 10 veces area:neck",
        "no colon": "marco de la puerta 30 segundos, 3 rondas, descanso de 10 s area:shoulders",
        "capped": "presión con el pulgar: presionar 90 s, 12 veces area:upper-back",
        "remind": "retracción de barbilla todos los días a las 11:00",
        "spot": "cuello",
        "off": "apagar",
        "on": "activar",
    },
}
COMMUNITY = ChatRef(PLATFORM, "g-1", ChatKind.COMMUNITY, "c-1", "Knotenklub")


def person(language: str, name: str, *, moderator: bool = False) -> UserRef:
    locale = {"de": "de-DE", "es": "es-ES"}[language]
    return UserRef(PLATFORM, f"{name}-{language}", name, locale, is_moderator=moderator)


@dataclass
class Seen:
    """What one person saw after one message or press: texts, notices and button labels."""

    texts: list[str]
    buttons: list[Button]

    def button(self, label: str) -> Button:
        return next(b for b in self.buttons if label in b.label)


class Conversation:
    """One language's speakers talking to the core; every answer is checked for English."""

    def __init__(self, bot: Knotbot, clock: ManualClock, language: str) -> None:
        self.bot, self.clock, self.language = bot, clock, language
        self.typed = TYPED[language]
        self.t = translator(language)

    async def said(self, who: UserRef, text: str, chat: ChatRef | None = None) -> Seen:
        chat = chat or private_chat(who.user_id)
        name, _, args = text.removeprefix("/").partition(" ")
        event = (
            Command(chat, who, name, args) if text.startswith("/") else Command(chat, who, "", text)
        )
        return await self._seen(event, typed=text)

    async def pressed(self, who: UserRef, button: Button, chat: ChatRef | None = None) -> Seen:
        chat = chat or private_chat(who.user_id)
        return await self._seen(ButtonPress(chat, who, button.action), typed="")

    async def _seen(self, event: Command | ButtonPress, typed: str) -> Seen:
        replier = RecordingReplier(self.clock)
        await self.bot.handle(event, replier)
        assert replier.sent or replier.notices, f"no answer to {event}"
        seen = Seen(
            [plain_text(s.reply) for s in replier.sent] + replier.notices,
            [b for s in replier.sent for b in s.reply.all_buttons],
        )
        self.check(seen, typed)
        return seen

    def check(self, seen: Seen, typed: str = "") -> None:
        ids = _ids(self.bot) | set(self.typed.values()) | {typed} | {"Bo", "Mo"}
        for text in [*seen.texts, *(b.label for b in seen.buttons)]:
            assert english_sentences(text) == [], text
            assert english_left(text, typed, ids) == [], text


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
async def test_sharing_approving_and_thanking_a_tip_speaks_their_language(
    bot: Knotbot, clock: ManualClock, platform: RecordingOutbox, language: str
):
    talk = Conversation(bot, clock, language)
    t, typed = talk.t, talk.typed
    ada, bo = person(language, NAME), person(language, "Bo")
    mo = person(language, "Mo", moderator=True)
    await talk.said(mo, f"/tip moderation {typed['on']}", COMMUNITY)
    await talk.said(ada, "/tip", COMMUNITY)
    shared = await talk.said(ada, f"/tip share {typed['tip']} area:neck", COMMUNITY)
    assert t.gettext("Shared, thank you! Here it is:") not in shared.texts[0]
    await talk.said(ada, "/tip mine", COMMUNITY)
    await talk.said(ada, f"/tip share {typed['link']}", COMMUNITY)  # refused: a link
    refused = await talk.said(bo, "/tip pending", COMMUNITY)  # Bo is no moderator
    assert refused.texts == [t.gettext("Only moderators can see tips waiting for review.")]
    queue = await talk.said(mo, "/tip pending", COMMUNITY)
    await talk.pressed(bo, queue.buttons[0], COMMUNITY)  # nor may he approve it
    approved = await talk.pressed(mo, queue.buttons[0], COMMUNITY)
    number = int(re.findall(r"#(\d+)", queue.buttons[0].label)[0])
    assert t.gettext("Approved tip #%(id)d.") % {"id": number} in approved.texts[0]

    top = await talk.said(bo, "/tip top", COMMUNITY)
    assert typed["tip"] in top.texts[0]  # what Ada typed, as she typed it
    thanks = top.button(t.gettext("Thanks #%(id)d").split("#")[0])
    assert (await talk.pressed(bo, thanks, COMMUNITY)).texts == [
        t.gettext("Thanks sent (%(count)d so far).") % {"count": 1}
    ]
    await talk.pressed(bo, thanks, COMMUNITY)  # already thanked
    await talk.pressed(ada, thanks, COMMUNITY)  # her own tip
    await talk.pressed(bo, top.button(t.gettext("Report #%(id)d").split("#")[0]), COMMUNITY)
    await talk.said(bo, "/tip random", COMMUNITY)
    await talk.said(bo, f"/tip area {typed['spot']}", COMMUNITY)
    await talk.said(bo, "/tip nonsense", COMMUNITY)
    await talk.said(mo, f"/tip moderation {typed['off']}", COMMUNITY)

    # The tip of the day, set up by a moderator who speaks the language, posts in it.
    await talk.said(mo, "/tip daily 09:00", COMMUNITY)
    await run_until(clock, dispatcher_for(bot, platform), clock.now() + timedelta(days=1))
    posted = platform.sent[-1]
    talk.check(Seen([posted.text], list(posted.reply.all_buttons)))
    assert t.gettext("Tip of the day") in posted.text
    await talk.said(mo, f"/tip daily {typed['off']}", COMMUNITY)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
async def test_curated_tips_read_in_their_language_in_a_community_seeded_in_english(
    bot: Knotbot, clock: ManualClock, language: str
):
    talk = Conversation(bot, clock, language)
    top = await talk.said(person(language, "Bo"), "/tip area upper-back", COMMUNITY)
    translated = {tip.text for tip in bot.services.content.in_language(language).curated_tips}
    assert any(text in top.texts[0] for text in translated)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
async def test_writing_a_routine_step_by_step_and_in_one_line_speaks_their_language(
    bot: Knotbot, clock: ManualClock, platform: RecordingOutbox, language: str
):
    talk = Conversation(bot, clock, language)
    t, typed = talk.t, talk.typed
    ada = person(language, NAME)
    await talk.said(ada, "/routine new")
    spots = await talk.said(ada, typed["name"])
    neck = bot.services.content.in_language(language).area("neck")
    assert neck is not None
    await talk.pressed(ada, spots.button(neck.name))
    await talk.said(ada, typed["steps"])
    await talk.said(ada, typed["unclear"])  # not understood: said why, asked again
    saved = await talk.said(ada, typed["timing"])  # German "Wiederholungen", Spanish "repeticiones"
    assert t.ngettext("%(count)d round", "%(count)d rounds", 10) % {"count": 10} in saved.texts[0]
    listed = await talk.said(ada, "/routine")
    edit = await talk.pressed(ada, listed.button(t.gettext("Edit")))
    for _ in range(4):  # keep the name, the spot, the steps and the timing as they are
        edit = await talk.said(ada, typed["keep"])
    assert (t.gettext("Updated: your routine \u201c%(name)s\u201d.") % {"name": typed["name"]}) in (
        edit.texts[0]
    )
    await talk.pressed(ada, edit.button(t.gettext("It presses on a knot")))
    one_line = await talk.said(ada, f"/routine {typed['no colon']}")
    assert t.ngettext("%(count)d round", "%(count)d rounds", 3) % {"count": 3} in one_line.texts[0]
    await talk.said(ada, f"/routine new {typed['capped']}")  # 90 s and 12 rounds: capped
    await talk.said(ada, "/routine cancel")

    # A reminder of it names the routine when it arrives, and when Done is pressed on it.
    await talk.said(ada, f"/remind {typed['remind']}")
    await run_until(clock, dispatcher_for(bot, platform), clock.now() + timedelta(days=1))
    arrived = platform.sent[-1]
    talk.check(Seen([arrived.text], list(arrived.reply.all_buttons)))
    assert typed["name"] in arrived.text
    done = next(b for b in arrived.reply.all_buttons if b.label == t.gettext("Done"))
    after = await talk.pressed(ada, done)
    timing = t.gettext("Time for your routine: %(timing)s.").split("%")[0]
    assert typed["name"] in after.texts[0] and timing in after.texts[0]
    gone = await talk.pressed(ada, saved.button(t.gettext("Delete")))
    assert t.gettext("Reminders of it stay, without its Start button.") in gone.texts[0]


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
async def test_a_routine_shared_as_a_tip_is_approved_and_copied_in_their_language(
    bot: Knotbot, clock: ManualClock, language: str
):
    talk = Conversation(bot, clock, language)
    t, typed = talk.t, talk.typed
    ada, bo = person(language, NAME), person(language, "Bo")
    mo = person(language, "Mo", moderator=True)
    card = await talk.said(ada, f"/routine new {typed['one line']}", COMMUNITY)
    shared = await talk.pressed(ada, card.button(t.gettext("Share as a tip")), COMMUNITY)
    assert (
        t.gettext("Shared for review: once a moderator approves it, others here can copy it.")
        in shared.texts[0]
    )
    queue = await talk.said(mo, "/tip pending", COMMUNITY)
    await talk.pressed(mo, queue.buttons[0], COMMUNITY)
    top = await talk.said(bo, "/tip top", COMMUNITY)
    copied = await talk.pressed(bo, top.button(t.gettext("Copy to my routines")), COMMUNITY)
    assert typed["name"] in copied.texts[0]
    await talk.said(bo, "/routine")
