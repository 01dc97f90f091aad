"""/tip and /routine as people use them, in German and Spanish: in a community, step by step,
pressing buttons; no English left in what they see (tests/english_left.py says what counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.core import Knotbot
from bot.i18n import LANGUAGES, translator
from bot.messages import Button, ButtonPress, ChatKind, ChatRef, Command, UserRef
from bot.render import plain_text

# How long the clock runs a hold before /stop: past its setup, presses, releases and a rest.
from tests.english_left import NAME, english_left, english_sentences, ids_of
from tests.helpers import (
    PLATFORM,
    RecordingOutbox,
    RecordingReplier,
    dispatcher_for,
    private_chat,
    run_until,
)

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
        ids = ids_of(self.bot) | set(self.typed.values()) | {typed} | {"Bo", "Mo"}
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
