"""The protocol definitions Vangnet runs, by key and version.

A case keeps the version it started with: a new version of a definition is added here
beside the old one (never edited in place once cases use it), and :func:`current` gives
new cases the highest version. See docs/protocols.md.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from vangnet.lib.protocols import Protocol, problems


def label(text: str) -> str:
    """A translatable text in a definition (a lazy string that behaves as ``str``)."""
    return cast(str, gettext_lazy(text))


def _definitions() -> list[Protocol]:
    from vangnet.cases.protocols import behaviour, he_concern, meldcode

    return [meldcode.MELDCODE_V1, behaviour.BEHAVIOUR_V1, he_concern.HE_CONCERN_V1]


REGISTRY: dict[tuple[str, int], Protocol] = {}


def _load() -> dict[tuple[str, int], Protocol]:
    if not REGISTRY:
        for protocol in _definitions():
            REGISTRY[(protocol.key, protocol.version)] = protocol
    return REGISTRY


def get(key: str, version: int) -> Protocol:
    return _load()[(key, version)]


def current(key: str) -> Protocol:
    versions = [p for (k, _v), p in _load().items() if k == key]
    if not versions:
        raise KeyError(key)
    return max(versions, key=lambda p: p.version)


def keys() -> list[str]:
    return sorted({k for k, _v in _load()})


def check_all(definitions: list[Protocol] | None = None) -> None:
    """Refuse to start with an inconsistent definition, naming every problem."""
    from vangnet.core.roles import Role

    found = [
        p
        for protocol in definitions or _definitions()
        for p in problems(protocol, roles=Role.values)
    ]
    if found:
        raise ImproperlyConfigured("Inconsistent protocol definition:\n  " + "\n  ".join(found))
