"""Account actions: API tokens."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from vangnet.accounts.models import ApiToken
from vangnet.core.access import scope_of
from vangnet.core.audit import Actor, Entry, record_many
from vangnet.core.models import EventType
from vangnet.lib.hashing import token_digest

if TYPE_CHECKING:
    from vangnet.accounts.models import User

TOKEN_PREFIX = "vn_"  # noqa: S105 - a prefix, not a secret


def do_create_api_token(user: User, *, name: str = "api", actor: Actor) -> str:
    """Create a token for ``user`` and return it; only its digest is stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=raw[:10], digest=token_digest(raw)
        )
        boards: list[int | None] = [*sorted(scope_of(user).all_board_ids)] or [None]
        record_many(
            actor,
            [
                Entry(
                    EventType.API_TOKEN_CREATED,
                    board_id=board_id,
                    object_type="api_token",
                    object_id=str(token.pk),
                    data={"user": user.email, "name": token.name, "prefix": token.prefix},
                )
                for board_id in boards
            ],
        )
    return raw


def user_for_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
