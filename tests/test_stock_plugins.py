"""Stock pelican-plugins beside ours: parallel writing stays on and writes what a serial build writes.

pelican-plugins' sitemap (from PyPI, pinned in the test extras) lists every file
Pelican's writer reports with ``content_written``; a probe plugin records that
signal and the writer-finalized signals as a plugin would see them. Both builds
run in this process, so the sitemap's clock (read once, at import, for the index
pages' lastmod) is the same for both.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import DEMO_NOW, ROOT

from mainstreet.build import build

PROBE = '''
"""Records what a plugin sees of Pelican's writer signals (tests/test_stock_plugins.py)."""
import json
import os

from pelican import signals

SEEN = []


def written(path, context):
    obj = context.get("article") or context.get("page")
    page = context.get("articles_page")
    SEEN.append(["content_written", os.path.relpath(path, context["OUTPUT_PATH"]), context["output_file"],
                 getattr(obj, "slug", None), page.number if page else None, os.path.isfile(path)])


def _missing(generator, contents):
    return [c.save_as for c in contents if not os.path.isfile(os.path.join(generator.output_path, c.save_as))]


def articles_written(generator, writer):
    SEEN.append(["article_writer_finalized", len(generator.articles), _missing(generator, generator.articles)])


def pages_written(generator, writer):
    SEEN.append(["page_writer_finalized", len(generator.pages), _missing(generator, generator.pages)])


def finalized(pelican):
    with open(pelican.settings["WRITER_PROBE_LOG"], "w", encoding="utf-8") as fh:
        json.dump(SEEN, fh, indent=1)
    SEEN.clear()


def register():
    signals.content_written.connect(written)
    signals.article_writer_finalized.connect(articles_written)
    signals.page_writer_finalized.connect(pages_written)
    signals.finalized.connect(finalized)
'''


def _settings(folder: Path, plugins: Path, probe_log: Path, workers: int, probe: str = "writer_probe") -> Path:
    """The demo's settings with pelican-plugins' sitemap and the probe enabled after ours."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "import importlib.util, sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        f"_spec = importlib.util.spec_from_file_location('_base', {str(ROOT / 'pelicanconf.py')!r})",
        "_base = importlib.util.module_from_spec(_spec)",
        "_spec.loader.exec_module(_base)",
        "globals().update({k: v for k, v in vars(_base).items() if k.isupper()})",
        f"PATH = {str(ROOT / 'content')!r}",
        f"PLUGINS = [*_base.PLUGINS, 'pelican.plugins.sitemap', {probe!r}]",
        f"PLUGIN_PATHS = [*_base.PLUGIN_PATHS, {str(plugins)!r}]",
        # pelican-plugins' sitemap writes sitemap.xml; ours moves aside.
        "ONPAGE = dict(_base.ONPAGE, sitemap='sitemap-onpage.xml')",
        f"WRITER_PROBE_LOG = {str(probe_log)!r}",
        f"BUILD_WORKERS = {workers}",
        "BUILD_CACHE = False",
    ]
    settings = folder / "conf.py"
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return settings


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pelican_plugins_sitemap_keeps_parallel_writing_and_the_serial_output(tmp_path, caplog):
    plugins = tmp_path / "plugins"
    (plugins / "writer_probe").mkdir(parents=True)
    (plugins / "writer_probe" / "__init__.py").write_text(PROBE, encoding="utf-8")
    trees, seen, rendering = {}, {}, {}
    caplog.set_level(logging.INFO, logger="mainstreet.parallelwrite")
    for workers in (1, 2):
        caplog.clear()
        folder = tmp_path / f"w{workers}"
        settings = _settings(folder, plugins, folder / "probe.json", workers)
        build(settings, folder / "output", now=DEMO_NOW, reports=folder / "reports")
        rendering[workers] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("mainstreet: rendering ")]
        trees[workers] = _tree(folder / "output")
        seen[workers] = json.loads((folder / "probe.json").read_text(encoding="utf-8"))

    # Serial: no workers. Parallel: the renders ran in 2 worker processes despite content_written receivers.
    assert rendering[1] == []
    assert rendering[2] and all(m.endswith("in 2 worker processes") for m in rendering[2]), rendering[2]
    assert sum(int(m.split()[2]) for m in rendering[2]) > 20

    # The same files, byte for byte, pelican-plugins' sitemap.xml included.
    assert trees[2].keys() == trees[1].keys()
    assert [name for name in trees[1] if trees[2][name] != trees[1][name]] == []
    urls = [loc.text for loc in ET.fromstring(trees[2]["sitemap.xml"]).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(urls) > 20 and any("/blog/" in url for url in urls)

    # What a plugin sees: content_written for every file, in the same order and with the same
    # local context, the file already there; the writer-finalized signals after their pages are written.
    assert seen[2] == seen[1]
    written = [entry for entry in seen[2] if entry[0] == "content_written"]
    assert all(entry[5] for entry in written)
    assert {entry[1] for entry in written} >= {name for name in trees[2] if name.startswith("blog/") and name.endswith(".html")}
    finalized = {entry[0]: entry[1:] for entry in seen[2] if entry[0].endswith("_writer_finalized")}
    assert finalized["article_writer_finalized"][0] > 5 and finalized["article_writer_finalized"][1] == []
    assert finalized["page_writer_finalized"][0] > 3 and finalized["page_writer_finalized"][1] == []
    order = [entry[0] for entry in seen[2]]
    assert order.index("article_writer_finalized") < order.index("page_writer_finalized")


def test_writer_finalized_signals_come_after_their_pages_are_written(tmp_path, caplog):
    # A plugin that listens only to the writer-finalized signals (feeds, archives, search
    # indexes do): with pages deferred to the workers, they must still find the files written.
    plugins = tmp_path / "plugins"
    (plugins / "finalized_probe").mkdir(parents=True)
    (plugins / "finalized_probe" / "__init__.py").write_text(
        PROBE.replace("    signals.content_written.connect(written)\n", ""), encoding="utf-8")
    caplog.set_level(logging.INFO, logger="mainstreet.parallelwrite")
    settings = _settings(tmp_path, plugins, tmp_path / "probe.json", 2, probe="finalized_probe")
    build(settings, tmp_path / "output", now=DEMO_NOW, reports=tmp_path / "reports")
    assert any("worker processes" in r.getMessage() for r in caplog.records), [r.getMessage() for r in caplog.records]
    seen = json.loads((tmp_path / "probe.json").read_text(encoding="utf-8"))
    assert [entry[0] for entry in seen] == ["article_writer_finalized", "page_writer_finalized"]
    assert all(count > 3 and missing == [] for _, count, missing in seen), seen
