"""`vangnet`: Django's manage.py plus Vangnet's verbs (serve, demo, worker, audit, token,
bench, import). Configuration errors stop start-up with one line."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.exceptions import ImproperlyConfigured

    from vangnet.lib.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["vangnet", *args])
    except (ConfigError, ImproperlyConfigured) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"vangnet: configuration error: {first_line}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
