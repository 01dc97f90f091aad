"""What the fuzz tests throw at the core and what they check in every answer: hypothesis
strategies for commands, arguments and button ids, a fresh bot per example, and the checks
(no empty or huge answer, no invisible characters, no Python speaking, legal button ids, no
unexpected error logged). The properties are in test_fuzz_core.py, the bugs they found in
test_fuzz_regressions.py.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import unicodedata
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot import actions
from bot.clock import ManualClock
from bot.commands import ALIASES, COMMANDS
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import ChatKind, ChatRef, Command, Incoming, UserRef
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
