"""Campaign landing pages: content/landing/*.md are pages with their own URL space.

A landing page lives at ``/offers/<slug>/`` and renders with the ``landing``
template unless its metadata says otherwise (URL, Save_as, Template).

Settings: ``LANDING`` (merged over ``DEFAULTS``).
"""

from __future__ import annotations

import os

from pelican import signals

DEFAULTS = {
    "path": "landing",
    "url": "offers/{slug}/",
    "save_as": "offers/{slug}/index.html",
    "template": "landing",
}


def landing_settings(settings) -> dict:
    merged = dict(DEFAULTS)
    merged.update(settings.get("LANDING") or {})
    return merged


def is_landing_page(page, settings) -> bool:
    folder = os.path.join(settings["PATH"], landing_settings(settings)["path"])
    return os.path.commonpath([os.path.abspath(page.source_path), os.path.abspath(folder)]) == os.path.abspath(folder)


def route_landing_pages(generator) -> None:
    settings = generator.settings
    conf = landing_settings(settings)
    for page in list(generator.pages) + list(generator.translations):
        if not is_landing_page(page, settings):
            continue
        page.is_landing = True
        if "url" not in page.metadata:
            page.override_url = conf["url"].format(slug=page.slug)
        if "save_as" not in page.metadata:
            page.override_save_as = conf["save_as"].format(slug=page.slug)
        if "template" not in page.metadata:
            page.template = conf["template"]


def register() -> None:
    signals.page_generator_finalized.connect(route_landing_pages)
