"""The crawl peer: advertools' crawl of a site over HTTP, following every internal link.

``python -m bench.crawl_peer URL OUT.jl`` crawls from URL (a loopback server of
the built site) and prints the number of pages it fetched.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m bench.crawl_peer URL OUT.jl", file=sys.stderr)
        return 2
    from urllib.parse import urlsplit

    import advertools as adv

    url, out = args
    # allowed_domains by host: Scrapy's offsite filter drops 127.0.0.1:PORT otherwise.
    adv.crawl(url, out, follow_links=True, allowed_domains=[urlsplit(url).hostname],
              custom_settings={"LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False})
    with open(out, encoding="utf-8") as fh:
        pages = sum(1 for line in fh if json.loads(line).get("status") == 200)
    print(f"pages: {pages}")
    return 0 if Path(out).stat().st_size else 1


if __name__ == "__main__":
    raise SystemExit(main())
