"""The conversation path: commands per second through the core, and the time from start to ready.

    python -m benchmarks.conversation                    # a temporary SQLite file, plus PostgreSQL if reachable
    python -m benchmarks.conversation --seconds 5 --concurrency 1 4
    python -m benchmarks.conversation --database-url sqlite postgresql+asyncpg://postgres@127.0.0.1:5432/test

What it measures, for each database:
- Start to ready (`startup`): `bot.app.open_bot` with `Settings(database_url=...)`, from
  nothing to a Knotbot that can answer (content read and validated, database reached and
  migrated): on a fresh, empty database (cold: every migration runs) and on the same database
  again (warm: a restart, nothing to migrate). Medians of --startup-runs runs in this process,
  after one untimed run (so imports are done); and the same as a new process (`python -c`:
  interpreter start and imports count too), timed from spawning it until it prints that it is
  ready.
- The conversation (`crowd`, `events`, `scenario`): --users people (each with 0-3 reminders of
  their own, each in one of 10 communities) talking to `Knotbot.handle` through an in-memory
  Replier that only records, at each --concurrency: that many asyncio tasks, each serving its
  own share of the people one event after another, as fast as the core answers. Reported:
  events (commands and button presses) per second, and p50/p99 of the time `handle` takes,
  overall and per command. Before the measured --seconds, --warmup seconds are run and not
  counted. No holds are started (they run in real time) and no reminder dispatcher runs (an
  adapter starts it; here nothing is sent in the background), so this is the answering path
  alone.

Every fresh database is a new SQLite file (in a temporary folder, or next to the file of a
sqlite URL given) or, on PostgreSQL, a schema of its own (created and dropped here) set as the
connections' search_path (`databases`). An unreachable PostgreSQL is skipped, with the reason
printed.

Results go to benchmarks/results/conversation.json and conversation.md (`report`).
"""
