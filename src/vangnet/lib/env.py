"""Typed helpers that read configuration from the environment.

Every variable read through :class:`Env` is recorded in :data:`REGISTRY` with its
default and a one-line description, so the README's table of variables can be
checked against the code. Secrets may also be given as ``NAME_FILE`` pointing at a
file that holds the value (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message is one line."""


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str
    secret: bool = False


REGISTRY: dict[str, Variable] = {}

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nee", ""}


_str = str


class Env:
    def __init__(self, environ: dict[_str, _str] | None = None) -> None:
        self.environ = environ if environ is not None else dict(os.environ)
        # Only the real environment documents variables; test instances keep their own.
        self.registry: dict[_str, Variable] = REGISTRY if environ is None else {}

    def _raw(self, name: _str, default: _str, help: _str, secret: bool = False) -> _str:
        self.registry[name] = Variable(name, default, help, secret)
        if secret:
            path = self.environ.get(f"{name}_FILE")
            if path:
                try:
                    return Path(path).read_text(encoding="utf-8").strip()
                except OSError as exc:
                    raise ConfigError(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
        return self.environ.get(name, default)

    def str(self, name: _str, default: _str, help: _str, *, secret: bool = False) -> _str:
        return self._raw(name, default, help, secret)

    def bool(self, name: _str, default: bool, help: _str) -> bool:
        value = self._raw(name, "1" if default else "0", help).strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ConfigError(f"{name}={value!r} is not a yes/no value (use 1 or 0)")

    def int(self, name: _str, default: int, help: _str, *, minimum: int = 0) -> int:
        value = self._raw(name, str(default), help).strip()
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name}={value!r} is not a whole number") from None
        if number < minimum:
            raise ConfigError(f"{name}={number} must be at least {minimum}")
        return number

    def list(self, name: _str, default: _str, help: _str) -> list[_str]:
        value = self._raw(name, default, help)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: _str, default: _str, help: _str, choices: tuple[_str, ...]) -> _str:
        value = self._raw(name, default, help).strip().lower()
        if value not in choices:
            raise ConfigError(f"{name}={value!r} must be one of: {', '.join(choices)}")
        return value
