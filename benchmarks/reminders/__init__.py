"""Reminder dispatcher at scale, next to APScheduler 3.x holding the same schedules.

    pip install -e ".[bench]"                      # APScheduler, to compare with
    python -m benchmarks.reminders                 # 100,000 users, SQLite, one simulated day
    python -m benchmarks.reminders --users 10000   # quicker
    python -m benchmarks.reminders --users 10000 --database-url sqlite \\
        postgresql+asyncpg://postgres@127.0.0.1:5432/test   # one column per database

What it measures, in one run, on each database given:
- knotbot's dispatcher: a simulated Monday (manual clock) of every user's reminders from the
  database, sent through an in-memory platform paced at Telegram's limits (30 messages/s
  overall, 1/s per chat): lateness (the moment the platform received a send minus the due time
  in its occurrence key) p50/p99, and how much of it the 30/s limit alone forces. Then every
  reminder made due at once and sent unthrottled on the real clock (`Dispatcher.run`): CPU
  seconds per 1,000 reminders (the process: dispatcher, SQLAlchemy, the driver and SQLite's
  engine; a PostgreSQL server's own CPU is not included) and peak Python memory (tracemalloc)
  while the whole pool goes through.
- APScheduler 3.x (what python-telegram-bot's JobQueue uses) with the same schedules as cron
  jobs: in its MemoryJobStore (memory after adding the jobs) and in its SQLAlchemyJobStore
  (memory and CPU for the same day), replayed without sending (`versus_apscheduler`).

Reminders are booked through `bot.reminders.scheduler` (the rows it makes are inserted in bulk:
`benchmarks.booking`) as /remind books them: a time whose minute is already as full as
Telegram can send moves to the nearest minute with room (the table says how many people that
moved, and how far); `--as-asked` keeps every time asked. PostgreSQL runs in a schema of its
own, dropped afterwards.

Results go to benchmarks/results/reminders-<users>.json and .md (the table in the README).
"""
