"""Parallel Markdown and the cache across builds write exactly what a serial, uncached build writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DEMO_NOW, ROOT, run_build
from PIL import Image

from mainstreet.prerender import CACHE_FILE, cache_folder


def _settings(folder: Path, base: Path, path: Path, **values) -> Path:
    """A settings file: ``base`` with PATH pinned and ``values`` on top."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "import importlib.util, sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        f"_spec = importlib.util.spec_from_file_location('_base', {str(base)!r})",
        "_base = importlib.util.module_from_spec(_spec)",
        "_spec.loader.exec_module(_base)",
        "globals().update({k: v for k, v in vars(_base).items() if k.isupper()})",
        f"PATH = {str(path)!r}",
    ] + [f"{key} = {value!r}" for key, value in values.items()]
    settings = folder / "conf.py"
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return settings


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parallel_cached_and_fast_builds_are_byte_identical_to_a_serial_build(tmp_path):
    base, content = ROOT / "pelicanconf.py", ROOT / "content"
    # The reference: serial, uncached, and Python-Markdown's own inline processing.
    serial = _settings(tmp_path / "serial", base, content, BUILD_WORKERS=1, BUILD_CACHE=False,
                       BUILD_FAST_MARKDOWN=False)
    parallel = _settings(tmp_path / "parallel", base, content, BUILD_WORKERS=2, BUILD_CACHE=True)

    done = run_build(serial, tmp_path / "serial" / "output", now=DEMO_NOW, command=["build", "-v"])
    assert done.returncode == 0, done.stderr
    assert "worker processes" not in done.stderr
    assert not cache_folder(tmp_path / "serial" / "output").exists()
    expected = _tree(tmp_path / "serial" / "output")
    assert len([name for name in expected if name.endswith(".html")]) > 20

    output = tmp_path / "parallel" / "output"
    cold = run_build(parallel, output, now=DEMO_NOW, command=["build", "-v"])
    assert cold.returncode == 0, cold.stderr
    assert "converting Markdown in 2 worker processes" in cold.stderr
    assert "in 2 worker processes" in cold.stderr.split("converting Markdown in 2 worker processes", 1)[1]
    assert "mainstreet: rendering" in cold.stderr  # pages rendered in the workers too (parallelwrite.py)
    assert (cache_folder(output) / CACHE_FILE).is_file()
    assert _tree(output) == expected

    warm = run_build(parallel, output, now=DEMO_NOW, command=["build", "-v"])
    assert warm.returncode == 0, warm.stderr
    assert "Markdown: 0 file(s) to convert" in warm.stderr
    assert _tree(output) == expected


def test_the_cache_follows_edits_images_and_markdown_settings(project, tmp_path):
    base = project / "siteconf.py"
    cached = _settings(project / "cached", base, project / "content", BUILD_WORKERS=1, BUILD_CACHE=True)
    output = tmp_path / "output"

    def build(settings=cached, out=output):
        done = run_build(settings, out, now=DEMO_NOW, command=["build", "-v"], extra_env={"MAINSTREET_ROOT": str(ROOT)})
        assert done.returncode == 0, done.stderr
        return done

    first = build()
    assert "in the cache" in first.stderr and (cache_folder(output) / CACHE_FILE).is_file()
    page = output / "blog" / "first-loaf" / "index.html"
    assert "Baking your first sourdough loaf" in page.read_text(encoding="utf-8")

    # An edited post is read again; the others come from the cache.
    post = project / "content" / "posts" / "first-loaf.md"
    post.write_text(post.read_text(encoding="utf-8").replace("takes patience", "takes a little patience"),
                    encoding="utf-8")
    again = build()
    assert "Markdown: 1 file(s) to convert" in again.stderr
    assert "takes a little patience" in page.read_text(encoding="utf-8")

    # A resized image changes the width and height the Markdown extension writes.
    image = project / "content" / "images" / "bread.jpg"
    with Image.open(image) as img:
        img.resize((img.width // 2, img.height // 2)).save(image)
    with Image.open(image) as img:
        size = img.size
    build()
    assert f'width="{size[0]}" height="{size[1]}"' in page.read_text(encoding="utf-8")

    # A Markdown setting changes every page.
    toc = _settings(project / "toc", cached, project / "content",
                    MARKDOWN={"extension_configs": {"markdown.extensions.extra": {},
                                                    "markdown.extensions.toc": {"permalink": True},
                                                    "markdown.extensions.sane_lists": {},
                                                    "markdown.extensions.smarty": {}},
                              "output_format": "html5"})
    build(toc)
    assert 'class="headerlink"' in page.read_text(encoding="utf-8")

    # After all that, the cached build is still the uncached one.
    plain = _settings(project / "plain", toc, project / "content", BUILD_CACHE=False)
    build(plain, tmp_path / "plain")
    build(toc)
    assert _tree(output) == _tree(tmp_path / "plain")


def test_a_failed_build_keeps_the_output_and_caches_nothing_wrong(project, tmp_path):
    settings = _settings(project / "cached", project / "siteconf.py", project / "content", BUILD_WORKERS=2)
    output = tmp_path / "output"
    assert run_build(settings, output, now=DEMO_NOW, extra_env={"MAINSTREET_ROOT": str(ROOT)}).returncode == 0
    before = _tree(output)
    bad = project / "content" / "posts" / "broken.md"
    bad.write_text("Title: Broken\nDate: 2026-13-45\n\nText with a [bad link]({filename}/posts/nope.md).\n",
                   encoding="utf-8")
    failed = run_build(settings, output, now=DEMO_NOW, extra_env={"MAINSTREET_ROOT": str(ROOT)})
    assert failed.returncode == 1 and "broken.md" in failed.stderr
    assert _tree(output) == before
    bad.unlink()
    shutil.rmtree(output)
    assert run_build(settings, output, now=DEMO_NOW, extra_env={"MAINSTREET_ROOT": str(ROOT)}).returncode == 0
    assert _tree(output) == before


def test_the_hosting_scan_in_parallel_is_the_serial_scan(demo_site):
    from plugins.hosting.hosting import scan_pages

    serial = scan_pages(demo_site.output, workers=1)
    assert serial["scripts"] and serial["styles"] is not None
    assert scan_pages(demo_site.output, workers=2) == serial
