"""``python -m tito``: the same as the ``tito`` command."""

import sys

from .main import main

sys.exit(main())
