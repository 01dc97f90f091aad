"""The `knotbot` command: pick an adapter, check content, migrate the database.

This is the composition root: it reads settings, builds the core and hands it to an adapter.
Platform libraries are imported only for the adapter that runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from adapters.errors import TokenRejected
from bot.content import ContentError, load_content
from bot.logs import configure_logging
from bot.settings import Settings
from bot.status import Check
from bot.storage import Database, DatabaseUnavailable

if TYPE_CHECKING:
    from bot.core import Knotbot

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# Each platform's app module has one (`adapters.<platform>.app.run`): start the core once
# connected, run until `stop` is set, shut the core down, disconnect, return.
AdapterMain = Callable[["Knotbot", Settings, asyncio.Event], Awaitable[None]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knotbot",
        description="A chat companion for the knots stress ties in your muscles.",
        epilog="Start with: knotbot console",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    console = sub.add_parser("console", help="talk to knotbot in this terminal (no tokens needed)")
    console.add_argument("--name", help="the name knotbot calls you (default: you)")

    run = sub.add_parser("run", help="run knotbot on a chat platform")
    run.add_argument("platform", choices=["discord", "telegram"])

    content = sub.add_parser("content", help="work with content files")
    content_sub = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = content_sub.add_parser("check", help="validate a content folder")
    check.add_argument("folder", nargs="?", type=Path, help="default: KNOTBOT_CONTENT_DIR")

    sub.add_parser("status", help="check the database, reminder lag and the platforms")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply pending database migrations")
    return parser


def _version() -> str:
    try:
        return metadata.version("knotbot")
    except metadata.PackageNotFoundError:  # run from a checkout without installing
        return "(not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:  # a bare `knotbot`: what it can do, not a usage error
        parser.print_help()
        return EXIT_OK
    try:
        settings = Settings()
    except ValidationError as exc:
        print("knotbot: invalid settings:", file=sys.stderr)
        for err in exc.errors():
            field = "KNOTBOT_" + "_".join(str(p) for p in err["loc"]).upper()
            print(f"  {field}: {err['msg']}", file=sys.stderr)  # never the value: it may be secret
        return EXIT_USAGE
    level = settings.log_level
    if args.command == "console" and "log_level" not in settings.model_fields_set:
        level = "WARNING"  # the conversation is on stdout; keep stderr for trouble
    configure_logging(level, settings.secrets, settings.log_format)

    try:
        match args.command:
            case "content":
                return _content_check(args.folder or settings.content_dir)
            case "db":
                return asyncio.run(_db_upgrade(settings))
            case "status":
                return asyncio.run(_status(settings))
            case "console":
                return asyncio.run(_console(settings, args.name))
            case "run":
                return _run_platform(settings, args.platform)
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_USAGE


def _content_check(folder: Path) -> int:
    try:
        content = load_content(folder)
    except ContentError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_FAIL
    holds = sum(1 for t in content.techniques if t.hold)
    print(
        f"Content in {folder} is valid: {len(content.areas)} areas, "
        f"{len(content.techniques)} techniques ({holds} with holds), "
        f"{len(content.reminder_kinds)} reminder kinds, {len(content.curated_tips)} tips, "
        f"{len(content.understanding)} plain-word entries."
    )
    for language, items in content.untranslated.items():
        if items:  # shown in English there: worth knowing, not a reason to refuse the content
            print(f"Not yet translated to {language} ({len(items)}; shown in English):")
            print("\n".join(f"  - {item}" for item in items))
    return EXIT_OK


async def _db_upgrade(settings: Settings) -> int:
    db = Database(settings.database_url)
    try:
        await db.ping()
        await db.upgrade()
    except DatabaseUnavailable as exc:
        print(f"knotbot: {exc}", file=sys.stderr)
        return EXIT_FAIL
    finally:
        await db.close()
    print("Database is up to date.")
    return EXIT_OK


async def _status(settings: Settings) -> int:
    from adapters import probes
    from bot.status import database_checks

    db = Database(settings.database_url)
    try:
        checks = await database_checks(db, datetime.now(UTC))
    finally:
        await db.close()
    try:
        content = load_content(settings.content_dir)
        checks.append(Check("content", True, f"valid ({len(content.techniques)} techniques)"))
    except ContentError as exc:
        checks.append(
            Check("content", False, f"{len(exc.problems)} problem(s): knotbot content check")
        )
    checks += await asyncio.gather(probes.telegram(settings), probes.discord(settings))
    for check in checks:
        print(f"{'ok  ' if check.ok else 'FAIL'}  {check.name:<10} {check.detail}")
    return EXIT_OK if all(c.ok for c in checks) else EXIT_FAIL


async def _open(settings: Settings, db_attempts: int = 1) -> Knotbot | None:
    from bot.app import open_bot

    try:
        return await open_bot(
            settings, db_attempts=db_attempts, db_retry_delay=settings.db_connect_retry_seconds
        )
    except ContentError as exc:
        print(f"knotbot will not start with broken content.\n{exc.report()}", file=sys.stderr)
    except DatabaseUnavailable as exc:
        print(f"knotbot: {exc}", file=sys.stderr)
    return None


async def _console(settings: Settings, name: str | None) -> int:
    from adapters.console import run_console

    core = await _open(settings)
    if core is None:
        return EXIT_FAIL
    try:
        await run_console(core, name)  # starts and shuts down the core itself
    finally:
        await core.services.db.close()
    return EXIT_OK


def _run_platform(settings: Settings, platform: str) -> int:
    token = settings.discord_token if platform == "discord" else settings.telegram_token
    if token is None or not token.get_secret_value().strip():
        variable = f"KNOTBOT_{platform.upper()}_TOKEN"
        print(
            f"knotbot: {variable} is not set; put your bot token there (see README).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        if platform == "telegram":
            from adapters.telegram.app import run as run_adapter
        else:
            from adapters.discord.app import run as run_adapter
    except ImportError as exc:
        print(
            f"knotbot: the {platform} adapter needs its library: pip install 'knotbot[{platform}]'"
            f" ({exc.name} is missing)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return asyncio.run(_serve(settings, run_adapter))


async def _serve(settings: Settings, run_adapter: AdapterMain) -> int:
    """Run an adapter until SIGINT/SIGTERM. The adapter starts the core once connected and
    shuts it down before it disconnects; the database is closed here, after it."""
    core = await _open(settings, db_attempts=settings.db_connect_attempts)
    if core is None:
        return EXIT_FAIL
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(NotImplementedError, AttributeError):  # SIGHUP: reload content
        loop.add_signal_handler(signal.SIGHUP, core.reload_content, settings.content_dir)
    try:
        await run_adapter(core, settings, stop)
    except TokenRejected as exc:
        print(f"knotbot: {exc}; check the token (see README).", file=sys.stderr)
        return EXIT_USAGE
    finally:
        await core.services.db.close()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
