"""http.* (online only): error statuses, redirects and slow responses as the crawler saw them."""

from __future__ import annotations

from . import Context


def check(ctx: Context) -> None:
    site, limit = ctx.site, ctx.settings["slow_response_ms"]
    for page in site.pages.values():
        if page.error is not None:
            ctx.add("http.5xx", page, f"{page.path} could not be fetched: {page.error}.", value=page.error)
            continue
        if 400 <= page.status < 500:
            ctx.add("http.4xx", page, f"{page.path} answers HTTP {page.status}.", value=page.status)
        elif page.status >= 500:
            ctx.add("http.5xx", page, f"{page.path} answers HTTP {page.status}.", value=page.status)
        if page.response_ms is not None and page.response_ms > limit:
            ctx.add("http.slow-response", page,
                    f"{page.path} took {page.response_ms:.0f} ms to answer (more than {limit} ms).",
                    value=round(page.response_ms), limit=limit)
    for path, chain in sorted(site.redirects.items()):
        statuses = _statuses(site, chain)
        hops = len(chain) - 1
        ctx.add("http.redirect", path,
                f"{path} redirects{' through ' + str(hops) + ' hops' if hops > 1 else ''} ({statuses}) to {chain[-1]}.",
                severity="warning" if hops > 1 else None, target=site.url_for(chain[-1]), value=hops, file=None)


def _statuses(site, chain: list[str]) -> str:
    codes = [str(site.hop_status[hop]) for hop in chain[:-1] if hop in site.hop_status]
    return " → ".join(codes) if codes else "redirect"
