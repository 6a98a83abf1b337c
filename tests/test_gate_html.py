"""Every page of the demo passes the W3C Nu HTML Checker (vnu.jar) with zero errors."""

from __future__ import annotations

import json
import subprocess

import pytest
from quality import VNU_JAR, html_paths, require_java

pytestmark = pytest.mark.slow

# A page the checker must reject, so this gate cannot pass by checking nothing.
CANARY = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canary</title></head>
<body><p>An image without alt <img src="x.png"></p><ul><p>a paragraph in a list</p></ul></body></html>
"""


def run_vnu(java: str, *paths) -> list[dict]:
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # vnu exits 1 when it found errors; the JSON report is on stderr either way.
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stderr)["messages"]


def test_every_demo_page_is_valid_html(demo_site, tmp_path):
    java = require_java()
    canary = tmp_path / "canary" / "index.html"
    canary.parent.mkdir()
    canary.write_text(CANARY)

    messages = run_vnu(java, demo_site.output, canary.parent)

    canary_errors = [m for m in messages if m.get("url", "").endswith("/canary/index.html")]
    assert len(canary_errors) >= 2, f"the checker missed the canary's errors: {messages}"
    errors = [
        f"{m['url'].split(str(demo_site.output))[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m not in canary_errors
    ]
    assert len(html_paths(demo_site.output)) > 20, "the demo should have many pages"
    assert errors == []
