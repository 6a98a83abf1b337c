"""The gates' tools are pinned, installed once by make, and installed by CI."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from quality import ROOT


def test_npm_tools_are_pinned_exactly_and_locked():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    tools = package["devDependencies"]
    assert set(tools) == {"lighthouse", "vnu-jar"}
    assert re.fullmatch(r"12\.\d+\.\d+", tools["lighthouse"]), "Lighthouse 12, pinned"
    for name, version in tools.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is not pinned exactly"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, f"package-lock.json disagrees on {name}"


def test_second_make_does_not_reinstall_npm_tools():
    if not (ROOT / "node_modules" / ".installed").exists():
        pytest.skip("node_modules was not installed through make (no node_modules/.installed)")
    result = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "npm ci" not in result.stdout
    assert "invoke test" in result.stdout


def test_ci_installs_what_the_gates_need():
    script = (ROOT / ".ci" / "run").read_text()
    for package in ("chromium", "default-jre-headless", "nodejs"):
        assert re.search(rf"need\+=\([^)]*\b{package}\b", script), f".ci/run does not install {package}"
    assert re.search(r"^make test\b", script, re.M), ".ci/run must run make test"
