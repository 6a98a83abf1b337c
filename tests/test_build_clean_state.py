"""A build leaves Pelican as it found it: no receivers connected, no class patched, in the same process."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEMO_NOW

from mainstreet.build import build
from mainstreet.errors import BuildError


def _receivers() -> dict[str, set]:
    from blinker import Signal
    from pelican.plugins import signals

    return {name: set(value.receivers) for name, value in vars(signals).items() if isinstance(value, Signal)}


def _patchable() -> dict[str, object]:
    from pelican.contents import Content
    from pelican.urlwrappers import URLWrapper

    return {
        "Content.url": Content.__dict__["url"],
        "Content.save_as": Content.__dict__["save_as"],
        "URLWrapper.slug": URLWrapper.__dict__["slug"],
        "URLWrapper._normalize_key": URLWrapper.__dict__["_normalize_key"],
    }


def _pelicans_own(attributes: dict[str, object]) -> dict[str, str]:
    """The module each attribute's code comes from."""
    return {name: getattr(value, "fget", value).__module__ for name, value in attributes.items()}


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


OWN = {
    "Content.url": "pelican.contents",
    "Content.save_as": "pelican.contents",
    "URLWrapper.slug": "pelican.urlwrappers",
    "URLWrapper._normalize_key": "pelican.urlwrappers",
}


def test_a_build_disconnects_what_it_connected_and_undoes_its_patches(project, tmp_path):
    before = _receivers()
    patched = _patchable()
    assert _pelicans_own(patched) == OWN
    outputs = []
    for run in (1, 2):
        output = tmp_path / f"out{run}"
        build(project / "siteconf.py", output, now=DEMO_NOW, reports=tmp_path / f"reports{run}",
              overrides={"BUILD_WORKERS": 2, "BUILD_CACHE": False})
        after = _receivers()
        assert {name: after[name] - before[name] for name in before} == {name: set() for name in before}
        assert after == before
        assert _patchable() == patched
        outputs.append(_tree(output))
    assert len(outputs[0]) > 10
    assert outputs[1] == outputs[0]


def test_a_failed_build_also_leaves_pelican_clean(project, tmp_path):
    before = _receivers()
    patched = _patchable()
    (project / "content" / "posts" / "broken.md").write_text(
        "Title: Broken\nDate: not a date\n\nBody.\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build(project / "siteconf.py", tmp_path / "out", now=DEMO_NOW, reports=tmp_path / "reports",
              overrides={"BUILD_WORKERS": 1, "BUILD_CACHE": False})
    assert _receivers() == before
    assert _patchable() == patched
