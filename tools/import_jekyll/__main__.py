"""`python -m tools.import_jekyll SITE`: see tools/import_jekyll/__init__.py."""

import sys

from tools.import_jekyll import main

sys.exit(main())
