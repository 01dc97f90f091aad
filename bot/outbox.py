"""What the core needs from an adapter to talk back, and the errors a platform may answer with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import ChatRef, MessageRef, Reply


@dataclass(frozen=True)
class PlatformLimits:
    """How fast a platform lets a bot talk; the core paces holds and reminders to fit."""

    min_edit_interval: float  # seconds between edits of one message (a hold's frame cadence)
    sends_per_second: float  # new messages per second, the whole bot
    sends_per_chat_per_second: float  # new messages per second into one chat
    # New messages per minute into one community chat (Telegram groups: 20); 0: no such limit.
    sends_per_community_chat_per_minute: float = 0.0
    # For this many seconds the platform drops a repeated send with the same key (Discord's
    # nonce: a few minutes), so a send that may have gone out before a crash can be repeated
    # within it. 0: no such thing (Telegram).
    dedup_window: float = 0.0


class DeliveryError(Exception):
    """A platform refused or failed a send or edit."""


class RecipientGone(DeliveryError):
    """The user blocked the bot, closed their DMs, or the chat is gone: stop sending there."""


class MessageGone(DeliveryError):
    """The message to edit no longer exists or can no longer be edited."""


class RateLimited(DeliveryError):
    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


class TemporaryFailure(DeliveryError):
    """Network trouble or a server error: worth retrying later."""


class Outbox(Protocol):
    """The platform as a whole: reminders, tips of the day, fixing up messages after a restart."""

    @property
    def limits(self) -> PlatformLimits: ...

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        """Send a new message. A PRIVATE chat's chat_id is the user's id on every platform.

        `key` identifies one logical message (e.g. one reminder occurrence) so a platform that
        can deduplicate a retried send does so.
        """
        ...

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        """Change a message sent earlier (by a replier or by this outbox), by reference."""
        ...


class Replier(Protocol):
    """Answers one incoming event, and only that: it lives as long as the event is handled.
    Anything later (a hold's frames, a reminder) goes through the platform's `Outbox`."""

    @property
    def limits(self) -> PlatformLimits: ...

    async def reply(self, reply: Reply) -> MessageRef:
        """Answer the event with a new message."""
        ...

    async def update(self, reply: Reply) -> MessageRef:
        """Replace the message whose button was pressed (or answer anew if there is none)."""
        ...

    async def notice(self, text: str) -> None:
        """A short note only the person who acted sees (a toast, an ephemeral message)."""
        ...
