"""``python -m deliberatie.console`` runs the console script."""

import sys

from deliberatie.console import main

sys.exit(main())
