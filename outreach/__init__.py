"""Outreach after the build: the newsletter and the social schedule, driven by the feeds.

``python -m outreach newsletter [--send]`` and ``python -m outreach social`` read the
built feeds (output/feeds/all.json), reports/manifest.json and the site settings;
they never import Pelican or the plugins. Ledgers in state/ remember every send and
every scheduled post, so a re-run never repeats one.
"""

__version__ = "0.1.0"
