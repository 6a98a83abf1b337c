"""Pages rendered in worker processes: the same files as one process, the same failures."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import DEMO_NOW, run_build


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _with_workers(project: Path, workers: int) -> Path:
    settings = project / f"siteconf_{workers}.py"
    settings.write_text((project / "siteconf.py").read_text(encoding="utf-8")
                        + f"\nBUILD_WORKERS = {workers}\nBUILD_CACHE = False\n", encoding="utf-8")
    return settings


def test_a_page_overriding_the_blog_index_wins_as_it_does_serially(project):
    # Save_as on a page makes Pelican write with override_output: two writes of
    # one file, where the override wins whatever the order. In workers the two
    # writes land in different processes; the build redoes them in call order.
    (project / "content" / "pages" / "blog-home.md").write_text(
        "Title: Our Blog, Curated\nSlug: blog-home\nSave_as: blog/index.html\nURL: blog/\n\n"
        "A hand-written front page for the blog.\n", encoding="utf-8")
    trees = {}
    for workers in (1, 2):
        output = project / f"out{workers}"
        result = run_build(_with_workers(project, workers), output, now=DEMO_NOW, command=["build", "-v"])
        assert result.returncode == 0, result.stderr
        assert ("mainstreet: rendering" in result.stderr) is (workers == 2)
        trees[workers] = _tree(output)
    assert trees[2] == trees[1]
    assert b"A hand-written front page for the blog." in trees[2]["blog/index.html"]


def test_two_outputs_for_one_file_fail_the_same_way_in_workers(project):
    # A page whose Save_as is an article's file: the build refuses it, in workers as serially.
    (project / "content" / "pages" / "clash.md").write_text(
        "Title: Clash\nSlug: clash\nSave_as: blog/first-loaf/index.html\n\nBody.\n", encoding="utf-8")
    messages = {}
    for workers in (1, 2):
        result = run_build(_with_workers(project, workers), project / f"out{workers}", now=DEMO_NOW)
        messages[workers] = result
    assert messages[1].returncode == messages[2].returncode == 1, messages[2].stderr
    lines = {w: sorted(re.findall(r"^error.*$", r.stderr, re.M)) for w, r in messages.items()}
    assert lines[2] == lines[1]
    assert any("blog/first-loaf/index.html" in line for line in lines[2]), lines[2]
    assert "Traceback" not in messages[2].stderr
