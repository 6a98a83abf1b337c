"""results.json (everything measured) and results.md (the table a person reads)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from .harness import ROOT

# The targets, as (suite, check, text).
TARGETS = {
    "build": "Mainstreet full build <= 2.0x Hugo, and faster than plain Pelican",
    "rebuild": "rebuild after one edit <= 1 s wall",
    "audit": "audit >= 30x faster than linkchecker, <= 5x the parse floor, peak memory <= 200 MiB",
    "newsletter": ">= 200 messages/s to loopback SMTP with the ledger",
}


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")) / 1024 / 1024
    except (OSError, StopIteration):
        memory = 0
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    from pelican import __version__ as pelican_version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pelican": pelican_version,
        "commit": commit.stdout.strip(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _by_name(suite: dict, prefix: str) -> dict | None:
    return next((r for r in suite.get("results", []) if r["name"].startswith(prefix)), None)


def judge(suite: dict) -> list[dict]:
    """Ratios and targets of one suite, from its medians."""
    out = []
    name = suite["suite"]
    if name == "build":
        ms = _by_name(suite, "Mainstreet")
        for peer in ("Pelican", "Hugo"):
            other = _by_name(suite, peer)
            if ms and other:
                limit = 2.0 if peer == "Hugo" else 1.0
                ratio = ms["wall_s"] / other["wall_s"]
                out.append({"what": f"Mainstreet / {peer} (wall)", "ratio": round(ratio, 2),
                            "cpu_ratio": round(ms["cpu_s"] / other["cpu_s"], 2), "target": f"<= {limit}",
                            "met": ratio <= limit})
        pelican, hugo = _by_name(suite, "Pelican"), _by_name(suite, "Hugo")
        if pelican and hugo:
            out.append({"what": "Pelican / Hugo (wall)", "ratio": round(pelican["wall_s"] / hugo["wall_s"], 2),
                        "cpu_ratio": round(pelican["cpu_s"] / hugo["cpu_s"], 2), "target": "", "met": None})
    elif name == "rebuild":
        ms, pelican = _by_name(suite, "Mainstreet"), _by_name(suite, "Pelican")
        if ms:
            out.append({"what": "Mainstreet rebuild after one edit (s)", "ratio": ms["wall_s"], "target": "<= 1.0 s",
                        "met": ms["wall_s"] <= 1.0})
        if ms and pelican:
            out.append({"what": "Mainstreet / cached Pelican (wall)", "ratio": round(ms["wall_s"] / pelican["wall_s"], 2),
                        "target": "", "met": None})
    elif name == "audit":
        audit = _by_name(suite, "Mainstreet audit")
        if audit:
            for peer, limit in (("linkchecker", 30.0), ("advertools", None)):
                other = _by_name(suite, peer)
                if other:
                    ratio = other["wall_s"] / audit["wall_s"]
                    out.append({"what": f"{peer} / audit (wall: times faster)", "ratio": round(ratio, 1),
                                "target": f">= {limit}" if limit else "", "met": ratio >= limit if limit else None})
            floor = _by_name(suite, "parse floor")
            if floor:
                ratio = audit["wall_s"] / floor["wall_s"]
                out.append({"what": "audit / parse floor (wall)", "ratio": round(ratio, 2), "target": "<= 5.0",
                            "met": ratio <= 5.0})
            out.append({"what": "audit peak memory (MiB)", "ratio": audit["peak_rss_mib"], "target": "<= 200",
                        "met": audit["peak_rss_mib"] <= 200})
    elif name == "newsletter":
        letter = _by_name(suite, "Mainstreet newsletter")
        if letter and letter["units"]:
            rate = letter["units"] / letter["wall_s"]
            out.append({"what": "newsletter messages/s", "ratio": round(rate, 1), "target": ">= 200",
                        "met": rate >= 200})
    return out


def write_results(folder: Path, data: dict) -> tuple[Path, Path]:
    for suite in data["suites"]:
        suite["ratios"] = judge(suite)
    data["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    json_path, md_path = folder / "results.json", folder / "results.md"
    json_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(data), encoding="utf-8")
    return json_path, md_path


def render_markdown(data: dict) -> str:
    m = data["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated {data['generated_at']} by `{data['command']}` "
        f"({data['repeats']} timed runs per command after one warm-up, alternating; medians).",
        "",
        f"Machine: {m['cpu'] or 'unknown CPU'}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}; "
        f"Python {m['python']}, Pelican {m['pelican']}; commit {m['commit']}; "
        f"load average {m['load_average_at_start']} at start, {m.get('load_average_at_end')} at end.",
        "",
        f"Plugins on in the Mainstreet build: {', '.join(data.get('plugins', [])) or 'none'}.",
        "",
    ]
    for suite in data["suites"]:
        title = f"## {suite['suite'].capitalize()}, {suite['posts']:,} posts"
        if suite.get("subscribers"):
            title += f", {suite['subscribers']:,} subscribers"
        lines += [title, ""]
        if suite.get("results"):
            lines += ["| command | wall (s) | CPU (s) | peak RSS (MiB) | units | pages |",
                      "|---|---:|---:|---:|---:|---:|"]
            pages = suite.get("pages", {})
            for r in suite["results"]:
                lines.append(f"| {r['name']} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['peak_rss_mib']:.0f} "
                             f"| {r['units'] if r['units'] is not None else ''} | {pages.get(r['name'], '')} |")
            lines.append("")
        if suite.get("ratios"):
            lines += ["| ratio | value | target | met |", "|---|---:|---|---|"]
            for r in suite["ratios"]:
                met = {True: "yes", False: "**no**", None: ""}[r["met"]]
                value = f"{r['ratio']}" + (f" (CPU {r['cpu_ratio']})" if "cpu_ratio" in r else "")
                lines.append(f"| {r['what']} | {value} | {r['target']} | {met} |")
            lines.append("")
        for reason in suite.get("skipped", []):
            lines.append(f"- skipped: {reason}")
        if suite.get("skipped"):
            lines.append("")
    lines += ["Targets (issue 10):", ""] + [f"- {k}: {v}" for k, v in TARGETS.items()]
    lines += ["", "What the profile shows and what would close the gaps: bench/README.md."]
    if data.get("notes"):
        lines += ["", "Notes:", ""] + [f"- {n}" for n in data["notes"]]
    return "\n".join(lines) + "\n"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def command_line() -> str:
    return "python -m bench " + " ".join(sys.argv[1:])
