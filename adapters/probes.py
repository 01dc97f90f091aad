"""Can this machine reach the chat platforms with the configured tokens? (for knotbot status)

Plain HTTPS calls with the standard library, so `knotbot status` needs no platform library.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

from bot.settings import Settings
from bot.status import Check

TIMEOUT = 8.0


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers={"User-Agent": "knotbot-status", **headers})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


async def telegram(settings: Settings) -> Check:
    if settings.telegram_token is None:
        return Check("telegram", True, "not configured")
    base = settings.telegram_base_url.rstrip("/")
    token = settings.telegram_token.get_secret_value()
    url = base.replace("{token}", token) if "{token}" in base else f"{base}{token}"
    try:
        status, body = await asyncio.to_thread(_get, f"{url}/getMe", {})
    except (OSError, ValueError) as exc:
        return Check("telegram", False, f"unreachable ({type(exc).__name__})")
    if status == 200 and isinstance(body.get("result"), dict):
        return Check("telegram", True, f"connected as @{body['result'].get('username', '?')}")
    if status in (401, 404):
        return Check("telegram", False, "KNOTBOT_TELEGRAM_TOKEN was rejected")
    return Check("telegram", False, f"answered HTTP {status}")


async def discord(settings: Settings) -> Check:
    if settings.discord_token is None:
        return Check("discord", True, "not configured")
    base = settings.discord_api_base_url.rstrip("/")
    headers = {"Authorization": f"Bot {settings.discord_token.get_secret_value()}"}
    try:
        status, body = await asyncio.to_thread(_get, f"{base}/users/@me", headers)
    except (OSError, ValueError) as exc:
        return Check("discord", False, f"unreachable ({type(exc).__name__})")
    if status == 200:
        return Check("discord", True, f"connected as {body.get('username', '?')}")
    if status == 401:
        return Check("discord", False, "KNOTBOT_DISCORD_TOKEN was rejected")
    return Check("discord", False, f"answered HTTP {status}")
