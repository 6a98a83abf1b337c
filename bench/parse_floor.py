"""The parse floor: read every HTML file of a built site and pull out what an audit needs first.

Title, meta description, h1 and every link's href, with selectolax (lexbor),
and nothing else: no rules, no reports. An audit cannot be faster than this,
so its distance from this floor shows how much the audit itself costs.

``python -m bench.parse_floor OUTPUT`` prints the number of pages read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser


def parse_site(folder: Path) -> int:
    pages = 0
    links = 0
    for path in sorted(folder.rglob("*.html")):
        tree = LexborHTMLParser(path.read_bytes())
        title = tree.css_first("title")
        description = tree.css_first('meta[name="description"]')
        h1 = tree.css_first("h1")
        _ = (
            title.text() if title else None,
            description.attributes.get("content") if description else None,
            h1.text() if h1 else None,
        )
        links += sum(1 for a in tree.css("a[href]") if a.attributes.get("href"))
        pages += 1
    return pages


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m bench.parse_floor OUTPUT_FOLDER", file=sys.stderr)
        return 2
    print(f"pages: {parse_site(Path(args[0]))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
