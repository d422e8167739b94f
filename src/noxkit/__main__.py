"""``python -m noxkit``: the same as the ``noxkit`` command."""

import sys

from noxkit._cli.main import main

sys.exit(main())
