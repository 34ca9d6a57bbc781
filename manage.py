#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DJANGO_SECRET_KEY"):
        # A fresh clone's commands (migrate, import_xlsx, report…) run with nothing set, on
        # SQLite (SPEC §6). A deployment sets the secret key, so DEBUG stays off there, and
        # DJANGO_DEBUG=0 without a key still stops with a clear message.
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
