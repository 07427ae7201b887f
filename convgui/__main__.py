"""``python -m convgui`` is the same as the ``convgui`` command."""

import sys

from convgui.cli import main

sys.exit(main())
