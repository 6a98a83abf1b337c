"""Rendering emails: Jinja2 templates from the theme, CSS inlined, UTM on every own link.

Templates live in ``<theme>/templates/email/``: ``issue.html``/``issue.txt`` for
the newsletter, ``sequence.html``/``sequence.txt`` for sequence emails, both
extending ``base.html``/``base.txt``; ``email.css`` is inlined into style
attributes with css-inline, because many mail clients drop <style>.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email.policy
import re
import secrets
from dataclasses import dataclass
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP
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


class _UrlListHeader(UnstructuredHeader):
    """List-Unsubscribe as RFC 2369 wants it: ``<URL>, <URL>``, folded between the URLs only.

    The email package's folding turns a line it cannot break (a long URL) into RFC 2047
    encoded words, which mail clients do not decode in this header.
    """

    def fold(self, *, policy):
        parts = re.split(r"(?<=>),\s*(?=<)", str(self))
        folded = url_list_header(self.name, parts, policy.linesep, policy.max_line_length)
        return folded if folded is not None else super().fold(policy=policy)


def url_list_header(name: str, parts: list[str], linesep: str, max_line_length: int | None) -> str | None:
    """``name: <URL>, <URL>`` on one line, or folded between the URLs; None when a part is not
    plain printable ASCII (then the email package's folding applies)."""
    if not all(_HEADER_WORD.fullmatch(part) for part in parts):
        return None
    line = f"{name}: {', '.join(parts)}"
    if len(line) <= (max_line_length or 998):
        return line + linesep
    return f"{name}: " + f",{linesep} ".join(parts) + linesep


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _UrlListHeader)
POLICY = email.policy.default.clone(header_factory=_HEADERS)


def build_message(site: Site, rendered: Rendered, subscriber, message_id: str, now: dt.datetime) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML) with the list headers."""
    https, mailto = unsubscribe_links(site, subscriber)
    msg = EmailMessage(policy=POLICY)
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


# --- one edition, many readers ---------------------------------------------------------------
#
# Rendering, CSS inlining and UTM tagging cost milliseconds per message, and every reader of an
# edition gets the same markup except for three values: the greeting (their name), and their key
# and address in the unsubscribe URL. ``Edition`` renders once with placeholders in their place,
# splits the result at the placeholders and, for each reader, joins the parts with that reader's
# values, escaped for where each placeholder stands. ``Edition.matches`` checks the result against
# the ordinary per-reader rendering (a template that transforms the greeting, e.g. ``|upper``,
# shows there), and the newsletter falls back to ``build_message`` for an edition that differs.

# html5ever (css-inline's serialiser) escapes &, \xa0, < and > in text and &, \xa0 and " in
# attribute values; a reader's value gets all five escaped wherever it stands, so it can never
# end a text run or an attribute value early.
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "\xa0": "&nbsp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape_html(value: str) -> str:
    return value.translate(_HTML_ESCAPES)


class Placeholders:
    """Random markers for the per-reader values: letters and digits only, so no escaping,
    inlining or URL quoting changes them, and mixed case, so a template filter that does shows."""

    def __init__(self):
        salt = secrets.token_hex(8)
        self.greeting = f"Gr{salt}Ee"
        self.key = f"Ky{salt}Ee"
        self.email = f"Em{salt}Ee"
        self.pattern = re.compile(f"({self.greeting}|{self.key}|{self.email})")

    def unsubscribe_url(self, site: Site) -> str:
        return site.newsletter["unsubscribe_url"].replace("{token}", self.key).replace("{email}", self.email)


class _Parts:
    """A rendered body cut at the placeholders: literal text, then slots to fill."""

    def __init__(self, text: str, marks: Placeholders, escape):
        names = {marks.greeting: "greeting", marks.key: "key", marks.email: "email"}
        pieces = marks.pattern.split(text)
        self.literals = pieces[0::2]
        self.slots = [names[p] for p in pieces[1::2]]
        self.escape = escape

    def fill(self, values: dict[str, str]) -> str:
        out = [self.literals[0]]
        escape = self.escape
        for name, literal in zip(self.slots, self.literals[1:], strict=True):
            out.append(escape(values[name]) if escape else values[name])
            out.append(literal)
        return "".join(out)


def _crlf(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return text.replace("\n", "\r\n")


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _qp(text: str) -> bytes:
    """Quoted-printable body (binascii's C encoder), CRLF lines, 76 characters at most."""
    return binascii.b2a_qp(_crlf(text).encode("utf-8"), quotetabs=False, istext=True, header=False)


def _fold(name: str, value: str) -> bytes:
    """One header as the email package writes it for SMTP (encoded words, folded lines)."""
    return SMTP.fold_binary(name, SMTP.header_store_parse(name, value)[1])


# Printable ASCII without spaces, short enough for one header line (998 at most).
_HEADER_WORD = re.compile(r"[!-~]{1,900}")
_ATEXT_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*")


def _to_header(display_name: str, address: str) -> bytes:
    if display_name and _ATEXT_NAME.fullmatch(display_name):
        line = f"To: {display_name} <{address}>\r\n" if display_name.strip() == display_name else None
        if line and len(line) <= 80:
            return line.encode("ascii")
    if not display_name:
        line = f"To: {address}\r\n"
        if len(line) <= 80:
            return line.encode("ascii")
    return _fold("To", formataddr((display_name, address)))


class Edition:
    """One issue edition, rendered once, and the message bytes of each reader's copy."""

    def __init__(self, site: Site, rendered: Rendered, marks: Placeholders, now: dt.datetime):
        self.site = site
        self.html = _Parts(rendered.html, marks, escape_html)
        self.text = _Parts(rendered.text, marks, None)
        # Quoted-printable never writes "==" (a literal "=" is "=3D"), so no body line can
        # look like this boundary.
        boundary = f"==============={secrets.randbelow(10**19):019d}==".encode("ascii")
        self.head = _fold("Subject", rendered.subject) + _fold("From", sender(site))
        self.middle = _fold("Reply-To", reply_to(site)) + _fold("Date", format_datetime(now))
        self.list_id = _fold("List-Id", f"{site.name} <newsletter.{site.domain}>")
        self.tail = (
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/alternative;\r\n boundary="' + boundary + b'"\r\n\r\n'
        )
        part = (b"--" + boundary + b'\r\nContent-Type: text/%s; charset="utf-8"\r\n'
                b"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        self.text_head = part % b"plain"
        self.html_head = b"\r\n" + part % b"html"
        self.end = b"\r\n--" + boundary + b"--\r\n"

    def bodies(self, greeting: str, subscriber) -> tuple[str, str]:
        """(html, text) of ``subscriber``'s copy."""
        values = {"greeting": greeting, "key": subscriber.key, "email": quote(subscriber.email, safe="")}
        return self.html.fill(values), self.text.fill(values)

    def message(self, greeting: str, subscriber, message_id: str) -> bytes:
        """``subscriber``'s copy, ready for SMTP: the same headers and parts as ``build_message``."""
        html_body, text_body = self.bodies(greeting, subscriber)
        https, mailto = unsubscribe_links(self.site, subscriber)
        # Written out, never as encoded words: RFC 2369 readers look for <URL> here.
        unsubscribe = url_list_header("List-Unsubscribe", [f"<{https}>", f"<{mailto}>"], "\r\n", SMTP.max_line_length)
        unsubscribe = unsubscribe.encode("ascii") if unsubscribe else _fold("List-Unsubscribe", f"<{https}>, <{mailto}>")
        mid = f"Message-ID: {message_id}\r\n"
        mid = mid.encode("ascii") if _HEADER_WORD.fullmatch(message_id) else _fold("Message-ID", message_id)
        return b"".join(
            [
                self.head,
                _to_header(subscriber.display_name, subscriber.email),
                self.middle,
                mid,
                self.list_id,
                unsubscribe,
                self.tail,
                self.text_head,
                _qp(text_body),
                self.html_head,
                _qp(html_body),
                self.end,
            ]
        )

    def matches(self, message: EmailMessage, greeting: str, subscriber, message_id: str) -> bool:
        """Whether this edition's copy for ``subscriber`` says what ``message`` (from build_message) says."""
        fast = email.message_from_bytes(self.message(greeting, subscriber, message_id), policy=SMTP)
        for name in ("Subject", "From", "To", "Reply-To", "Date", "Message-ID", "List-Id", "List-Unsubscribe",
                     "List-Unsubscribe-Post", "MIME-Version"):
            if str(fast[name]) != str(message[name]):
                return False
        if fast.get_content_type() != message.get_content_type():
            return False
        for kind in ("plain", "html"):
            ours, theirs = fast.get_body((kind,)), message.get_body((kind,))
            if ours is None or theirs is None or _lf(ours.get_content()) != _lf(theirs.get_content()):
                return False
        return True

