"""Production settings: everything from pelicanconf.py, with absolute URLs.

Build with `invoke build --settings publishconf.py`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: E402,F403

SITEURL = PUBLIC_SITEURL  # noqa: F405
RELATIVE_URLS = False
