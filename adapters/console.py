"""The console adapter: talk to knotbot in a terminal, or script it through stdin/stdout.

Buttons appear as numbered choices: type the number to press one. Live hold frames rewrite
themselves in place on a terminal, and print one line per frame when output is a pipe (with the
choices again whenever a frame changes them, so a script can press Resume). Ctrl-D or /quit
stops a running hold and leaves at once; a script that wants a hold to run to its end types
/wait. Files (exports, charts) go to the data folder, and their path is printed.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot.core import Knotbot
from bot.holds.outcome import StopReason
from bot.messages import Button, ButtonPress, ChatKind, ChatRef, Command, MessageRef, Reply, UserRef
from bot.outbox import PlatformLimits
from bot.render import one_line, plain_text

PLATFORM = "console"
LIMITS = PlatformLimits(
    min_edit_interval=1.0, sends_per_second=100.0, sends_per_chat_per_second=100.0
)
_CLEAR_LINES = "\x1b[{n}F\x1b[J"  # cursor up n lines to column 0, clear to the end of screen


class ConsoleScreen:
    """Everything printed, and what the numbers typed next refer to."""

    def __init__(self, out: TextIO, *, live: bool, files: Path) -> None:
        self._out = out
        self._files = files  # where attachments (charts, exports) are written
        self._live = live  # a terminal: frames may rewrite themselves
        self._ids = itertools.count(1)
        self._choices: list[Button] = []
        self._last_message: str | None = None  # the message printed last, if nothing came after
        self._last_lines = 0

    @property
    def choices(self) -> list[Button]:
        return self._choices

    def show(self, reply: Reply) -> MessageRef:
        ref = MessageRef(PLATFORM, "local", str(next(self._ids)))
        shown = plain_text(reply)
        if reply.attachment is not None:  # a terminal shows files by their path
            self._files.mkdir(parents=True, exist_ok=True)
            path = self._files / reply.attachment.filename
            path.write_bytes(reply.attachment.data)
            shown += f"\n\n[file] {path.resolve()}"
        self._write(shown + "\n\n", ref)
        self._take_choices(reply)
        return ref

    def replace(self, ref: MessageRef, reply: Reply) -> None:
        if not self._live:
            self._write(one_line(reply) + "\n", ref)
            if reply.all_buttons and list(reply.all_buttons) != self._choices:
                self._take_choices(reply)  # e.g. Pause became Resume: say the new numbers
                numbered = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(self._choices, 1))
                self._write(numbered + "\n", None)
            return
        if self._last_message == ref.message_id:
            self._out.write(_CLEAR_LINES.format(n=self._last_lines))
        self._write(plain_text(reply) + "\n\n", ref)
        self._take_choices(reply)

    def line(self, text: str) -> None:
        self._write(text + "\n", None)

    def typed(self) -> None:
        """The user typed a line (echoed by the terminal): nothing above may be rewritten now."""
        self._last_message = None

    def _take_choices(self, reply: Reply) -> None:
        if reply.all_buttons:
            self._choices = list(reply.all_buttons)

    def _write(self, block: str, ref: MessageRef | None) -> None:
        self._out.write(block)
        self._out.flush()
        self._last_message = ref.message_id if ref else None
        self._last_lines = block.count("\n")


class ConsoleReplier:
    """Answers one line typed (the console has one screen, so one replier serves them all)."""

    def __init__(self, screen: ConsoleScreen) -> None:
        self._screen = screen

    @property
    def limits(self) -> PlatformLimits:
        return LIMITS

    async def reply(self, reply: Reply) -> MessageRef:
        return self._screen.show(reply)

    async def update(self, reply: Reply) -> MessageRef:
        return self._screen.show(reply)

    async def notice(self, text: str) -> None:
        self._screen.line(f"({text})")


class ConsoleOutbox:
    """Hold frames rewrite their message; reminders land on the same screen."""

    def __init__(self, screen: ConsoleScreen) -> None:
        self._screen = screen

    @property
    def limits(self) -> PlatformLimits:
        return LIMITS

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        return self._screen.show(reply)

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        self._screen.replace(message, reply)


class Console:
    """The terminal as a platform: lines typed become events; it starts and stops the core."""

    def __init__(
        self,
        core: Knotbot,
        *,
        stdin: TextIO,
        stdout: TextIO,
        user_name: str | None = None,
        files: Path | None = None,
    ) -> None:
        self._core = core
        self._stdin = stdin
        self._live = stdout.isatty()
        folder = files or core.services.settings.data_dir
        self.screen = ConsoleScreen(stdout, live=self._live, files=folder)
        self._replier = ConsoleReplier(self.screen)
        name = user_name or "you"  # not the login name: a shared machine's account says little
        self.user = UserRef(PLATFORM, "local", name, None)
        self.chat = ChatRef(PLATFORM, "local", ChatKind.PRIVATE)

    async def run(self) -> None:
        """Read lines until EOF or /quit; a running hold then stops (its message says so)."""
        await self._core.start(PLATFORM, ConsoleOutbox(self.screen))
        if self._live:
            self.screen.line(
                "knotbot console. Type /help, a number to press a button, /quit to leave."
            )
        lines = _read_lines(self._stdin)
        try:
            while True:
                line = await lines.get()
                if line is None:  # Ctrl-D, or the end of piped input
                    break
                self.screen.typed()
                text = line.strip()
                if text in ("/quit", "/exit"):
                    break
                if text == "/wait":  # for scripts: let running holds run to their end
                    await self._wait_for_holds()
                    continue
                if text == "/reload":  # the console's user runs the bot: an operator command
                    problem = self._core.reload_content(self._core.services.settings.content_dir)
                    self.screen.line(problem.report() if problem else "(Content reloaded.)")
                    continue
                event = self.to_event(text)
                if event is not None:
                    await self._core.handle(event, self._replier)
        finally:
            await self._stop_holds()
            await self._core.shutdown()

    def to_event(self, text: str) -> Command | ButtonPress | None:
        if not text:
            return None
        if re.fullmatch(r"[0-9]{1,6}", text):  # ASCII digits: "²" is not a choice
            choices = self.screen.choices
            index = int(text) - 1
            if 0 <= index < len(choices):
                return ButtonPress(self.chat, self.user, choices[index].action)
            self.screen.line(f"(There is no choice {text} on screen.)")
            return None
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return Command(self.chat, self.user, name.lower(), args.strip())
        return Command(self.chat, self.user, "", text)

    async def _stop_holds(self) -> None:
        holds = self._core.services.holds
        for hold in holds.active:
            await holds.stop(hold, StopReason.USER)

    async def _wait_for_holds(self) -> None:
        holds = self._core.services.holds
        while holds.active:
            await asyncio.gather(*(h.task for h in holds.active), return_exceptions=True)


def _read_lines(stream: TextIO) -> asyncio.Queue[str | None]:
    """Lines from a blocking stream, read on a daemon thread so the bot stays responsive."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        for line in iter(stream.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue


async def run_console(core: Knotbot, user_name: str | None = None) -> None:
    """Talk to `core` on this terminal until EOF or /quit."""
    await Console(core, stdin=sys.stdin, stdout=sys.stdout, user_name=user_name).run()
