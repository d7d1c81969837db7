#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcadvisor.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from pcadvisor.startup import prepare_process

    try:
        prepare_process()  # var/, the secret key and the embedded servers (not the settings' job)
    except ImproperlyConfigured:
        pass  # a bad setting: Django's command line reports it, as it always has

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
