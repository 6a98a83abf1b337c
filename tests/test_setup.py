"""The project sets itself up from pinned files and its names shadow nothing."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib

import pytest
from conftest import ROOT

PLUGINS = ["visibility", "editorial", "landing", "onpage", "feeds", "local_seo", "hosting", "manifest"]


@pytest.mark.parametrize("name", PLUGINS)
def test_each_plugin_imports_by_name_and_registers(name):
    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        module = importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "plugins"))
    assert callable(module.register)
    assert module.__file__.startswith(str(ROOT / "plugins" / name))


def test_settings_enable_every_plugin_in_order():
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    assert settings["PLUGINS"][: len(PLUGINS)] == PLUGINS


def test_no_module_shadows_the_standard_library():
    stdlib = set(sys.stdlib_module_names)
    names = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    names |= {p.name for p in (ROOT / "plugins").iterdir() if p.is_dir()}
    assert names & stdlib == set()
    assert not (ROOT / "calendar" / "__init__.py").exists()


def test_lock_pins_every_dependency_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["test"]
    lock = {
        line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    for requirement in direct:
        name, _, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned with =="
        name = name.split("[")[0].lower().replace("_", "-")
        assert lock.get(name) == version, f"requirements.lock does not pin {requirement}"


def test_second_make_does_not_reinstall():
    """With the venv installed, make has nothing to do for the install step."""
    stamp = ROOT / ".venv" / ".installed"
    if not stamp.exists():
        pytest.skip("the suite was not started through make (no .venv/.installed)")
    result = subprocess.run(
        ["make", "-n", "site"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "pip install" not in result.stdout
    assert "invoke build" in result.stdout


def test_private_data_and_build_products_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    for entry in ("/output/", "/reports/", "/private/", "/.venv/"):
        assert entry in ignored
