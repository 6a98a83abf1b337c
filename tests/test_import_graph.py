"""The package map of README's Development section, enforced on the source.

Every import of every module of ours is read with ``ast`` (function-level
imports too) and checked against who may import whom:

- contract/   imports nothing of ours and no Pelican;
- planning/   the calendar's Pelican-free code: contract only;
- plugins/*   contract and planning, and their own package: never the engine,
              never another plugin, never seo/ outreach/ insights/;
- seo/, outreach/, insights/   contract only (and themselves), no Pelican;
- mainstreet/ the engine and the command lines: anything but a plugin;
- nothing imports a plugin (Pelican loads them from PLUGIN_PATHS).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("contract", "planning", "mainstreet", "plugins", "seo", "outreach", "insights", "bench")
PLUGINS = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").is_file())
# Top-level names a module of ours may import, by the package it belongs to.
ALLOWED = {
    "contract": {"contract"},
    "planning": {"contract", "planning"},
    "plugin": {"contract", "planning"},  # plus the plugin's own package
    "seo": {"contract", "seo"},
    "outreach": {"contract", "outreach"},
    "insights": {"contract", "insights"},
    "mainstreet": {"contract", "planning", "mainstreet", "seo", "outreach", "insights"},
    "bench": {"contract", "planning", "mainstreet", "seo", "outreach", "insights", "bench"},
}
NO_PELICAN = {"contract", "planning", "seo", "outreach", "insights"}


def modules():
    for package in OURS:
        folder = ROOT / package
        if folder.is_dir():
            yield from sorted(p for p in folder.rglob("*.py") if "templates" not in p.parts)
    yield ROOT / "tasks.py"


def owner(rel: Path) -> tuple[str, str | None]:
    """(rule group, the plugin's name for a plugin module)."""
    parts = rel.parts
    if parts[0] == "plugins":
        return "plugin", parts[1]
    if parts[0] == "tasks.py":
        return "mainstreet", None
    return parts[0], None


def imported(rel: Path, text: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the module at ``rel``."""
    tree = ast.parse(text, str(rel))
    package = rel.with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def problems_of(rel: Path, text: str) -> list[str]:
    group, plugin = owner(rel)
    allowed = set(ALLOWED[group])
    if plugin:
        allowed.add(f"plugins.{plugin}")
    shown = rel.as_posix()
    problems = []
    for line, name in imported(rel, text):
        top = name.split(".")[0]
        if top == "pelican" and group in NO_PELICAN:
            problems.append(f"{shown}:{line}: imports {name} ({group}/ works without Pelican)")
        if top == "plugins" or top in PLUGINS:
            if not (plugin and (name == f"plugins.{plugin}" or name.startswith(f"plugins.{plugin}."))):
                problems.append(f"{shown}:{line}: imports the plugin {name} (nothing imports a plugin)")
            continue
        if top in OURS and top not in allowed:
            problems.append(f"{shown}:{line}: imports {name} ({group} may import {', '.join(sorted(allowed))})")
    return problems


def test_the_package_map_holds():
    problems = [
        problem for path in modules() for problem in problems_of(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        ("plugins/onpage/x.py", "from mainstreet import parallelwrite\n", "imports mainstreet"),
        ("mainstreet/x.py", "def f():\n    from plugins.editorial.plan import read_plan\n", "imports the plugin"),
        ("seo/x.py", "import pelican\n", "imports pelican"),
        ("plugins/landing/x.py", "from ..editorial import plan\n", "imports the plugin plugins.editorial"),
        ("contract/x.py", "from mainstreet.build import build\n", "imports mainstreet.build"),
    ],
)
def test_the_check_finds_a_forbidden_import(where, source, expected):
    """The check itself can fail: a forbidden import is named with its file and line."""
    found = problems_of(Path(where), source)
    assert any(expected in problem and f"{where}:" in problem for problem in found), found
