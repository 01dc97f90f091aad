"""Users and communities: who talks to knotbot, and from where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import ChatRef, UserRef
from bot.storage.schema import Community, User

_NAME_CHARS = 100


class Users:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, platform: str, platform_user_id: str) -> User | None:
        return await self._s.scalar(
            select(User).where(User.platform == platform, User.platform_user_id == platform_user_id)
        )

    async def by_id(self, user_id: int) -> User | None:
        return await self._s.get(User, user_id)

    async def ensure(self, ref: UserRef, now: datetime) -> User:
        """The stored user for `ref`, created on first contact; keeps the name and locale fresh."""
        user = await self.get(ref.platform, ref.user_id)
        if user is None:
            user = User(
                platform=ref.platform,
                platform_user_id=ref.user_id,
                display_name=ref.display_name[:_NAME_CHARS],
                locale=(ref.locale or None) and ref.locale[:16],
                created_at=now,
            )
            try:
                async with self._s.begin_nested():
                    self._s.add(user)
            except IntegrityError:  # another process created it a moment ago
                user = await self.get(ref.platform, ref.user_id)
                assert user is not None
            return user
        name = ref.display_name[:_NAME_CHARS]
        if name and user.display_name != name:
            user.display_name = name
        if ref.locale and user.locale != ref.locale[:16]:
            user.locale = ref.locale[:16]
        return user

    async def set_timezone(self, user: User, zone: str) -> None:
        user.timezone = zone

    async def language_of(self, platform: str, platform_user_id: str) -> str | None:
        """The language this person chose with /language, if they chose one (one read; no
        row is created for someone who only asks)."""
        return await self._s.scalar(
            select(User.language).where(
                User.platform == platform, User.platform_user_id == platform_user_id
            )
        )

    async def set_language(self, user: User, language: str | None) -> None:
        user.language = language


class Communities:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, platform: str, community_id: str) -> Community | None:
        return await self._s.scalar(
            select(Community).where(
                Community.platform == platform, Community.platform_community_id == community_id
            )
        )

    async def ensure(self, chat: ChatRef, now: datetime) -> Community | None:
        """The stored community a chat belongs to (None for private chats)."""
        if chat.community_id is None:
            return None
        community = await self.get(chat.platform, chat.community_id)
        if community is None:
            community = Community(
                platform=chat.platform,
                platform_community_id=chat.community_id,
                name=chat.community_name[:_NAME_CHARS],
                created_at=now,
            )
            try:
                async with self._s.begin_nested():
                    self._s.add(community)
            except IntegrityError:
                community = await self.get(chat.platform, chat.community_id)
                assert community is not None
        elif chat.community_name and community.name != chat.community_name[:_NAME_CHARS]:
            community.name = chat.community_name[:_NAME_CHARS]
        return community
