"""The calendar's tools: stub posts for planned rows, and a spreadsheet (CSV) back into calendar tables.

* ``new_stubs`` writes ``content/posts/<slug>.md`` (Status: draft, the row's
  plan fields) for each row that has no post yet. It never overwrites or
  touches an existing file (files are created with exclusive mode).
* ``import_csv`` reads a CSV export (reports/calendar.csv edited in a
  spreadsheet, or any sheet with the plan's columns) and adds or updates its
  rows in calendar/*.md tables. A row updates the calendar row with its slug
  (in its "Calendar file", else wherever the calendar has that slug); other
  rows are added. Rows the CSV does not name stay, unless ``prune`` asks to
  delete them (from the files the CSV writes to; each is reported). The
  derived columns of the export are dropped, the ``'`` before formula-like
  cells is taken off. Unchanged rows keep their line exactly as written,
  prose and headings stay, so export -> import changes nothing. Every row is
  checked like the build checks the calendar; with any error nothing is written.

No Pelican needed: ``python -m mainstreet calendar`` calls these.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from contract.files import atomic_write
from contract.manifest import CalendarFinding, Manifest
from contract.spreadsheet import unsafe_cell

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
class FileImport:
    """What an import did to one calendar file."""

    path: Path
    added: int = 0  # CSV rows the file did not have
    updated: int = 0  # rows of the file the CSV changed
    unchanged: int = 0  # rows of the file the CSV has as they are
    kept: int = 0  # rows of the file the CSV does not name, left as written
    removed: list[Row] = field(default_factory=list)  # rows the CSV does not name, deleted (--prune)
    written: bool = False


@dataclass
class ImportResult:
    files: list[FileImport] = field(default_factory=list)
    skipped: int = 0  # posts not in the plan (State "unplanned", no Status)
    problems: list[CalendarFinding] = field(default_factory=list)


@dataclass
class _Imported:
    row: Row
    destination: Path
    old_line: int | None  # where the export says the row was in its calendar file
    match: Row | None = None  # the row of the calendar file it updates


@dataclass
class _CalendarFile:
    text: str
    tables: list
    rows: list[Row]


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, cells) of a CSV file; comma, semicolon or tab separated.

    The ``'`` that reports/calendar.csv puts before a formula-like cell
    (contract.spreadsheet.safe_cell) is taken off again.
    """
    text = path.read_text(encoding="utf-8-sig")
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is guessed: the rest is the spreadsheet convention (a quote in a
    # quoted cell is written twice), which a header line without quotes cannot show.
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    header = next(reader, [])
    records = []
    for cells in reader:
        records.append((reader.line_num, [unsafe_cell(cell) for cell in cells]))
    return [unsafe_cell(h.strip()) for h in header], records


def _cell(value: str) -> str:
    """A spreadsheet cell as a table cell: line breaks become <br>, outer spaces go."""
    return re.sub(r"\r\n|\r|\n", "<br>", value).strip()


def _read_calendar(
    calendar: Path, root: Path, vocabulary: Vocabulary, result: ImportResult, to: Path | None
) -> dict[Path, _CalendarFile]:
    """Every calendar/*.md (and the --to file) as it is now, its rows' slugs read.

    The rows' own mistakes are the build's to report; a file that cannot be read
    is a problem, since the import could not merge into it.
    """
    files: dict[Path, _CalendarFile] = {}
    paths = sorted(p for p in Path(calendar).glob("*.md") if p.is_file())
    if to is not None and Path(to).is_file() and Path(to).resolve() not in {p.resolve() for p in paths}:
        paths.append(Path(to))
    for path in paths:
        shown = display(path, root)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(
                CalendarFinding(
                    "calendar.file",
                    "error",
                    f"could not read this file ({exc})",
                    "save it as UTF-8 text; the import must read every calendar file to merge rows",
                    shown,
                )
            )
            continue
        tables, _ = parse_calendar_text(text, shown)
        files[path.resolve()] = _CalendarFile(text, tables, [row for table in tables for row in table.rows])
    check_rows([row for file in files.values() for row in file.rows], vocabulary)
    return files


def import_csv(
    csv_path: Path,
    calendar: Path,
    root: Path,
    vocabulary: Vocabulary,
    to: Path | None = None,
    prune: bool = False,
) -> ImportResult:
    """Add and update the rows of ``csv_path`` in calendar/*.md tables (see the module docstring).

    A CSV row updates the row of its calendar file with the same slug (or, when
    its slug changed, the row at its ``Calendar line``); other CSV rows are
    added. Rows the CSV does not name stay, unless ``prune``: then they are
    removed from each file the CSV writes to, and listed in ``FileImport.removed``.
    """
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
    existing = _read_calendar(calendar, root, vocabulary, result, to)
    if result.problems:
        return result
    slug_home: dict[str, Path] = {}
    for path, file in existing.items():
        for row in file.rows:
            if row.slug:
                slug_home.setdefault(row.slug, path)
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
        check_rows([row], vocabulary)  # reads its slug; its mistakes are reported below, with the others
        destination, problem = _destination(values, row, calendar, root, csv_path, to, slug_home)
        if problem:
            result.problems.append(problem)
            continue
        old_line = values.get("calendar line", "").strip()
        same_file = bool(values.get("calendar file", "").strip()) and to is None
        imported.append(_Imported(row, destination, int(old_line) if old_line.isdigit() and same_file else None))

    destinations = sorted({item.destination for item in imported})
    claimed: set[int] = set()  # id() of the calendar rows some CSV row updates
    for destination in destinations:
        file = existing.get(destination)
        items = [item for item in imported if item.destination == destination]
        if file is not None:
            _match(items, file.rows, claimed)
    # Every row that stays counts for duplicate slugs, in the files the import writes and the others.
    staying = [
        row
        for path, file in existing.items()
        for row in file.rows
        if id(row) not in claimed and not (prune and path in destinations)
    ]
    problems = check_rows(staying + [item.row for item in imported], vocabulary)
    result.problems += [p for p in problems if p.file == shown]
    if result.problems:
        return result
    for destination in destinations:
        items = [item for item in imported if item.destination == destination]
        file = existing.get(destination)
        change = FileImport(destination)
        new = _rewrite(file, items, plan_columns, destination, root, prune, change)
        if file is None or new != file.text:
            _write_text(destination, new)
            change.written = True
        result.files.append(change)
    return result


def _match(items: list[_Imported], rows: list[Row], claimed: set[int]) -> None:
    """Pair each CSV row with the calendar row it updates: same slug first, else its old line."""
    by_slug: dict[str, Row] = {}
    for row in rows:
        if row.slug:
            by_slug.setdefault(row.slug, row)
    by_line = {row.line: row for row in rows}
    csv_slugs = {item.row.slug for item in items if item.row.slug}
    for item in items:
        row = by_slug.get(item.row.slug)
        if row is not None and id(row) not in claimed:
            item.match = row
            claimed.add(id(row))
    for item in items:
        if item.match is not None or item.old_line is None:
            continue
        row = by_line.get(item.old_line)
        # A renamed slug: the export's line still holds the row, unless another CSV row names it.
        if row is not None and id(row) not in claimed and row.slug not in csv_slugs:
            item.match = row
            claimed.add(id(row))


def _destination(values, row: Row, calendar: Path, root: Path, csv_path: Path, to: Path | None, slug_home):
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
    if row.slug in slug_home:  # a row the calendar has already: update it where it is
        return slug_home[row.slug], None
    match = re.match(r"\s*(\d{4})-\d{2}-\d{2}", values.get("date", ""))
    name = f"{match.group(1)}.md" if match else f"{csv_path.stem}.md"
    return (Path(calendar) / name).resolve(), None


def table_line(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _pad(line: str, extra: int) -> str:
    """A table row as written, with ``extra`` empty cells for columns added to its table."""
    if not extra:
        return line
    text = line.rstrip()
    if not text.endswith("|") or text.endswith("\\|"):
        text += " |"
    return text + " |" * extra


def _rewrite(
    file: _CalendarFile | None,
    rows: list[_Imported],
    plan_columns: list[str],
    destination: Path,
    root: Path,
    prune: bool,
    change: FileImport,
) -> str:
    """The calendar file with ``rows`` added or updated (prose, headings and other rows kept)."""
    old = file.text if file is not None else None
    newline = "\r\n" if old and "\r\n" in old else "\n"
    lines = split_lines(old) if old is not None else []
    tables = file.tables if file is not None else []
    if not tables:
        heading = [] if lines and any(lines) else [f"# Editorial calendar {destination.stem}", ""]
        headers = list(COLUMNS) + [c for c in plan_columns if c.lower() not in {x.lower() for x in COLUMNS}]
        headers = _with_used_columns(headers, [i.row for i in rows], plan_columns)
        block = [table_line(headers), "|" + "|".join("---" for _ in headers) + "|"]
        block += [table_line(_cells(item.row, headers)) for item in rows]
        change.added = len(rows)
        body = lines[:-1] if lines and lines[-1] == "" else lines
        gap = [""] if body and body[-1].strip() else []
        return newline.join(heading + body + gap + block) + newline

    def table_of(line: int | None) -> int | None:
        return next((k for k, t in enumerate(tables) if line and t.line < line <= t.end_line), None)

    placed: dict[int, list[_Imported]] = {index: [] for index in range(len(tables))}
    for item in rows:
        index = table_of(item.match.line if item.match else item.old_line)
        placed[len(tables) - 1 if index is None else index].append(item)
    removed: list[Row] = []
    for index in range(len(tables) - 1, -1, -1):
        table = tables[index]
        headers = _with_used_columns(list(table.headers), [i.row for i in placed[index]], plan_columns)
        extra = len(headers) - len(table.headers)
        if not extra:
            block = [lines[table.line - 1], table.delimiter_line]
        else:
            block = [table_line(headers), "|" + "|".join("---" for _ in headers) + "|"]
        updates = {item.match.line: item for item in placed[index] if item.match is not None}
        originals = {row.line: row for row in table.rows}
        for number in range(table.line + 2, table.end_line + 1):
            source = lines[number - 1]
            item, before = updates.get(number), originals.get(number)
            if item is not None:
                cells = _cells(item.row, headers)
                if cells == list(before.cells.values()) + [""] * extra:
                    block.append(_pad(source, extra))
                    change.unchanged += 1
                else:
                    block.append(table_line(cells))
                    change.updated += 1
            elif before is not None and prune:
                removed.append(before)
            else:
                block.append(_pad(source, extra))
                change.kept += before is not None
        for item in placed[index]:
            if item.match is None:
                block.append(table_line(_cells(item.row, headers)))
                change.added += 1
        lines[table.line - 1 : table.end_line] = block
    change.removed = sorted(removed, key=lambda row: row.line)
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
    atomic_write(path, text, newline="")
