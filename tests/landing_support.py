"""A landing page with every feature, and a helper to build it into a fixture project.

``BREAD_CLUB`` has two segment variants (with their own sections, a hero, a
CTA leaving the site), a three-arm experiment with uneven weights (20/30/50,
the last arm's share implied), dynamic text in the headline and CTA, links
inside and outside the site, and a lead form.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DEMO_NOW, FIXTURES, ROOT, BuiltSite, run_build

BASE = "https://test-bakery.example"

BREAD_CLUB = """\
Title: Bread Club Spring Sale
Slug: bread-club
Description: Join the test bakery's bread club this spring: a fresh loaf every Saturday, and the first month costs half.
Image: images/hero.jpg
Image_alt: The test bakery's counter
Segments: families, offices
Experiment: club-headline
Arms: control 20%, save 30%, story
Headline: Fresh {keyword: sourdough} every Saturday
Intro: A loaf a week, baked the morning you collect it.
Offer: First month half price
Cta_text: Join the {keyword: bread} club
Cta_url: /about/?from=club#join
Form: name, email, phone (optional), message (optional)

Shared text with an [outbound link](https://mill.example/flour?grade=t65&sack=25#rye), an
[internal link]({filename}/pages/about.md) and a [mail link](mailto:hello@test-bakery.example).

::: arm save
Headline: Half price on your first month of {keyword: bread}
Cta text: Claim half price

A section only the save arm shows, with a [mill link](https://mill.example/save).
:::

::: for families
Title: Bread Club for Families
Description: A family loaf every Saturday from the test bakery's bread club: children eat the heels, parents get the middle.
Headline: A family loaf every Saturday
Cta text: Join as a family

## Family section

Only families read this.
:::

::: for offices
Intro: Feed the team on Monday with Saturday's bake.
Image: images/bread.jpg
Image alt: Loaves cooling on a rack
Cta url: https://orders.example/office?team=1#start

## Office section

Only offices read this.
:::

## Shared section after the blocks

Everyone reads this.
"""

ARMS = {"control": 20.0, "save": 30.0, "story": 50.0}

SETTINGS = """
LANDING = dict(LANDING, form_action="https://forms.example/club")  # noqa: F405
"""


def make_project(root: Path, pages: dict[str, str], settings: str = SETTINGS) -> Path:
    """A copy of the fixture site at ``root`` with extra content files; returns its settings file."""
    shutil.copytree(FIXTURES / "site", root, ignore=shutil.ignore_patterns("output"))
    for rel, text in pages.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with open(root / "siteconf.py", "a", encoding="utf-8") as fh:
        fh.write(settings)
    return root / "siteconf.py"


# A home page, so the site answers at / (the browser tests' server checks it serves this site).
HOME = "Title: Test Bakery\nSlug: home\nSave_as: index.html\nURL:\n\nWelcome to the test bakery.\n"


def build_landing_site(root: Path, settings: str = SETTINGS, pages: dict[str, str] | None = None) -> BuiltSite:
    """Build the fixture site with BREAD_CLUB and HOME (``pages`` replaces or adds content files)."""
    conf = make_project(root, {"landing/bread-club.md": BREAD_CLUB, "pages/home.md": HOME, **(pages or {})}, settings)
    # the favicons the theme links to (the fixture site has none: a browser would log a 404)
    shutil.copytree(ROOT / "content" / "extra", root / "content" / "extra", dirs_exist_ok=True)
    result = run_build(conf, root / "output", now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return BuiltSite(root / "output", result, BASE)


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)
