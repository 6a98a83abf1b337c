"""Production settings: everything from pelicanconf.py, with absolute URLs.

`invoke publish` and the publish workflow build with this file
(`invoke build --settings publishconf.py` does the same without deploying).
Unless --output says otherwise, they build into output-production/
(OUTPUT_PATH below), never over the local build in output/.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: E402,F403

# The public address. MAINSTREET_SITEURL overrides it for one build: the
# publish workflow sets it to the address GitHub Pages gives the repository
# (https://<user>.github.io/<repo>, or the custom domain set up there), so a
# fork publishes working links before anyone edits this file.
PUBLIC_SITEURL = (os.environ.get("MAINSTREET_SITEURL") or PUBLIC_SITEURL).rstrip("/")  # noqa: F405
# Absolute links everywhere: feeds, emails and social cards copy them.
SITEURL = PUBLIC_SITEURL
RELATIVE_URLS = False
# The production build has its own folder: its pages load their styles from
# the public address, so output/ keeps the local build `invoke serve` shows.
OUTPUT_PATH = "output-production"

# Feeds: plugins/feeds writes every feed (FEEDS in pelicanconf.py) with
# absolute links on PUBLIC_SITEURL; Pelican's own feed settings stay off.

# Analytics: off unless configured here. For example, Plausible:
#   ANALYTICS = {"script": "https://plausible.io/js/script.js",
#                "attributes": {"data-domain": "www.hearthandhoney.example"}}
# The script's origin joins the Content-Security-Policy automatically.
ANALYTICS = {}
