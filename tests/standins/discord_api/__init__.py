"""Loopback stand-in for the Discord REST API and WebSocket gateway.

The real discord.py client is pointed at it through its two documented endpoint settings
(``discord.http.Route.BASE`` and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``, see
:func:`discord_endpoints`), so tests exercise the library's own wire format, rate-limit handling
and interaction plumbing instead of mocks.

Wire-format facts this relies on (checked against discord.py 2.7.1):

* REST replies must carry ``Content-Type: application/json`` exactly, otherwise discord.py treats
  the body as text and login breaks; 204 replies must carry no JSON content type at all.
* A 429 is only retried when the reply has a ``Via`` header (discord.py assumes a 429 without it
  is a Cloudflare ban and raises ``HTTPException``); real Discord sends ``Via: 1.1 google``.
* discord.py appends ``?v=10&encoding=json&compress=zlib-stream`` (``zstd-stream`` when
  ``zstandard`` is installed) to the gateway URL. Only binary frames go through the
  decompressor, so this stand-in answers with plain text frames whatever was asked.
* Interaction callbacks and webhook (interaction token) routes are sent without an
  ``Authorization`` header.

Gateway RESUME is supported minimally: a RESUME with the current session id replays the
dispatches the client missed and sends RESUMED; anything else gets INVALID_SESSION.

One module per concern; :class:`DiscordStandIn` (``server.py``) assembles them:

* ``models``: the records tests build worlds from and assert on (specs, calls, messages)
* ``endpoints``: :func:`discord_endpoints`, pointing discord.py at the stand-in
* ``payloads``: users, roles, channels, members and guilds as Discord's JSON
* ``guilds``: the world: users, guilds and DM channels
* ``gateway``: the WebSocket gateway (HELLO, IDENTIFY/READY, RESUME, member chunks, dispatch)
* ``errors``: Discord's error bodies and rate-limit headers
* ``failures``: injected errors and 429s (``fail_next``)
* ``rest``: REST routing, request decoding and the call log
* ``messages``: channels, DMs and messages (create, edit, delete, attachments)
* ``commands``: application command sync and what Discord checks before showing a command
* ``options``: encoding typed command options the way Discord's client does
* ``interactions``: injecting slash commands and autocomplete as INTERACTION_CREATE
* ``components``: injecting button presses, select choices, message commands (context menu)
  and modal submissions (text inputs and selects)
* ``responses``: interaction callbacks, ``@original`` and follow-ups over the webhook routes
"""

from tests.standins.discord_api.endpoints import discord_endpoints
from tests.standins.discord_api.models import (
    EPHEMERAL,
    LOADING,
    ChannelSpec,
    InjectedInteraction,
    MemberSpec,
    RestCall,
    RoleSpec,
    StoredMessage,
    UploadedFile,
)
from tests.standins.discord_api.server import DiscordStandIn

__all__ = [
    "EPHEMERAL",
    "LOADING",
    "ChannelSpec",
    "DiscordStandIn",
    "InjectedInteraction",
    "MemberSpec",
    "RestCall",
    "RoleSpec",
    "StoredMessage",
    "UploadedFile",
    "discord_endpoints",
]
