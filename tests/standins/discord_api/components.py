"""What a user does on messages and forms: pressing buttons, choosing in selects, running a
message command (context menu) on a message, submitting modals. Each becomes an interaction
(type 3, 2 or 5) on the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tests.standins.discord_api.commands import MESSAGE_COMMAND
from tests.standins.discord_api.interactions import (
    APPLICATION_COMMAND,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionsMixin,
)
from tests.standins.discord_api.messages import MessagesMixin
from tests.standins.discord_api.models import InjectedInteraction, StoredMessage, walk_components

_TEXT_INPUT, _STRING_SELECT = 4, 3
_FIELDS = (_TEXT_INPUT, _STRING_SELECT)  # what a modal submission carries values of


def _submitted(field: Mapping[str, Any], value: str | Sequence[str] | None) -> dict[str, Any]:
    """A modal field as its submission carries it back, with `value` (None: left as shown)."""
    sent: dict[str, Any] = {
        "type": field["type"],
        "id": field.get("id"),
        "custom_id": field["custom_id"],
    }
    if field["type"] == _TEXT_INPUT:
        sent["value"] = value if isinstance(value, str) else (field.get("value") or "")
        return sent
    offered = [o["value"] for o in field.get("options", [])]
    if value is None:
        chosen = [o["value"] for o in field.get("options", []) if o.get("default")]
    else:
        chosen = [value] if isinstance(value, str) else list(value)
    if any(v not in offered for v in chosen):
        raise AssertionError(f"select {field['custom_id']!r} offers {offered}, not {chosen}")
    sent["values"] = chosen
    return sent


class ComponentsMixin(InteractionsMixin, MessagesMixin):
    """Checks the component exists on the message (or made-up message) before pressing it."""

    async def inject_button(
        self,
        custom_id: str,
        message_id: int,
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Press a button (interaction type 3, component type 2) on a message.

        A known message must carry a component with that custom_id. An unknown ``message_id``
        stands for a message from before the process started: a bot message with just that
        button is made up (in ``channel_id``), which is what persistent views are for.
        """
        return await self._inject_component(
            custom_id,
            message_id,
            {"custom_id": custom_id, "component_type": 2},
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
        )

    async def inject_select(
        self,
        custom_id: str,
        values: Sequence[str],
        message_id: int,
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Choose values in a string select menu (component type 3) on a message."""
        return await self._inject_component(
            custom_id,
            message_id,
            {"custom_id": custom_id, "component_type": 3, "values": list(values)},
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
        )

    async def inject_message_command(
        self,
        name: str,
        message_id: int,
        *,
        user_id: int,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Run a message command (application command type 3, a context-menu entry) on a
        message, in the message's channel.

        The message is in ``resolved.messages`` with its content: Discord gives message commands
        the content even to apps without the message content intent. Raises AssertionError for
        an unsynced command or a message that does not exist (any more).
        """
        message = self.messages.get(message_id)
        if message is None or message.deleted:
            raise AssertionError(f"message {message_id} does not exist; nobody can run {name!r}")
        guild_id = message.guild_id
        definition, scope = self._find_command(name, guild_id, MESSAGE_COMMAND)
        data: dict[str, Any] = {
            "id": definition["id"],
            "name": name,
            "type": MESSAGE_COMMAND,
            "target_id": str(message_id),
            "resolved": {"messages": {str(message_id): message.to_payload()}},
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        return await self._inject(
            APPLICATION_COMMAND,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=message.channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
            command=definition,
        )

    async def inject_modal_submit(
        self,
        custom_id: str,
        values: Mapping[str, str | Sequence[str]],
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Submit a modal (interaction type 5) with values by custom_id: a text input's text,
        or a string select's chosen values (a list).

        If the bot showed this modal (callback type 9), the submission mirrors its layout
        (action rows or labels); unknown field ids, and choices the select does not offer,
        raise AssertionError. A select left alone sends its default options, as Discord does.
        """
        modal = self._modals.get(custom_id)
        if modal is None:
            components: list[dict[str, Any]] = [
                {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()
            ]
        else:
            fields = {
                c["custom_id"]: c
                for c in walk_components(modal["components"])
                if c.get("type") in _FIELDS
            }
            unknown = set(values) - set(fields)
            if unknown:
                raise AssertionError(f"modal {custom_id!r} has no fields {sorted(unknown)}")
            components = []
            for top in modal["components"]:
                inputs = [
                    _submitted(c, values.get(c["custom_id"]))
                    for c in walk_components([top])
                    if c.get("type") in _FIELDS
                ]
                if not inputs:
                    continue
                if top.get("type") == 18:
                    components.append({"type": 18, "id": top.get("id"), "component": inputs[0]})
                else:
                    components.append({"type": 1, "id": top.get("id"), "components": inputs})
        return await self._inject(
            MODAL_SUBMIT,
            {"custom_id": custom_id, "components": components},
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
        )

    # ---------------------------------------------------------------- injection internals

    async def _inject_component(
        self,
        custom_id: str,
        message_id: int,
        data: dict[str, Any],
        **kwargs: Any,
    ) -> InjectedInteraction:
        message = self.messages.get(message_id)
        if message is None:
            channel_id = kwargs.get("channel_id")
            if channel_id is None:
                channel_id = self._default_channel(kwargs.get("guild_id"), kwargs["user_id"])
            kind = data["component_type"]
            component: dict[str, Any] = (
                {"type": 2, "style": 2, "label": custom_id, "custom_id": custom_id}
                if kind == 2
                else {
                    "type": kind,
                    "custom_id": custom_id,
                    "options": [],
                    "min_values": 1,
                    "max_values": 1,
                }
            )
            message = StoredMessage(
                id=message_id,
                channel_id=channel_id,
                author=self._users[self.bot_user_id],
                components=[{"type": 1, "components": [component]}],
                guild_id=kwargs.get("guild_id"),
            )
            self.messages[message_id] = message
        elif message.deleted:
            raise AssertionError(f"message {message_id} was deleted; nobody can press its buttons")
        elif custom_id not in message.custom_ids():
            raise AssertionError(
                f"message {message_id} has no component {custom_id!r} (has {message.custom_ids()})"
            )
        kwargs["channel_id"] = message.channel_id
        if kwargs.get("guild_id") is None:
            kwargs["guild_id"] = message.guild_id
        return await self._inject(MESSAGE_COMPONENT, data, source=message, **kwargs)
