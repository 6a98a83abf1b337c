"""A broken source fails the build with file, line and fix, and output/ stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DEMO_NOW, run_build

GOOD_HEADER = """Title: A Good Post
Date: 2026-03-20 08:00
Category: Bread
Slug: {slug}

Body text long enough to matter for a test of the build.
"""

BROKEN = {
    "unparseable date": (
        "posts/bad-date.md",
        "Title: Bad Date\nDate: 2026-13-45 25:00\nCategory: Bread\n\nBody.\n",
        r"content/posts/bad-date\.md:2: could not read this file .*YYYY-MM-DD",
    ),
    "missing title": (
        "posts/no-title.md",
        "Date: 2026-03-20 08:00\nCategory: Bread\n\nBody without a title.\n",
        r"content/posts/no-title\.md:1: missing required metadata 'Title'",
    ),
    "duplicate slug": (
        "posts/copy-of-first.md",
        GOOD_HEADER.format(slug="first-loaf"),
        r"content/posts/copy-of-first\.md:4: .*(blog/first-loaf/index\.html|duplicate slug 'first-loaf')",
    ),
    "unknown template": (
        "pages/odd.md",
        "Title: Odd Page\nSlug: odd\nTemplate: fancy-layout\n\nBody.\n",
        r"content/pages/odd\.md:3: unknown template 'fancy-layout'; use one of: .*article",
    ),
    "broken filename link": (
        "posts/broken-link.md",
        GOOD_HEADER.format(slug="broken-link") + "\nSee [this]({filename}/posts/does-not-exist.md).\n",
        r"content/posts/broken-link\.md:8: broken link to '/posts/does-not-exist\.md'",
    ),
    "unknown status": (
        "posts/bad-status.md",
        "Title: Bad Status\nDate: 2026-03-20 08:00\nStatus: pubished\n\nBody.\n",
        r"content/posts/bad-status\.md:3: unknown Status 'pubished'; use one of: published, draft, hidden",
    ),
    "missing hero image": (
        "posts/no-image.md",
        GOOD_HEADER.format(slug="no-image").replace("Slug:", "Image: images/nope.jpg\nImage_alt: x\nSlug:"),
        r"content/posts/no-image\.md:4: image 'images/nope\.jpg' not found in content/",
    ),
    "path traversal slug": (
        "posts/escape.md",
        GOOD_HEADER.format(slug="x").replace("Slug: x", "Save_as: ../../escaped.html"),
        r"content/posts/escape\.md:\d+: this file would be written outside output/",
    ),
}


def previous_output(project: Path) -> Path:
    """A finished earlier build, plus a file of ours that must survive a failed build."""
    output = project / "output"
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    (output / "marker.txt").write_text("from the previous build")
    return output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("workers", [None, 2], ids=["default", "pages-in-workers"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_source_fails_with_location_and_keeps_output(project, case, workers):
    if workers:  # set explicitly, Markdown and pages go to worker processes even on a small site
        with open(project / "siteconf.py", "a", encoding="utf-8") as fh:
            fh.write(f"\nBUILD_WORKERS = {workers}\n")
    output = previous_output(project)
    before = snapshot(output)
    relpath, text, expected = BROKEN[case]
    (project / "content" / relpath).write_text(text, encoding="utf-8")

    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)

    assert result.returncode == 1, result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert len(re.findall(expected, result.stderr)) == 1, result.stderr  # once, not once per worker
    assert "Traceback" not in result.stderr
    assert "output/ was left as it was" in result.stderr
    assert snapshot(output) == before
    leftovers = [p.name for p in project.glob(".output-*") if p.name != ".output-cache"]
    assert leftovers == [], "the staging folder was not cleaned up"
    assert not (project.parent / "escaped.html").exists()


def test_every_problem_is_reported_in_one_run(project):
    for relpath, text, _ in (BROKEN["missing title"], BROKEN["unknown status"]):
        (project / "content" / relpath).write_text(text, encoding="utf-8")
    result = run_build(project / "siteconf.py", project / "output", now=DEMO_NOW)
    assert result.returncode == 1
    assert "no-title.md" in result.stderr and "bad-status.md" in result.stderr
    assert not (project / "output").exists()


def test_plugin_that_fails_to_load_fails_the_build(project):
    settings = project / "siteconf.py"
    settings.write_text(settings.read_text() + '\nPLUGINS = PLUGINS + ["no_such_plugin"]\n')
    result = run_build(settings, project / "output", now=DEMO_NOW)
    assert result.returncode == 1
    assert "Cannot load plugin `no_such_plugin`" in result.stderr
    assert "check PLUGINS and PLUGIN_PATHS" in result.stderr


def test_settings_syntax_error_is_reported_with_line(project):
    settings = project / "siteconf.py"
    settings.write_text(settings.read_text() + "\nSITENAME = 'unterminated\n")
    result = run_build(settings, project / "output", now=DEMO_NOW)
    assert result.returncode == 1
    assert re.search(r"siteconf\.py:\d+: syntax error in settings", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_missing_settings_file_is_a_usage_error(project):
    result = run_build(project / "nope.py", project / "output")
    assert result.returncode == 2
    assert "settings file" in result.stderr and "not found" in result.stderr


def test_successful_build_replaces_output_completely(project):
    output = previous_output(project)
    (project / "content" / "posts" / "first-loaf.md").unlink()
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    assert not (output / "marker.txt").exists(), "stale files must not linger"
    assert not (output / "blog" / "first-loaf").exists(), "a deleted post must disappear"
    assert (output / "blog" / "keep-fresh" / "index.html").exists()


def _wait_until_gone(pattern: str, folder: Path, seconds: float = 60) -> list[str]:
    import time

    deadline = time.monotonic() + seconds
    while True:
        left = [p.name for p in folder.glob(pattern)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def test_the_replaced_output_is_deleted_after_the_build_and_leftovers_next_time(project):
    output = previous_output(project)
    # A replaced output an earlier build's deleter never finished (the machine stopped).
    stale = project / ".output-previous-stopped"
    (stale / "blog").mkdir(parents=True)
    (stale / "blog" / "index.html").write_text("old")
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    assert not (output / "marker.txt").exists()
    # The previous output/ (with marker.txt) and the stale folder are removed in the background.
    assert _wait_until_gone(".output-previous-*", project) == []
    assert _wait_until_gone(".output-removing-*", project) == []
    assert (output / "blog" / "keep-fresh" / "index.html").is_file()
