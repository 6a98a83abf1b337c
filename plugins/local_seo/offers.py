"""Offer data for landing pages: ``Price`` (``34`` or a range ``34-68``) and friends.

Landing-page metadata read here (plugins/landing owns the page itself)::

    Offer: Holiday cakes baked to order, 10% off before December 10
    Price: 34-68                 one price, or the lowest and highest
    Price_currency: USD          default LOCAL_BUSINESS['currency']
    Offer_valid_from: 2026-11-01
    Offer_valid_through: 2026-12-20   default: Expires
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from contract.sources import metadata_line, project_path

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfferInfo:
    name: str
    low: Decimal
    high: Decimal | None  # None: one price
    currency: str
    valid_from: str  # ISO date or ""
    valid_through: str


def _amount(text: str) -> Decimal:
    value = Decimal(text.strip().lstrip("$€£").replace(",", ""))
    if value < 0 or not value.is_finite():
        raise InvalidOperation
    return value


def read_offer(page, settings, default_currency: str) -> OfferInfo | None:
    """The page's OfferInfo when it has a Price; logs ``file:line: problem; fix`` when it is wrong."""
    meta = page.metadata
    if not meta.get("price"):
        return None
    where = project_path(page.source_path, settings)
    problems = []
    raw = str(meta["price"]).strip()
    low_text, dash, high_text = raw.partition("-")
    low = high = None
    try:
        low = _amount(low_text)
        high = _amount(high_text) if dash else None
        if high is not None and high <= low:
            problems.append(("price", f"Price {raw!r}: the highest price must be above the lowest; write e.g. '34-68'"))
    except InvalidOperation:
        problems.append(("price", f"Price {raw!r} is not an amount or a range; write e.g. 'Price: 42' or 'Price: 34-68'"))
    currency = str(meta.get("price_currency") or default_currency).strip()
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        problems.append(("price_currency", f"currency {currency!r} is not an ISO 4217 code; add 'Price_currency: USD'"))
    dates = {}
    for key in ("offer_valid_from", "offer_valid_through"):
        value = meta.get(key) or (meta.get("expires") if key == "offer_valid_through" else None)
        if not value:
            dates[key] = ""
            continue
        try:
            dates[key] = dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
        except ValueError:
            problems.append((key, f"{key.capitalize()} {value!r} is not a date; write YYYY-MM-DD"))
    for key, message in problems:
        logger.error("%s:%d: %s", where, metadata_line(page.source_path, key), message)
    if problems:
        return None
    return OfferInfo(str(meta.get("offer") or ""), low, high, currency, dates["offer_valid_from"],
                     dates["offer_valid_through"])
