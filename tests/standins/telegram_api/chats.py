"""Users and chats as Telegram knows them: chat ids, administrators, blocked chats.

Also the Bot API methods that only ask about them (getChatMember, getChatAdministrators,
sendChatAction).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.standins.telegram_api.base import StandInBase
from tests.standins.telegram_api.models import ApiCall, ApiError, Json, bad

_RESTRICTED_PERMISSIONS = [
    "is_member",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
]


class ChatsMixin(StandInBase):
    """Known users and chats, chat administrators, and chats that refuse the bot (403)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chats: dict[int, Json] = {}
        self._users: dict[int, Json] = {}
        self._admins: dict[int, tuple[set[int], int | None]] = {}
        self._blocked: dict[int, str] = {}

    # ---- configuration -----------------------------------------------------------------------

    def set_admins(
        self, chat_id: int, user_ids: Iterable[int], *, creator_id: int | None = None
    ) -> None:
        """Declare a chat's administrators (and optionally its creator) for getChatMember."""
        self._admins[chat_id] = (set(user_ids), creator_id)

    def block(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Make every send to ``chat_id`` answer 403 until :meth:`unblock`."""
        self._blocked[chat_id] = description

    def unblock(self, chat_id: int) -> None:
        """Undo :meth:`block`."""
        self._blocked.pop(chat_id, None)

    # ---- state helpers -----------------------------------------------------------------------

    def _remember_user(
        self, user_id: int, first_name: str, language_code: str, username: str | None
    ) -> Json:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "username": username or f"{first_name.lower()}{user_id}",
            "language_code": language_code,
        }
        self._users[user_id] = user
        return user

    def _remember_chat(
        self, chat_id: int, chat_type: str, *, title: str | None = None, user: Json | None = None
    ) -> Json:
        if chat_type not in {"private", "group", "supergroup", "channel"}:
            raise ValueError(f"unknown chat type {chat_type!r}")
        if (chat_type == "private") != (chat_id > 0):
            raise ValueError(
                f"chat {chat_id} cannot be {chat_type!r}: Telegram uses positive ids for private "
                "chats and negative ids for groups (pass chat_type=...)"
            )
        chat: Json = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            if user is not None:
                chat["first_name"] = user["first_name"]
                chat["username"] = user["username"]
        else:
            known = self._chats.get(chat_id, {})
            chat["title"] = title or known.get("title") or f"Test {chat_type} {chat_id}"
        self._chats[chat_id] = chat
        return chat

    def _chat(self, chat_id: int) -> Json:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Test {kind} {chat_id}"}

    def _user(self, user_id: int) -> Json:
        if user_id == self.bot_id:
            return self.bot_user
        return self._users.get(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        )

    @staticmethod
    def _member(user: Json, status: str) -> Json:
        member: Json = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
            )
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(
                {key: True for key in _RESTRICTED_PERMISSIONS},
                until_date=0,
            )
        return member

    def _chat_id(self, params: Json) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise bad("chat_id is empty")
        if isinstance(value, str):
            if value.startswith("@"):
                for chat in self._chats.values():
                    if chat.get("username") == value[1:]:
                        return int(chat["id"])
                raise bad("chat not found")
            try:
                return int(value)
            except ValueError:
                raise bad("chat not found") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("chat not found")
        return value

    def _sendable_chat(self, params: Json) -> int:
        chat_id = self._chat_id(params)
        if chat_id in self._blocked:
            raise ApiError(403, self._blocked[chat_id])
        return chat_id

    # ---- Bot API methods ---------------------------------------------------------------------

    def _status(self, chat_id: int, user_id: int) -> str:
        admins, creator = self._admins.get(chat_id, (set(), None))
        if user_id == creator:
            return "creator"
        return "administrator" if user_id in admins else "member"

    async def _get_chat_member(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._chat_id(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise bad("invalid user_id specified")
        return self._member(self._user(user_id), self._status(chat_id, user_id))

    async def _get_chat_administrators(self, params: Json, call: ApiCall) -> list[Json]:
        chat_id = self._chat_id(params)
        if self._chat(chat_id)["type"] == "private":
            raise bad("there are no administrators in the private chat")
        admins, creator = self._admins.get(chat_id, (set(), None))
        ordered = ([creator] if creator is not None else []) + sorted(admins - {creator})
        return [self._member(self._user(u), self._status(chat_id, u)) for u in ordered]

    async def _send_chat_action(self, params: Json, call: ApiCall) -> bool:
        self._sendable_chat(params)
        if not params.get("action"):
            raise bad("wrong parameter action in request")
        return True
