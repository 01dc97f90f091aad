"""Message components as a user uses them: pressing buttons, choosing in selects, submitting
modals. Each becomes an interaction (type 3 or 5) on the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tests.standins.discord_api.interactions import (
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionsMixin,
)
from tests.standins.discord_api.messages import MessagesMixin
from tests.standins.discord_api.models import InjectedInteraction, StoredMessage, walk_components


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

    async def inject_modal_submit(
        self,
        custom_id: str,
        values: Mapping[str, str],
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Submit a modal (interaction type 5) with text input values by custom_id.

        If the bot showed this modal (callback type 9), the submission mirrors its layout
        (action rows or labels) and unknown input ids raise AssertionError.
        """
        modal = self._modals.get(custom_id)
        if modal is None:
            components: list[dict[str, Any]] = [
                {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()
            ]
        else:
            known = {
                c["custom_id"] for c in walk_components(modal["components"]) if c.get("type") == 4
            }
            unknown = set(values) - known
            if unknown:
                raise AssertionError(f"modal {custom_id!r} has no text inputs {sorted(unknown)}")
            components = []
            for top in modal["components"]:
                inputs = [
                    {
                        "type": 4,
                        "id": c.get("id"),
                        "custom_id": c["custom_id"],
                        "value": values.get(c["custom_id"], ""),
                    }
                    for c in walk_components([top])
                    if c.get("type") == 4
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
