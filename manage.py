#!/usr/bin/env python
"""Django's command-line utility for Xietong."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- load settings now to report bad configuration
    except ImproperlyConfigured as exc:
        # A configuration mistake deserves one line that says what to fix, not a traceback.
        sys.exit(f"xietong: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
