"""Rendering emails: Jinja2 templates from the theme, CSS inlined, UTM on every own link.

Templates live in ``<theme>/templates/email/``: ``issue.html``/``issue.txt`` for
the newsletter, ``sequence.html``/``sequence.txt`` for sequence emails, both
extending ``base.html``/``base.txt``; ``email.css`` is inlined into style
attributes with css-inline, because many mail clients drop <style>.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import quote

import css_inline
import jinja2

from .errors import InputError
from .settings import Site
from .utm import tag_html, tag_text

TEMPLATE_FOLDER = "email"


@dataclass
class Rendered:
    subject: str
    html: str
    text: str


class Renderer:
    def __init__(self, site: Site):
        self.site = site
        folder = site.theme / "templates" / TEMPLATE_FOLDER
        if not folder.is_dir():
            raise InputError(f"{folder}: no email templates; the theme needs templates/{TEMPLATE_FOLDER}/")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder)),
            autoescape=jinja2.select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
        self.hosts = {site.domain.lower(), *(h.lower() for h in site.newsletter["utm_domains"])}

    def render(self, name: str, context: dict, utm: dict, unsubscribe_url: str) -> Rendered:
        context = {**self.common(), **context, "unsubscribe_url": unsubscribe_url}
        try:
            markup = self.env.get_template(f"{name}.html").render(context)
            text = self.env.get_template(f"{name}.txt").render(context)
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None) or f"{name}.html"
            line = getattr(exc, "lineno", None)
            raise InputError(f"{where}:{line or 1}: email template error: {exc}") from None
        skip = {unsubscribe_url}
        markup = self.inliner.inline(tag_html(markup, utm, self.hosts, skip))
        text = tag_text(text, utm, self.hosts, skip)
        return Rendered(context["subject"], markup, text)

    def common(self) -> dict:
        business = self.site.business
        address = business.get("address") or {}
        city = " ".join(x for x in (address.get("region", ""), address.get("postal_code", "")) if x)
        city = ", ".join(x for x in (address.get("locality", ""), city) if x)
        lines = [
            business.get("legal_name") or business.get("name") or self.site.name,
            address.get("street", ""),
            city,
            address.get("country", ""),
        ]
        return {
            "site": {"name": self.site.name, "url": self.site.url + "/"},
            "business": business,
            "postal_address": [line for line in lines if line and line.strip()],
            "css": self._css(),
        }

    def _css(self) -> str:
        path = self.site.theme / "templates" / TEMPLATE_FOLDER / "email.css"
        return path.read_text(encoding="utf-8") if path.is_file() else ""


def sender(site: Site) -> str:
    value = site.newsletter["from"] or formataddr((site.name, site.business.get("email") or f"news@{site.domain}"))
    if "@" not in parseaddr(value)[1]:
        raise InputError(f"NEWSLETTER['from'] is {value!r}; expected 'Name <address@example.com>'")
    return value


def reply_to(site: Site) -> str:
    return site.newsletter["reply_to"] or site.business.get("email") or parseaddr(sender(site))[1]


def unsubscribe_links(site: Site, subscriber) -> tuple[str, str]:
    """(https URL for one-click unsubscribe, mailto: URL), both for this subscriber."""
    url = site.newsletter["unsubscribe_url"]
    if not url:
        raise InputError(
            "NEWSLETTER['unsubscribe_url'] is not set; set it to an https URL that accepts POST "
            "(RFC 8058 one-click unsubscribe), e.g. 'https://example.com/unsubscribe?s={token}'"
        )
    https = url.replace("{token}", subscriber.key).replace("{email}", quote(subscriber.email, safe=""))
    target = site.newsletter["unsubscribe_mailto"] or site.business.get("email") or parseaddr(sender(site))[1]
    mailto = f"mailto:{target}?subject={quote('unsubscribe ' + subscriber.key)}"
    return https, mailto


def build_message(site: Site, rendered: Rendered, subscriber, message_id: str, now: dt.datetime) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML) with the list headers."""
    https, mailto = unsubscribe_links(site, subscriber)
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = sender(site)
    msg["To"] = subscriber.display
    msg["Reply-To"] = reply_to(site)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    msg["List-Id"] = f"{site.name} <newsletter.{site.domain}>"
    msg["List-Unsubscribe"] = f"<{https}>, <{mailto}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg
