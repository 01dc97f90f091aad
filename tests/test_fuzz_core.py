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
  strict-xfail regression test in test_fuzz_regressions.py until it is fixed; the regression
  tests there now are bugs these properties found and that were fixed. What is checked, and
  the strategies, are in tests/fuzzing.py.

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
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot import actions
from bot.clock import ManualClock
from bot.core import Knotbot
from bot.messages import ButtonPress, Command, Incoming, MessageRef
from tests.fuzzing import (
    COMMAND_NAMES,
    FUZZ,
    HOLDABLE,
    MAX_ANSWER_CHARS,
    PLATFORM,
    VERBS,
    World,
    args_text,
    button_ids,
    chat_for,
    check_answers,
    check_logs,
    command_names,
    fresh_bot,
    grammar,
    handled,
    logged_errors,
    nasty_or_plain,
    option_maps,
    person,
    places,
    strings_of,
)
from tests.helpers import RecordingReplier

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
