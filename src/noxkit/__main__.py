"""``python -m noxkit``: the same as the ``noxkit`` command."""

import sys

from noxkit._cli import main

sys.exit(main())
