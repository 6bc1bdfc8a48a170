"""`vangnet`: Django's manage.py plus Vangnet's verbs (serve, demo, worker, audit, token,
bench, import). Configuration errors stop start-up with a short message."""

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
        text = str(exc).strip() or type(exc).__name__
        # one line, unless the message lists several problems (an inconsistent protocol
        # definition names each one on a line of its own)
        print(f"vangnet: configuration error: {text}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
