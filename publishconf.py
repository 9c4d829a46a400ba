"""Publishing settings: everything in pelicanconf.py, plus what a public site needs."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: E402,F403

# The public address; override with SITEURL=https://example.org make publish.
SITEURL = os.environ.get("SITEURL", "https://swiglu.example.org")
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"

# tools/build.py then renames static assets by content hash and writes .gz/.br files.
PREPARE_FOR_HOST = True
