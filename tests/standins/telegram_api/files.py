"""Photos and documents: uploads, sendPhoto/sendDocument, getFile and the download endpoint."""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp import web

from tests.standins.telegram_api.formatting import format_text
from tests.standins.telegram_api.messages import MessagesMixin
from tests.standins.telegram_api.models import (
    MAX_CAPTION_LENGTH,
    ApiCall,
    Json,
    UploadedFile,
    bad,
)


class FilesMixin(MessagesMixin):
    """``uploads`` by file id; files are served back under ``/file/bot<token>/<file_path>``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.uploads: dict[str, UploadedFile] = {}
        self._file_ids = itertools.count(1)

    def _keep_upload(
        self, field: str, filename: str, content_type: str, data: bytes
    ) -> UploadedFile:
        """Store a file uploaded with multipart/form-data under a new file id."""
        upload = UploadedFile(
            field=field,
            filename=filename,
            content_type=content_type,
            size=len(data),
            file_id=f"file{next(self._file_ids)}",
            data=data,
        )
        self.uploads[upload.file_id] = upload
        return upload

    @staticmethod
    def _file_path(upload: UploadedFile) -> str:
        folder = "photos" if upload.field == "photo" else "documents"
        return f"{folder}/{upload.file_id}_{upload.filename}"

    def _media(self, params: Json, name: str) -> UploadedFile | str:
        value = params.get(name)
        if isinstance(value, UploadedFile):
            return value
        if isinstance(value, str) and value:
            if value in self.uploads or value.startswith(("http://", "https://")):
                return value
            raise bad("wrong file identifier/HTTP URL specified")
        raise bad(f"there is no {name} in the request")

    def _serve_file(self, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return web.Response(status=401, text="Unauthorized")
        for upload in self.uploads.values():
            if self._file_path(upload) == file_path:
                return web.Response(body=upload.data, content_type=upload.content_type)
        return web.Response(status=404, text="Not Found")

    # ---- Bot API methods ---------------------------------------------------------------------

    def _caption(self, params: Json) -> Json:
        raw = params.get("caption")
        if raw is None or raw == "":
            return {}
        caption, entities = format_text(
            raw,
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            strict=self.strict_html,
        )
        return {
            "caption": caption,
            "caption_entities": entities,
            "parse_mode": params.get("parse_mode"),
        }

    async def _send_photo(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._sendable_chat(params)
        media = self._media(params, "photo")
        file_id = media.file_id if isinstance(media, UploadedFile) else media
        size = media.size if isinstance(media, UploadedFile) else 0
        photo = [
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "width": 1280,
                "height": 720,
                "file_size": size,
            }
        ]
        return self._store_bot_message(chat_id, params, photo=photo, **self._caption(params))

    async def _send_document(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._sendable_chat(params)
        media = self._media(params, "document")
        if isinstance(media, UploadedFile):
            document = {
                "file_id": media.file_id,
                "file_unique_id": f"u{media.file_id}",
                "file_name": media.filename,
                "mime_type": media.content_type,
                "file_size": media.size,
            }
        else:
            document = {"file_id": media, "file_unique_id": f"u{media}"}
        return self._store_bot_message(chat_id, params, document=document, **self._caption(params))

    async def _get_file(self, params: Json, call: ApiCall) -> Json:
        upload = self.uploads.get(str(params.get("file_id")))
        if upload is None:
            raise bad("invalid file_id")
        return {
            "file_id": upload.file_id,
            "file_unique_id": f"u{upload.file_id}",
            "file_size": upload.size,
            "file_path": self._file_path(upload),
        }
