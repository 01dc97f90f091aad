"""Bad input, systematically: hypothesis throws arbitrary text and button ids at the real core.

Every command name (and alias, and names that are none of them), with any text as its
argument, in a private and in a community chat, as a moderator and not; every button verb with
garbage arguments, and random button ids; and short conversations that mix all of it with a
live hold. After each event:

* `Knotbot.handle` returned (it never raises) and took a sane amount of time;
* the person got at least one answer (a reply or a notice; for a live hold, an edit of its
  message counts too), each one non-empty plain text of bounded size;
* no answer looks like a Python traceback or repr, and none carries a control character,
  a bidi control or a zero-width character (wherever it came from);
* every button in a reply has a legal id that the core itself understands;
* the core logged no unexpected exception (its "something went wrong" path is for bugs, not
  for bad input). A bug found here goes into `KNOWN_CRASHES` (or `KNOWN_LEAKS`) with a
  strict-xfail regression test at the end of this file until it is fixed; the regression tests
  there now are bugs these properties found and that were fixed.

Fixtures: hypothesis runs many examples inside one pytest test, so function-scoped fixtures
are set up once and shared by all of them. Only `db` (a fresh SQLite file per test) and the
session-wide `content` are shared here, which is safe: every property holds whatever rows
earlier examples left behind (they only add users, reminders and tips, which makes the
fuzzing more stateful, not less valid), while each example builds its own Knotbot, ManualClock
and replier and shuts the bot down, so no hold, task or clock outlives its example. Hence
`HealthCheck.function_scoped_fixture` is suppressed. The examples run in the test's own event
loop (pytest-asyncio drives async hypothesis tests), where `db`'s engine lives.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
import traceback
import unicodedata
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import actions
from bot.clock import ManualClock
from bot.commands import ALIASES, COMMANDS
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import ButtonPress, ChatKind, ChatRef, Command, Incoming, MessageRef, UserRef
from bot.storage import Database
from bot.text import clean
from tests.conftest import make_settings
from tests.helpers import RecordingReplier

PLATFORM = "memory"
MAX_ANSWER_CHARS = 20_000
MAX_SECONDS_PER_EVENT = 10.0  # generous: only catastrophic backtracking or a hang trips it
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COMMAND_NAMES = sorted({c.name for c in COMMANDS} | set(ALIASES))
VERBS = sorted(actions.prefixes())
HOLDABLE = ("ball-wall", "two-balls-sock", "shoulder-drop", "upper-back", "jaw", "neck")

# -- known bugs (none today; see the module docstring) -------------------------------------------

# (exception type, "file:function" of the innermost frame in bot/): crashes the core logs (and
# answers "Something went wrong") for bad input.
KNOWN_CRASHES: set[tuple[str, str]] = set()
# Invisible characters bot.text.clean does not remove, so echoed arguments carry them.
KNOWN_LEAKS: frozenset[str] = frozenset()

# -- what an answer may not contain -------------------------------------------------------------

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Python talking instead of knotbot; a match only counts when the input did not say it.
PYTHON_SPEAKING = re.compile(
    r"Traceback \(most recent call last\)|\bFile \"[^\"]*\", line \d+"
    r"|object at 0x[0-9a-fA-F]+|<(?:class|function|coroutine|bound method|module) "
    r"|\b(?:Reply|Block|Button|Action|ChatRef|UserRef|MessageRef|Command|ButtonPress|Tip"
    r"|Reminder\w*|Lookup|ZoneInfo|datetime|timedelta|Decimal)\("
    r"|\b[A-Z]\w*(?:Error|Exception)\b|\{[A-Za-z_]\w*(?:![rsa])?\}|\bNone\b|\bnan\b|\binf\b"
)


def hidden(char: str) -> bool:
    """A character a reader cannot see that can reorder, hide or break text."""
    if char == "\n":
        return False
    return unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS or char in ZERO_WIDTH


# -- strategies ---------------------------------------------------------------------------------

NASTY = (
    [chr(c) for c in range(0x00, 0x20)]
    + ["\x7f", "\x85", "\x9b"]
    + sorted(BIDI_CONTROLS | ZERO_WIDTH)
    + ["\u2028", "\u2029", "\u00ad", "\u180e", "\u034f", "\u0301", "\ufffd", "\uffff", "\U000e0041"]
    + ["\u00a0", "\u2003", "\u3000", "\u1680"]  # spaces that are not " "
    + ["\u05d0", "\u05e9", "\u0627", "\u0644", "\u0661"]  # Hebrew, Arabic letters and a digit
    + ["\u00b2", "\u00b3", "\u00b9", "\u2460", "\uff11", "\u0663", "\u2167", "\u00bd"]  # digits?
    + ["\U0001f486\u200d\u2640\ufe0f", "\U0001f3fd", "\U0001f525", "\U0001f1e9\U0001f1ea"]
    + ["\ud7ff", "\U0010ffff", "\U0001d54f", "\u1e9e", "\u0130", "\ufb03"]  # edges, case quirks
    + ["@", "#", ":", "/", "\\", "<", ">", "&", "*", "_", "`", "|", "%s", "{}", "{0}", "'", '"']
)
WORDS = [
    # commands, subcommands and the words their parsers look for
    "share", "add", "random", "top", "area", "for", "mine", "pending", "queue", "approve",
    "reject", "remove", "delete", "moderation", "daily", "of", "the day", "help", "on", "off",
    "stop", "here", "community", "group", "server", "change", "edit", "every", "at", "in",
    "from", "to", "until", "till", "between", "and", "&", ",", "hours", "h", "min", "m", "d",
    "days", "weeks", "w", "weekdays", "weekends", "daily", "every day", "mon", "fri-sun",
    "tomorrow", "today", "tonight", "once", "noon", "midnight", "am", "pm", "a.m.", "mouth guard",
    "legs up", "stretch break", "area:", "area:jaw", "area:nowhere", "upper-back", "upper back",
    "jaw", "neck", "shoulders", "lower-back", "ball-wall", "two-balls-sock", "shoulder-drop",
    "Europe/Berlin", "europe/berlin", "UTC", "utc+14", "gmt-12:30", "utc+99", "Lisbon", "nyc",
    "../../etc/passwd", "/dev/null", "%00", "NUL", "CON", "None", "null", "NaN", "inf", "-inf",
    # numbers: ordinary, edge, huge, negative, odd digits
    "0", "1", "3", "#3", "9:00", "09:00", "21:30", "25:61", "24:00", "9.30", "9h30", "12am",
    "13pm", "-1", "-0", "1.5", "1,5", "1e309", "0x10", "007", "2147483648", "9223372036854775807",
    "9223372036854775808", "99999999999", "99999999999999999999", "9" * 50, "\u00b2",
    "\u0663", "\uff11\uff12",
    # markup and injection attempts
    "<b>x</b>", "**x**", "@everyone", "<@123>", "https://evil.example", "www.x.com", "t.me/x",
    "'; DROP TABLE users; --", "{area}", "%(name)s", "\\", "\\n",
]  # fmt: skip

plain_chars = st.characters(codec="utf-8")  # every code point but surrogates (not valid str)
nasty_or_plain = st.one_of(plain_chars, st.sampled_from(NASTY))  # some pieces are several chars


def strings_of(pieces: st.SearchStrategy[str], **size: int) -> st.SearchStrategy[str]:
    return st.lists(pieces, **size).map("".join)


any_text = st.text(plain_chars, max_size=60)
mixed_text = strings_of(nasty_or_plain, max_size=60)
# Numbers as people (and old or forged buttons) write them: ordinary, negative, huge, and in
# any of Unicode's digit characters (U+00B2 "²" and U+0661 pass str.isdigit(); only the
# second is decimal, int() takes only decimals).
number_like = st.one_of(
    st.integers(-10, 10**4).map(str),
    st.integers().map(str),
    st.integers(2**31 - 2, 2**64 + 2).map(str),
    st.integers(10**9, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=25),
    st.sampled_from(["#3", "#\u00b2", "1e309", "0x10", "007", "-0", "+5", "1_000", " 1", "1 "]),
)
separators = st.sampled_from(
    [" ", " ", " ", "", "  ", "\t", "\n", "\u00a0", "\u200b", "\u202e", ":"]
)
word_soup = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(NASTY), number_like),
    max_size=8,
).flatmap(
    lambda parts: st.lists(separators, min_size=len(parts), max_size=len(parts)).map(
        lambda seps: "".join(s + p for s, p in zip(seps, parts, strict=True))
    )
)
# What the parsers look for, with numbers and units where they expect them.
UNITS = ["m", "min", "mins", "minutes", "h", "hrs", "hours", "d", "days", "w", "weeks", ""]
grammar = st.builds(
    lambda lead, number, unit, tail, sep: sep.join(p for p in (lead, number, unit, tail) if p),
    st.sampled_from(
        ["in", "for", "every", "at", "from", "change", "edit", "change #", "remove", "approve",
         "reject", "delete", "daily", "daily at", "here", "share", "area", "until", "tomorrow at",
         "once at", "every day at", ""]
    ),
    number_like,
    st.sampled_from(UNITS),
    st.one_of(st.just(""), st.sampled_from(WORDS), word_soup),
    separators,
)  # fmt: skip
only_space = st.text(
    st.sampled_from(
        " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2003\u200a\u2028\u2029"
        "\u202f\u205f\u3000\u200b\u180e\ufeff"
    ),
    max_size=50,
)
huge_text = st.builds(
    lambda piece, times, head: (head + piece * times)[:100_000],
    strings_of(nasty_or_plain, min_size=1, max_size=8),
    st.integers(1_000, 100_000),
    st.sampled_from(["", "share ", "every 2 hours ", "change 1 ", "here ", "area ", "in "]),
)
args_text = st.one_of(any_text, mixed_text, word_soup, grammar, grammar, only_space, huge_text)
command_names = st.one_of(
    st.sampled_from(COMMAND_NAMES),
    st.sampled_from(COMMAND_NAMES).map(str.upper),
    st.just(""),  # plain text, not a command
    st.text(max_size=40),
    st.text(min_size=1000, max_size=3000, alphabet=st.sampled_from("knot/\u202e")),
)
option_maps = st.one_of(
    st.just({}),
    st.dictionaries(st.sampled_from(["area", "what", "tip", "value", ""]), args_text, max_size=2),
)
garbage_args = st.lists(
    st.one_of(number_like, number_like, st.sampled_from(WORDS), st.sampled_from(NASTY), any_text),
    max_size=3,
)
known_verb_actions = st.builds(
    lambda verb, parts: ":".join([verb, *parts]), st.sampled_from(VERBS), garbage_args
)
button_ids = st.one_of(
    known_verb_actions,
    known_verb_actions,
    st.text(max_size=80),
    strings_of(st.one_of(nasty_or_plain, st.just(":")), max_size=80),
    st.builds(lambda verb, tail: f"{verb}:{tail}", st.sampled_from(VERBS), huge_text),
)
places = st.sampled_from(["private", "community", "other-community"])


def chat_for(place: str, user_id: str) -> ChatRef:
    if place == "private":
        return ChatRef(PLATFORM, user_id, ChatKind.PRIVATE)
    if place == "community":
        return ChatRef(PLATFORM, "g1", ChatKind.COMMUNITY, "c1", "Knot Club")
    return ChatRef(PLATFORM, "g2", ChatKind.COMMUNITY, "c2", "")


def person(user_id: str = "u1", *, moderator: bool = False, name: str = "Ada") -> UserRef:
    return UserRef(PLATFORM, user_id, name, "en", is_moderator=moderator)


# -- one fresh bot per example, and what it said -------------------------------------------------


class World:
    """The shared content and database (see the module docstring), short in failure reports."""

    __slots__ = ("content", "db")

    def __init__(self, content: ContentLibrary, db: Database) -> None:
        self.content = content
        self.db = db

    def __repr__(self) -> str:
        return "World(shipped content, test database)"


@pytest.fixture
def world(content: ContentLibrary, db: Database) -> World:
    return World(content, db)


@dataclass
class Crash:
    logger: str
    message: str
    signature: tuple[str, str]
    where: str

    @property
    def known(self) -> bool:
        return self.signature in KNOWN_CRASHES


class ErrorLog(logging.Handler):
    """Collects what is logged at ERROR or above (log.exception included) while installed."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def crashes(self) -> list[Crash]:
        found = []
        for record in self.records:
            exc = record.exc_info[1] if record.exc_info else None
            frames = traceback.extract_tb(exc.__traceback__) if exc is not None else []
            ours = [f for f in frames if "/bot/" in f.filename.replace("\\", "/")]
            last = ours[-1] if ours else (frames[-1] if frames else None)
            where = last.filename.replace("\\", "/").rpartition("/bot/")[2] if last else ""
            found.append(
                Crash(
                    record.name,
                    record.getMessage(),
                    (type(exc).__name__ if exc else "", f"{where}:{last.name}" if last else ""),
                    f"{where}:{last.lineno}" if last else "",
                )
            )
        return found


@contextmanager
def logged_errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@asynccontextmanager
async def fresh_bot(world: World) -> AsyncIterator[Knotbot]:
    clock = ManualClock()
    bot = Knotbot(settings=make_settings(), content=world.content, db=world.db, clock=clock)
    bot.services.holds.attach(PLATFORM, RecordingReplier(clock))
    try:
        yield bot
    finally:
        await bot.shutdown()
        assert not bot.services.holds.active, "a hold outlived the bot's shutdown"


def said_in(event: Incoming) -> str:
    """Everything the person typed or sent in this event (what an answer might echo)."""
    if isinstance(event, Command):
        return "\n".join([event.name, event.args, *event.options.keys(), *event.options.values()])
    return event.action


def problems_with(text: str, said: str) -> list[str]:
    found = []
    if not text.strip():
        found.append("an empty answer")
    if len(text) >= MAX_ANSWER_CHARS:
        found.append(f"an answer of {len(text):,} characters")
    visible = text.replace("@\u200b", "@")  # tips defuse mentions with a zero-width space
    leaks = sorted({c for c in visible if hidden(c)} - KNOWN_LEAKS)
    if leaks:
        found.append(f"invisible characters {[f'U+{ord(c):04X}' for c in leaks]}")
    echoed = (said + "\n" + clean(said)).lower()
    for match in PYTHON_SPEAKING.finditer(text):
        if match.group().lower() not in echoed:
            found.append(f"Python leaking through: {match.group()!r}")
    return found


def check_answers(
    replier: RecordingReplier,
    event: Incoming,
    *,
    first: int = 0,
    edits: int = 0,
    silence_ok: bool = False,
) -> None:
    """The answers to `event`: the replies from `first` on, all notices, the edits after `edits`."""
    said = said_in(event)
    sent = replier.sent[first:]
    answers = (
        [s.text for s in sent] + list(replier.notices) + [e.text for e in replier.edits[edits:]]
    )
    assert answers or silence_ok, f"no answer at all to {event!r}"[:2000]
    problems = [p for text in answers for p in problems_with(text, said)]
    for s in sent + replier.edits[edits:]:
        for button in s.reply.all_buttons:
            if not button.label.strip() or any(hidden(c) for c in button.label):
                problems.append(f"a button label {button.label!r}")
            size = len(button.action.encode())
            if size > actions.MAX_BYTES or actions.decode(button.action) is None:
                problems.append(f"a button id the core can't take back: {button.action!r}")
        for block in s.reply.blocks:
            if not all(isinstance(line, str) for line in (*block.lines, block.title)):
                problems.append(f"a block with a non-text line: {block!r}")
    assert not problems, f"{problems} in the answers to {event!r}\n{answers}"[:4000]


def check_logs(errors: ErrorLog, event: Incoming) -> None:
    unexpected = [c for c in errors.crashes() if not c.known]
    assert not unexpected, f"unexpected errors logged for {event!r}: {unexpected}"[:4000]


async def handled(bot: Knotbot, event: Incoming, replier: RecordingReplier) -> None:
    started = time.perf_counter()
    await bot.handle(event, replier)
    took = time.perf_counter() - started
    assert took < MAX_SECONDS_PER_EVENT, f"{took:.1f} s to answer {event!r}"[:2000]


# -- properties ---------------------------------------------------------------------------------


@settings(FUZZ, max_examples=400)
@given(
    name=command_names,
    args=args_text,
    options=option_maps,
    place=places,
    moderator=st.booleans(),
)
@example(name="remind", args="in 99999999999 days", options={}, place="private", moderator=False)
@example(name="quiet", args="for 99999999999 days", options={}, place="private", moderator=False)
@example(name="tip", args="remove \u00b2", options={}, place="community", moderator=True)
@example(name="remind", args="change 99999999999999999999 at 9:00", options={}, place="private",
         moderator=False)  # fmt: skip
@example(name="knot", args="\u202egnihtemos\u0007\u200b", options={}, place="private",
         moderator=False)  # fmt: skip
@example(name="tip", args="share " + "x" * 100_000, options={}, place="community", moderator=False)
@example(name="", args=" \t\u3000\u2028 ", options={}, place="private", moderator=False)
async def test_every_command_answers_any_text(
    world: World,
    name: str,
    args: str,
    options: dict[str, str],
    place: str,
    moderator: bool,
) -> None:
    event = Command(chat_for(place, "u1"), person("u1", moderator=moderator), name, args, options)
    with logged_errors() as errors:
        async with fresh_bot(world) as bot:
            replier = RecordingReplier(bot.services.clock)
            await handled(bot, event, replier)
            check_answers(replier, event)
    check_logs(errors, event)


NUMBER_READERS = ["remind", "reminder", "quiet", "snooze", "tip", "tips", "timezone", "tz", "hold"]


@settings(FUZZ, max_examples=250)
@given(name=st.sampled_from(NUMBER_READERS), args=grammar, place=places, moderator=st.booleans())
async def test_commands_that_read_numbers_answer_any_number(
    world: World, name: str, args: str, place: str, moderator: bool
) -> None:
    """The same property, aimed at the parsers: a keyword, a number of any kind, a unit."""
    event = Command(chat_for(place, "u1"), person("u1", moderator=moderator), name, args)
    with logged_errors() as errors:
        async with fresh_bot(world) as bot:
            replier = RecordingReplier(bot.services.clock)
            await handled(bot, event, replier)
            check_answers(replier, event)
    check_logs(errors, event)


@settings(FUZZ, max_examples=400)
@given(action=button_ids, place=places, moderator=st.booleans(), on_message=st.booleans())
@example(action="hs:99999999999999999999", place="private", moderator=False, on_message=True)
@example(action="tz:../../etc/passwd", place="private", moderator=False, on_message=True)
@example(action="tz:here ../../etc/passwd", place="community", moderator=True, on_message=True)
@example(action="rd:-1", place="private", moderator=False, on_message=True)
@example(action="h::", place="private", moderator=False, on_message=False)
@example(action="tt:abc", place="community", moderator=False, on_message=True)
@example(action="", place="private", moderator=False, on_message=False)
@example(action=":" * 200, place="community", moderator=True, on_message=False)
@example(action="rd:99999999999999999999", place="private", moderator=False, on_message=True)
@example(action="hp:\u00b2", place="private", moderator=False, on_message=True)
@example(action="ta:9223372036854775807", place="community", moderator=True, on_message=True)
async def test_every_button_answers_any_id(
    world: World,
    action: str,
    place: str,
    moderator: bool,
    on_message: bool,
) -> None:
    chat = chat_for(place, "u1")
    message = MessageRef(PLATFORM, chat.chat_id, "77") if on_message else None
    event = ButtonPress(chat, person("u1", moderator=moderator), action, message)
    with logged_errors() as errors:
        async with fresh_bot(world) as bot:
            replier = RecordingReplier(bot.services.clock)
            await handled(bot, event, replier)
            check_answers(replier, event)
    check_logs(errors, event)


# A conversation: commands and presses in a row on one bot, some aimed at a live hold ("{hold}"
# is replaced by the id of the hold running when the event happens, "{other}" by another id).
hold_aimed = st.builds(
    lambda verb, which: f"{verb}:{which}",
    st.sampled_from(["hs", "hp", "hr"]),  # Stop, Pause, Resume
    st.sampled_from(["{hold}", "{hold}", "{other}", "{hold}:x", "-{hold}", "{hold}\u00a0"]),
)
conversation_events = st.one_of(
    st.tuples(st.just("command"), st.just("hold"), st.sampled_from(HOLDABLE)),
    st.tuples(st.just("command"), st.sampled_from(["stop", "cancel", "hold"]), args_text),
    st.tuples(st.just("command"), command_names, args_text),
    st.tuples(st.just("press"), st.just(""), hold_aimed),
    st.tuples(st.just("press"), st.just(""), button_ids),
)
users = itertools.count(1)


async def answer_arrives(
    replier: RecordingReplier, clock: ManualClock, *, first: int, edits: int
) -> None:
    """Let the hold runner show its frame; a closing frame waits for the hold's first database
    write, which is real I/O, so allow a little real time (the check follows either way)."""
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        await clock.settle()
        if replier.sent[first:] or replier.notices or replier.edits[edits:]:
            return
        await asyncio.sleep(0.005)


def asks_for_what_is(bot: Knotbot, event: Incoming) -> bool:
    """Pause on your own paused hold, Resume on your own running one: nothing changes, and the
    core says nothing (the adapters still acknowledge the press). The one silence allowed."""
    if not isinstance(event, ButtonPress):
        return False
    action = actions.decode(event.action)  # as the core reads it ("268\xa0" is hold 268)
    if not isinstance(action, actions.HoldControl) or action.op is actions.HoldOp.STOP:
        return False
    running = bot.services.holds.get(action.hold_id)
    return (
        running is not None
        and running.user.user_id == event.user.user_id
        and running.chat.chat_id == event.chat.chat_id
        and running.paused == (action.op is actions.HoldOp.PAUSE)
    )


@settings(FUZZ, max_examples=120)
@given(
    steps=st.lists(
        st.tuples(conversation_events, st.sampled_from(["me", "me", "someone else"])),
        min_size=1,
        max_size=6,
    ),
    place=places,
    moderator=st.booleans(),
)
@example(
    steps=[
        (("command", "hold", "ball-wall"), "me"),
        (("press", "", "hp:{hold}"), "me"),
        (("press", "", "hr:{hold}"), "me"),
        (("press", "", "hs:{hold}"), "someone else"),
        (("command", "stop", ""), "me"),
    ],
    place="community",
    moderator=False,
)
@example(
    steps=[
        (("command", "hold", "jaw"), "me"),
        (("press", "", "hs:{hold}"), "me"),  # answered by the closing frame
        (("command", "hold", "two-balls-sock"), "me"),
        (("command", "hold", "neck"), "me"),  # replaces the running one
        (("press", "", "hp:{hold}"), "me"),
        (("press", "", "hp:{hold}"), "me"),  # already paused: the one allowed silence
    ],
    place="private",
    moderator=False,
)
@example(
    steps=[
        (("command", "hold", "ball-wall"), "me"),
        (("press", "", "hr:{hold}\u00a0"), "me"),  # resume a running hold, id with a no-break space
    ],
    place="private",
    moderator=False,
)
async def test_a_conversation_of_odd_events_around_a_live_hold_is_always_answered(
    world: World,
    steps: list[tuple[tuple[str, str, str], str]],
    place: str,
    moderator: bool,
) -> None:
    # New people each example: the daily pressure-round limit must not end the fuzzing early.
    me = f"p{next(users)}"
    other = f"p{next(users)}"
    people = {"me": person(me, moderator=moderator), "someone else": person(other)}
    with logged_errors() as errors:
        async with fresh_bot(world) as bot:
            clock = bot.services.clock
            assert isinstance(clock, ManualClock)
            replier = RecordingReplier(clock)
            bot.services.holds.attach(PLATFORM, replier)  # the platform: hold edits land here
            for (kind, name, said), who in steps:
                running = bot.services.holds.active
                hold_id = str(running[-1].hold_id) if running else "1"
                said = said.replace("{hold}", hold_id).replace("{other}", str(int(hold_id) + 7))
                chat = chat_for(place, people[who].user_id)
                event: Incoming
                if kind == "command":
                    event = Command(chat, people[who], name, said)
                else:
                    message = running[-1].runner.message if running else None
                    event = ButtonPress(chat, people[who], said, message)
                first, edits = len(replier.sent), len(replier.edits)
                replier.notices.clear()
                silence_ok = asks_for_what_is(bot, event)
                await handled(bot, event, replier)
                if not silence_ok:  # Pause, Resume, Stop answer with an edit of the hold message
                    await answer_arrives(replier, clock, first=first, edits=edits)
                check_answers(replier, event, first=first, edits=edits, silence_ok=silence_ok)
                check_logs(errors, event)
                await clock.advance(2)  # let a live hold tick on between events
    assert not [c for c in errors.crashes() if not c.known], errors.crashes()  # shutdown too


# Display names come from the platform profile: short, but as hostile as people make them.
display_names = strings_of(nasty_or_plain, max_size=64)


@settings(FUZZ, max_examples=40)
@given(name=display_names, place=places)
async def test_any_display_name_gets_answers(world: World, name: str, place: str) -> None:
    """Names never break an answer. (That they may show invisible characters is a known bug:
    see test_start_does_not_echo_invisible_characters_of_a_display_name.)"""
    who = person(f"n{next(users)}", name=name)
    chat = chat_for(place, who.user_id)
    events: list[Incoming] = [
        Command(chat, who, "start", ""),
        Command(chat, who, "tip", "share a tennis ball against the wall, gently, for a minute"),
        Command(chat, who, "tip", "mine"),
        Command(chat, who, "hold", "jaw"),
    ]
    with logged_errors() as errors:
        async with fresh_bot(world) as bot:
            for event in events:
                replier = RecordingReplier(bot.services.clock)
                await handled(bot, event, replier)
                answers = [s.text for s in replier.sent] + replier.notices
                assert answers and all(a.strip() and len(a) < MAX_ANSWER_CHARS for a in answers)
    assert not errors.crashes(), errors.crashes()


# Not left to chance: every command and every button verb meets the classics at least once.
CLASSICS = [
    "",
    "   \t\n\u3000",
    "\u202e\u2066\u200b\u061c\ufeff",
    "x" * 100_000,
    "\U0001f486\u200d\u2640\ufe0f\U0001f525",
    "99999999999999999999",
    "-1",
    "\u00b2",
    "../../etc/passwd",
    "%s {0} {area} %(x)s",
    "\x00\x1b[31m\x7f\x85",
    "<b>x</b> @everyone",
]


@pytest.mark.parametrize("name", COMMAND_NAMES)
async def test_every_command_meets_the_classics(world: World, name: str) -> None:
    places = [("private", False), ("community", True), ("community", False)]
    with logged_errors() as errors:
        async with fresh_bot(world) as bot:
            for said in CLASSICS:
                for place, moderator in places:
                    event = Command(chat_for(place, "u1"), person(moderator=moderator), name, said)
                    replier = RecordingReplier(bot.services.clock)
                    await handled(bot, event, replier)
                    check_answers(replier, event)
                    check_logs(errors, event)


@pytest.mark.parametrize("verb", VERBS)
async def test_every_button_verb_meets_the_classics(world: World, verb: str) -> None:
    with logged_errors() as errors:
        async with fresh_bot(world) as bot:
            for said in [*CLASSICS, ":", "::", "1:2:3", "here " + "x" * 500]:
                for place in ("private", "community"):
                    chat = chat_for(place, "u1")
                    message = MessageRef(PLATFORM, chat.chat_id, "77")
                    event = ButtonPress(chat, person(moderator=True), f"{verb}:{said}", message)
                    replier = RecordingReplier(bot.services.clock)
                    await handled(bot, event, replier)
                    check_answers(replier, event)
                    check_logs(errors, event)


# -- regressions: bugs these tests found, fixed --------------------------------------------------

OOPS = "Something went wrong on my side"


async def answer_to(bot: Knotbot, event: Incoming) -> tuple[list[str], list[Crash]]:
    replier = RecordingReplier(bot.services.clock)
    with logged_errors() as errors:
        await bot.handle(event, replier)
    return [s.text for s in replier.sent] + replier.notices, errors.crashes()


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("press", "hs:\u00b2"),  # bot/commands/holds.py on_control_button
        ("press", "rp:\u00b2"),  # bot/commands/reminders.py on_list_button
        ("press", "rd:\u00b2"),  # bot/commands/reminders.py on_reminder_button
        ("press", "tt:\u00b2"),  # bot/commands/tips.py _number
        ("command", "remove \u00b2"),  # /tip remove ²: bot/commands/tips.py _number
    ],
)
async def test_superscript_digits_are_not_numbers(bot: Knotbot, kind: str, said: str) -> None:
    chat = ChatRef(PLATFORM, "g1", ChatKind.COMMUNITY, "c1", "Knot Club")
    who = person(moderator=True)
    event = ButtonPress(chat, who, said) if kind == "press" else Command(chat, who, "tip", said)
    answers, crashes = await answer_to(bot, event)
    assert not crashes and not any(OOPS in a for a in answers), (answers, crashes)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("remind", "in 99999999999 days"),  # bot/reminders/parse.py _one_off
        ("remind", "in 1000000000 min"),  # the days= timedelta is built for minutes too
        ("quiet", "for 99999999999 days"),  # bot/commands/reminders.py quiet_until
        ("quiet", "for 1000000000 m"),
    ],
)
async def test_huge_durations_are_refused_kindly(bot: Knotbot, name: str, args: str) -> None:
    answers, crashes = await answer_to(bot, Command(ChatRef(PLATFORM, "u1"), person(), name, args))
    assert not crashes and not any(OOPS in a for a in answers), (answers, crashes)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("command", "change 99999999999999999999 at 9:00"),  # Reminders.get
        ("press", "rp:99999999999999999999"),  # Reminders.get
        ("press", "rx:99999999999999999999"),  # Reminders.get
        ("press", "rd:99999999999999999999"),  # Reminders.delivery_by_id
        ("press", "rz:99999999999999999999"),  # Reminders.delivery_by_id
    ],
)
async def test_huge_ids_are_unknown_ids(bot: Knotbot, kind: str, said: str) -> None:
    chat, who = ChatRef(PLATFORM, "u1"), person()
    event = ButtonPress(chat, who, said) if kind == "press" else Command(chat, who, "remind", said)
    answers, crashes = await answer_to(bot, event)
    assert not crashes and not any(OOPS in a for a in answers), (answers, crashes)


async def test_an_echoed_argument_carries_no_arabic_letter_mark(bot: Knotbot) -> None:
    answers, _ = await answer_to(
        bot, Command(ChatRef(PLATFORM, "u1"), person(), "knot", "\u061cnowhere")
    )
    assert "\u061c" not in "".join(answers), answers


async def test_start_does_not_echo_invisible_characters_of_a_display_name(bot: Knotbot) -> None:
    who = person(name="\u202eAda\u0007\u200b")
    answers, _ = await answer_to(bot, Command(ChatRef(PLATFORM, "u1"), who, "start", ""))
    assert not [c for c in "".join(answers) if hidden(c)], answers


async def test_a_tip_credit_carries_no_invisible_characters(bot: Knotbot) -> None:
    chat = ChatRef(PLATFORM, "g1", ChatKind.COMMUNITY, "c1", "Knot Club")
    who = person(name="\u202eAda\u0007")
    tip = "a tennis ball against the wall, gently, for a minute"
    answers, _ = await answer_to(bot, Command(chat, who, "tip", f"share {tip}"))
    assert tip in "".join(answers), answers  # shared
    assert not [c for c in "".join(answers) if hidden(c)], answers


async def test_each_fuzzed_bot_leaves_nothing_running(world: World) -> None:
    """The harness itself: a hold a fuzzed command starts ends with the example's bot."""
    async with fresh_bot(world) as bot:
        replier = RecordingReplier(bot.services.clock)
        await bot.handle(Command(ChatRef(PLATFORM, "h1"), person("h1"), "hold", "jaw"), replier)
        assert bot.services.holds.active
        task = bot.services.holds.active[0].task
    assert task.done() and not bot.services.holds.active
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("hold")]
