"""Read the edition's sources: Markdown files with YAML front matter.

One job: turn ``docs/**/*.md`` into typed records (notes, glossary entries, names,
works), validating what the machinery needs, and raising :class:`EditionError`
with ``file:line: message`` for anything an editor must fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

try:  # MkDocs prints a BuildError as one line, without a traceback.
    from mkdocs.exceptions import BuildError as _Base
except Exception:  # pragma: no cover - outside MkDocs
    _Base = Exception


class EditionError(_Base):
    """A problem in the content, reported as ``path:line: message``."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


# libyaml's loader when available: same results, several times faster than the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
SECTIONS = {"glossaire": "glossaire", "noms": "nom", "notes": "note"}
KINDS = {"personne": "Personnes", "organisation": "Organisations", "lieu": "Lieux"}


@dataclass
class Source:
    """A Markdown file of the edition."""

    path: str  # posix path relative to docs/, e.g. "glossaire/csu.md"
    meta: dict
    body: str
    body_line: int  # 1-based line where the body starts in the file
    text: str  # the whole file

    @property
    def section(self) -> str | None:
        parts = PurePosixPath(self.path).parts
        if len(parts) == 2 and parts[0] in SECTIONS and parts[1] != "index.md":
            return SECTIONS[parts[0]]
        # A note of another text: ``textes/<slug>/notes/N.md`` (the notes of ``textes/<slug>.md``).
        if len(parts) > 2 and parts[-2] == "notes" and parts[-1] != "index.md":
            return "note"
        return None

    @property
    def slug(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def key(self) -> str:
        """Stable identifier of an entry or note: ``glossaire/csu``, ``notes/3``."""
        return self.path[:-3]

    def line_of(self, needle: str, default: int | None = None) -> int | None:
        """1-based line of the first occurrence of ``needle`` in the file."""
        pos = self.text.find(needle)
        if pos < 0:
            return default if default is not None else self.body_line
        return self.text.count("\n", 0, pos) + 1

    def link_line(self, href: str) -> int | None:
        """1-based line of a link to ``href`` in the body (not in the front matter)."""
        start = len(self.text) - len(self.body)
        for needle in (f"]({href}", f"<{href}>", f"]: {href}", href):
            pos = self.text.find(needle, start)
            if pos >= 0:
                return self.text.count("\n", 0, pos) + 1
        return self.line_of(href)

    def meta_line(self, name: str) -> int:
        m = re.search(rf"^{re.escape(name)}\s*:", self.text, re.M)
        return self.text.count("\n", 0, m.start()) + 1 if m else 1

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.slug)


@dataclass
class Work:
    """A bibliographic work (CSL-JSON fields) declared in bibliographie.md."""

    id: str
    data: dict
    line: int
    cited_by: list[str] = field(default_factory=list)


# What libyaml's usual complaints mean for an editor.
YAML_PROBLEMS = {
    "could not find expected ':'": "il manque « : » après le nom d’un champ (ou l’indentation est décalée)",
    "mapping values are not allowed": "un « : » de trop : si la valeur contient « : », mettez-la entre guillemets",
    "end of stream": "un guillemet ou un crochet n’est pas fermé",
    "expected ',' or ']'": "un crochet « [ » n’est pas fermé, ou une virgule manque entre deux éléments",
    "expected ',' or '}'": "une accolade « { » n’est pas fermée, ou une virgule manque entre deux éléments",
    "cannot start any token": "caractère interdit en début de valeur (tabulation, « @ », « ` ») : indentez avec des espaces, "
                              "mettez la valeur entre guillemets",
    "did not find expected key": "l’indentation est décalée : alignez les champs sur le même retrait",
    "expected <block end>": "l’indentation est décalée : alignez les champs sur le même retrait",
    "did not find expected '-'": "l’indentation est décalée : alignez les « - » de la liste",
}


def split_front_matter(text: str, path: str) -> tuple[dict, str, int]:
    text = text.replace("\r\n", "\n")
    m = FRONT_MATTER.match(text)
    if not m:
        if text.startswith("---"):
            raise EditionError(path, 1, "front matter non fermé : ajoutez une ligne « --- » après les métadonnées")
        return {}, text, 1
    raw = m.group(1) or ""
    try:
        meta = yaml.load(raw, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        line = 1
        mark = getattr(exc, "problem_mark", None)
        if str(getattr(exc, "context", "")).startswith(("while scanning a", "while parsing a flow")):
            mark = getattr(exc, "context_mark", None) or mark  # where the unfinished thing starts
        if mark is not None:
            line = mark.line + 2  # +1 for the opening ---, +1 for 1-based
        problem = str(getattr(exc, "problem", None) or "YAML illisible")
        hint = next((fr for en, fr in YAML_PROBLEMS.items() if en in problem), "vérifiez l’indentation et les guillemets")
        raise EditionError(path, line, f"front matter mal formé ({problem}) : {hint}") from None
    if not isinstance(meta, dict):
        raise EditionError(path, 2, "front matter mal formé : il doit contenir des paires « clé: valeur »")
    body_line = text.count("\n", 0, m.end()) + 1
    return meta, text[m.end():], body_line


def _raise(error: EditionError) -> None:
    raise error


def read_sources(docs_dir: Path, fail=_raise) -> list[Source]:
    """Every Markdown file under docs_dir, in a fixed (sorted) order.

    A file whose front matter cannot be read is reported through ``fail`` and kept
    with empty metadata, so that one broken file does not hide the others' problems.
    """
    out = []
    for file in sorted(docs_dir.rglob("*.md"), key=lambda p: p.relative_to(docs_dir).as_posix()):
        rel = file.relative_to(docs_dir).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            fail(EditionError(f"docs/{rel}", None, "fichier illisible : enregistrez-le en UTF-8"))
            continue
        try:
            meta, body, body_line = split_front_matter(text, f"docs/{rel}")
        except EditionError as error:
            fail(error)
            meta, body, body_line = {"title": PurePosixPath(rel).stem, "_broken": True}, "", 1
        out.append(Source(rel, meta, body, body_line, text.replace("\r\n", "\n")))
    return out


def _require(src: Source, name: str, what: str) -> None:
    value = src.meta.get(name)
    if value in (None, "", []):
        raise EditionError(f"docs/{src.path}", src.meta_line(name) if name in src.meta else 2,
                           f"champ « {name} » manquant : {what}")


def _check_sources(src: Source) -> None:
    sources = src.meta.get("sources", [])
    if not isinstance(sources, list):
        raise EditionError(f"docs/{src.path}", src.meta_line("sources"), "« sources » doit être une liste d’éléments « - title: … url: … year: … »")
    for i, s in enumerate(sources, 1):
        line = src.meta_line("sources")
        if not isinstance(s, dict) or not s.get("title") or not s.get("url"):
            raise EditionError(f"docs/{src.path}", line, f"source n° {i} incomplète : il faut « title » et « url »")
        if not re.match(r"https?://", str(s["url"])):
            raise EditionError(f"docs/{src.path}", src.line_of(str(s["url"]), line), f"source n° {i} : l’adresse doit commencer par http:// ou https://")
        if s.get("date") is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(s["date"])):
            raise EditionError(f"docs/{src.path}", src.line_of(str(s["url"]), line),
                               f"source n° {i} : « date » doit s’écrire AAAA, AAAA-MM ou AAAA-MM-JJ (la date de la page citée)")
        if not re.fullmatch(r"\d{4}", str(s.get("year", ""))):
            raise EditionError(f"docs/{src.path}", src.line_of(str(s["url"]), line),
                               f"source n° {i} sans année d’archive : ajoutez « year: AAAA » (sert au lien vers web.archive.org)")


CONSTAT_MAX = 250
CONSTAT_HINT = ("ajoutez « constat: » suivi d’une phrase qui dit ce que l’édition a établi sur cette note "
                "(elle sert d’aperçu et de description)")


def validate(src: Source) -> None:
    """Check the front matter fields the machinery needs for this kind of page."""
    section = src.section
    if src.meta.get("_broken"):
        return
    if section and not src.meta:
        raise EditionError(f"docs/{src.path}", 1, "métadonnées absentes : commencez le fichier par un front matter "
                                                  "entre deux lignes « --- » (title, definition, sources…), voir GUIDE.md")
    if section in ("glossaire", "nom"):
        _require(src, "title", "le nom de l’entrée")
        _require(src, "definition", "une phrase de définition (elle sert d’aperçu)")
        _require(src, "sources", "au moins une source (title, url, year)")
        if section == "nom" and src.meta.get("kind") not in KINDS:
            raise EditionError(f"docs/{src.path}", src.meta_line("kind") if "kind" in src.meta else 2,
                               "champ « kind » manquant ou inconnu : personne, organisation ou lieu")
        related = src.meta.get("related", [])
        if not isinstance(related, list):
            raise EditionError(f"docs/{src.path}", src.meta_line("related"), "« related » doit être une liste de noms d’entrées, par exemple [cnil, csu]")
        _check_sources(src)
    elif section == "note":
        _require(src, "title", "le titre de la page de note")
        _require(src, "call", "le numéro de l’appel dans le texte (1, 2, … ou asterisque)")
        constat = src.meta.get("constat")
        _require(src, "constat", CONSTAT_HINT)
        if isinstance(constat, str) and not constat.strip():
            raise EditionError(f"docs/{src.path}", src.meta_line("constat"), f"champ « constat » vide : {CONSTAT_HINT}")
        if not isinstance(constat, str):
            raise EditionError(f"docs/{src.path}", src.meta_line("constat"),
                               "« constat » doit être une phrase (du texte), pas une liste ni un nombre : "
                               "écrivez « constat: » suivi de la phrase")
        if re.search(r"\]\(|<[a-z/]", constat):
            raise EditionError(f"docs/{src.path}", src.meta_line("constat"),
                               "« constat » doit être du texte simple : retirez les liens et les balises "
                               "(les sources vont dans le commentaire)")
        if len(" ".join(constat.split())) > CONSTAT_MAX:
            raise EditionError(f"docs/{src.path}", src.meta_line("constat"),
                               f"« constat » trop long ({len(' '.join(constat.split()))} caractères) : une seule phrase, "
                               f"{CONSTAT_MAX} caractères au plus (elle sert d’aperçu et de description)")
        if not isinstance(src.meta.get("cites", []), list):
            raise EditionError(f"docs/{src.path}", src.meta_line("cites"), "« cites » doit être une liste d’identifiants de la bibliographie, par exemple « cites: [courmont-2018] »")
        _check_sources(src)
    for name in ("en",):
        if name in src.meta and not isinstance(src.meta[name], list):
            raise EditionError(f"docs/{src.path}", src.meta_line(name), f"« {name} » doit être une liste d’expressions")


def read_works(src: Source) -> dict[str, Work]:
    works = {}
    raw = src.meta.get("works", [])
    if not isinstance(raw, list):
        raise EditionError(f"docs/{src.path}", src.meta_line("works"), "« works » doit être une liste d’ouvrages")
    for item in raw:
        if not isinstance(item, dict) or not item.get("id"):
            raise EditionError(f"docs/{src.path}", src.meta_line("works"), "un ouvrage de « works » n’a pas d’« id »")
        wid = str(item["id"])
        line = src.line_of(f"id: {wid}", src.meta_line("works"))
        if wid in works:
            raise EditionError(f"docs/{src.path}", line, f"identifiant d’ouvrage en double : « {wid} »")
        if not item.get("title") or not item.get("type"):
            raise EditionError(f"docs/{src.path}", line, f"ouvrage « {wid} » : il faut au moins « type » et « title »")
        works[wid] = Work(wid, item, line)
    return works
