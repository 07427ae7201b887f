"""``python -m convgui.cli``: the ``convgui`` command."""

import sys

from convgui.cli import main

sys.exit(main())
