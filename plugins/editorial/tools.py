"""The calendar's tools: stub posts for planned rows, and a spreadsheet (CSV) back into calendar tables.

* ``new_stubs`` writes ``content/posts/<slug>.md`` (Status: draft, the row's
  plan fields) for each row that has no post yet. It never overwrites or
  touches an existing file (files are created with exclusive mode).
* ``import_csv`` reads a CSV export (reports/calendar.csv edited in a
  spreadsheet, or any sheet with the plan's columns) and writes the rows back
  into calendar/*.md tables. The derived columns of the export are dropped;
  "Calendar file" and "Calendar line" put each row back into its file and
  table. Unchanged rows keep their line exactly as written, prose and
  headings stay, so export -> import changes nothing. Every row is checked
  like the build checks the calendar; with any error nothing is written.

No Pelican needed: ``python -m mainstreet calendar`` calls these.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mainstreet.manifest import CalendarFinding, Manifest

from .plan import COLUMNS, Row, Vocabulary, check_rows, display, inline_text, parse_calendar_text, split_lines
from .views import DERIVED_COLUMNS

# --- stub posts ---------------------------------------------------------------------


@dataclass
class StubResult:
    created: list[tuple[Path, Row]] = field(default_factory=list)
    existing: list[tuple[Path, Row]] = field(default_factory=list)  # a file is there: left alone


def stub_text(row: Row) -> str:
    """The Markdown of a draft post for ``row``; its Date comes from the row at build time."""
    fields = [
        ("Title", row.title),
        ("Slug", row.slug),
        ("Keyword", row.keyword),
        ("Segment", row.segment),
        ("Stage", row.stage),
        ("Channels", ", ".join(row.channels)),
        ("Campaign", row.campaign),
        ("Pillar", row.pillar),
        ("Status", "draft"),
    ]
    header = "".join(f"{key}: {value}\n" for key, value in fields if value)
    topic = f"“{row.keyword}”" if row.keyword else "this topic"
    return f"{header}\nDraft: write about {topic} here.\n"


def new_stubs(rows: list[Row], manifest: Manifest, posts: Path) -> StubResult:
    """A draft post for each planned row (not ideas) that has no post in the build's manifest."""
    joined = {e.calendar_row for e in manifest.pages + manifest.held_back if e.calendar_row}
    result = StubResult()
    for row in rows:
        if row.status == "idea" or row.slug_derived or not row.slug or row.where in joined:
            continue
        path = posts / f"{row.slug}.md"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as fh:
                fh.write(stub_text(row))
        except FileExistsError:
            result.existing.append((path, row))
            continue
        result.created.append((path, row))
    return result


# --- CSV import -------------------------------------------------------------------------


@dataclass
class ImportResult:
    written: list[tuple[Path, int]] = field(default_factory=list)  # file, rows
    unchanged: list[Path] = field(default_factory=list)
    skipped: int = 0  # posts not in the plan (State "unplanned", no Status)
    problems: list[CalendarFinding] = field(default_factory=list)


@dataclass
class _Imported:
    row: Row
    destination: Path
    old_line: int | None  # where the row was in its calendar file


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, cells) of a CSV file; comma, semicolon or tab separated."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, [])
    records = []
    for cells in reader:
        records.append((reader.line_num, cells))
    return [h.strip() for h in header], records


def _cell(value: str) -> str:
    """A spreadsheet cell as a table cell: line breaks become <br>, outer spaces go."""
    return re.sub(r"\r\n|\r|\n", "<br>", value).strip()


def import_csv(
    csv_path: Path,
    calendar: Path,
    root: Path,
    vocabulary: Vocabulary,
    to: Path | None = None,
) -> ImportResult:
    """Write the rows of ``csv_path`` into calendar/*.md tables (see the module docstring)."""
    result = ImportResult()
    shown = display(csv_path, root)
    header, records = read_csv(csv_path)
    names = [h.lower() for h in header]
    derived = {d.lower() for d in DERIVED_COLUMNS}
    missing = [c for c in COLUMNS if c.lower() not in names]
    if missing:
        result.problems.append(
            CalendarFinding(
                "calendar.table",
                "error",
                f"the CSV has no column {', '.join(missing)}",
                f"the first row must name the columns {', '.join(COLUMNS)} (extra columns are kept)",
                shown,
                1,
            )
        )
        return result
    plan_columns = [h for h in header if h and h.lower() not in derived]
    imported: list[_Imported] = []
    for line, cells in records:
        values = dict(zip(names, cells, strict=False))
        if not any(v.strip() for v in cells):
            continue
        if values.get("state", "") == "unplanned" and not values.get("status", "").strip():
            result.skipped += 1
            continue
        raw = {h: _cell(values.get(h.lower(), "")) for h in plan_columns}
        row = Row(shown, line, cells=raw, text={h.lower(): inline_text(v) for h, v in raw.items()})
        destination, problem = _destination(values, row, calendar, root, csv_path, to)
        if problem:
            result.problems.append(problem)
            continue
        old_line = values.get("calendar line", "").strip()
        same_file = bool(values.get("calendar file", "").strip()) and to is None
        imported.append(_Imported(row, destination, int(old_line) if old_line.isdigit() and same_file else None))

    destinations = {item.destination for item in imported}
    # Rows of calendar files the import leaves alone still count for duplicate slugs.
    kept: list[Row] = []
    for path in sorted(Path(calendar).glob("*.md")):
        if path.resolve() not in destinations:
            tables, _ = parse_calendar_text(path.read_text(encoding="utf-8"), display(path, root))
            kept += [row for table in tables for row in table.rows]
    problems = check_rows(kept + [item.row for item in imported], vocabulary)
    result.problems += [p for p in problems if p.file == shown]
    if result.problems:
        return result
    for destination in sorted(destinations):
        rows = [item for item in imported if item.destination == destination]
        old = destination.read_text(encoding="utf-8") if destination.exists() else None
        new = _rewrite(old, rows, plan_columns, destination, root)
        if new == old:
            result.unchanged.append(destination)
            continue
        _write_text(destination, new)
        result.written.append((destination, len(rows)))
    return result


def _destination(values, row: Row, calendar: Path, root: Path, csv_path: Path, to: Path | None):
    if to is not None:
        return Path(to).resolve(), None
    named = values.get("calendar file", "").strip()
    if named:
        path = (root / named).resolve()
        if path.suffix != ".md" or not path.is_relative_to(Path(calendar).resolve()):
            return None, CalendarFinding(
                "calendar.import",
                "error",
                f"Calendar file {named!r} is not a .md file in {display(calendar, root)}/",
                "name a calendar file such as calendar/2026.md, or leave the cell empty",
                row.file,
                row.line,
            )
        return path, None
    match = re.match(r"\s*(\d{4})-\d{2}-\d{2}", values.get("date", ""))
    name = f"{match.group(1)}.md" if match else f"{csv_path.stem}.md"
    return (Path(calendar) / name).resolve(), None


def table_line(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _rewrite(old: str | None, rows: list[_Imported], plan_columns: list[str], destination: Path, root: Path) -> str:
    """The calendar file with its plan tables holding ``rows`` (prose and headings kept)."""
    newline = "\r\n" if old and "\r\n" in old else "\n"
    lines = split_lines(old) if old is not None else []
    tables = parse_calendar_text(old, display(destination, root))[0] if old is not None else []
    if not tables:
        heading = [] if lines and any(lines) else [f"# Editorial calendar {destination.stem}", ""]
        headers = list(COLUMNS) + [c for c in plan_columns if c.lower() not in {x.lower() for x in COLUMNS}]
        headers = _with_used_columns(headers, [i.row for i in rows], plan_columns)
        block = [table_line(headers), "|" + "|".join("---" for _ in headers) + "|"]
        block += [table_line(_cells(item.row, headers)) for item in rows]
        body = lines[:-1] if lines and lines[-1] == "" else lines
        gap = [""] if body and body[-1].strip() else []
        return newline.join(heading + body + gap + block) + newline
    placed: dict[int, list[_Imported]] = {index: [] for index in range(len(tables))}
    for item in rows:
        index = next(
            (k for k, t in enumerate(tables) if item.old_line and t.line < item.old_line <= t.end_line),
            len(tables) - 1,
        )
        placed[index].append(item)
    for index in range(len(tables) - 1, -1, -1):
        table = tables[index]
        headers = _with_used_columns(list(table.headers), [i.row for i in placed[index]], plan_columns)
        if headers == table.headers:
            block = [lines[table.line - 1], table.delimiter_line]
        else:
            block = [table_line(headers), "|" + "|".join("---" for _ in headers) + "|"]
        originals = {row.line: row for row in table.rows}
        for item in placed[index]:
            cells = _cells(item.row, headers)
            before = originals.get(item.old_line) if item.old_line else None
            if headers == table.headers and before is not None and list(before.cells.values()) == cells:
                block.append(table.source_lines[before.line])
            else:
                block.append(table_line(cells))
        lines[table.line - 1 : table.end_line] = block
    return newline.join(lines)


def _with_used_columns(headers: list[str], rows: list[Row], plan_columns: list[str]) -> list[str]:
    """``headers`` plus any CSV column some of these rows fill in."""
    have = {h.lower() for h in headers}
    for column in plan_columns:
        if column.lower() not in have and any(row.cells.get(column) for row in rows):
            headers.append(column)
            have.add(column.lower())
    return headers


def _cells(row: Row, headers: list[str]) -> list[str]:
    by_name = {header.lower(): value for header, value in row.cells.items()}
    return [by_name.get(header.lower(), "") for header in headers]


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)

