"""What the audit prints: a summary a business owner reads, and GitHub Actions annotations."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .audit import AuditResult
from .model import SEVERITIES
from .reports import location_of
from .rules.catalog import GROUPS

HEADINGS = {
    "error": ("✗", "red", "Errors: fix these before publishing"),
    "warning": ("!", "yellow", "Warnings: worth fixing"),
    "notice": ("·", "cyan", "Notices: ideas to improve"),
}
SHOWN = {"error": 40, "warning": 15, "notice": 5}


def _groups(findings):
    """Findings that are one problem seen on several pages (a broken menu link) print once."""
    grouped: dict[tuple, list] = {}
    for finding in findings:
        key = (finding.rule, finding.extra.get("target"), finding.extra.get("element"), finding.extra.get("keyword"))
        if key[1] is None and key[2] is None:
            key = (finding.rule, finding.url, finding.message)
        grouped.setdefault(key, []).append(finding)
    return list(grouped.values())


def print_summary(result: AuditResult, console: Console, fail_on: str, reports: dict | None = None,
                  shown: dict | None = None) -> None:
    shown = shown or SHOWN
    site = result.site
    summary = result.summary
    where = site.origin or site.target
    how = "crawled" if site.source == "online" else "read from " + site.target
    console.print()
    console.print(f"[bold]SEO audit of {escape(where)}[/] ({escape(how)}): {len(site.html_pages())} pages in "
                  f"{result.seconds:.2f} s")
    if result.external_checked is not None:
        console.print(f"External links checked: {result.external_checked}")
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    console.print(f"Score [bold]{result.score}[/]/100 · [red]{summary['error']} errors[/] · "
                  f"[yellow]{summary['warning']} warnings[/] · [cyan]{summary['notice']} notices[/]")

    by_group = {g: Counter() for g in GROUPS}
    for finding in result.findings:
        by_group.setdefault(finding.group, Counter())[finding.severity] += finding.extra.get("more", 1)
    active = [g for g in GROUPS if sum(by_group[g].values())]
    if active:
        table = Table(show_edge=False, box=None, padding=(0, 2), header_style="bold")
        table.add_column("Area")
        for severity in SEVERITIES:
            table.add_column(severity.capitalize() + "s", justify="right")
        for group in active:
            table.add_row(group, *(str(by_group[group][s] or "") for s in SEVERITIES))
        console.print(table)

    for severity in SEVERITIES:
        findings = [f for f in result.findings if f.severity == severity]
        if not findings:
            continue
        mark, color, heading = HEADINGS[severity]
        groups = _groups(findings)
        console.print()
        console.print(f"[bold {color}]{heading} ({result.summary[severity]})[/]")
        for group in groups[: shown[severity]]:
            first = group[0]
            more = f" [dim](and on {len(group) - 1} more page{'s' if len(group) > 2 else ''})[/]" if len(group) > 1 else ""
            console.print(f" [{color}]{mark}[/] {escape(first.message)}{more}", highlight=False)
            console.print(f"   [dim]Fix: {escape(first.hint)} {escape('[' + first.rule + ']')}[/]", highlight=False)
        if len(groups) > shown[severity]:
            console.print(f"   [dim]… and {len(groups) - shown[severity]} more; see the full report.[/]")

    console.print()
    if reports:
        console.print(f"Reports: [bold]{escape(str(reports['audit.html']))}[/] (open it in a browser), "
                      + ", ".join(escape(p.name) for name, p in reports.items() if name != "audit.html"))
    if result.failed(fail_on):
        worst = sum(f.extra.get("more", 1) for f in result.findings  # "… and N more" counts N
                    if SEVERITIES.index(f.severity) <= SEVERITIES.index(fail_on))
        console.print(f"[bold red]✗ Audit failed:[/] {worst} finding{'s' if worst != 1 else ''} at or above "
                      f"'{fail_on}'.")
    else:
        console.print(f"[bold green]✓ Audit passed:[/] nothing at or above '{fail_on}'.")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


GITHUB_COMMAND = {"error": "error", "warning": "warning", "notice": "notice"}


def github_annotations(result: AuditResult, limit: int = 200) -> list[str]:
    """Workflow commands that show findings as annotations in GitHub Actions."""
    lines = []
    for finding in result.findings[:limit]:
        data = finding.to_dict()
        path, line = location_of(data)
        props = [f"title={_escape_property(finding.rule)}"]
        if "://" not in path:
            props.insert(0, f"file={_escape_property(path)}")
            props.insert(1, f"line={line}")
        lines.append(f"::{GITHUB_COMMAND[finding.severity]} {','.join(props)}::"
                     + _escape_data(f"{finding.message} ({finding.url})\nFix: {finding.hint}"))
    if len(result.findings) > limit:
        lines.append(f"::notice title=seo audit::{len(result.findings) - limit} more findings are in the audit report")
    return lines
