"""Starting an adapter while its platform may not be reachable yet (a bot started before the
network, or with the platform briefly down): retry with a growing pause until it connects or
the process is told to stop. Both platform apps start through here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0


async def when_reachable(
    attempt: Callable[[], Coroutine[Any, Any, T]],
    stop: asyncio.Event,
    *,
    unreachable: Callable[[BaseException], bool],
    platform: str,
) -> T | None:
    """The result of the first `attempt` that does not fail with an `unreachable` error, or
    None once `stop` is set (an attempt still running then is cancelled: it must clean up
    after itself). Any other error (a rejected token, say) is raised at once."""
    pause = FIRST_PAUSE
    while not stop.is_set():
        try:
            return await _unless_stopped(attempt(), stop)
        except _Stopped:
            return None
        except Exception as error:
            if not unreachable(error):
                raise
            log.warning("%s: cannot connect (%s); retrying in %.0f s", platform, error, pause)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)
        pause = min(pause * 2, LONGEST_PAUSE)
    return None


class _Stopped(Exception):
    """`stop` was set while an attempt was running."""


async def _unless_stopped(work: Coroutine[Any, Any, T], stop: asyncio.Event) -> T:
    working = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # cancelled from outside: take the attempt down with us
        working.cancel()
        raise
    finally:
        stopping.cancel()
    if working.done():
        return working.result()
    working.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await working
    raise _Stopped
