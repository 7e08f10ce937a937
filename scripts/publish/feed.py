"""The Atom feed of the « Journal des modifications » (issue 17).

After MkDocs: ``<journal page>/atom.xml`` (``site/journal/atom.xml``), one entry per version of
the journal's front matter (``versions``, newest first: the one source of the edition's
version), each with its changes and links to the pages concerned. Every page announces it in
its head (overrides/main.html, ``<link rel="alternate" type="application/atom+xml">``).
Dates are the journal's (no build time): two builds give the same bytes.
"""

from __future__ import annotations

import html
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

ATOM = "http://www.w3.org/2005/Atom"
FILE = "atom.xml"


def _url(site_url: str, path: str) -> str:
    """Public address of a docs-relative page (``notes/1.md#x`` → ``…/notes/1/#x``)."""
    page, _, frag = path.partition("#")
    page = page.removesuffix(".md")
    page = "" if page in ("index", "") else page.removesuffix("/index") + "/"
    return site_url + page + (f"#{frag}" if frag else "")


def feed(root: Path) -> tuple[str, bytes]:
    """(path of the feed inside the site, its bytes)."""
    sys.path.insert(0, str(Path(root) / "scripts"))
    from edition.journal import anchor, french_date
    from publish import edition_settings, front_matter, mkdocs_config

    config = mkdocs_config(root)
    ed = edition_settings(config)
    journal = str(ed.get("journal") or "")
    versions = front_matter(Path(root) / "docs" / journal).get("versions") if journal else None
    if not versions:  # an edition without a journal: no feed (its pages announce none)
        return "", b""
    site_url = str(config["site_url"]).rstrip("/") + "/"
    page_url = _url(site_url, journal)
    etree.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        node = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    def stamp(d) -> str:
        return f"{d.isoformat()}T00:00:00Z"

    top = etree.Element(f"{{{ATOM}}}feed", {"xml:lang": "fr"})
    sub(top, "id", page_url)
    sub(top, "title", f"{config['site_name']} — Journal des modifications")
    sub(top, "subtitle", "Les versions de l’édition et ses corrections, datées et sourcées.")
    sub(top, "updated", stamp(max(v["date"] for v in versions)))
    sub(top, "link", rel="self", type="application/atom+xml", href=page_url + FILE)
    sub(top, "link", rel="alternate", type="text/html", href=page_url)
    sub(sub(top, "author"), "name", str(config.get("site_author") or config["site_name"]))
    for v in versions:
        entry = sub(top, "entry")
        link = page_url + "#" + anchor(str(v["version"]))
        sub(entry, "id", link)
        sub(entry, "title", f"Version {v['version']} — {french_date(v['date'])}")
        sub(entry, "updated", stamp(v["date"]))
        sub(entry, "link", rel="alternate", type="text/html", href=link)
        summary = " ".join(str(v.get("resume") or "").split())
        if summary:
            sub(entry, "summary", summary)
        items = []
        for c in v.get("changements") or []:
            item = f"<strong>{html.escape(' '.join(str(c['quoi']).split()))}</strong> " + \
                html.escape(" ".join(str(c["pourquoi"]).split()))
            if c.get("lien"):
                item += f' <a href="{html.escape(_url(site_url, str(c["lien"])))}">Voir la page</a>'
            items.append(f"<li>{item}</li>")
        body = (f"<p>{html.escape(summary)}</p>" if summary else "") + (f"<ul>{''.join(items)}</ul>" if items else "")
        if body:
            sub(entry, "content", body, type="html")
    etree.indent(top)
    data = b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(top, encoding="utf-8", xml_declaration=False) + b"\n"
    rel = journal.removesuffix(".md")
    rel = "" if rel == "index" else rel.removesuffix("/index") + "/"
    return rel + FILE, data


def run(site: Path, root: Path) -> None:
    rel, data = feed(root)
    if not rel:
        print("  feed : pas de journal des modifications (extra.edition.journal) : pas de flux")
        return
    out = Path(site) / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
