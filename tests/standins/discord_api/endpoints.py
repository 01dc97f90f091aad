"""Pointing the real discord.py client at the stand-in (and back)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def discord_endpoints(
    api_base: str | None = None, gateway_url: str | None = None
) -> Iterator[None]:
    """Point discord.py at other endpoints for a block and restore its defaults afterwards.

    These are the two values the KNOTBOT_DISCORD_API_BASE_URL / KNOTBOT_DISCORD_GATEWAY_URL
    settings set; with no arguments this only saves and restores them around code that sets them.
    """
    # Imported here so the stand-in itself does not depend on discord.py.
    import discord.gateway
    import discord.http
    import yarl

    saved_base = discord.http.Route.BASE
    saved_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        if api_base is not None:
            discord.http.Route.BASE = api_base
        if gateway_url is not None:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        yield
    finally:
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
