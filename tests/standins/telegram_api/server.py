"""The aiohttp server: lifecycle, URLs, and dispatch of Bot API methods to their handlers.

:class:`TelegramStandIn` is assembled from one mixin per concern (see the package docstring);
the table in ``__init__`` lists every Bot API method the stand-in implements.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import Self

from aiohttp import web

from tests.standins.telegram_api.base import Handler
from tests.standins.telegram_api.calls import CallLog
from tests.standins.telegram_api.commands import CommandsMixin
from tests.standins.telegram_api.failures import FailureInjection
from tests.standins.telegram_api.files import FilesMixin
from tests.standins.telegram_api.models import ApiCall, ApiError, Json
from tests.standins.telegram_api.updates import UpdatesMixin
from tests.standins.telegram_api.wire import read_params

# The methods that deliver something; ``send_latency`` applies to them.
_SENDS = frozenset({"sendmessage", "sendphoto", "senddocument"})


class TelegramStandIn(UpdatesMixin, FilesMixin, CommandsMixin, FailureInjection, CallLog):
    """An aiohttp server on 127.0.0.1 that speaks enough Bot API for a real PTB bot.

    Use ``async with TelegramStandIn() as tg:`` (or ``start()``/``stop()``), inject updates
    with the ``push_*`` helpers, inject failures with :meth:`fail_next`, and assert on
    :attr:`calls` and :attr:`messages`.

    ``send_latency`` (seconds) makes each send take that long, like a real network: half
    before the message is stored (a client that goes away then never delivered it) and half
    after (a client that goes away then delivered it and only missed the answer).
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "knotbot_test_bot",
        bot_id: int = 123456,
        *,
        bot_first_name: str = "Knotbot Test",
        strict_html: bool = True,
        send_latency: float = 0.0,
    ) -> None:
        super().__init__(
            token,
            bot_username,
            bot_id,
            bot_first_name=bot_first_name,
            strict_html=strict_html,
        )
        self.send_latency = send_latency
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Handler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "sendchataction": self._send_chat_action,
            "close": self._true,
            "logout": self._true,
        }

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # handler_cancellation: a long poll whose client went away ends at once.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        """End pending long polls and close the server."""
        self._closing = True
        self._wake_polls()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("TelegramStandIn is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url()``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url()``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ---- HTTP plumbing -----------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            return self._serve_file(path.removeprefix("/file/bot"))
        if not path.startswith("/bot") or path.count("/") != 2:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        token, method = path.removeprefix("/bot").split("/", 1)
        try:
            params, files = await read_params(request, self._keep_upload)
        except Exception as exc:  # a body the stand-in cannot read is its own bug: say so
            params, files = {"_unreadable_body": repr(exc)}, {}
        call = ApiCall(method=method, params=params, at=time.monotonic(), files=files)
        self.calls.append(call)
        self._notify_calls()
        try:
            if "_unreadable_body" in params:
                raise RuntimeError(params["_unreadable_body"])
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            self._raise_injected(method, params)
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            delay = self.send_latency / 2 if method.lower() in _SENDS else 0.0
            if delay:
                await asyncio.sleep(delay)  # the request is still on its way
            call.result = await handler(params, call)
            if delay:
                await asyncio.sleep(delay)  # delivered; the answer is on its way back
            body: Json = {"ok": True, "result": call.result}
            status = 200
        except ApiError as error:
            call.failed = True
            call.error_code = error.error_code
            call.description = error.description
            body = error.to_api()
            status = error.error_code
        except asyncio.CancelledError:
            # handler_cancellation: the client hung up (e.g. PTB stopped a long poll).
            call.description = "client disconnected before the answer"
            raise
        except Exception as exc:
            # Answer in Telegram's shape so PTB raises a readable error instead of failing to
            # parse aiohttp's HTML 500 page; tests can also assert ``internal_errors`` is empty.
            self.internal_errors.append(exc)
            call.failed, call.error_code = True, 500
            call.description = f"Internal Server Error: stand-in crashed: {exc!r}"
            body = {"ok": False, "error_code": 500, "description": call.description}
            status = 500
        finally:
            self._notify_calls()
        return web.json_response(body, status=status)

    # ---- Bot API methods ---------------------------------------------------------------------

    async def _true(self, params: Json, call: ApiCall) -> bool:
        return True

    async def _get_me(self, params: Json, call: ApiCall) -> Json:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
