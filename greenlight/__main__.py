"""python -m greenlight: see greenlight.cli."""

import sys

from greenlight.cli import main

sys.exit(main())
