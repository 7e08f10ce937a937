"""A generated corpus for the scale test: valid for the ``edition`` extension, dense in
cross-references, deterministic (same arguments, same files).

For ``pages`` = N it writes, under ``docs/``:

- ``texte.md``: the text page, 20 numbered paragraphs (``{: #pN }``), 10 note calls
  ``[^1]``..``[^10]`` with their footnotes, 5 glossary links per paragraph;
- ``notes/1..10.md`` (front matter title, call, cites, sources with year) and
  ``notes/index.md`` (``<!-- edition: liste-notes -->``);
- ``bibliographie.md``: 20 works (CSL fields) and ``<!-- edition: bibliographie -->``;
- ``glossaire/<slug>.md`` x ``entries`` (title, definition, related, sources with year; a body
  linking 4 other entries, one external link with data-archive, a « Dans ce texte » section
  pointing to the text) and ``glossaire/index.md`` (``<!-- edition: liste-glossaire -->``);
- ``pages/c0001..cN.md``: N pages of 5 paragraphs, each paragraph linking 3 glossary entries,
  plus one link to a note, one to the next page and one external link (data-archive);
  ``pages/index.md`` lists them.

So N pages give 15 N entry references (N = 1000: 15 000 references, 30 per entry on
average), and the total number of built pages is N + entries + 35.
"""

from __future__ import annotations

import random
from pathlib import Path

SYLLABLES = ("ca", "mé", "ra", "sur", "vei", "llan", "ce", "do", "nné", "es", "ré", "seau", "vi",
             "lle", "pla", "te", "for", "me", "cap", "teur", "al", "go", "ri", "thme", "po",
             "li", "ce", "sé", "cu", "ri", "té", "ur", "bain", "flux", "con", "trô", "le")
WORDS = ("la", "ville", "données", "caméras", "système", "contrôle", "public", "sécurité",
         "marché", "réseau", "police", "plateforme", "municipal", "capteurs", "algorithmes",
         "usagers", "espace", "gestion", "centre", "opérateur", "industriel", "prévention",
         "traitement", "image", "territoire", "projet", "expérimentation", "collectivité",
         "habitants", "entreprise", "et", "de", "des", "le", "du", "pour", "avec", "dans")

TEXT_PARAGRAPHS = 20
NOTES = 10
WORKS = 20


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


def _sentence(rng: random.Random, words: int) -> str:
    s = " ".join(rng.choice(WORDS) for _ in range(words))
    return s[0].upper() + s[1:] + "."


def _prose(rng: random.Random, links: list[str], words: int = 60) -> str:
    """~``words`` words of filler with the Markdown ``links`` spread through it."""
    chunks = []
    per = max(1, words // (len(links) + 1))
    for link in links:
        chunks.append(" ".join(rng.choice(WORDS) for _ in range(per)))
        chunks.append(link)
    chunks.append(" ".join(rng.choice(WORDS) for _ in range(per)))
    text = " ".join(chunks)
    return text[0].upper() + text[1:] + "."


def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(docs: Path, pages: int, entries: int = 500, seed: int = 6) -> dict[str, int]:
    """Write the corpus into ``docs`` (created; must not exist or be empty). Returns counts."""
    rng = random.Random(f"{seed}-{pages}-{entries}")
    docs.mkdir(parents=True, exist_ok=True)
    for sub in ("glossaire", "notes", "pages"):
        (docs / sub).mkdir(exist_ok=True)

    # glossary slugs and titles (unique)
    slugs, titles = [], {}
    seen = set()
    while len(slugs) < entries:
        w1, w2 = _word(rng, rng.randint(2, 3)), _word(rng, rng.randint(2, 4))
        title = f"{w1} {w2}"
        slug = f"{w1}-{w2}".replace("é", "e").replace("è", "e").replace("ô", "o")
        if slug in seen:
            continue
        seen.add(slug)
        slugs.append(slug)
        titles[slug] = title[0].upper() + title[1:]
    refs = 0

    def gl(slug: str, prefix: str) -> str:
        return f"[{titles[slug].lower()}]({prefix}glossaire/{slug}.md)"

    # home
    (docs / "index.md").write_text(
        "---\ntitle: Accueil\n---\n# Corpus de test\n\n"
        "Un corpus généré pour mesurer la construction : [le texte](texte.md), "
        "[les notes](notes/index.md), [le glossaire](glossaire/index.md), "
        "[les pages](pages/index.md), [la bibliographie](bibliographie.md).\n", encoding="utf-8")

    # the text page
    lines = ["---", "title: Le texte", "---", "", "# Le texte", ""]
    call = 0
    for p in range(1, TEXT_PARAGRAPHS + 1):
        links = [gl(rng.choice(slugs), "") for _ in range(5)]
        refs += 5
        para = _prose(rng, links, 80)
        if p % 2 == 0 and call < NOTES:
            call += 1
            para = para[:-1] + f"[^{call}]."
        lines += [para, f"{{: #p{p} }}", ""]
    for n in range(1, NOTES + 1):
        lines.append(f"[^{n}]: {_sentence(rng, 10)} [Source en ligne](https://example.org/source/{n}){{data-archive=\"2019\"}}")
        lines.append("")
    (docs / "texte.md").write_text("\n".join(lines), encoding="utf-8")

    # bibliography
    works = [f"work-{i:02d}" for i in range(1, WORKS + 1)]
    blines = ["---", "title: Bibliographie", "works:"]
    for i, wid in enumerate(works, 1):
        blines += [f"  - id: {wid}", f"    group: {'Ouvrages' if i % 2 else 'Rapports'}",
                   f"    type: {'book' if i % 2 else 'report'}",
                   f"    author: [{{family: {_word(rng, 3).capitalize()}, given: {_word(rng, 2).capitalize()}}}]",
                   f"    title: {_yaml_str(_sentence(rng, 6)[:-1])}",
                   f"    publisher: {_word(rng, 3).capitalize()}",
                   f"    issued: {{date-parts: [[{2000 + i}]]}}",
                   f"    URL: https://example.org/ouvrage/{i}", f"    archive-year: {2000 + i}"]
    blines += ["---", "", "Les ouvrages du corpus.", "", "<!-- edition: bibliographie -->", ""]
    (docs / "bibliographie.md").write_text("\n".join(blines), encoding="utf-8")

    # notes
    for n in range(1, NOTES + 1):
        links = [gl(rng.choice(slugs), "../") for _ in range(3)]
        refs += 3
        text = (f"---\ntitle: \"Note {n} — {_sentence(rng, 5)[:-1]}\"\ncall: \"{n}\"\n"
                f"constat: \"{_sentence(rng, 12)}\"\n"
                f"cites: [{works[(n - 1) % WORKS]}]\nsources:\n"
                f"  - title: \"Source de la note {n}\"\n    url: https://example.org/note/{n}\n    year: 2018\n"
                f"---\n## Commentaire\n\n{_prose(rng, links, 80)}\n\n"
                f"Voir le [§ {2 * n}](../texte.md#p{2 * n}) et la "
                f"[source](https://example.org/note/{n}){{data-archive=\"2018\"}}.\n")
        (docs / "notes" / f"{n}.md").write_text(text, encoding="utf-8")
    (docs / "notes" / "index.md").write_text(
        "---\ntitle: Les notes\n---\nLes notes du texte.\n\n<!-- edition: liste-notes -->\n", encoding="utf-8")

    # glossary entries
    for i, slug in enumerate(slugs):
        related = rng.sample([s for s in slugs if s != slug], 3)
        links = [gl(s, "../") .replace("../glossaire/", "") for s in rng.sample(slugs, 4) if s != slug]
        refs += len(links)
        body = (f"{_prose(rng, links, 90)}\n\n{_sentence(rng, 14)} "
                f"([Source, 2017](https://example.org/glossaire/{slug}){{data-archive=\"2017\"}})\n\n"
                f"## Dans ce texte\n\nLe terme apparaît au [§ {1 + i % TEXT_PARAGRAPHS}](../texte.md#p{1 + i % TEXT_PARAGRAPHS}) "
                f"et dans la [note {1 + i % NOTES}](../notes/{1 + i % NOTES}.md).\n")
        refs += 1
        meta = (f"---\ntitle: {_yaml_str(titles[slug])}\n"
                f"definition: >-\n  {_sentence(rng, 16)}\n"
                f"related: [{', '.join(related)}]\n"
                f"sources:\n  - title: \"Source A sur {titles[slug]}\"\n    url: https://example.org/a/{slug}\n    year: 2016\n"
                f"  - title: \"Source B sur {titles[slug]}\"\n    url: https://example.org/glossaire/{slug}\n    year: 2017\n---\n")
        (docs / "glossaire" / f"{slug}.md").write_text(meta + body, encoding="utf-8")
    (docs / "glossaire" / "index.md").write_text(
        "---\ntitle: Glossaire\n---\nLes entrées du glossaire.\n\n<!-- edition: liste-glossaire -->\n",
        encoding="utf-8")

    # the N pages
    index = ["---", "title: Pages", "---", "", "Toutes les pages du corpus.", ""]
    for k in range(1, pages + 1):
        name = f"c{k:04d}"
        nxt = f"c{k % pages + 1:04d}"
        out = ["---", f"title: \"Page {k}\"", "---", "", f"# Page {k}", ""]
        for j in range(5):
            links = [gl(rng.choice(slugs), "../") for _ in range(3)]
            refs += 3
            if j == 1:
                links.append(f"[note {1 + k % NOTES}](../notes/{1 + k % NOTES}.md)")
                refs += 1
            if j == 2:
                links.append(f"[une source](https://example.org/page/{k}){{data-archive=\"2020\"}}")
            if j == 4:
                links.append(f"[page suivante]({nxt}.md)")
            out += [_prose(rng, links, 70), ""]
        (docs / "pages" / f"{name}.md").write_text("\n".join(out), encoding="utf-8")
        index.append(f"- [Page {k}]({name}.md)")
    (docs / "pages" / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    total = sum(1 for _ in docs.rglob("*.md"))
    return {"pages": pages, "entries": entries, "markdown_files": total, "references": refs}


CORPUS_NAV = """nav:
  - Accueil: index.md
  - Le texte: texte.md
  - Notes: notes/index.md
  - Glossaire: glossaire/index.md
  - Pages: pages/index.md
  - Bibliographie: bibliographie.md
"""


# --------------------------------------------------------------------------- many texts

MANY_TEXTS_NAV = """nav:
  - Accueil: index.md
  - Le texte: texte.md
  - Textes: textes/index.md
  - Pages: pages/index.md
  - Notes: notes/index.md
  - Glossaire: glossaire/index.md
  - Bibliographie: bibliographie.md
"""


def generate_many_texts(docs: Path, texts: int = 50, paragraphs: int = 20, entries: int = 500,
                        seed: int = 6) -> dict[str, int]:
    """The many-texts variant (issue 18): the corpus of :func:`generate` without its short
    pages, and ``texts`` long texts under ``textes/`` instead, each of ``paragraphs`` numbered
    paragraphs (``{: #pN }``) linking 5 glossary entries apiece, every fifth one a note too.

    One edition has one text page today (the extension's ``text_page``): the other texts are
    ordinary pages with the same density and anchors, which is what several texts will cost
    the machinery (the index, the backlinks, the previews). Deterministic."""
    counts = generate(docs, 0, entries, seed)
    slugs = sorted(p.stem for p in (docs / "glossaire").glob("*.md") if p.stem != "index")
    rng = random.Random(f"{seed}-textes-{texts}-{paragraphs}-{entries}")
    (docs / "textes").mkdir(exist_ok=True)
    refs = counts["references"]
    index = ["---", "title: Textes", "---", "", "Les textes du corpus.", ""]
    for t in range(1, texts + 1):
        name = f"t{t:02d}"
        out = ["---", f"title: \"Texte {t}\"", "---", "", f"# Texte {t}", ""]
        for p in range(1, paragraphs + 1):
            links = [f"[{s.replace('-', ' ')}](../glossaire/{s}.md)" for s in rng.sample(slugs, 5)]
            if p % 5 == 0:
                links.append(f"[note {1 + (t + p) % NOTES}](../notes/{1 + (t + p) % NOTES}.md)")
            refs += len(links)
            out += [_prose(rng, links, 90), f"{{: #p{p} }}", ""]
        (docs / "textes" / f"{name}.md").write_text("\n".join(out), encoding="utf-8")
        index.append(f"- [Texte {t}]({name}.md)")
    (docs / "textes" / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    total = sum(1 for _ in docs.rglob("*.md"))
    return {"texts": texts, "paragraphs": texts * paragraphs, "entries": entries,
            "markdown_files": total, "references": refs}
