"""Bibliographic formatting: one consistent French style, and the CSL-JSON export.

Input is a work in CSL-JSON fields (as written in ``docs/bibliographie.md``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as etree

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
NBSP = "\u00a0"
# CSL fields we keep in the export; the rest (group, archive-year) is the edition's own.
PRIVATE_FIELDS = {"group", "archive-year"}
CONTAINED = {"article-journal", "article-magazine", "article-newspaper", "chapter",
             "post-weblog", "webpage", "entry-encyclopedia", "paper-conference"}


def french_date(issued) -> str:
    """``{date-parts: [[2018, 11]]}`` → ``novembre 2018``; ``[[2022, 3, 17]]`` → ``17 mars 2022``."""
    if not isinstance(issued, dict):
        return str(issued or "")
    if issued.get("literal"):
        return str(issued["literal"])
    parts = (issued.get("date-parts") or [[]])[0]
    parts = [int(p) for p in parts if p not in (None, "")]
    if not parts:
        return ""
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[parts[1] - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = "1er" if parts[2] == 1 else str(parts[2])
    return f"{day} {month} {parts[0]}"


def year_of(work: dict) -> str:
    parts = ((work.get("issued") or {}).get("date-parts") or [[None]])[0]
    return str(parts[0]) if parts and parts[0] else ""


def _names(people) -> list[tuple[str, str]]:
    out = []
    for p in people or []:
        if isinstance(p, dict):
            out.append((str(p.get("family") or p.get("literal") or ""), str(p.get("given") or "")))
        else:
            out.append((str(p), ""))
    return out


def _text(parent: etree.Element, text: str) -> None:
    """Append text at the end of parent (after its last child)."""
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _el(parent, tag, text="", **attrs):
    el = etree.SubElement(parent, tag, {k.replace("_", "-") if k != "class_" else "class": v for k, v in attrs.items()})
    el.text = text
    return el


def format_work(work: dict, archive_url: str) -> etree.Element:
    """Return ``<span class="ed-biblio">`` holding the formatted reference."""
    root = etree.Element("span", {"class": "ed-biblio"})
    names = _names(work.get("author")) or _names(work.get("editor"))
    for i, (family, given) in enumerate(names):
        if i:
            _text(root, " et " if i == len(names) - 1 else ", ")
        _el(root, "span", family, class_="ed-sc")
        if given:
            _text(root, f" {given}")
    if work.get("editor") and not work.get("author"):
        _text(root, " (dir.)")
    if names:
        _text(root, ", ")
    title = str(work["title"])
    wtype = work.get("type", "")
    if wtype in CONTAINED or wtype in ("interview", "speech", "legal_case"):
        if wtype == "legal_case":
            _text(root, title)
        else:
            _text(root, f"«{NBSP}{title}{NBSP}»")
        container = work.get("container-title")
        if container:
            _text(root, ", ")
            _el(root, "cite", str(container))
    else:
        cite = _el(root, "cite", title)
        lang = str(work.get("language") or "")
        if lang and not lang.startswith("fr"):
            cite.set("lang", lang)
    pieces = []
    for key, fmt in (("genre", "{}"), ("event", "{}"), ("authority", "{}"),
                     ("collection-title", f"coll. «{NBSP}{{}}{NBSP}»"), ("volume", f"vol.{NBSP}{{}}"),
                     ("issue", f"n°{NBSP}{{}}"), ("number", "{}"), ("publisher-place", "{}"),
                     ("publisher", "{}"), ("event-place", "{}")):
        if work.get(key):
            pieces.append(fmt.format(work[key]))
    date = french_date(work.get("issued"))
    if date:
        pieces.append(date)
    if work.get("page"):
        pieces.append(f"p.{NBSP}{work['page']}")
    if work.get("number-of-pages"):
        pieces.append(f"{work['number-of-pages']}{NBSP}p.")
    if work.get("ISBN"):
        pieces.append(f"ISBN{NBSP}{work['ISBN']}")
    if pieces:
        _text(root, ", " + ", ".join(pieces))
    _text(root, ".")
    if work.get("URL"):
        _text(root, " ")
        link = _el(root, "a", str(work["URL"]), href=str(work["URL"]))
        if work.get("archive-year"):
            link.set("data-archive", str(work["archive-year"]))
    if work.get("note"):
        _text(root, " ")
        _el(root, "span", str(work["note"]), class_="ed-biblio__note")
    return root


def csl_json(works: list[dict]) -> str:
    """The works as CSL-JSON (what Zotero imports), deterministic."""
    clean = [{k: v for k, v in w.items() if k not in PRIVATE_FIELDS} for w in works]
    return json.dumps(clean, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
