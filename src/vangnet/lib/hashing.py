"""Canonical serialisation and the hash chain of the audit log (no Django imports)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(event: dict[str, Any]) -> str:
    """A stable text form of an event: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(previous_hash: str, event: dict[str, Any]) -> str:
    """sha256(previous_hash + canonical(event)) as 64 hex characters."""
    return hashlib.sha256((previous_hash + canonical(event)).encode("utf-8")).hexdigest()


def token_digest(token: str) -> str:
    """The digest under which an API token is stored; the token itself is never kept."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
