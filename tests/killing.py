"""Real bot processes killed with SIGKILL while they send reminders (issue 13): the harness
behind tests/test_crash.py and benchmarks/crash.py.

What runs:
- the Telegram stand-in (tests/standins/telegram_api), here in this process, each send taking
  `latency` seconds (half before the message is stored, half after: a send cut off in the
  first half never arrived, one cut off in the second was delivered and only its answer lost);
- two `knotbot run telegram` processes on one PostgreSQL database, in webhook mode (both
  behind one token; polling would make them fight over getUpdates), each with a webhook port
  of its own;
- one-off reminders, each to a private chat of its own (chat id = `FIRST_CHAT` + its index),
  due in bursts at shared instants: how reminders set for a whole minute arrive. The first
  burst is a few seconds after the processes start, not at the next whole minute of the wall
  clock, which would cost up to a minute of waiting for nothing; later bursts follow every
  `burst_gap` seconds.

While reminders are being sent, a process is killed with SIGKILL (one with sends under way)
at a seeded random moment of a burst's sending (put off until sends are arriving at the
stand-in, if none are then), and restarted at once: half the time with the same instance id (a
service manager restarting it on the same host), half the time with a new one (a replaced
container). Right after each kill, while nobody else may touch its claims (their lease has 30
s to run), the database tells which of its sends had started without their outcome being
recorded: those, and only those, are in doubt. Then the claims run out, the survivors send
what the dead one had claimed and not started, and mark what it had started `uncertain`.

Everything is counted from the stand-in's own record (which chat got how many messages, and
when) and the database (each reminder's delivery status): see `tests.crash_outcome`.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.clock import ManualClock, SystemClock
from bot.messages import ChatKind, ChatRef, UserRef
from bot.reminders.parse import ReminderRequest
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.reminders.scheduler import Scheduler
from bot.reminders.service import ReminderService
from bot.storage import Database
from bot.storage.reminders import DeliveryStatus
from tests.crash_outcome import CrashOutcome, CrashPlan, Kill
from tests.processes import bot_env, free_port, start_knotbot
from tests.standins.telegram_api import TelegramStandIn

FIRST_CHAT = 7_000_000
CREATED_PER_SECOND = 150  # reminders created through the service, at least (for the lead)
SENDING_NOW = 0.25  # the stand-in received a send this recently: sending is under way
_CONNECTED = b"telegram: connected as @"


@dataclass
class _Incarnation:
    slot: str
    instance: str
    process: asyncio.subprocess.Process
    log: Path
    begun: float  # Unix time

    def up(self) -> bool:
        return self.process.returncode is None and _CONNECTED in self.log.read_bytes()

    def start_seconds(self) -> float | None:
        """From start to connected, by the log's own timestamp (None: never connected)."""
        for line in self.log.read_bytes().splitlines():
            if _CONNECTED in line:
                stamp = line.split(b" ", 1)[0].decode(errors="replace").replace("Z", "+00:00")
                with contextlib.suppress(ValueError):  # a log format without the time first
                    return datetime.fromisoformat(stamp).timestamp() - self.begun
        return None


class _Run:
    def __init__(self, plan: CrashPlan, url: str, workdir: Path, tg: TelegramStandIn) -> None:
        self.plan = plan
        self.url = url
        self.workdir = workdir
        self.tg = tg
        self.rng = random.Random(plan.seed)
        self.db = Database(url)
        self.running: dict[str, _Incarnation] = {}
        self.incarnations: list[_Incarnation] = []
        self.kills: list[Kill] = []
        self.counted: set[int] = set()  # deliveries already counted as in doubt
        self.first_due = 0.0
        self.due: dict[int, float] = {}
        self._sends_seen = 0
        self._last_send = -math.inf

    async def create_reminders(self) -> None:
        """Each reminder to a chat of its own, due in `bursts` instants."""
        await self.db.upgrade()
        # Booked as of now: on a slow machine the first burst may be due before the last one
        # is booked, and is then only late, not refused as past.
        clock = ManualClock(SystemClock().now())
        scheduler = Scheduler(clock=clock, wake=lambda platform: None)
        service = ReminderService(db=self.db, clock=clock, scheduler=scheduler, default_zone="UTC")
        p = self.plan
        first = clock.now() + timedelta(seconds=p.reminders / CREATED_PER_SECOND + p.lead)
        first = first.replace(microsecond=0)
        self.first_due = first.timestamp()
        limit = asyncio.Semaphore(8)

        async def create(index: int) -> None:
            at = first + timedelta(seconds=p.burst_gap * (index % p.bursts))
            chat = str(FIRST_CHAT + index)
            async with limit:
                await service.create(
                    UserRef("telegram", chat, f"person {index}"),
                    ChatRef("telegram", chat, ChatKind.PRIVATE),
                    ReminderRequest("relax", Schedule(ScheduleKind.ONCE, at=at), shared=False),
                )
            self.due[index] = at.timestamp()

        async with asyncio.TaskGroup() as group:  # one failing cancels the others
            for index in range(p.reminders):
                group.create_task(create(index))

    async def start(self, slot: str, instance: str) -> None:
        port = free_port()
        env = bot_env(
            KNOTBOT_DATABASE_URL=self.url,
            KNOTBOT_INSTANCE_ID=instance,
            KNOTBOT_TELEGRAM_TOKEN=self.tg.token,
            KNOTBOT_TELEGRAM_BASE_URL=self.tg.base_url,
            KNOTBOT_TELEGRAM_BASE_FILE_URL=self.tg.base_file_url,
            KNOTBOT_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            KNOTBOT_TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
            KNOTBOT_TELEGRAM_WEBHOOK_PORT=str(port),
            KNOTBOT_TELEGRAM_WEBHOOK_SECRET="crash-test-secret",
        )
        log = self.workdir / f"{len(self.incarnations) + 1:03d}-{instance}.log"
        begun = time.time()
        process = await start_knotbot("run", "telegram", env=env, workdir=self.workdir, log=log)
        incarnation = _Incarnation(slot, instance, process, log, begun)
        self.incarnations.append(incarnation)
        self.running[slot] = incarnation

    def sending_now(self) -> bool:
        """Whether the stand-in received a send in the last `SENDING_NOW` seconds."""
        calls = self.tg.calls
        for call in calls[self._sends_seen :]:
            if call.method.lower() == "sendmessage":
                self._last_send = max(self._last_send, call.at)
        self._sends_seen = len(calls)
        return time.monotonic() - self._last_send <= SENDING_NOW

    def check_alive(self) -> None:
        """Fail at once if a process ended by itself (it could not start, or crashed)."""
        for incarnation in self.running.values():
            if incarnation.process.returncode is not None:
                output = incarnation.log.read_text(errors="replace")[-3000:]
                raise AssertionError(
                    f"{incarnation.instance} ended by itself "
                    f"(exit {incarnation.process.returncode}):\n{output}"
                )

    async def _scalar(self, sql: str, **params: Any) -> Any:
        async with self.db.session() as session:
            return await session.scalar(text(sql), params)

    async def unfinished(self) -> int:
        """Reminders not yet sent or settled (active, queued or in doubt)."""
        return int(
            await self._scalar(
                "SELECT (SELECT count(*) FROM reminders WHERE status = 'active') + "
                "(SELECT count(*) FROM reminder_deliveries WHERE status IN ('queued', 'sending'))"
            )
        )

    async def wait_to_kill(self, moment: float) -> bool:
        """Wait until `moment` (Unix time), then until sends are under way while some process
        is up (False: everything was settled first, nothing is left to kill for)."""
        while time.time() < moment:
            self.check_alive()
            await asyncio.sleep(min(0.1, moment - time.time()))
        next_check = time.monotonic() + 1.0
        while not (self.sending_now() and any(i.up() for i in self.running.values())):
            self.check_alive()
            await asyncio.sleep(0.01)
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + 1.0
                if await self.unfinished() == 0:
                    return False
        return True

    async def kill_one(self) -> None:
        """SIGKILL a process that is up (one with sends under way, if any has), count its sends
        in doubt, restart it at once."""
        up = sorted((i for i in self.running.values() if i.up()), key=_slot)
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT d.id, r.claimed_by FROM reminder_deliveries d "
                        "JOIN reminders r ON r.id = d.reminder_id WHERE d.status = 'sending'"
                    )
                )
            ).all()
        sending = {row.claimed_by for row in rows if row.id not in self.counted}
        victim = self.rng.choice([i for i in up if i.instance in sending] or up)
        same_id = self.rng.random() < 0.5
        moment = time.time()
        victim.process.kill()
        await victim.process.wait()
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT d.id, d.attempted_at FROM reminder_deliveries d "
                        "JOIN reminders r ON r.id = d.reminder_id "
                        "WHERE d.status = 'sending' AND r.claimed_by = :instance"
                    ),
                    {"instance": victim.instance},
                )
            ).all()
        fresh = {row.id: _unix(row.attempted_at) for row in rows if row.id not in self.counted}
        self.counted.update(fresh)
        self.kills.append(
            Kill(
                at=moment - self.first_due,
                instance=victim.instance,
                in_doubt=len(fresh),
                oldest=max((moment - started for started in fresh.values()), default=0.0),
                same_id=same_id,
                deliveries=frozenset(fresh),
            )
        )
        instance = victim.instance if same_id else f"{victim.slot}-{len(self.incarnations) + 1}"
        await self.start(victim.slot, instance)

    async def settle(self) -> None:
        """Wait until every reminder is sent or settled."""
        deadline = time.monotonic() + self.plan.settle_timeout
        while (left := await self.unfinished()) > 0:
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"{left} reminders still unsettled; see {self.workdir}")
            await asyncio.sleep(0.5)

    async def stop(self) -> list[int | None]:
        """SIGTERM the running processes; their exit codes (None: had to be killed)."""
        for incarnation in self.running.values():
            if incarnation.process.returncode is None:
                incarnation.process.terminate()
        codes: list[int | None] = []
        for incarnation in self.running.values():
            try:
                codes.append(await asyncio.wait_for(incarnation.process.wait(), 30))
            except TimeoutError:
                incarnation.process.kill()
                await incarnation.process.wait()
                codes.append(None)
        return codes

    def kill_all(self) -> None:
        for incarnation in self.running.values():
            if incarnation.process.returncode is None:
                incarnation.process.kill()

    async def deliveries(self) -> tuple[dict[int, list[str]], set[int]]:
        """Each reminder's delivery statuses, and which deliveries are uncertain."""
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT r.chat_id, d.id, d.status FROM reminders r "
                        "LEFT JOIN reminder_deliveries d ON d.reminder_id = r.id ORDER BY d.id"
                    )
                )
            ).all()
        statuses: dict[int, list[str]] = {i: [] for i in self.due}
        uncertain: set[int] = set()
        for row in rows:
            if row.status is not None:
                statuses[int(row.chat_id) - FIRST_CHAT].append(row.status)
            if row.status == DeliveryStatus.UNCERTAIN:
                uncertain.add(row.id)
        return statuses, uncertain

    def arrivals(self) -> dict[int, list[float]]:
        """When each chat's messages reached the stand-in (Unix time), from its call log."""
        offset = time.time() - time.monotonic()
        found: dict[int, list[float]] = {}
        for call in self.tg.calls_to("sendMessage"):
            if call.result is not None:
                index = int(call.result["chat"]["id"]) - FIRST_CHAT
                found.setdefault(index, []).append(call.at + offset)
        return found


def _slot(incarnation: _Incarnation) -> str:
    return incarnation.slot


def _unix(moment: datetime | None) -> float:
    if moment is None:
        return time.time()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


async def run_crash(plan: CrashPlan, url: str, workdir: Path) -> CrashOutcome:
    """Run `plan` on the (empty) PostgreSQL database at `url`; logs go to `workdir`."""
    began = time.monotonic()
    async with TelegramStandIn(send_latency=plan.latency) as tg:
        run = _Run(plan, url, workdir, tg)
        try:
            await run.create_reminders()
            await run.start("a", "a")
            await run.start("b", "b")
            for moment in plan.kill_moments(run.rng):
                if not await run.wait_to_kill(run.first_due + moment):
                    break
                await run.kill_one()
            await run.settle()
            codes = await run.stop()
            statuses, uncertain = await run.deliveries()
        finally:
            run.kill_all()
            with contextlib.suppress(Exception):
                await run.db.close()
        restarts = [i.start_seconds() for i in run.incarnations]
        return CrashOutcome(
            plan=plan,
            kills=run.kills,
            due=run.due,
            arrivals=run.arrivals(),
            statuses=statuses,
            uncertain_ids=uncertain,
            restarts=[seconds for seconds in restarts if seconds is not None],
            seconds=time.monotonic() - began,
            exit_codes=codes,
            logs={i.log.name: i.log.read_text(errors="replace") for i in run.incarnations},
        )
