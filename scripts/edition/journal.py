"""The edition's « Journal des modifications », from the front matter of its page.

The page (mkdocs.yml ``extra.edition.journal``, ``journal.md``) lists the versions, newest
first; the first one is the current version of the edition — the only place where it is
written (the footer, « Citer », the PDF and the Atom feed read it from here)::

    versions:
      - version: "1.1"
        date: 2026-12-01
        resume: Corrections d’après une vérification de l’appareil critique.
        changements:
          - quoi: La chaire « Villes et numérique » avait quatre mécènes en 2017.
            pourquoi: La page de Sciences Po de 2017 nomme Cisco, La Poste, RTE et la Caisse des dépôts.
            lien: notes/1.md

The directive ``<!-- edition: journal -->`` in the page draws the list.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as etree

from .content import EditionError

NBSP = "\u00a0"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
VERSION = re.compile(r"\d+\.\d+(\.\d+)?")


def french_date(d: datetime.date) -> str:
    return f"{'1er' if d.day == 1 else d.day}{NBSP}{MONTHS[d.month - 1]} {d.year}"


def anchor(version: str) -> str:
    return "version-" + version.replace(".", "-")


def versions(catalog, page: str) -> list[dict]:
    """The page's versions, checked (one line per problem, through ``catalog.fail``)."""
    src = catalog.sources[page]
    raw = src.meta.get("versions")
    where, line = f"docs/{page}", src.meta_line("versions")

    def fail(message, at=None):
        catalog.fail(EditionError(where, at or line, message))

    if not isinstance(raw, list) or not raw:
        fail("« versions » manquant : la liste des versions de l’édition, la plus récente d’abord "
             "(version, date, resume, changements)")
        return []
    out, previous = [], None
    for i, v in enumerate(raw, 1):
        at = src.line_of(f"version: \"{v.get('version')}\"", line) if isinstance(v, dict) else line
        if not isinstance(v, dict) or not VERSION.fullmatch(str(v.get("version", ""))):
            fail(f"version n° {i} : « version » doit être un numéro comme \"1.1\" (entre guillemets)", at)
            return []
        if not isinstance(v.get("date"), datetime.date):
            fail(f"version {v['version']} : « date » doit s’écrire AAAA-MM-JJ", at)
            return []
        key = tuple(int(x) for x in str(v["version"]).split("."))
        if previous and (key >= previous[0] or v["date"] > previous[1]):
            fail(f"version {v['version']} : les versions vont de la plus récente à la plus ancienne", at)
            return []
        previous = (key, v["date"])
        for j, c in enumerate(v.get("changements") or [], 1):
            if not isinstance(c, dict) or not c.get("quoi") or not c.get("pourquoi"):
                fail(f"version {v['version']}, changement n° {j} : il faut « quoi » et « pourquoi » (et « lien »)", at)
                return []
            target = str(c.get("lien") or "").partition("#")[0]
            if target and target not in catalog.sources:
                fail(f"version {v['version']}, changement n° {j} : « lien » vise « {target} », qui n’existe pas : "
                     "donnez le chemin du fichier .md depuis docs/ (par exemple notes/1.md)", at)
                return []
        out.append(v)
    return out


def journal_list(catalog, page: str) -> list[etree.Element]:
    from .render import el, heading, link

    out = []
    for v in versions(catalog, page):
        out.append(heading(f"Version {v['version']} — {french_date(v['date'])}", anchor(str(v["version"]))))
        if v.get("resume"):
            out.append(el("p", " ".join(str(v["resume"]).split())))
        changes = v.get("changements") or []
        if changes:
            ul = el("ul", cls="ed-journal")
            for c in changes:
                li = el("li", parent=ul)
                el("strong", " ".join(str(c["quoi"]).split()), li).tail = f" {' '.join(str(c['pourquoi']).split())} "
                if c.get("lien"):
                    target = str(c["lien"])
                    title = catalog.sources[target.partition("#")[0]].title
                    link(page, target, f"Voir{NBSP}: {title}", li).tail = None
        out += [ul] if changes else []
    return out
