"""The report files: audit.json, audit.csv, audit.sarif and a self-contained audit.html."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
from collections import Counter
from itertools import islice
from pathlib import Path

from contract.spreadsheet import safe_row

from . import TOOL_NAME, __version__
from .audit import AuditResult
from .model import SEVERITIES, SEVERITY_RANK, Finding
from .rules import rule_for
from .rules.catalog import GROUPS, RULES

CSV_COLUMNS = ["severity", "rule", "url", "message", "hint", "element", "target", "keyword", "value", "limit",
               "source", "file"]
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "notice": "note"}
REPORT_FILES = ("audit.html", "audit.json", "audit.csv", "audit.sarif")
_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+)$")


def write_reports(result: AuditResult, directory: str | os.PathLike) -> dict[str, Path]:
    """Write the four reports into ``directory``; returns their paths by name.

    Each file is written to a temporary name and moved into place, so a reader
    never sees half a file.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / name for name in REPORT_FILES}
    # Indented JSON is written by Python's slow encoder: only small reports get it.
    indent = 2 if len(result.findings) <= 2000 else None
    if indent is None:  # a large audit: each finding's dict is made when a report needs it, then dropped
        data = result.to_dict(findings=False)
        data["findings"] = _Items(lambda: map(Finding.to_dict, result.findings), len(result.findings))
    else:
        data = result.to_dict()
    with _atomic(paths["audit.json"]) as fh:
        _write_json(fh, data, indent)
    with _atomic(paths["audit.sarif"]) as fh:
        _write_json(fh, sarif(result, data["findings"], lazy=indent is None), indent)
    with _atomic(paths["audit.csv"]) as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        # A title like =HYPERLINK(...) must stay text when the sheet is opened (formula injection).
        writer.writerows(safe_row("" if finding.get(k) is None else finding[k] for k in CSV_COLUMNS)
                         for finding in data["findings"])
    with _atomic(paths["audit.html"]) as fh:
        fh.writelines(html_report(result, data, stream=True))
    return paths


def _write_json(fh, value, indent: int | None) -> None:
    """``json.dump(value, fh)`` and a newline, the same text, with the C encoder (json.dump
    never uses it) and without holding the whole document in memory: long lists are
    encoded an item at a time."""
    if indent is not None:
        fh.write(json.dumps(value, indent=indent, ensure_ascii=False))
    else:
        _write_compact(fh, value)
    fh.write("\n")


_encode = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(value, ensure_ascii=False) does, minus its set-up


def _write_compact(fh, value, depth: int = 0) -> None:
    """The document's outer dicts and lists piece by piece; each item of a long list in one go."""
    if isinstance(value, _Items) or (isinstance(value, list) and len(value) > 64):
        fh.write("[")
        for i, item in enumerate(value):
            fh.write(f"{', ' if i else ''}{_encode(item)}")
        fh.write("]")
    elif depth < 3 and isinstance(value, dict) and all(isinstance(key, str) for key in value):
        fh.write("{")
        for i, (key, item) in enumerate(value.items()):
            fh.write(f"{', ' if i else ''}{json.dumps(key, ensure_ascii=False)}: ")
            _write_compact(fh, item, depth + 1)
        fh.write("}")
    elif depth < 3 and isinstance(value, list):
        fh.write("[")
        for i, item in enumerate(value):
            if i:
                fh.write(", ")
            _write_compact(fh, item, depth + 1)
        fh.write("]")
    else:
        fh.write(json.dumps(value, ensure_ascii=False))


@contextlib.contextmanager
def _atomic(path: Path):
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def location_of(finding: dict) -> tuple[str, int]:
    """The file a person edits to fix a finding (its source when known), and a line."""
    for key in ("source", "file"):
        value = finding.get(key)
        if value:
            match = _LINE.match(value)
            if match:
                return match["path"], int(match["line"])
            return (value if key == "source" else f"output/{value}"), 1
    return finding["url"], 1


def sarif(result: AuditResult, dicts: list[dict] | None = None, lazy: bool = False) -> dict:
    """The SARIF document; ``dicts`` are the findings' to_dict() when already made.

    ``lazy``: the results are made one at a time as the document is written (see _write_json).
    """
    rules = list(RULES.values()) + [rule_for(r) for r in dict.fromkeys(f.rule for f in result.findings) if r not in RULES]
    index = {rule.id: i for i, rule in enumerate(rules)}
    if dicts is None:
        dicts = [finding.to_dict() for finding in result.findings]
    results = (_sarif_result(finding, data, index) for finding, data in zip(result.findings, dicts, strict=True))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "rules": [{
                    "id": rule.id,
                    "name": "".join(part.title() for part in re.split(r"[.\-]", rule.id)),
                    "shortDescription": {"text": rule.title},
                    "fullDescription": {"text": rule.title + "."},
                    "help": {"text": rule.hint},
                    "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
                    "properties": {"group": rule.group, "onlineOnly": rule.online_only},
                } for rule in rules],
            }},
            "invocations": [{"executionSuccessful": True, "endTimeUtc": result.generated_at.isoformat()}],
            "results": _Items(results) if lazy else list(results),
        }],
    }


class _Items:
    """A JSON array written an item at a time as they are made (only _write_compact knows it).

    ``items`` is an iterable, or a function that returns a new iterator each time (then
    the array can be read more than once, and ``length`` is its length).
    """

    def __init__(self, items, length: int | None = None):
        self.items, self.length = items, length

    def __iter__(self):
        return iter(self.items() if callable(self.items) else self.items)

    def __len__(self) -> int:
        if self.length is None:
            raise TypeError("an _Items of unknown length")
        return self.length


def _sarif_result(finding, data: dict, index: dict[str, int]) -> dict:
    uri, line = location_of(data)
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": f"{finding.message} Fix: {finding.hint}"},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}},
            "logicalLocations": [{"name": finding.url, "kind": "resource"}],
        }],
        "partialFingerprints": {"mainstreetFinding/v1": f"{finding.rule}|{finding.url}|{data.get('target', '')}"},
        "properties": {k: v for k, v in data.items() if k not in ("rule", "severity", "message", "hint")},
    }


def html_report(result: AuditResult, data: dict | None = None, stream: bool = False):
    """The HTML report as one string, or (``stream``) as an iterator of chunks."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    data = data or result.to_dict()
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    by_group = {group: Counter() for group in GROUPS}
    by_rule: Counter = Counter()
    for finding in result.findings:  # "… and N more" counts N
        by_group.setdefault(finding.group, Counter())[finding.severity] += finding.extra.get("more", 1)
        by_rule[finding.rule] += finding.extra.get("more", 1)
    worst: dict[str, str] = {}
    for finding in result.findings:
        if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[worst.get(finding.rule, "notice")] or finding.rule not in worst:
            worst[finding.rule] = finding.severity
    # Errors first, then warnings, then notices; the most frequent first within each.
    top_rules = sorted(
        ({"rule": rule_for(rule_id), "count": count, "severity": worst[rule_id]} for rule_id, count in by_rule.items()),
        key=lambda item: (-SEVERITY_RANK[item["severity"]], -item["count"], item["rule"].id),
    )
    render = env.get_template("audit.html").generate if stream else env.get_template("audit.html").render
    return render(
        data=data, shown_findings=list(islice(data["findings"], HTML_MAX_FINDINGS)), result=result, severities=SEVERITIES, groups=[g for g in GROUPS if sum(by_group[g].values())],
        by_group=by_group, top_rules=top_rules, rules=RULES, keyword_checks=KEYWORD_COLUMNS,
        group_max=max([sum(c.values()) for c in by_group.values()] + [1]),
    )


# The HTML lists this many findings (the worst first); every finding is in the JSON, CSV and SARIF.
HTML_MAX_FINDINGS = 3000
KEYWORD_COLUMNS = [("title", "Title"), ("h1", "H1"), ("description", "Description"), ("slug", "URL"),
                   ("intro", "Intro"), ("subheadings", "Subheadings"), ("img_alt", "Image alt")]
