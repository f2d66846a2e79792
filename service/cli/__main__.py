"""``python -m service.cli`` runs the ``itbforms`` command."""

import sys

from service.cli import main

sys.exit(main())
