"""Issue 17: a German and a Spanish speaker use every command in their language, on Telegram
and on Discord, through the real clients and the stand-ins; nothing the platform recorded
(messages, edits, button labels, toasts, forms) has English left in it.

The commands and what people type after them are COVERED, and the check is the one of
tests/test_no_english_left.py (it runs the same commands through the core alone). Here each
platform and language is one session of the real client on its stand-in, with the first two
typed variants of each command:

- Telegram: `/command args` from a person whose app's `language_code` is "de" or "es", each
  command in a private chat of its own (a conversation one command starts, such as
  `/routine new`, does not swallow the next command's words); plain words too.
- Discord: slash commands with the interaction's `locale` "de" or "es-ES", in a DM. Discord has
  no plain messages (the "" entry is not run there), a command group cannot be run bare
  (`/tip` alone; `/routine` alone is `/routine list`), and `/start` takes no text; a command
  Discord no longer knows (`/nosuchcommand`) arrives as a command synced by an older version.
  `/routine new` without text opens a form: its title, labels and spots are checked (the
  spots named in their language, as the core names them).

A hold is started and stopped at once (`/stop`): its frames are checked, not run for minutes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.commands import COMMANDS
from bot.commands.spec import CommandSpec
from bot.core import Knotbot
from bot.i18n import translator
from tests.english_left import COVERED, english_left, english_sentences, ids_of
from tests.helpers import eventually
from tests.platforms import discord_user, telegram_user
from tests.shortholds import QUICK
from tests.standins.discord_api import DiscordStandIn
from tests.standins.telegram_api import TelegramStandIn

VARIANTS = 2  # the first two of what people type after each command
LANGUAGES = ("de", "es")
DISCORD_LOCALE = {"de": "de", "es": "es-ES"}
TELEGRAM_FIRST_USER = 7000
SPECS = {spec.name: spec for spec in COMMANDS}
MODAL = 9  # the interaction callback that opens a form


@dataclass
class Said:
    """One thing a person said (`typed` after the command) and the platform's record of the
    bot's answers to it: the calls from `first` up to the next one's."""

    line: str
    typed: str
    first: int


@dataclass
class Session:
    """What one person said in one session, in order, and what was found in the answers."""

    core: Knotbot
    said: list[Said] = field(default_factory=list)
    handled: list[object] = field(default_factory=list)  # the events the core has handled
    forms: list[dict[str, Any]] = field(default_factory=list)  # Discord forms opened

    def track(self) -> None:
        """Count the events the core has finished handling, to know when an answer is
        complete (a pass-through, like `tests.platforms.spy`: the core still does all)."""
        handle = self.core.handle

        async def handling(event: Any, replier: Any) -> object:
            try:
                return await handle(event, replier)
            finally:
                self.handled.append(event)

        self.core.handle = handling  # type: ignore[method-assign]

    async def once_handled(self, send: Callable[[], Awaitable[object]]) -> None:
        before = len(self.handled)
        await send()
        await eventually(lambda: len(self.handled) > before, within=10)

    async def holds_stopped(self) -> None:
        await eventually(lambda: not self.core.services.holds.active, within=10)

    def english_left(self, calls: list[Any], texts_of: Callable[[Any], list[str]]) -> list[str]:
        """The English in what was shown after each thing said (up to the next one), with
        what was typed then (and names and ids) let through."""
        ids = ids_of(self.core)
        ends = [said.first for said in self.said[1:]] + [len(calls)]
        found = []
        for said, end in zip(self.said, ends, strict=True):
            shown = [text for call in calls[said.first : end] for text in texts_of(call)]
            found += [f"{said.line!r} -> {e}" for e in english_in(shown, said.typed, ids)]
        return found


def first_variants(language: str) -> Iterator[tuple[str, str]]:
    for name, by_language in COVERED.items():
        for args in by_language[language][:VARIANTS]:
            yield name, args


def needs_before(name: str, language: str) -> list[str]:
    """What the person says first so the command has something to act on (as in the core
    test): a reminder to list, quiet or forget; a hold to stop."""
    if name in ("reminders", "quiet", "forget"):
        return ["/remind " + COVERED["remind"][language][1]]
    if name == "stop":
        return ["/hold legs-up-chair"]
    return []


def english_in(texts: list[str], typed: str, ids: set[str]) -> list[str]:
    found = []
    for text in texts:
        left = english_left(text, typed, ids)
        sentences = english_sentences(text)
        if left or sentences:
            found.append(f"{left or sentences}: {text!r}")
    return found


# -- Telegram ----------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _plain(markup: object) -> str:
    return html.unescape(_TAG.sub(" ", str(markup)))


def telegram_texts(call: Any) -> list[str]:
    """What a call shows: a message's text or caption, its button labels, a toast."""
    if call.failed:
        return []
    params = call.params
    texts = [_plain(params[key]) for key in ("text", "caption") if params.get(key)]
    markup = params.get("reply_markup")
    if isinstance(markup, dict):
        texts += [b.get("text", "") for row in markup.get("inline_keyboard", []) for b in row]
    return texts


async def on_telegram(
    tg: TelegramStandIn, core: Knotbot, language: str, commands: list[tuple[str, str]]
) -> Session:
    """A person whose app speaks `language` says each command, each in a private chat of its
    own; a hold it starts is stopped at once."""
    session = Session(core)
    session.track()

    async def say(user: int, said: str, typed: str) -> None:
        session.said.append(Said(said, typed, len(tg.calls)))
        await session.once_handled(lambda: _push(tg, user, said, language))

    async with telegram_user.running(tg, core, limits=QUICK):
        for number, (name, args) in enumerate(commands):
            user = TELEGRAM_FIRST_USER + number
            line = f"/{name} {args}".strip() if name else args
            for said, typed in [*((b, "") for b in needs_before(name, language)), (line, args)]:
                await say(user, said, typed)
                if core.services.holds.active:  # a hold started: /stop it (the story's end)
                    await say(user, "/stop", "")
                    await session.holds_stopped()
        await session.holds_stopped()
    return session


async def _push(tg: TelegramStandIn, user: int, said: str, language: str) -> None:
    tg.push_text(user, user, said, language_code=language)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_command_on_telegram_answers_in_their_language(
    tg: TelegramStandIn, core: Knotbot, language: str
) -> None:
    commands = list(first_variants(language))
    session = await on_telegram(tg, core, language, commands)
    found = session.english_left(tg.calls, telegram_texts)
    assert found == [], "\n".join(found)
    seen = [text for call in tg.calls for text in telegram_texts(call)]
    assert translator(language).gettext("Stop") in seen  # a hold's buttons were read too
    answered = {int(c.params["chat_id"]) for c in tg.calls_to("sendMessage") if not c.failed}
    assert len(answered) == len(commands)  # every one of them was answered


async def test_the_telegram_check_finds_english_in_an_english_session(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    """Not blind: the same check, on what an English speaker is shown, finds English in the
    texts and in the buttons."""
    session = await on_telegram(tg, core, "en", [("help", ""), ("hold", "ball-wall")])
    found = "\n".join(session.english_left(tg.calls, telegram_texts))
    assert "'/help' -> " in found and "['skip']: 'Skip'" in found  # a text, and a button


# -- Discord -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slash:
    """A slash command as a Discord client sends it."""

    name: str
    options: dict[str, str]
    subcommand: str | None = None


def _with_option(spec_option: Any, text: str) -> tuple[str, dict[str, str]]:
    """`share <text> area:neck` as Discord's fields: the text, and the named option."""
    if spec_option is None:
        return text, {}
    named = re.search(rf"\b{re.escape(spec_option.name)}:(\S+)", text)
    if named is None:
        return text, {}
    return (text[: named.start()] + text[named.end() :]).strip(), {spec_option.name: named[1]}


def as_slash(name: str, args: str) -> Slash | None:
    """What a person types as the slash command Discord offers for it; None where Discord has
    none (see the module's docstring)."""
    spec: CommandSpec | None = SPECS.get(name)
    if not name:
        return None  # plain words: Discord has no plain messages
    if spec is None:
        return Slash(name, {"said": args} if args else {})  # a command an older version synced
    if not spec.subcommands:
        if spec.arg is None:
            return None if args else Slash(name, {})
        return Slash(name, {spec.arg.name: args} if args else {})
    first, _, rest = args.partition(" ")
    if not args and name == "routine":
        first = "list"  # what `/routine` alone shows
    sub = next((s for s in spec.subcommands if s.name == first), None)
    if sub is None:
        return None  # a group cannot be run bare, nor with words that are no subcommand
    text, options = _with_option(sub.option, rest)
    if text and sub.arg is not None:
        options[sub.arg.name] = text
    return Slash(name, options, sub.name)


def discord_texts(call: Any) -> list[str]:
    """What a call shows: content, embeds, button labels; a form's title, labels, choices."""
    if not _is_sent(call):
        return []
    body = call.json if isinstance(call.json, dict) else {}
    if call.path.endswith("/callback"):
        body = body.get("data") or {}
    texts = [body.get("content") or "", body.get("title") or ""]
    for embed in body.get("embeds") or []:
        texts += [embed.get("title") or "", embed.get("description") or ""]
        texts += [f.get(k) or "" for f in embed.get("fields") or [] for k in ("name", "value")]
    texts += list(_labels(body.get("components") or []))
    unescaped = [re.sub(r"<t:\d+(:\w)?>", " ", t).replace("\\", "") for t in texts]
    return [t for t in unescaped if t.strip()]


def _labels(components: list[Any]) -> Iterator[str]:
    for component in components:
        if not isinstance(component, dict):
            continue
        for key in ("label", "placeholder", "description", "content"):
            if isinstance(component.get(key), str):
                yield component[key]
        for option in component.get("options") or []:
            if isinstance(option, dict):
                yield option.get("label") or ""
        inner = component.get("component")
        yield from _labels([*(component.get("components") or []), *([inner] if inner else [])])


def _walk(components: list[Any]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        inner = component.get("component")
        yield from _walk([*(component.get("components") or []), *([inner] if inner else [])])


def _is_sent(call: Any) -> bool:
    return call.method in ("POST", "PATCH") and (
        call.path.endswith("/callback")
        or "/webhooks/" in call.path
        or re.fullmatch(r"/channels/\d+/messages(/\d+)?", call.path) is not None
    )


async def on_discord(
    api: DiscordStandIn, core: Knotbot, language: str, commands: list[tuple[str, str]]
) -> tuple[Session, list[tuple[str, str]]]:
    """A person whose Discord client speaks `language` runs each command in a DM (what
    Discord cannot express is skipped, and returned); a hold it starts is stopped at once."""
    session, skipped = Session(core), []
    session.track()
    locale = DISCORD_LOCALE.get(language, "en-US")

    async def run(slash: Slash, typed: str, line: str) -> None:
        session.said.append(Said(line, typed, len(api.calls)))
        before = len(session.handled)
        inj = await api.inject_slash_command(
            slash.name,
            slash.options,
            user_id=discord_user.USER_ID,
            subcommand=slash.subcommand,
            locale=locale,
        )
        callback = await api.wait_for_callback(inj)
        assert callback.status == 200, callback.response
        if callback.json["type"] == MODAL:  # a form opened: Discord's business, not the core's
            session.forms.append(callback.json["data"])
            return
        await eventually(lambda: len(session.handled) > before, within=10)

    async with discord_user.running(api, core, QUICK):
        for stale in {name for name, _ in commands if name and name not in SPECS}:
            option = {"type": 3, "name": "said", "description": "what", "required": False}
            synced = {"id": str(len(api.commands[None]) + 1), "name": stale, "type": 1}
            api.commands[None].append({**synced, "description": "gone", "options": [option]})
        for name, args in commands:
            said = as_slash(name, args)
            if said is None:
                skipped.append((name, args))
                continue
            first = [
                as_slash(*line[1:].partition(" ")[::2]) for line in needs_before(name, language)
            ]
            lines = [*needs_before(name, language), f"/{name} {args}".strip()]
            for slash, typed, line in zip(
                [*first, said], [""] * len(first) + [args], lines, strict=True
            ):
                assert slash is not None, line
                await run(slash, typed, line)
                if core.services.holds.active:  # a hold started: /stop it
                    await run(Slash("stop", {}), "", "/stop")
                    await session.holds_stopped()
        await session.holds_stopped()
    return session, skipped


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_command_on_discord_answers_in_their_language(
    discord_api: DiscordStandIn, core: Knotbot, language: str
) -> None:
    session, skipped = await on_discord(discord_api, core, language, list(first_variants(language)))
    found = session.english_left(discord_api.calls, discord_texts)
    assert found == [], "\n".join(found)
    seen = [text for call in discord_api.calls for text in discord_texts(call)]
    assert translator(language).gettext("Stop") in seen  # a hold's buttons were read too
    # `/routine new` opened its form (checked above with the rest); its spots in their words.
    (form,) = session.forms
    spots = [o for c in _walk(form["components"]) for o in c.get("options") or []]
    named = {a.id: a.name for a in core.services.content.in_language(language).areas}
    assert spots and all(o["label"] == f"{named[o['value']]} ({o['value']})" for o in spots)
    # Only what Discord cannot express is left out: plain words, bare /tip, /start's text.
    assert {name for name, _ in skipped} == {"", "tip", "start"}, skipped


async def test_the_discord_check_finds_english_in_an_english_session(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    """Not blind: the same check, on what an English client is shown (messages, buttons and
    a form), finds English."""
    commands = [("help", ""), ("hold", "ball-wall"), ("routine", "new")]
    session, _ = await on_discord(discord_api, core, "en", commands)
    found = "\n".join(session.english_left(discord_api.calls, discord_texts))
    assert "'/help' -> " in found and "'/hold ball-wall' -> " in found
    assert "['for', 'is', 'it', 'spot', 'the']: 'The spot it is for'" in found  # the form's
