"""Bot processes killed with SIGKILL while they send (issue 13): no reminder twice, and every one
not delivered is marked uncertain.

Two real `knotbot run telegram` processes on PostgreSQL, in webhook mode against the Telegram
stand-in, send 600 one-off reminders, each to a chat of its own. They fall due in 8 bursts of
75 at shared instants, the first a few seconds after the processes start and then every 4 s: a
whole minute's burst, without waiting for the wall clock's next whole minute, and the bursts
close together because every kill costs a 30 s lease before the run can end. During each
burst's sending, the process sending it is killed at a seeded random moment and restarted at
once: 8 kills (see tests/killing.py). Counted from the stand-in's record and the database:

- no chat got its reminder twice;
- every reminder reached its chat exactly once, or is marked `uncertain`; the database never
  says `sent` for one that did not arrive; nothing is left in any other state;
- the uncertain ones are exactly the sends the killed processes had started without recording
  their outcome, as the database showed right after each kill (before any lease ran out);
- those are few: a running process records each send's outcome within the send's own time,
  the flush interval (200 ms) and some slack for a busy machine (`doubt_window`, 1.1 s here),
  and starts at most 30 sends in any second (Telegram's rate), so a kill finds at most 30 for
  each second, or part of one, of that window in doubt (`doubt_bound`, 60 here; 30 is what a
  kill usually finds, the pacing's batch for one second). A dispatcher that marked what it
  claimed `sending` at once (a burst here, 75) fails here; so does one that repeats a send in
  doubt (duplicates) or drops it unmarked (never settled).

A dead process's claims come back only when their lease (30 s, not configurable) runs out, so
the run takes about 70 s, half of it waiting for the last kill's leases.
"""

from __future__ import annotations

from pathlib import Path

from tests.crash_outcome import CrashPlan, doubt_bound
from tests.killing import run_crash
from tests.processes import own_database, postgres_url

PLAN = CrashPlan(reminders=600, kills=8, bursts=8, burst_gap=4.0, latency=0.2, lead=4.0)


async def test_killed_bots_never_send_a_reminder_twice_and_mark_each_one_in_doubt_uncertain(
    tmp_path: Path,
):
    async with own_database(await postgres_url(), "knotbot_crash") as url:
        outcome = await run_crash(PLAN, url, tmp_path)
    about = outcome.describe()
    print(about)

    assert len(outcome.kills) == PLAN.kills, about
    assert outcome.duplicates == 0, about
    assert outcome.lost_unmarked == [], about
    assert outcome.sent_but_missing == [], about
    assert set(outcome.status_counts) <= {"sent", "uncertain"}, about
    assert outcome.delivered_once + outcome.lost == PLAN.reminders, about
    assert outcome.lost <= outcome.uncertain, about

    assert outcome.uncertain_ids == outcome.in_doubt_ids, about
    for kill in outcome.kills:
        assert kill.in_doubt <= doubt_bound(PLAN.latency), about
    # The kills landed while sends were under way, not between them.
    assert sum(kill.in_doubt > 0 for kill in outcome.kills) >= PLAN.kills // 2, about

    assert outcome.exit_codes == [0, 0], about  # the last two still shut down cleanly
