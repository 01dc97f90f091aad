"""Their own language: chosen from the platform's locale, kept with /language, spoken from the
gettext catalogs (with plural forms), dates and lists as people of that language write them."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.actions import SetLanguage
from bot.clock import ManualClock
from bot.commands import COMMANDS
from bot.core import Knotbot
from bot.i18n import LANGUAGES, choose, language_of_locale, translator
from bot.i18n.extract import code_messages, command_messages
from bot.i18n.translator import catalog_text
from bot.messages import UserRef
from tests.helpers import PLATFORM, RecordingReplier, command, press

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def speaker(locale: str | None, user_id: str = "u1") -> UserRef:
    return UserRef(PLATFORM, user_id, "Ada", locale)


async def said(bot: Knotbot, clock: ManualClock, text: str, who: UserRef) -> RecordingReplier:
    replier = RecordingReplier(clock)
    await bot.handle(command(text, who=who), replier)
    return replier


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("de", "de"), ("de-AT", "de"), ("de_CH", "de"), ("es", "es"), ("es-ES", "es"),
        ("es-419", "es"), ("en-GB", "en"), ("pt-BR", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_a_platform_locale_names_the_language_it_speaks(locale: str | None, language: str | None):
    assert language_of_locale(locale) == language


def test_an_explicit_choice_beats_the_platform_which_beats_english():
    assert choose("es", "de-DE") == "es"
    assert choose(None, "de-DE") == "de"
    assert choose(None, "fr-FR") == "en"
    assert choose("xx", None) == "en"


def test_plural_forms_come_from_the_catalogs():
    moved = ("%(count)d reminder moved with it.", "%(count)d reminders moved with it.")
    for language in LANGUAGES:
        t = translator(language)
        one = t.ngettext(*moved, 1) % {"count": 1}
        many = t.ngettext(*moved, 3) % {"count": 3}
        assert one != many and one.startswith("1") and many.startswith("3")
    assert translator("de").ngettext(*moved, 3) == "%(count)d Erinnerungen sind mitgezogen."
    assert translator("es").ngettext(*moved, 1) == "%(count)d recordatorio se ha movido con ella."


def test_dates_times_and_lists_follow_the_language():
    day = date(2026, 12, 4)
    assert translator("en").weekday_text(day) == "Fri"
    assert translator("de").weekday_text(day, wide=True) == "Freitag"
    assert translator("es").weekday_text(day, wide=True) == "viernes"
    assert (
        translator("de").join(["Kiefer", "Nacken", "Schultern"]) == "Kiefer, Nacken und Schultern"
    )
    assert translator("es").join(["mandíbula", "cuello", "hombros"]) == (
        "mandíbula, cuello y hombros"
    )
    assert translator("es").time_text(time(19, 30)) == "19:30"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_sentence_the_core_marks_has_a_translation(language: str):
    """A sentence added to the code or the command table without its translation fails here,
    naming where it is said."""
    t = translator(language)
    missing = []
    for message, where in [*code_messages(), *command_messages(COMMANDS)]:
        if isinstance(message, tuple):
            if t.ngettext(*message, 2) == message[1] or t.ngettext(*message, 1) == message[0]:
                missing.append(f"{where}: {message[0]!r}")
        elif t.gettext(message) == message and not _same_in_every_language(message):
            missing.append(f"{where}: {message!r}")
    assert missing == [], f"not yet in the {language} catalog"


def _same_in_every_language(message: str) -> bool:
    """Texts made only of command words and numbers ("on|off", "09:00|off")."""
    words = message.replace("|", " ").replace("<", " ").replace(">", " ").split()
    return all(word in {"on", "off", "en", "de", "es", "auto", "09:00"} for word in words)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_catalogs_ship_with_the_package_and_declare_their_plural_forms(language: str):
    assert "Plural-Forms: nplurals=" in catalog_text(language)


async def test_the_platform_language_is_spoken_until_they_choose_another(
    bot: Knotbot, clock: ManualClock
):
    german = speaker("de-DE")
    assert "Das kann ich:" in (await said(bot, clock, "/help", german)).last
    chosen = await said(bot, clock, "/language es", german)
    assert "Vale, a partir de ahora te hablo en español." in chosen.last
    assert "Esto es lo que puedo hacer:" in (await said(bot, clock, "/help", german)).last
    back = await said(bot, clock, "/language auto", german)
    assert "Ich folge der Sprache deiner App: Deutsch." in back.last
    assert "Das kann ich:" in (await said(bot, clock, "/help", german)).last


async def test_language_offers_one_button_per_language_named_in_itself(
    bot: Knotbot, clock: ManualClock
):
    replier = await said(bot, clock, "/language", speaker("es-MX"))
    assert "Te hablo en español." in replier.last
    buttons = replier.sent[-1].reply.all_buttons
    assert [b.label for b in buttons] == ["English", "Deutsch", "Español"]
    pressed = RecordingReplier(clock)
    await bot.handle(press(SetLanguage("de"), who=speaker("es-MX")), pressed)
    assert "ab jetzt spreche ich Deutsch mit dir" in pressed.last


async def test_language_names_in_any_language_are_understood(bot: Knotbot, clock: ManualClock):
    for word, answer in [("Deutsch", "Deutsch"), ("spanish", "español"), ("Inglés", "English")]:
        replier = await said(bot, clock, f"/language {word}", speaker(None))
        assert answer in replier.last


async def test_an_unknown_language_is_said_plainly_with_the_choices(
    bot: Knotbot, clock: ManualClock
):
    replier = await said(bot, clock, "/language klingon", speaker("de"))
    assert "„klingon“ spreche ich noch nicht. Ich spreche English, Deutsch und Español." in (
        replier.last
    )
    assert len(replier.sent[-1].reply.all_buttons) == 3


async def test_english_stays_the_default_and_reads_as_before(bot: Knotbot, clock: ManualClock):
    replier = await said(bot, clock, "/help", speaker(None))
    assert "Here is what I can do:" in replier.last
    assert "/language <en | de | es | auto>: Choose the language I speak" in replier.last


async def test_the_choice_is_in_the_export(bot: Knotbot, clock: ManualClock):
    who = UserRef(PLATFORM, "u1", "Ada", "de")
    await said(bot, clock, "/language es", who)
    replier = await said(bot, clock, "/export", who)
    attachment = replier.sent[-1].reply.attachment
    assert attachment is not None and b'"language": "es"' in attachment.data


def test_progress_lines_follow_the_language():
    from bot.progress import Relief, relief_line

    found = Relief("ball-wall", "upper-back", 6.1, 3.8, 9)
    assert relief_line(found, "Ball gegen die Wand", "Oberer Rücken", translator("de")) == (
        "Ball gegen die Wand, Oberer Rücken: 6,1 \u2192 3,8 bei 9 Übungen"
    )
    assert relief_line(found, "Pelota contra la pared", "Cuello", translator("es")) == (
        "Pelota contra la pared, cuello: 6,1 \u2192 3,8 en 9 ejercicios"
    )
    assert relief_line(found, "Ball against the wall", "Upper back") == (
        "Ball against the wall, upper back: 6.1 \u2192 3.8 over 9 holds"
    )
