"""The benchmark harness, smoke-tested at a tiny size (the benches themselves are not part of the suite)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness import BenchError, Command, measure, run_once
from bench.make_corpus import make_corpus
from bench.parse_floor import parse_site
from bench.report import judge, render_markdown

ROOT = Path(__file__).resolve().parent.parent


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_corpus_is_deterministic_and_realistic(tmp_path):
    first = make_corpus(tmp_path / "a", posts=12, seed=3)
    second = make_corpus(tmp_path / "b", posts=12, seed=3)
    other = make_corpus(tmp_path / "c", posts=12, seed=4)
    assert _tree(tmp_path / "a" / "hugo" / "content") == _tree(tmp_path / "b" / "hugo" / "content")
    assert _tree(first.content / "posts") == _tree(second.content / "posts")
    assert _tree(first.content / "posts") != _tree(other.content / "posts")

    slugs = {p.slug for p in first.posts}
    assert len(slugs) == 12
    for post in first.posts:
        text = first.post_path(post).read_text(encoding="utf-8")
        head, body = text.split("\n\n", 1)
        for field in ("Title", "Date", "Category", "Tags", "Slug", "Keyword", "Keywords", "Segment", "Stage",
                      "Channels", "Image", "Description"):
            assert f"\n{field}: " in "\n" + head, (post.slug, field)
        assert 600 <= len(body.split()) <= 1900, post.slug
        internal = set(re.findall(r"\{filename\}/posts/([a-z0-9-]+)\.md", body))
        assert 3 <= len(internal) <= 8 and internal <= slugs
        assert 1 <= body.count("](https://") <= 3
        assert "{static}/images/bench/" in body and "\n## " in body and "\n- " in body
        hugo = (first.hugo_site / "content" / "posts" / f"{post.slug}.md").read_text(encoding="utf-8")
        assert hugo.startswith("---\ntitle: ") and "{filename}" not in hugo and "{static}" not in hugo
    rows = [line for f in sorted((first.folder / "mainstreet" / "calendar").glob("*.md"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.startswith("| 20")]
    assert sorted(row.split(" | ")[2] for row in rows) == sorted(slugs)


def test_measures_cpu_and_peak_memory_of_the_whole_process_tree(tmp_path):
    # A child that allocates ~120 MiB and burns CPU in a grandchild: both are counted.
    code = (
        "import subprocess, sys; b = bytearray(120 * 1024 * 1024); "
        "subprocess.run([sys.executable, '-c', 'sum(range(3_000_000))'], check=True)"
    )
    sample = run_once(Command("alloc", [sys.executable, "-c", code]), log=tmp_path / "log")
    assert sample.rss_mib >= 120
    assert 0 < sample.cpu and sample.wall > 0


def test_alternates_commands_and_reports_a_failure_with_its_output(tmp_path):
    order = []
    commands = [Command(name, [sys.executable, "-c", "pass"], prepare=lambda n=name: order.append(n))
                for name in ("A", "B")]
    results = measure(commands, repeats=2, logs=tmp_path, say=lambda _: None)
    assert order == ["A", "B", "A", "B", "A", "B"]  # warm-up, then A B A B
    assert [len(r.samples) for r in results] == [2, 2]
    with pytest.raises(BenchError, match="exited 3.*boom"):
        run_once(Command("bad", [sys.executable, "-c", "print('boom'); raise SystemExit(3)"]), log=tmp_path / "bad")


def test_parse_floor_reads_every_page(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text("<title>T</title><h1>H</h1><a href='/a/'>a</a>", encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text("<title>A</title><a href='/'>home</a>", encoding="utf-8")
    assert parse_site(tmp_path) == 2


def test_ratios_and_targets_come_from_the_medians():
    suite = {"suite": "build", "posts": 10, "results": [
        {"name": "Mainstreet (every plugin)", "wall_s": 3.0, "cpu_s": 4.0, "peak_rss_mib": 90, "units": None},
        {"name": "Pelican 4.12 (no plugins)", "wall_s": 4.0, "cpu_s": 4.0, "peak_rss_mib": 80, "units": None},
        {"name": "Hugo v0.111.3", "wall_s": 1.0, "cpu_s": 2.0, "peak_rss_mib": 60, "units": None},
    ]}
    ratios = {r["what"]: r for r in judge(suite)}
    assert ratios["Mainstreet / Pelican (wall)"]["ratio"] == 0.75 and ratios["Mainstreet / Pelican (wall)"]["met"]
    assert ratios["Mainstreet / Hugo (wall)"]["ratio"] == 3.0 and ratios["Mainstreet / Hugo (wall)"]["met"] is False
    audit = {"suite": "audit", "posts": 10, "results": [
        {"name": "Mainstreet audit (python -m seo)", "wall_s": 1.0, "cpu_s": 1, "peak_rss_mib": 250, "units": 5},
        {"name": "linkchecker (file://)", "wall_s": 40.0, "cpu_s": 1, "peak_rss_mib": 1, "units": 5},
        {"name": "parse floor (selectolax)", "wall_s": 0.25, "cpu_s": 1, "peak_rss_mib": 1, "units": 5},
    ]}
    met = {r["what"]: r["met"] for r in judge(audit)}
    assert met == {"linkchecker / audit (wall: times faster)": True, "audit / parse floor (wall)": True,
                   "audit peak memory (MiB)": False}


def test_bench_smoke_run_writes_results(tmp_path):
    """`python -m bench` end to end at 5 posts, one run: the table and the JSON come out."""
    work, results = tmp_path / "work", tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--posts", "5", "--repeats", "1", "--suites", "build,rebuild",
         "--work", str(work), "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads((results / "results.json").read_text(encoding="utf-8"))
    assert [s["suite"] for s in data["suites"]] == ["build", "rebuild"]
    build = data["suites"][0]
    names = [r["name"] for r in build["results"]]
    assert names[:2] == ["Mainstreet (every plugin)", "Pelican 4.12 (no plugins)"]
    for r in build["results"]:
        assert r["runs"] == 1 and r["wall_s"] > 0 and r["cpu_s"] > 0 and r["peak_rss_mib"] > 10
        assert build["pages"][r["name"]] >= 5  # every tool built at least the five posts
    assert any(r["what"] == "Mainstreet / Pelican (wall)" for r in build["ratios"])
    assert "visibility" in data["plugins"]
    markdown = (results / "results.md").read_text(encoding="utf-8")
    assert markdown == render_markdown(data)
    assert "| Mainstreet (every plugin) |" in markdown and "## Rebuild, 5 posts" in markdown
    # The measured builds are real: each post's page exists in Mainstreet's output.
    out = work / "corpus-5" / "runs" / "mainstreet" / "output"
    assert len(list((out / "blog").glob("*/index.html"))) >= 5
