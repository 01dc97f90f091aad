"""How the bot answers interactions: the callback (initial response), then the ``@original``
message and follow-ups over the interaction webhook routes, within Discord's deadlines.
"""

from __future__ import annotations

import time
from typing import Any

from tests.standins.discord_api.errors import HttpError
from tests.standins.discord_api.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionsMixin,
    InteractionState,
)
from tests.standins.discord_api.messages import MessagesMixin
from tests.standins.discord_api.models import (
    EPHEMERAL,
    LOADING,
    InjectedInteraction,
    StoredMessage,
    walk_components,
)
from tests.standins.discord_api.rest import Request

# The callback types Discord accepts for each interaction type.
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}


def _check_modal(data: dict[str, Any]) -> None:
    """What Discord refuses in a modal: no id, a title or label over 45 characters, no fields
    or more than 5, a text input prefilled with more than it accepts."""
    title, components = data.get("title"), data.get("components")
    problems = []
    if not isinstance(data.get("custom_id"), str) or not data["custom_id"]:
        problems.append("custom_id")
    if not isinstance(title, str) or not 1 <= len(title) <= 45:
        problems.append("title")
    if not isinstance(components, list) or not 1 <= len(components) <= 5:
        problems.append("components")
    for component in walk_components(components if isinstance(components, list) else []):
        label = component.get("label")
        if component.get("type") == 18 and not (isinstance(label, str) and 1 <= len(label) <= 45):
            problems.append("label")
        if component.get("type") == 4:
            value = component.get("value") or ""
            if len(value) > (component.get("max_length") or 4000):
                problems.append(f"value of {component.get('custom_id')} longer than max_length")
    if problems:
        raise HttpError(400, 50035, f"Invalid Form Body: modal {', '.join(problems)}")


class ResponsesMixin(InteractionsMixin, MessagesMixin):
    """Interaction callbacks and the webhook routes of an interaction token."""

    def original_response(self, interaction: InjectedInteraction) -> StoredMessage | None:
        """The message ``@original`` currently refers to for this interaction."""
        state = self._interactions[interaction.token]
        return self.messages.get(state.original_id) if state.original_id else None

    # ---------------------------------------------------------------- REST handlers

    async def _callback(self, req: Request, interaction_id: str, token: str) -> tuple[int, Any]:
        state = self._interactions.get(token)
        if state is None or state.id != int(interaction_id) or state.expired:
            raise HttpError(404, 10062)
        if (
            self.interaction_deadline is not None
            and state.callback_type is None
            and time.monotonic() - state.created_at > self.interaction_deadline
        ):
            raise HttpError(404, 10062)
        if state.callback_type is not None:
            raise HttpError(400, 40060)
        body = req.json if isinstance(req.json, dict) else {}
        kind = body.get("type")
        data = body.get("data") or {}
        if kind not in _ALLOWED_CALLBACKS.get(state.type, frozenset()):
            raise HttpError(
                400,
                50035,
                f"Invalid Form Body: callback type {kind} for interaction type {state.type}",
            )
        if kind == 9:
            _check_modal(data)  # refused: the interaction is still unanswered

        state.callback_type = kind
        result: dict[str, Any] = {"id": str(state.id), "type": state.type}
        resource: dict[str, Any] = {"type": kind}
        message: StoredMessage | None = None
        if kind == 4:
            message = self._new_message(state.channel_id, data, req.files, interaction=state)
            message.type = 20 if state.type == APPLICATION_COMMAND else 0
            result.update(response_message_loading=False)
        elif kind == 5:
            message = self._new_message(
                state.channel_id,
                {"flags": (data.get("flags") or 0) & EPHEMERAL},
                [],
                interaction=state,
            )
            message.flags |= LOADING
            message.type = 20 if state.type == APPLICATION_COMMAND else 0
            result.update(response_message_loading=True)
        elif kind in (6, 7):
            if state.source_message_id is None:
                raise HttpError(400, 50035, "Invalid Form Body: no message to update")
            message = self.messages[state.source_message_id]
            if kind == 7:
                self._apply_edit(message, data, req.files)
        elif kind == 8:
            if not isinstance(data.get("choices"), list) or len(data["choices"]) > 25:
                raise HttpError(400, 50035, "Invalid Form Body: choices")
        elif kind == 9:
            self._modals[data["custom_id"]] = data
        if message is not None:
            state.original_id = message.id
            state.message_ids.add(message.id)
            result.update(
                response_message_id=str(message.id), response_message_ephemeral=message.ephemeral
            )
            resource["message"] = message.to_payload()
        return 200, {"interaction": result, "resource": resource}

    def _webhook_state(self, app_id: str, token: str) -> InteractionState:
        state = self._interactions.get(token)
        if (
            state is None
            or state.expired
            or int(app_id) != self.app_id
            or state.callback_type is None
        ):
            raise HttpError(404, 10015)
        return state

    def _webhook_message(self, state: InteractionState, message_id: str) -> StoredMessage:
        wanted = state.original_id if message_id == "@original" else int(message_id)
        if wanted is None or wanted not in state.message_ids:
            raise HttpError(404, 10008)
        message = self.messages[wanted]
        if message.deleted:
            raise HttpError(404, 10008)
        return message

    async def _webhook_get(
        self, req: Request, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._webhook_state(app_id, token), message_id)
        return 200, message.to_payload()

    async def _webhook_edit(
        self, req: Request, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._webhook_state(app_id, token), message_id)
        self._apply_edit(message, req.json or {}, req.files)
        message.flags &= ~LOADING
        return 200, message.to_payload()

    async def _webhook_delete(
        self, req: Request, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._webhook_state(app_id, token), message_id)
        message.deleted = True
        return 204, None

    async def _webhook_followup(self, req: Request, app_id: str, token: str) -> tuple[int, Any]:
        state = self._webhook_state(app_id, token)
        data = req.json or {}
        original = self.messages.get(state.original_id) if state.original_id else None
        if original is not None and original.flags & LOADING:
            # Like Discord: the first follow-up after a "thinking" defer fills the loading message.
            self._apply_edit(original, data, req.files)
            original.flags &= ~LOADING
            message = original
        else:
            self._check_not_empty(data, req.files)
            message = self._new_message(state.channel_id, data, req.files, interaction=state)
            state.message_ids.add(message.id)
        if req.query.get("wait") in ("1", "true", "True"):
            return 200, message.to_payload()
        return 204, None
