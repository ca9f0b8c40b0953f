"""The ``socmap`` command: Django's management commands under the product's own name.

``socmap load-populations FILE.csv`` is ``manage.py load-populations FILE.csv``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "socmap"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
