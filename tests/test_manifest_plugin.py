"""plugins/manifest: the manifest comes from a plugin of its own, with any subset of ours, in any order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DEMO_NOW, ROOT, run_build

from contract.manifest import read_manifest

DEMO_PLUGINS = ["visibility", "editorial", "landing", "onpage", "feeds", "local_seo", "hosting", "manifest"]


def settings_with(folder: Path, plugins: list[str]) -> Path:
    """The demo's settings with another PLUGINS list."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "siteconf.py"
    path.write_text(
        "\n".join([
            "import importlib.util",
            f"_spec = importlib.util.spec_from_file_location('_demo', {str(ROOT / 'pelicanconf.py')!r})",
            "_demo = importlib.util.module_from_spec(_spec)",
            "_spec.loader.exec_module(_demo)",
            "globals().update({k: v for k, v in vars(_demo).items() if k.isupper()})",
            f"PATH = {str(ROOT / 'content')!r}",
            f"PLUGINS = {plugins!r}",
        ]) + "\n",
        encoding="utf-8",
    )
    return path


def build_with(tmp_path: Path, name: str, plugins: list[str]) -> tuple[Path, Path]:
    folder = tmp_path / name
    result = run_build(settings_with(folder, plugins), folder / "output", now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return folder / "output", folder / "reports"


# What the theme's templates need (filters and globals); the rest is optional.
THEME_NEEDS = ["landing", "onpage", "local_seo", "hosting"]


def test_manifest_editorial_and_visibility_in_any_order_give_the_same_manifest(tmp_path, demo_site):
    """The manifest first and the calendar before visibility: once this only worked the other way round."""
    order = ["manifest", "editorial", "visibility", "landing", "onpage", "feeds", "local_seo", "hosting"]
    output, reports = build_with(tmp_path, "reordered", order)
    ours = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    demo = json.loads((demo_site.reports / "manifest.json").read_text(encoding="utf-8"))
    assert ours == demo


@pytest.mark.parametrize("plugins", [["manifest", *THEME_NEEDS], [*THEME_NEEDS, "manifest", "visibility"]])
def test_a_site_without_the_calendar_still_gets_a_manifest(tmp_path, plugins):
    output, reports = build_with(tmp_path, "subset", plugins)
    manifest = read_manifest(reports / "manifest.json")
    urls = {entry.url for entry in manifest.pages}
    assert "/blog/keep-sourdough-fresh/" in urls
    assert manifest.calendar == []
    assert manifest.site["url"] == "https://www.hearthandhoney.example"
    held = {entry.slug for entry in manifest.held_back}
    if "visibility" in plugins:  # the scheduled post is held back and known as such
        assert "holiday-cake-guide" in held
        assert ("2026-12-03T08:00:00-05:00", "holiday-cake-guide") in [(u["at"], u["slug"]) for u in manifest.upcoming]
    assert not (reports / "calendar.html").exists()


def test_the_calendar_without_the_manifest_plugin_is_a_clear_error(tmp_path):
    folder = tmp_path / "nomanifest"
    result = run_build(settings_with(folder, ["visibility", "editorial", *THEME_NEEDS]), folder / "output", now=DEMO_NOW)
    assert result.returncode == 1, result.stderr
    assert "editorial: the calendar report needs the manifest plugin; add 'manifest' to PLUGINS" in result.stderr
    assert not (folder / "output").exists()
