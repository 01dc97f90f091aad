"""Decoding the bot's requests back into Bot API parameters.

Wire format (python-telegram-bot 22.8, ``telegram/request/_requestparameter.py``): a request
is ``application/x-www-form-urlencoded`` (or ``multipart/form-data`` when it uploads a file);
string parameters are sent as-is and every other value is JSON-encoded. A text of ``"42"`` and
an integer ``42`` are therefore indistinguishable on the wire, so parameters that are strings in
the Bot API (see ``_STRING_PARAMS``) are never JSON-decoded. JSON bodies and query strings are
accepted as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.standins.telegram_api.models import Json, UploadedFile

# Bot API parameters whose type is String: kept verbatim, never JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "description",
        "document",
        "emoji",
        "explanation",
        "file_id",
        "inline_message_id",
        "ip_address",
        "language_code",
        "message_effect_id",
        "name",
        "parse_mode",
        "photo",
        "query",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "video",
        "voice",
    }
)

KeepUpload = Callable[[str, str, str, bytes], UploadedFile]
"""Stores an uploaded file (field, filename, content type, data) and returns its record."""


async def read_params(
    request: web.Request, keep_upload: KeepUpload
) -> tuple[Json, dict[str, UploadedFile]]:
    """The request's decoded parameters, and the files it uploaded by form field."""
    raw: Json = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        if request.can_read_body:
            body = await request.json()
            if isinstance(body, dict):
                raw.update(body)
    elif request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                upload = keep_upload(name, value.filename, value.content_type, data)
                files[name] = upload
                raw[name] = upload
            else:
                raw[name] = value
    params = {name: _decode_value(name, value) for name, value in raw.items()}
    # Files referenced as attach://<name> resolve to their upload.
    for name, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            params[name] = files.get(value.removeprefix("attach://"), value)
    return params, files


def _decode_value(name: str, value: Any) -> Any:
    if name in _STRING_PARAMS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
