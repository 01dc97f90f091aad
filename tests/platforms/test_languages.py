"""Their own language on both platforms, through the real clients and the stand-ins: Telegram
menus per `language_code`, Discord names and descriptions localized at sync, and a person whose
app speaks German or Spanish answered in it."""

from __future__ import annotations

import json

from bot.core import Knotbot
from bot.i18n import translator
from tests.platforms.discord_user import running as running_discord
from tests.platforms.discord_user import shown, slash
from tests.platforms.telegram_user import USER
from tests.platforms.telegram_user import running as running_telegram
from tests.standins.discord_api import DiscordStandIn
from tests.standins.telegram_api import TelegramStandIn


def telegram_menu(tg: TelegramStandIn, scope: str, language: str) -> dict[str, str]:
    key = json.dumps({"type": scope}, sort_keys=True)
    return {c["command"]: c["description"] for c in tg.commands[(key, language)]}


async def test_telegram_menus_are_set_in_english_german_and_spanish(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running_telegram(tg, core):
        pass
    for scope in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        english = telegram_menu(tg, scope, "")
        german = telegram_menu(tg, scope, "de")
        spanish = telegram_menu(tg, scope, "es")
        assert list(english) == list(german) == list(spanish)  # the same commands
    private_de = telegram_menu(tg, "all_private_chats", "de")
    private_es = telegram_menu(tg, "all_private_chats", "es")
    assert private_de["help"] == "Alles, was knotbot kann"
    assert private_de["remind"] == "Eine Erinnerung zum Entspannen einrichten"
    assert private_es["help"] == "Todo lo que puede hacer knotbot"
    assert private_es["language"] == "Elige el idioma en que te hablo: English, Deutsch, Español"
    assert telegram_menu(tg, "all_private_chats", "")["help"] == "Everything knotbot can do"
    admins_de = telegram_menu(tg, "all_chat_administrators", "de")
    assert admins_de["tip"].endswith("; Moderation: pending, remove, moderation, daily")


async def test_a_telegram_user_whose_app_speaks_german_is_answered_in_german(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with running_telegram(tg, core):
        before = len(tg.calls_to("sendMessage"))
        tg.push_text(USER, USER, "/help", language_code="de")
        call = await tg.wait_for("sendMessage", count=before + 1)
        assert "Das kann ich:" in call.params["text"]
        tg.push_text(USER, USER, "/language es", language_code="de")
        call = await tg.wait_for("sendMessage", count=before + 2)
        assert "Vale, a partir de ahora te hablo en español." in call.params["text"]
        tg.push_text(USER, USER, "/timezone", language_code="de")
        call = await tg.wait_for("sendMessage", count=before + 3)
        assert "Tu zona horaria es UTC" in call.params["text"]


async def test_discord_commands_carry_german_and_spanish_names_and_descriptions(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with running_discord(discord_api, core):
        pass
    synced = {c["name"]: c for c in discord_api.commands[None]}
    helps = synced["help"]
    assert helps["description"] == "Everything knotbot can do"
    assert helps["description_localizations"]["de"] == "Alles, was knotbot kann"
    for spanish in ("es-ES", "es-419"):
        assert helps["description_localizations"][spanish] == "Todo lo que puede hacer knotbot"
    assert helps["name_localizations"] == {"de": "hilfe", "es-ES": "ayuda", "es-419": "ayuda"}
    assert "fr" not in helps["description_localizations"]  # English where the core has none
    (area,) = synced["knot"]["options"]
    assert area["description_localizations"]["de"] == (
        translator("de").gettext("The spot, e.g. upper-back, shoulders, jaw")
    )
    tip = synced["tip"]
    assert (
        tip["description_localizations"]["es-ES"]
        == "Consejos de la comunidad: compartir, explorar, agradecer"
    )
    share = next(o for o in tip["options"] if o["name"] == "share")
    assert share["description_localizations"]["de"].startswith("Teile, was dir hilft")
    assert "name_localizations" not in share or not share["name_localizations"]


async def test_a_discord_user_in_spanish_is_answered_in_spanish(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with running_discord(discord_api, core):
        message = await slash(discord_api, "help", locale="es-ES")
        assert "Esto es lo que puedo hacer:" in shown(message)
        german = await slash(discord_api, "language", locale="de")
        assert "Ich spreche Deutsch mit dir." in shown(german)
