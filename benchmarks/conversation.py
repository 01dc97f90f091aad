"""The conversation path: commands per second through the core, and the time from start to ready.

    python -m benchmarks.conversation                    # a temporary SQLite file, plus PostgreSQL if reachable
    python -m benchmarks.conversation --seconds 5 --concurrency 1 4
    python -m benchmarks.conversation --database-url sqlite postgresql+asyncpg://postgres@127.0.0.1:5432/test

What it measures, for each database:
- Start to ready: `bot.app.open_bot` with `Settings(database_url=...)`, from nothing to a Knotbot
  that can answer (content read and validated, database reached and migrated): on a fresh,
  empty database (cold: every migration runs) and on the same database again (warm: a restart,
  nothing to migrate). Medians of --startup-runs runs in this process, after one untimed run
  (so imports are done); and the same as a new process (`python -c`: interpreter start and
  imports count too), timed from spawning it until it prints that it is ready.
- The conversation: --users people (each with 0-3 reminders of their own, each in one of 10
  communities) talking to `Knotbot.handle` through an in-memory Replier that only records, at
  each --concurrency: that many asyncio tasks, each serving its own share of the people one
  event after another, as fast as the core answers. Reported: events (commands and button
  presses) per second, and p50/p99 of the time `handle` takes, overall and per command.
  Before the measured --seconds, --warmup seconds are run and not counted.
  No holds are started (they run in real time) and no reminder dispatcher runs (an adapter
  starts it; here nothing is sent in the background), so this is the answering path alone.

Every fresh database is a new SQLite file (in a temporary folder, or next to the file of a
sqlite URL given) or, on PostgreSQL, a schema of its own (created and dropped here) set as the
connections' search_path. An unreachable PostgreSQL is skipped, with the reason printed.

Results go to benchmarks/results/conversation.json and conversation.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from benchmarks.reminders import percentile
from bot import app
from bot.content import load_content
from bot.core import Knotbot
from bot.messages import (
    ButtonPress,
    ChatKind,
    ChatRef,
    Command,
    Incoming,
    MessageRef,
    Reply,
    UserRef,
)
from bot.outbox import PlatformLimits
from bot.reminders.parse import parse_request
from bot.reminders.schedule import ScheduleKind, next_after
from bot.reminders.service import spread_offset
from bot.render import plain_text
from bot.settings import SHIPPED_CONTENT, Settings
from bot.storage import Database, safe_url
from bot.storage.reminders import ReminderStatus
from bot.storage.schema import Reminder, User

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PLATFORM = "bench"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
LIMITS = PlatformLimits(min_edit_interval=1.0, sends_per_second=1e9, sends_per_chat_per_second=1e9)
COMMUNITIES = 10
REMINDER_CAP = 3  # a person at this many deletes one instead (the service allows 20)
REMIND = "every 2 hours from 9 to 18 on weekdays"
SEED_REMINDERS = (REMIND, "at 22:30 mouth guard", "legs up at 19:00")
ZONES = ("Europe/Berlin", "America/New_York")

# What people do, by weight: one pick is one event, except "remind" (see converse()).
MIX: dict[str, int] = {
    "knot": 20,
    "knot-typo": 5,
    "knot-community": 5,
    "area-button": 8,
    "help": 8,
    "reminders": 15,
    "remind": 8,
    "timezone": 8,
    "tip": 10,
}
# Every kind of event, as the tables name it, what it touches, and a phrase its answer has.
EVENTS: dict[str, tuple[str, str, str]] = {
    "knot": ("/knot upper-back", "none", "Upper back"),
    "knot-typo": ("/knot uper back (suggestions)", "none", "Did you mean"),
    "knot-community": ("/knot upper-back in a community", "read", "Upper back"),
    "area-button": ("button a:upper-back", "none", "Upper back"),
    "help": ("/help", "none", "Here is what I can do"),
    "reminders": ("/reminders", "read", "reminders"),
    "remind": (f"/remind {REMIND}", "write", "Set: "),
    "list-button": ("button rl (My reminders, after /remind)", "read", "reminders"),
    "delete-button": ("button rdel:<id> (Delete, at 3 reminders)", "write", "Deleted #"),
    "timezone": ("/timezone Europe/Berlin or America/New_York", "write", "Set your time zone"),
    "tip": ("/tip random in a community", "read", "A tip from this community"),
}

# A new process that opens the bot and says so (see process_ready).
CHILD = """
import asyncio, sys
from bot import app
from bot.settings import Settings
from bot.storage import Database

async def main(url, schema):
    args = {"server_settings": {"search_path": schema}} if schema else None
    settings = Settings(_env_file=None, database_url=url, instance_id="bench")
    knotbot = await app.open_bot(settings, db=Database(url, connect_args=args))
    print("ready", flush=True)
    await knotbot.shutdown()
    await knotbot.services.db.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


# -- where the databases are ------------------------------------------------------------------


@dataclass
class Target:
    """One database under test; `fresh()` hands out a new, empty database each time."""

    name: str
    url: str
    shown: str  # the URL for the report (no password)
    folder: Path | None = None  # SQLite: where the files go
    stem: str = "knotbot"
    admin: Database | None = None  # PostgreSQL: creates and drops the schemas
    version: str = ""
    _count: int = 0

    @contextlib.asynccontextmanager
    async def fresh(self) -> AsyncIterator[tuple[str, str | None]]:
        """(database URL, PostgreSQL schema or None) of an empty database, removed afterwards."""
        self._count += 1
        if self.folder is not None:
            path = self.folder / f"{self.stem}-bench-{os.getpid()}-{self._count}.db"
            try:
                yield f"sqlite+aiosqlite:///{path}", None
            finally:
                _remove_sqlite(path)
            return
        assert self.admin is not None
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        async with self.admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            yield self.url, schema
        finally:
            async with self.admin.engine.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def targets(urls: list[str], stack: contextlib.AsyncExitStack) -> list[Target | str]:
    """The databases to run on; a string instead of a Target says why one is skipped."""
    found: list[Target | str] = []
    for url in urls:
        if url == "sqlite":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="knotbot-")))
            found.append(
                Target(
                    "SQLite",
                    f"sqlite+aiosqlite:///{folder}",
                    "a temporary file",
                    folder,
                    version=_sqlite(),
                )
            )
            continue
        try:
            parsed = make_url(url)
        except Exception as exc:
            found.append(f"{url}: not a database URL ({exc})")
            continue
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if parsed.database in (None, "", ":memory:"):
                found.append(
                    f"{url}: an in-memory SQLite database cannot be shared by concurrent "
                    "connections; give a file path, or `sqlite` for a temporary one"
                )
                continue
            found.append(_sqlite_target(url, parsed.database or ""))
        elif backend == "postgresql":
            admin = Database(url)
            try:
                async with asyncio.timeout(10), admin.engine.connect() as conn:
                    version = str(await conn.scalar(sql("SHOW server_version")))
            except Exception as exc:
                await admin.close()
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                found.append(f"PostgreSQL at {safe_url(url)} is unreachable: {reason}")
                continue
            stack.push_async_callback(admin.close)
            found.append(Target("PostgreSQL", url, safe_url(url), admin=admin, version=version))
        else:
            found.append(f"{url}: only SQLite and PostgreSQL are supported")
    return found


def _sqlite() -> str:
    return sqlite3.sqlite_version


def _sqlite_target(url: str, database: str) -> Target:
    """Fresh databases go next to the file the URL names (that disk is what is measured)."""
    path = Path(database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return Target("SQLite", url, f"files next to {path}", path.parent, path.stem, version=_sqlite())


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def database(url: str, schema: str | None) -> Database:
    """A Database for `url`, connecting into `schema` (PostgreSQL) when there is one."""
    args = {"server_settings": {"search_path": schema}} if schema else None
    return Database(url, connect_args=args)


async def open_bot(url: str, schema: str | None) -> Knotbot:
    settings = Settings(_env_file=None, database_url=url, instance_id="bench")
    return await app.open_bot(settings, db=database(url, schema))


async def close(knotbot: Knotbot) -> None:
    await knotbot.shutdown()
    await knotbot.services.db.close()


# -- 1. start to ready ----------------------------------------------------------------------


async def process_ready(url: str, schema: str | None) -> float:
    """Seconds from spawning a Python process until its open_bot is done."""
    started = time.perf_counter()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, url, schema or "",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert child.stdout is not None
    line = await asyncio.wait_for(child.stdout.readline(), 120)
    took = time.perf_counter() - started
    _, err = await child.communicate()
    if line.strip() != b"ready" or child.returncode:
        raise RuntimeError(f"the child process failed: {err.decode(errors='replace')[-2000:]}")
    return took


async def bench_startup(target: Target, runs: int, process_runs: int) -> dict[str, object]:
    cold: list[float] = []
    warm: list[float] = []
    for run in range(runs + 1):  # the first is untimed: imports and first-use caches
        async with target.fresh() as (url, schema):
            started = time.perf_counter()
            knotbot = await open_bot(url, schema)
            took = time.perf_counter() - started
            await close(knotbot)
            started = time.perf_counter()
            knotbot = await open_bot(url, schema)
            took_warm = time.perf_counter() - started
            await close(knotbot)
        if run:
            cold.append(took)
            warm.append(took_warm)
    content: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        load_content(SHIPPED_CONTENT)
        content.append(time.perf_counter() - started)
    process_cold: list[float] = []
    process_warm: list[float] = []
    for _ in range(process_runs):
        async with target.fresh() as (url, schema):
            process_cold.append(await process_ready(url, schema))
            process_warm.append(await process_ready(url, schema))

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 1) if values else float("nan")

    return {
        "runs": runs,
        "process_runs": process_runs,
        "open_bot_empty_ms": ms(cold),
        "open_bot_migrated_ms": ms(warm),
        "content_load_ms": ms(content),
        "process_empty_ms": ms(process_cold),
        "process_migrated_ms": ms(process_warm),
        "open_bot_empty_all_ms": [round(v * 1000, 1) for v in cold],
        "open_bot_migrated_all_ms": [round(v * 1000, 1) for v in warm],
        "process_empty_all_ms": [round(v * 1000, 1) for v in process_cold],
        "process_migrated_all_ms": [round(v * 1000, 1) for v in process_warm],
    }


# -- 2. the conversation ----------------------------------------------------------------------


@dataclass
class MemoryReplier:
    """A Replier that keeps what the core answered for this one event, and nothing more."""

    replies: list[Reply] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def limits(self) -> PlatformLimits:
        return LIMITS

    async def reply(self, reply: Reply) -> MessageRef:
        self.replies.append(reply)
        return MessageRef(PLATFORM, "chat", str(len(self.replies)))

    async def update(self, reply: Reply) -> MessageRef:
        return await self.reply(reply)

    async def notice(self, text: str) -> None:
        self.notices.append(text)

    def reminder_ids(self) -> list[int]:
        """The ids on the Delete buttons of the reminder list in the answer."""
        ids = [
            int(b.action.split(":")[1])
            for r in self.replies
            for b in r.all_buttons
            if b.action.startswith("rdel:")
        ]
        return sorted(ids)


@dataclass
class Person:
    user: UserRef
    private: ChatRef
    community: ChatRef
    reminders: list[int] = field(default_factory=list)  # ids, oldest first
    zone: str = "UTC"

    def say(self, line: str, *, community: bool = False) -> Command:
        name, _, args = line.removeprefix("/").partition(" ")
        return Command(self.community if community else self.private, self.user, name, args)

    def press(self, action: str) -> ButtonPress:
        message = MessageRef(PLATFORM, self.private.chat_id, "1")
        return ButtonPress(self.private, self.user, action, message)


def people(users: int) -> list[Person]:
    found = []
    for n in range(users):
        user = UserRef(PLATFORM, str(100_000 + n), f"user {n}", "en")
        group = n % COMMUNITIES
        community = ChatRef(
            PLATFORM, f"g{group}", ChatKind.COMMUNITY, f"c{group}", f"Community {group}"
        )
        found.append(Person(user, ChatRef(PLATFORM, user.user_id), community))
    return found


@dataclass
class Tally:
    """What one scenario saw: latencies by event kind, and answers that were not as expected."""

    record_from: float = 0.0
    samples: list[tuple[str, float]] = field(default_factory=list)
    unexpected: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    async def send(self, knotbot: Knotbot, kind: str, event: Incoming) -> MemoryReplier:
        replier = MemoryReplier()
        started = time.perf_counter()
        await knotbot.handle(event, replier)
        took = time.perf_counter() - started
        if started >= self.record_from:
            self.samples.append((kind, took))
        said = "\n".join([*(plain_text(r) for r in replier.replies), *replier.notices])
        if EVENTS[kind][2] not in said:
            self.unexpected[kind] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {said[:200]!r}")
        return replier


async def act(knotbot: Knotbot, tally: Tally, person: Person, pick: str) -> None:
    """One thing a person does; "remind" is a new reminder and a look at the list (two
    events), or, for someone at REMINDER_CAP reminders, pressing Delete on the oldest."""
    match pick:
        case "knot":
            await tally.send(knotbot, pick, person.say("/knot upper-back"))
        case "knot-typo":
            await tally.send(knotbot, pick, person.say("/knot uper back"))
        case "knot-community":
            await tally.send(knotbot, pick, person.say("/knot upper-back", community=True))
        case "area-button":
            await tally.send(knotbot, pick, person.press("a:upper-back"))
        case "help":
            await tally.send(knotbot, pick, person.say("/help"))
        case "reminders":
            answer = await tally.send(knotbot, pick, person.say("/reminders"))
            person.reminders = answer.reminder_ids()
        case "remind" if len(person.reminders) >= REMINDER_CAP:
            press = person.press(f"rdel:{person.reminders[0]}")
            answer = await tally.send(knotbot, "delete-button", press)
            person.reminders = answer.reminder_ids()
        case "remind":
            await tally.send(knotbot, pick, person.say(f"/remind {REMIND}"))
            answer = await tally.send(knotbot, "list-button", person.press("rl"))
            person.reminders = answer.reminder_ids()
        case "timezone":  # alternating, so every one changes something
            person.zone = ZONES[0] if person.zone != ZONES[0] else ZONES[1]
            await tally.send(knotbot, pick, person.say(f"/timezone {person.zone}"))
        case "tip":
            await tally.send(knotbot, pick, person.say("/tip random", community=True))
        case _:
            raise ValueError(pick)


async def seed(knotbot: Knotbot, crowd: list[Person]) -> float:
    """Give everyone a past: half of them a time zone, 0-3 reminders each (in bulk, the rows
    ReminderService.create writes), and every community its tips (through the core: the first
    /tip random there seeds the curated ones). Returns the seconds it took."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    started = time.perf_counter()
    tally = Tally(record_from=float("inf"))
    for group in range(COMMUNITIES):
        await tally.send(knotbot, "tip", crowd[group].say("/tip random", community=True))
    async with knotbot.services.db.transaction() as tx:
        users = []
        for person in crowd:
            person.zone = ZONES[0] if rng.random() < 0.5 else "UTC"
            users.append(
                User(
                    platform=PLATFORM,
                    platform_user_id=person.user.user_id,
                    display_name=person.user.display_name,
                    timezone=person.zone if person.zone != "UTC" else None,
                    locale="en",
                    created_at=now,
                )
            )
        tx.session.add_all(users)
        await tx.session.flush()
        made: list[tuple[Person, Reminder]] = []
        for person, user in zip(crowd, users, strict=True):
            zone = ZoneInfo(person.zone)
            for spec in SEED_REMINDERS[: rng.choice((0, 1, 1, 2, 3))]:
                request = parse_request(spec, now=now, zone=zone)
                schedule = request.schedule
                if schedule.kind is ScheduleKind.INTERVAL:
                    offset = spread_offset(PLATFORM, user.platform_user_id, schedule.every_minutes)
                    schedule = replace(schedule, offset_minutes=offset)
                first = next_after(schedule, zone, now)
                row = Reminder(
                    user_id=user.id, community_id=None, platform=PLATFORM,
                    chat_id=user.platform_user_id, chat_kind=ChatKind.PRIVATE.value,
                    kind=request.kind, schedule=json.dumps(schedule.to_json()),
                    timezone=person.zone, status=ReminderStatus.ACTIVE, attempts=0,
                    last_text_index=-1, created_at=now, next_due_at=first, occurrence_at=first,
                )  # fmt: skip
                made.append((person, row))
        tx.session.add_all([row for _, row in made])
        await tx.session.flush()
        for person, row in made:
            person.reminders.append(row.id)
    if tally.unexpected:
        raise RuntimeError(f"seeding went wrong: {tally.examples}")
    return time.perf_counter() - started


async def converse(
    knotbot: Knotbot, crowd: list[Person], concurrency: int, seconds: float, warmup: float
) -> dict[str, object]:
    """`concurrency` tasks, each with its own people (one person is never in two events at
    once), picking what happens next from MIX until the time is up."""
    picks, weights = list(MIX), list(MIX.values())
    started = time.perf_counter()
    tally = Tally(record_from=started + warmup)
    until = started + warmup + seconds

    async def worker(index: int) -> None:
        rng = random.Random(1000 + index)
        mine = crowd[index::concurrency]
        while time.perf_counter() < until:
            pick = rng.choices(picks, weights)[0]
            await act(knotbot, tally, rng.choice(mine), pick)

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - tally.record_from
    took = [s for _, s in tally.samples]
    by_kind: dict[str, list[float]] = {}
    for kind, s in tally.samples:
        by_kind.setdefault(kind, []).append(s)
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "commands": len(took),
        "commands_per_second": round(len(took) / elapsed, 1),
        "p50_ms": round(percentile(took, 50) * 1000, 2),
        "p99_ms": round(percentile(took, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(took) * 1000, 2) if took else float("nan"),
        "by_command": {
            kind: {
                "count": len(values),
                "share": round(len(values) / len(took), 4),
                "p50_ms": round(percentile(values, 50) * 1000, 2),
                "p99_ms": round(percentile(values, 99) * 1000, 2),
            }
            for kind in EVENTS
            if (values := by_kind.get(kind))
        },
        "unexpected_answers": sum(tally.unexpected.values()),
        "unexpected_examples": tally.examples,
    }


class Problems(logging.Handler):
    """Counts what the bot logs at WARNING and above (a failed command is logged, not raised)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()}")


async def bench_target(target: Target, args: argparse.Namespace) -> dict[str, object]:
    print(f"\n{target.name} {target.version} ({target.shown})")
    startup = await bench_startup(target, args.startup_runs, args.process_runs)
    print(
        f"  start to ready: open_bot {startup['open_bot_empty_ms']} ms (empty database), "
        f"{startup['open_bot_migrated_ms']} ms (migrated); new process "
        f"{startup['process_empty_ms']} ms / {startup['process_migrated_ms']} ms; "
        f"content alone {startup['content_load_ms']} ms"
    )
    problems = Problems()
    logging.getLogger("bot").addHandler(problems)
    scenarios: list[dict[str, object]] = []
    try:
        async with target.fresh() as (url, schema):
            knotbot = await open_bot(url, schema)
            try:
                crowd = people(args.users)
                seeded = await seed(knotbot, crowd)
                print(f"  seeded {args.users:,} people in {seeded:.1f} s")
                for concurrency in args.concurrency:
                    before = problems.count
                    result = await converse(knotbot, crowd, concurrency, args.seconds, args.warmup)
                    result["logged_problems"] = problems.count - before
                    scenarios.append(result)
                    print(
                        f"  concurrency {concurrency}: {result['commands']:,} commands, "
                        f"{result['commands_per_second']:,}/s, p50 {result['p50_ms']} ms, "
                        f"p99 {result['p99_ms']} ms"
                        + (
                            f", {result['unexpected_answers']} unexpected answers"
                            if result["unexpected_answers"]
                            else ""
                        )
                    )
            finally:
                await close(knotbot)
    finally:
        logging.getLogger("bot").removeHandler(problems)
    if problems.count:
        print(f"  the bot logged {problems.count} problem(s), e.g. {problems.first}")
    return {
        "database": target.name,
        "where": target.shown,
        "version": target.version,
        "startup": startup,
        "seed_seconds": round(seeded, 1),
        "scenarios": scenarios,
        "logged_problems": problems.first,
    }


# -- the report -------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.machine()}",
        "processor": _cpu_model() or platform.processor(),
        # Other work on the machine shows up in every number: the 1-minute load at the start.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return ""


def table(results: dict[str, object]) -> str:
    runs = results["databases"]
    assert isinstance(runs, list)
    box = results["machine"]
    assert isinstance(box, dict)
    settings = results["settings"]
    assert isinstance(settings, dict)
    versions = ", ".join(f"{r['database']} {r['version']}" for r in runs)
    lines = [
        f"The conversation path: `Knotbot.handle` answering {settings['users']:,} people "
        f"(an in-memory replier; no platform). Measured {results['date']} on {box['cpus']} CPUs "
        f"({box['processor'] or box['system']}; load average {box['load_average_1min']} at the start), "
        f"Python {box['python']}; {versions} (local).",
        "",
        "| Database | Concurrency | Commands | Commands/s | p50 | p99 |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        for s in run["scenarios"]:
            lines.append(
                f"| {run['database']} | {s['concurrency']} | {s['commands']:,} "
                f"| {s['commands_per_second']:,.0f} | {s['p50_ms']:.2f} ms | {s['p99_ms']:.2f} ms |"
            )
    lines += [
        "",
        f"Start to ready (`open_bot`: content read and validated, database reached and migrated), "
        f"median of {settings['startup_runs']} runs in one process and of {settings['process_runs']} new processes "
        "(these include starting Python and the imports):",
        "",
        "| Database | open_bot, empty database | open_bot, migrated database | New process, empty database | New process, migrated database |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        s = run["startup"]
        lines.append(
            f"| {run['database']} | {s['open_bot_empty_ms']:.0f} ms | {s['open_bot_migrated_ms']:.0f} ms "
            f"| {s['process_empty_ms']:.0f} ms | {s['process_migrated_ms']:.0f} ms |"
        )
    header = "| Command | Database use | Share |"
    rule = "|---|---|---|"
    for run in runs:
        for s in run["scenarios"]:
            header += f" {run['database']} x{s['concurrency']} |"
            rule += "---|"
    lines += [
        "",
        f"Per command, p50 / p99 in ms. Concurrency N: N asyncio tasks, each answering its own "
        f"people one event after another; {settings['seconds']:g} s measured after "
        f"{settings['warmup']:g} s of warm-up. Everyone has 0-3 reminders; "
        f"/remind is followed by a press of My reminders, or is a Delete at {REMINDER_CAP} reminders.",
        "",
        header,
        rule,
    ]
    first = runs[0]["scenarios"][0]["by_command"] if runs and runs[0]["scenarios"] else {}
    for kind, (label, use, _) in EVENTS.items():
        share = first.get(kind, {}).get("share")
        row = f"| {label} | {use} | {share * 100:.0f}% |" if share else f"| {label} | {use} | - |"
        for run in runs:
            for s in run["scenarios"]:
                found = s["by_command"].get(kind)
                row += f" {found['p50_ms']:.2f} / {found['p99_ms']:.2f} |" if found else " - |"
        lines.append(row)
    skipped = results["skipped"]
    assert isinstance(skipped, list)
    if skipped:
        lines += ["", *(f"Skipped: {reason}" for reason in skipped)]
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        nargs="+",
        action="extend",
        metavar="URL",
        help="repeatable; `sqlite` is a temporary file (default: sqlite, plus PostgreSQL at "
        f"{DEFAULT_POSTGRES} if it answers)",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="measured, per scenario")
    parser.add_argument("--warmup", type=float, default=1.0, help="run first, not counted")
    parser.add_argument(
        "--concurrency", nargs="+", type=int, default=[1, 16], help="one scenario each"
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--process-runs", type=int, default=3)
    args = parser.parse_args()
    urls = args.database_url or ["sqlite", DEFAULT_POSTGRES]
    if min(args.concurrency) < 1 or args.users < max(args.concurrency) or args.startup_runs < 1:
        parser.error("need concurrency >= 1, at least as many users, and startup runs >= 1")
    started = time.perf_counter()
    results: dict[str, object] = {
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "machine": machine(),
        "settings": {
            "users": args.users,
            "communities": COMMUNITIES,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "startup_runs": args.startup_runs,
            "process_runs": args.process_runs,
            "mix_weights": MIX,
            "reminder_cap": REMINDER_CAP,
        },
        "events": {k: {"label": v[0], "database": v[1]} for k, v in EVENTS.items()},
    }
    runs: list[dict[str, object]] = []
    skipped: list[str] = []
    async with contextlib.AsyncExitStack() as stack:
        for found in await targets(urls, stack):
            if isinstance(found, str):
                print(f"Skipping: {found}")
                skipped.append(found)
                continue
            try:
                runs.append(await bench_target(found, args))
            except Exception as exc:  # one database failing should not lose the others
                reason = f"{found.name} at {found.shown} failed: {type(exc).__name__}: {exc}"
                print(f"Skipping: {reason}")
                skipped.append(reason)
    if not runs:
        raise SystemExit("No database to run on.")
    results["databases"] = runs
    results["skipped"] = skipped
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "conversation.json").write_text(json.dumps(results, indent=2) + "\n")
    markdown = table(results)
    (RESULTS / "conversation.md").write_text(markdown + "\n")
    print(f"\n(done in {results['total_seconds']} s)\n")
    print(markdown)


if __name__ == "__main__":
    asyncio.run(main())
