"""What the Telegram stand-in records and answers: calls, messages, uploads and API errors.

Plain data, shared by every other module of the stand-in; tests assert on these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
CALLBACK_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)

DEFAULT_ERROR_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class UploadedFile:
    """A file uploaded with multipart/form-data (e.g. by ``sendDocument``)."""

    field: str
    filename: str
    content_type: str
    size: int
    file_id: str
    data: bytes = field(repr=False)


@dataclass
class ApiCall:
    """One request the bot made, as decoded by the stand-in.

    ``params`` holds decoded values; an uploaded file appears there (and in ``files``) as an
    :class:`UploadedFile`. ``failed`` is set when the answer was an error (injected or real).
    """

    method: str
    params: Json
    at: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    failed: bool = False
    error_code: int | None = None
    description: str | None = None
    result: Any = None


@dataclass
class StoredMessage:
    """The current state of one message, as Telegram would report it.

    ``text``/``caption`` are what users see (HTML tags removed, entities decoded, trimmed);
    ``raw_text`` is exactly what the bot sent.
    """

    chat_id: int
    message_id: int
    chat: Json
    from_user: Json
    date: int
    from_bot: bool
    text: str | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: list[Json] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[Json] = field(default_factory=list)
    reply_markup: Json | None = None
    photo: list[Json] | None = None
    document: Json | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[str] = field(default_factory=list)

    def to_api(self, *, reply_to: StoredMessage | None = None) -> Json:
        """Render the message as a Bot API ``Message`` object."""
        data: Json = {
            "message_id": self.message_id,
            "from": dict(self.from_user),
            "chat": dict(self.chat),
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if reply_to is not None:
            data["reply_to_message"] = reply_to.to_api()
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = [dict(e) for e in self.entities]
        if self.photo is not None:
            data["photo"] = [dict(p) for p in self.photo]
        if self.document is not None:
            data["document"] = dict(self.document)
        if self.caption is not None:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = [dict(e) for e in self.caption_entities]
        # Telegram echoes inline keyboards only; reply keyboards are not part of the message.
        if inline := inline_only(self.reply_markup):
            data["reply_markup"] = inline
        return data


class ApiError(Exception):
    """A Bot API error answer; raised inside method handlers."""

    def __init__(self, error_code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> Json:
        """Render as Telegram's error body."""
        body: Json = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def inline_only(markup: Json | None) -> Json | None:
    """The part of a reply_markup Telegram keeps on the message (inline keyboards only)."""
    return markup if markup and "inline_keyboard" in markup else None
