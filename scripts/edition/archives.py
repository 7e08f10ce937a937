"""One archived copy per web address, for the whole edition.

Every external link gets a twin on web.archive.org (``…/web/AAAA/adresse``). The year of
that copy belongs to the address, not to the page that cites it: it is written in the
``sources:`` of a page (``year:``), in the bibliography (``archive-year:``) or, for a page
without ``sources`` (the text), on the link itself (``{data-archive="AAAA"}``); every other
link to the same address inherits it. The catalog refuses:

- two different years for one address anywhere in the edition (the second place is named);
- a year earlier than the source's own date, when the edition knows it (``date:`` of a
  source, ``issued`` of a work): a copy cannot be older than the page it keeps;
- a link whose address has no year anywhere.

Each refusal is one :class:`~edition.content.EditionError` (``file:line: message``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .content import EditionError

DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass
class Declared:
    year: str
    where: str  # docs/… path
    line: int | None


def date_year(value) -> int | None:
    """The year of a source's date (``2018``, ``2018-02``, ``2018-02-06``, a YAML date, or
    CSL ``{"date-parts": [[2018, 2, 6]]}``); None when unknown."""
    if isinstance(value, dict):
        parts = (value.get("date-parts") or [[None]])[0]
        return int(parts[0]) if parts and str(parts[0]).isdigit() else None
    if isinstance(value, (datetime.date, int)):
        return value.year if isinstance(value, datetime.date) else value
    m = DATE.fullmatch(str(value or "").strip())
    return int(m.group(1)) if m else None


class Archives:
    """The archive year of each address, as declared once (or consistently) in the edition."""

    def __init__(self, fail):
        self.fail = fail
        self.years: dict[str, Declared] = {}
        self.dates: dict[str, tuple[int, str, str, int | None]] = {}  # url -> (year, as written, where, line)
        self.undated: list[tuple[str, str, int | None]] = []

    def declare(self, url: str, year, where: str, line: int | None, hint: str) -> None:
        year = str(year)
        first = self.years.get(url)
        if first is None:
            self.years[url] = Declared(year, where, line)
        elif first.year != year:
            place = f"{first.where}:{first.line}" if first.line else first.where
            self.fail(EditionError(where, line,
                                   f"l’adresse {url} a déjà une copie archivée de {first.year} ({place}) : une adresse "
                                   f"n’a qu’une copie archivée dans toute l’édition ; {hint.format(year=first.year)}"))

    def date(self, url: str, value, where: str, line: int | None) -> None:
        year = date_year(value)
        if year is not None and url not in self.dates:
            shown = value if isinstance(value, str) else (
                value.isoformat() if isinstance(value, datetime.date) else str(year))
            self.dates[url] = (year, str(shown), where, line)

    def use(self, url: str, year: str | None, where: str, line: int | None) -> None:
        """A link in a page's body: with its own year (a declaration), or inheriting one."""
        if year:
            self.declare(url, year, where, line,
                         "écrivez {year} ici aussi, ou retirez {{data-archive=…}} : le lien hérite de l’année déclarée")
        else:
            self.undated.append((url, where, line))

    def year(self, url: str) -> str | None:
        found = self.years.get(url)
        return found.year if found else None

    def finish(self) -> None:
        """Once every source is read: links without any year, copies older than their source."""
        for url, where, line in self.undated:
            if url not in self.years:
                self.fail(EditionError(where, line,
                                       f"lien externe sans archive : ajoutez {{data-archive=\"AAAA\"}} après le lien vers {url}"))
        for url, declared in self.years.items():
            if url in self.dates and int(declared.year) < self.dates[url][0]:
                source_year, shown, _, _ = self.dates[url]
                self.fail(EditionError(declared.where, declared.line,
                                       f"copie archivée de {declared.year} pour {url}, antérieure à la source elle-même "
                                       f"(datée {shown}) : choisissez une année d’archive égale ou postérieure "
                                       f"({source_year} ou après)"))
