"""/language: which language knotbot speaks with this person.

By default it follows their app (Telegram's language, Discord's locale); `/language de` or a
button keeps German whatever the app says, and `/language auto` follows the app again.
"""

from __future__ import annotations

from bot.actions import SetLanguage, button
from bot.context import Context
from bot.i18n import LANGUAGES, NAMES, choose, language_of_locale, translator
from bot.messages import Button, ButtonStyle, ReplyBuilder, text
from bot.text import shorten

AUTO = "auto"
# What people may type after /language, folded to lower case: codes, names in English and
# in each language knotbot speaks.
_WORDS: dict[str, str] = {
    "en": "en", "english": "en", "englisch": "en", "inglés": "en", "ingles": "en",
    "de": "de", "deutsch": "de", "german": "de", "alemán": "de", "aleman": "de",
    "es": "es", "español": "es", "espanol": "es", "spanish": "es", "spanisch": "es",
    "auto": AUTO, "automatic": AUTO, "automatisch": AUTO, "automático": AUTO,
    "automatico": AUTO, "app": AUTO,
}  # fmt: skip


def language_named(word: str) -> str | None:
    """The language meant by "de", "Deutsch", "German", "de-AT" or "auto"; None if none."""
    said = word.strip().lower()
    return _WORDS.get(said) or language_of_locale(said)


def language_buttons(current: str | None) -> tuple[Button, ...]:
    """One button per language, named in itself; the chosen one stands out."""
    return tuple(
        button(
            NAMES[lang],
            SetLanguage(lang),
            ButtonStyle.PRIMARY if lang == current else ButtonStyle.SECONDARY,
        )
        for lang in LANGUAGES
    )


async def language(ctx: Context) -> None:
    """`/language` shows the choice; `/language de` (or a name) makes it."""
    said = ctx.args.strip()
    if said:
        chosen = language_named(said)
        if chosen is not None:
            await _set(ctx, chosen)
            return
    t = ctx.t
    builder = ReplyBuilder()
    shown = shorten(said, 40)  # without invisible or control characters
    if shown:
        builder.add(
            text(
                t.gettext("I don't speak \u201c%(said)s\u201d yet. I speak %(languages)s.")
                % {"said": shown, "languages": t.join([NAMES[lang] for lang in LANGUAGES])}
            )
        )
    builder.add(
        text(
            t.gettext("I'm speaking %(language)s with you. Which language would you like?")
            % {"language": NAMES[ctx.language]},
            t.gettext("/language auto follows the language of your app again."),
        )
    )
    builder.row(*language_buttons(ctx.language))
    await ctx.answer(builder.build())


async def on_language_button(ctx: Context, action: SetLanguage) -> None:
    if action.language not in (*LANGUAGES, AUTO):
        await ctx.replier.notice(
            ctx.t.gettext("That button is from an older version of me; try /help.")
        )
        return
    await _set(ctx, action.language)


async def _set(ctx: Context, chosen: str) -> None:
    """Store the choice and say so in the language now spoken."""
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.ensure(ctx.user, ctx.services.clock.now())
        await tx.users.set_language(user, None if chosen == AUTO else chosen)
    ctx.language = choose(None if chosen == AUTO else chosen, ctx.user.locale)
    t = translator(ctx.language)
    if chosen == AUTO:
        line = t.gettext(
            "I'll follow the language of your app: %(language)s. /language changes it."
        ) % {"language": NAMES[ctx.language]}
    else:
        line = t.gettext(
            "Okay, I'll speak %(language)s with you from now on. /language changes it."
        ) % {"language": NAMES[ctx.language]}
    await ctx.answer_in_place(ReplyBuilder().add(text(line)).build())
