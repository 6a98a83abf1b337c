"""Every rule the audit knows: stable ID, default severity, what it checks, how to fix it.

The README's rules table, the SARIF rule list and the settings validation all
read this one catalogue. Severities can be changed (or a rule turned off) with
``SEO_AUDIT["rules"]``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str  # what is wrong, in a few words
    hint: str  # how to fix it, for a business owner
    online_only: bool = False
    needs: str = ""  # "external", "manifest", "calendar": only runs when that data exists

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]


_RULES = [
    # --- links -------------------------------------------------------------------------
    Rule("links.broken-internal", "error", "Link to a page or file that does not exist on the site",
         "Correct the address or restore the page. In Markdown, link to posts as {filename}/posts/<file>.md "
         "so the build checks the link for you."),
    Rule("links.broken-anchor", "warning", "Link to a section (#id) that is not on the target page",
         "Point the #part of the link at an id that exists on the target page (headings get ids from their "
         "text), or remove the #part."),
    Rule("links.orphan-page", "warning", "Page that no other page links to",
         "Link to it from a related post, its category or the menu: visitors and search engines find pages "
         "through links."),
    Rule("links.redirect-chain", "notice", "Link to an address that redirects",
         "Link straight to the final address: each redirect costs visitors time and search engines crawl budget."),
    Rule("links.broken-external", "error", "Link to another site that is broken", "Update the link to the page's "
         "new address, or remove it.", needs="external"),
    Rule("links.external-unverified", "warning", "External link that could not be verified",
         "Open the link in a browser: some sites (LinkedIn, X, rate-limited servers) refuse link checkers but "
         "work for people. Add the URL to SEO_AUDIT['external_ignore'] once you have checked it.",
         needs="external"),
    Rule("links.insecure-http", "warning", "http:// link on an https site",
         "Change the address to https:// (browsers warn about insecure pages and images)."),
    Rule("links.nofollow-internal", "warning", "rel=\"nofollow\" on a link to your own site",
         "Remove rel=\"nofollow\" from links to your own pages: it tells search engines not to pass on their value."),
    Rule("links.empty-anchor-text", "warning", "Link without any text",
         "Give the link words that say where it goes (or an alt text on its image, or an aria-label)."),
    Rule("links.too-many-links", "notice", "Page with very many links",
         "Trim menus, tag clouds and lists: a page with hundreds of links dilutes each one."),
    Rule("links.cluster-unlinked", "warning", "Topic cluster post and its pillar page do not link to each other",
         "Link the cluster post to its pillar page, and list the post on the pillar page.", needs="manifest"),
    Rule("links.internal-suggestion", "notice", "Page mentions another page's focus keyword without linking to it",
         "Turn the mention into a link to that page: internal links help readers and rankings.", needs="manifest"),
    # --- on-page -----------------------------------------------------------------------
    Rule("onpage.title-missing", "error", "Page without a title",
         "Give the page a Title in its Markdown metadata (the theme turns it into the <title>)."),
    Rule("onpage.title-duplicate", "warning", "Several pages share one title",
         "Give each page its own title so search results tell them apart."),
    Rule("onpage.title-length", "warning", "Title too long or too short for search results",
         "Keep titles under about 600 px (roughly 55-60 characters) so Google does not cut them, and over "
         "30 characters so they say enough."),
    Rule("onpage.meta-description-missing", "warning", "Page without a meta description",
         "Add a Description to the page's metadata: one or two sentences that make a searcher click."),
    Rule("onpage.meta-description-duplicate", "warning", "Several pages share one meta description",
         "Write a description for each page that says what is on that page."),
    Rule("onpage.meta-description-length", "notice", "Meta description too long or too short",
         "Aim for 120-156 characters: shorter wastes the snippet, longer is cut off."),
    Rule("onpage.h1-missing", "warning", "Page without a main heading (h1)",
         "Give the page one <h1> that says what it is about (the theme prints the Title as h1)."),
    Rule("onpage.h1-multiple", "warning", "Page with more than one main heading (h1)",
         "Keep one h1 per page; make the other headings ## (h2) in Markdown."),
    Rule("onpage.heading-skip", "notice", "Heading levels skip a level (h2 followed by h4)",
         "Use heading levels in order (##, then ###) so screen readers and search engines see the outline."),
    Rule("onpage.canonical-missing", "warning", "Page without a canonical URL",
         "Give every page <link rel=\"canonical\"> with its own full address (the theme does this from "
         "PUBLIC_SITEURL)."),
    Rule("onpage.canonical-mismatch", "warning", "Canonical URL that points to a problem",
         "Point the canonical URL at the page itself, with the full https address, or at an existing, "
         "indexable page that has the same content."),
    Rule("onpage.img-alt-missing", "warning", "Image without alt text",
         "Describe the image in its alt text (![a sliced sourdough loaf](...) in Markdown); an empty alt=\"\" "
         "in the page's text counts as missing unless the image is marked as decoration (role=\"presentation\", "
         "aria-hidden=\"true\" or data-decorative)."),
    Rule("onpage.thin-content", "warning", "Page with very little text",
         "Add useful text (answers, details, examples), merge the page into a related one, or mark it Noindex."),
    Rule("onpage.lang-missing", "warning", "Page without a language (<html lang>)",
         "Set DEFAULT_LANG in pelicanconf.py (or the page's Lang): screen readers and search engines use it."),
    Rule("onpage.og-missing", "warning", "Page without social sharing tags (Open Graph)",
         "Give the page og:title, og:description, og:image and og:url (the theme adds them; set an Image or "
         "ONPAGE['default_image'])."),
    Rule("onpage.noindex-in-sitemap", "error", "Sitemap lists a page that asks not to be indexed",
         "Take the page out of the sitemap or remove its noindex: the two signals contradict each other."),
    # --- keywords ----------------------------------------------------------------------
    Rule("keywords.no-focus-keyword", "notice", "Page without a focus keyword",
         "Add a Keyword (focus keyphrase) to the page's metadata or its calendar row, then rebuild."),
    Rule("keywords.missing-in-title", "warning", "Focus keyword not in the title",
         "Put the focus keyword in the title, preferably near the start."),
    Rule("keywords.missing-in-h1", "warning", "Focus keyword not in the main heading (h1)",
         "Use the focus keyword in the page's main heading."),
    Rule("keywords.missing-in-description", "warning", "Focus keyword not in the meta description",
         "Mention the focus keyword in the Description: search engines bold it in the snippet."),
    Rule("keywords.missing-in-slug", "notice", "Focus keyword not in the URL",
         "Use the keyword's words in the Slug (only before publishing: changing a live URL needs a redirect)."),
    Rule("keywords.missing-in-intro", "warning", "Focus keyword not in the first paragraph",
         "Mention the focus keyword in the first paragraph so readers know at once they are in the right place."),
    Rule("keywords.missing-in-subheadings", "notice", "Focus keyword in none of the subheadings",
         "Use the focus keyword (or its words) in at least one ## subheading."),
    Rule("keywords.density-low", "warning", "Focus keyword used too rarely",
         "Use the focus keyword (and natural variants) a few more times in the text."),
    Rule("keywords.density-high", "warning", "Focus keyword used too often",
         "Use the focus keyword less often and vary the wording: repetition reads as keyword stuffing."),
    Rule("keywords.missing-in-img-alt", "notice", "Focus keyword in no image's alt text",
         "Where it describes the image honestly, use the focus keyword in an image's alt text."),
    Rule("keywords.cannibalization", "warning", "Two indexable pages target the same focus keyword",
         "Give each page its own focus keyword, or merge the pages and redirect one to the other."),
    # --- structured data ---------------------------------------------------------------
    Rule("schema.invalid-jsonld", "error", "Structured data (JSON-LD) that search engines cannot read",
         "Fix the JSON-LD block: it must be valid JSON with an @context of https://schema.org and an @type."),
    Rule("schema.missing-business", "warning", "No business (LocalBusiness/Organization) in the structured data",
         "Describe the business in JSON-LD on the home page (LOCAL_BUSINESS in pelicanconf.py with the "
         "local_seo plugin), so search engines show its address, hours and phone."),
    Rule("schema.nap-mismatch", "error", "Visible name, address or phone differs from the structured data",
         "Make the visible address block and the JSON-LD agree: render both from LOCAL_BUSINESS."),
    Rule("schema.nap-conflict", "warning", "Two businesses at one address with different phone numbers",
         "Give every JSON-LD business (LocalBusiness or a subtype) at the same postal address the same telephone "
         "(a location at the business's own shop takes LOCAL_BUSINESS's phone), or correct the address."),
    # --- sitemap and robots.txt --------------------------------------------------------
    Rule("sitemap.page-missing", "warning", "Indexable page not in the sitemap",
         "List every indexable page in sitemap.xml (the build does this; check the page is not Noindex or "
         "canonical to another page by mistake)."),
    Rule("sitemap.invalid", "error", "sitemap.xml that search engines cannot read",
         "Fix the sitemap so it is well-formed XML in the sitemaps.org format (the build writes a valid one)."),
    Rule("sitemap.unknown-url", "error", "Sitemap lists an address that is not a page of the site",
         "Remove the address from the sitemap or restore the page; a sitemap must list only live, indexable "
         "pages."),
    Rule("robots.missing", "notice", "Site without a robots.txt",
         "Publish a robots.txt (the build writes one) that allows the site and names the sitemap with a "
         "Sitemap: line; without one every page may be fetched and the sitemap must be found by guessing."),
    Rule("robots.blocks-page", "error", "robots.txt blocks an indexable page",
         "Remove the Disallow line that matches the page (ONPAGE['robots_disallow']), or mark the page Noindex "
         "if it should stay out of search."),
    Rule("url.filename-not-utf8", "warning", "File whose name is not UTF-8",
         "Rename the file with letters, digits and hyphens (e.g. cafe.html) and update the links to it: a "
         "name in another encoding cannot be written in an address, so browsers and search engines miss it."),
    # --- editorial calendar ------------------------------------------------------------
    Rule("calendar.keyword-unpublished", "notice", "Planned keyword without a published page",
         "Nothing to fix yet: the calendar plans this keyword; publish its post when it is due.",
         needs="calendar"),
    # --- content -----------------------------------------------------------------------
    Rule("content.stale-content", "notice", "Post not updated for a long time",
         "Re-read the post, refresh facts, prices and links, and set its Modified date."),
    Rule("content.readability", "notice", "Text that is hard to read",
         "Shorten long sentences and paragraphs and prefer the active voice."),
    # --- HTTP (online) -----------------------------------------------------------------
    Rule("http.4xx", "error", "Address answers with a client error (404, 410 ...)",
         "Restore the page or redirect its old address to the best current page.", online_only=True),
    Rule("http.5xx", "error", "Address answers with a server error",
         "Check the server or host: the page fails for visitors too.", online_only=True),
    Rule("http.redirect", "notice", "Address redirects",
         "Update links and the sitemap to the final address; keep the redirect for old bookmarks.",
         online_only=True),
    Rule("http.slow-response", "warning", "Slow server response",
         "Check hosting and caching: a slow first byte delays everything else on the page.", online_only=True),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
GROUPS = tuple(dict.fromkeys(rule.group for rule in _RULES))
