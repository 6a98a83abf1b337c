"""Shared fixtures: real builds into temporary folders, read back with real parsers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The demo is built as of this moment, so tests do not change with the calendar.
DEMO_NOW = "2026-11-24T12:00"


def run_build(
    settings: Path, output: Path, now: str | None = None, extra_env=None, reports: Path | None = None, command="build"
):
    """Run the real command line build; returns the CompletedProcess.

    Reports (manifest.json, calendar views) go to ``reports``, by default a
    "reports" folder next to ``output``: never into the repository.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), MAINSTREET_ROOT=str(ROOT))
    env.pop("MAINSTREET_NOW", None)
    env.update(extra_env or {})
    reports = reports or Path(output).parent / "reports"
    args = [sys.executable, "-m", "mainstreet", *([command] if isinstance(command, str) else command)]
    args += ["-s", str(settings), "-o", str(output), "--reports", str(reports)]
    if now:
        args += ["--now", now]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@dataclass
class Page:
    path: Path
    url: str  # site-relative, e.g. /blog/first-loaf/
    soup: BeautifulSoup

    def meta(self, name: str) -> str | None:
        tag = self.soup.find("meta", attrs={"name": name}) or self.soup.find("meta", attrs={"property": name})
        return tag.get("content") if tag else None

    @property
    def canonical(self) -> str | None:
        link = self.soup.find("link", rel="canonical")
        return link.get("href") if link else None


def url_of(output: Path, path: Path) -> str:
    rel = path.relative_to(output).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def read_pages(output: Path) -> list[Page]:
    pages = []
    for path in sorted(output.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        pages.append(Page(path, url_of(output, path), soup))
    return pages


@dataclass
class BuiltSite:
    output: Path
    result: subprocess.CompletedProcess
    base: str  # public site URL, no trailing slash

    @property
    def pages(self) -> list[Page]:
        if not hasattr(self, "_pages"):
            self._pages = read_pages(self.output)
        return self._pages

    def page(self, url: str) -> Page:
        return next(p for p in self.pages if p.url == url)

    @property
    def reports(self) -> Path:
        """Where run_build put manifest.json and the calendar views."""
        return self.output.parent / "reports"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> BuiltSite:
    """The demo business's site, built once for the session."""
    output = tmp_path_factory.mktemp("demo") / "output"
    result = run_build(ROOT / "pelicanconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return BuiltSite(output, result, "https://www.hearthandhoney.example")


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the small fixture site in a temporary folder (settings: siteconf.py)."""
    target = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", target, ignore=shutil.ignore_patterns("output"))
    return target


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> BuiltSite:
    """The small fixture site (with a draft, a hidden page and a future post), built once."""
    output = tmp_path_factory.mktemp("fixture") / "output"
    result = run_build(FIXTURES / "site" / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return BuiltSite(output, result, "https://test-bakery.example")


# --- the outreach tests' demo (tests/test_outreach_*.py) ---------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo built once per module at DEMO_NOW, for the outreach commands."""
    from outreach_support import build_project, make_project

    project = make_project(tmp_path_factory.mktemp("built") / "site")
    build_project(project, DEMO_NOW)
    return project


@pytest.fixture
def outreach_project(built, tmp_path):
    """A fresh copy of the built demo (output/, reports/) with no ledger."""
    from outreach_support import make_project

    project = make_project(tmp_path / "site")
    shutil.copytree(built.output, project.output)
    shutil.copytree(built.reports, project.reports)
    return project


@pytest.fixture
def smtp():
    """A real SMTP server on loopback that records what it receives."""
    from outreach_support import Recorder, start_smtp

    recorder = Recorder()
    controller = start_smtp(recorder)
    yield recorder, controller
    controller.stop()
