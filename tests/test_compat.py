"""Pelican's and Markdown's internals: listed in mainstreet/compat.py only, checked against the installed versions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

from mainstreet import compat

ENGINE = ROOT / "mainstreet"
# What the engine must reach only through compat.py: private names of Pelican,
# Python-Markdown and Python, and the log templates it matches.
PRIVATE_NAMES = {
    "_parse_metadata", "_md", "_source_path", "_open_w", "_written_files", "_overridden_files",
    "_content", "_ignore", "_raised_messages", "_group_count", "_normalize_key", "_slug",
    "_slug_from_name", "_getframe", "_InlineProcessor__applyPattern", "_InlineProcessor__handleInline",
}  # fmt: skip
TEMPLATES = [
    "Could not process", "could not find information about", "Unknown status", "would be written outside output path",
    "Unable to find", "Cannot load plugin", "Cannot register plugin", "There are %s", 'Writing "%s"',
    "PelicanTemplateNotFound", "FileOverwriteFailedError",
]  # fmt: skip


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep:
            pins[name.strip().lower()] = version.strip()
    return pins


def test_the_pinned_versions_pass_the_check():
    pins = _lock_pins()
    assert compat.TESTED == {name: pins[name] for name in compat.TESTED}
    assert compat.installed_versions() == compat.TESTED
    assert compat.version_problem(compat.installed_versions()) is None
    assert compat.structure_problems() == []
    compat.check(environ={})  # raises on a problem


def test_an_untested_version_fails_naming_both_versions_and_the_fix():
    message = compat.version_problem({"pelican": "4.13.0", "markdown": "3.11.3"})
    assert message is not None
    assert message.startswith(
        "Pelican 4.13.0 is installed, but the build engine was tested with Pelican 4.12.0 and Markdown 3.11.3: ")
    assert "pip install -r requirements.lock" in message
    assert f"{compat.ALLOW_UNTESTED_ENV}=1" in message
    both = compat.version_problem({"pelican": "4.11.0"})
    assert both is not None and both.startswith("Pelican 4.11.0 is installed, Markdown is not installed, but ")


def test_the_error_is_one_the_command_line_prints_without_a_traceback():
    from mainstreet.errors import MainstreetError, UntestedVersionError

    assert issubclass(UntestedVersionError, MainstreetError)
    assert UntestedVersionError.exit_code == 2


def _uses(path: Path) -> list[str]:
    """Private names and matched log templates used in one module, as 'line: name'."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.alias):
            names.append(node.name.rsplit(".", 1)[-1])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            names.append(node.value)
            found += [f"{node.lineno}: {node.value!r}" for t in TEMPLATES if t in node.value]
        found += [f"{getattr(node, 'lineno', 0)}: {name}" for name in names if name in PRIVATE_NAMES]
    return found


def test_only_compat_touches_pelican_and_markdown_internals():
    offenders = {
        path.name: uses
        for path in sorted(ENGINE.glob("*.py"))
        if path.name != "compat.py" and (uses := _uses(path))
    }
    assert offenders == {}
    # The scan sees what it looks for.
    assert any("_written_files" in use for use in _uses(ENGINE / "compat.py"))
    assert any("Could not process" in use for use in _uses(ENGINE / "compat.py"))


def test_every_private_name_compat_lists_is_documented_there():
    text = (ENGINE / "compat.py").read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(text)) or ""
    used = {re.sub(r"^\d+: ", "", use) for use in _uses(ENGINE / "compat.py")} & PRIVATE_NAMES
    mangled = {"_InlineProcessor__applyPattern": "__applyPattern", "_InlineProcessor__handleInline": "__handleInline"}
    missing = [name for name in sorted(used - {"_content"}) if mangled.get(name, name) not in docstring]
    assert missing == []


def test_reset_limit_filter_empties_pelicans_memory():
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.add(("x", "y"))
    LimitFilter._group_count[("x", "y")] += 1
    compat.reset_limit_filter()
    assert not LimitFilter._raised_messages and not LimitFilter._ignore and not LimitFilter._group_count
