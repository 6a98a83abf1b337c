"""Helpers for the CI workflows: ``python -m mainstreet.ci summary reports/audit.json``.

Prints the audit's result as Markdown, for the job summary of the publish
workflow and the comment on a pull request. Reads audit.json only (the shape
DESIGN.md gives it), so it works with any audit that writes that file.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

SEVERITIES = ("error", "warning", "notice")
MAX_ROWS = 25


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def audit_summary_markdown(path: str | Path) -> str:
    """Markdown: the counts per severity, the rules that fired, the first findings."""
    path = Path(path)
    if not path.is_file():
        return f"### SEO audit\n\nNo audit report at `{path}`: the build or the audit did not finish.\n"
    data = json.loads(path.read_text(encoding="utf-8"))
    summary = data.get("summary") or {}
    findings = data.get("findings") or []
    counts = ", ".join(f"**{summary.get(s, 0)}** {s}{'s' if summary.get(s, 0) != 1 else ''}" for s in SEVERITIES)
    verdict = "❌ errors block publishing" if summary.get("error") else "✅ no errors"
    pages = data.get("pages")
    pages = len(pages) if isinstance(pages, list) else pages if isinstance(pages, int) else "?"
    lines = [f"### SEO audit: {verdict}", "", f"{pages} pages: {counts}.", ""]
    rules = Counter((f.get("severity", ""), f.get("rule", "")) for f in findings)
    if rules:
        lines += ["| severity | rule | findings |", "|---|---|---|"]
        order = {s: i for i, s in enumerate(SEVERITIES)}
        for (severity, rule), count in sorted(rules.items(), key=lambda kv: (order.get(kv[0][0], 9), -kv[1])):
            lines.append(f"| {severity} | `{_cell(rule)}` | {count} |")
        lines.append("")
    worst = [f for f in findings if f.get("severity") in ("error", "warning")][:MAX_ROWS]
    if worst:
        lines += ["<details><summary>First findings</summary>", "", "| severity | page | message |", "|---|---|---|"]
        lines += [f"| {f.get('severity')} | {_cell(f.get('url', ''))} | {_cell(f.get('message', ''))} |" for f in worst]
        lines += ["", "</details>", ""]
    lines.append("The full report (audit.html, .json, .csv, .sarif) is in the run's `audit-reports` artifact.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "summary":
        print("usage: python -m mainstreet.ci summary REPORTS/audit.json", file=sys.stderr)
        return 2
    sys.stdout.write(audit_summary_markdown(args[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
