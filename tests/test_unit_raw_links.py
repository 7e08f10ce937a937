"""Unit tests of the backlinks written as raw HTML under MkDocs (extension._mkdocs_url,
render._backlinks_list with a RawLinks): each page must be exactly the page that the same lists, left as
elements for MkDocs to rewrite and serialise, would give, and MkDocs must record the same
anchors for its check of anchors, with and without directory URLs."""

import xml.etree.ElementTree as ET

import markdown
import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import edition.extension as extension
from edition import render
from edition.index import _CACHE
from edition.refs import Ref
from test_unit_extension import FILES, SECOND_TEXT, write_docs

EXTENSIONS = ["attr_list", "footnotes", "md_in_html", "abbr", "toc"]

# A glossary entry named from a page whose name and title need escaping, from a folder's
# index page and from the site's home page (and a link of an entry to itself).
MORE = {
    "index.md": "---\ntitle: Accueil\n---\nLe [CSU](glossaire/csu.md) dès l’accueil.\n{: #debut }\n",
    "dossier/index.md": "---\ntitle: Dossier <b> & « citations »\n---\nUn [CSU](../glossaire/csu.md){#ici} & <cite>x</cite> &amp; fin.\n",
    "dossier/r&d.md": "---\ntitle: R&D < 3\n---\nLa [Safe City](../glossaire/safe-city.md) &lt;ici&gt;.\n",
    "glossaire/csu.md": FILES["glossaire/csu.md"] + "\nCe [CSU](csu.md) même.\n{: #soi }\n",
}


def mkdocs_render(docs, use_directory_urls: bool) -> dict:
    """Every page rendered by MkDocs' own Page.render (its relpath tree processor rewriting
    links): {page: (HTML, end of page, anchors recorded for MkDocs' check)}."""
    config = MkDocsConfig()
    config.load_dict({"site_name": "Essai", "docs_dir": str(docs), "site_dir": str(docs.parent / "site"),
                      "use_directory_urls": use_directory_urls,
                      "markdown_extensions": EXTENSIONS + [{"edition": {"docs_dir": str(docs), "tail_in_template": True}}]})
    errors, _ = config.validate()
    assert not errors, errors
    paths = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    files = Files([File(p, str(docs), config.site_dir, use_directory_urls) for p in paths])
    pages = [Page(None, f, config) for f in files]
    out = {}
    for page in pages:
        page.read_source(config)
        page.render(config, files)
        anchors = {to.src_uri: dict(links) for to, links in (page.links_to_anchors or {}).items()}
        out[page.file.src_uri] = (page.content, getattr(page, "edition_tail", ""), anchors)
    return out


@pytest.mark.parametrize("use_directory_urls", [True, False])
@pytest.mark.parametrize("texts", ["one", "two"])
def test_raw_backlinks_are_the_pages_mkdocs_would_write(tmp_path, monkeypatch, use_directory_urls, texts):
    docs = write_docs(tmp_path, files={**FILES, **(SECOND_TEXT if texts == "two" else {}), **MORE})
    rewritten = []
    real = extension._mkdocs_url

    def counted(relpath, page):
        url = real(relpath, page)
        if url is None:
            return None

        def counting(href, target, frag):
            rewritten.append(href)
            return url(href, target, frag)
        return counting

    monkeypatch.setattr(extension, "_mkdocs_url", counted)
    raw = mkdocs_render(docs, use_directory_urls)
    assert len(rewritten) > 5 and any("r&d.md" in h for h in rewritten), rewritten
    _CACHE.clear()
    monkeypatch.setattr(extension, "_mkdocs_url", lambda relpath, page: None)  # elements, as before
    elements = mkdocs_render(docs, use_directory_urls)
    assert raw.keys() == elements.keys()
    for path in raw:
        assert raw[path] == elements[path], f"{path}: same page, same anchors to check"
    tail = raw["glossaire/csu.md"][1]
    # (MkDocs' addresses of the home page and of a folder's index page)
    for address in (["../../#ref-csu", "../../dossier/#ici"] if use_directory_urls
                    else ["../index.html#ref-csu", "../dossier/index.html#ici"]):
        assert f'href="{address}"' in tail, tail
    assert "dossier/index.md" in raw["glossaire/csu.md"][2] and "ici" in raw["glossaire/csu.md"][2]["dossier/index.md"]
    assert "R&amp;D &lt; 3" in raw["glossaire/safe-city.md"][1]
    _CACHE.clear()


class _Catalog:
    def __init__(self):
        self.cache = {}

    def label(self, ref):
        return ref.anchor


@pytest.mark.parametrize("serialize", [markdown.serializers.to_xhtml_string, markdown.serializers.to_html_string])
def test_the_raw_items_are_the_serialisers_html(serialize):
    """The items written as strings are what the serialiser writes for the same elements,
    escapes included (a bare &, an entity kept, < and >, no-break spaces, an empty match)."""
    refs = [Ref("a/b.md", "glossaire/x", "p1", "x <y>", "Avant & après x <y> &amp; fin", 14, "Titre & <b>"),
            Ref("c.md", "glossaire/x", "", "absent", "Texte sans le mot\u00a0: « ici »", 3, "Sans ancre"),
            Ref("c.md", "glossaire/x", "q", "", "", 0, "")]
    catalog = _Catalog()
    hrefs = {"p1": "../a/b/#p1", "": "../c/", "q": "../c/#q"}
    raw = render.RawLinks(serialize, lambda href, target, frag: hrefs[frag], lambda html: html)
    html = render._backlinks_list(catalog, refs, "glossaire/x.md", raw)
    ul = render._backlinks_list(catalog, refs, "glossaire/x.md")
    for a, ref in zip(ul.iter("a"), refs):
        a.set("href", hrefs[ref.id])
    assert html == serialize(ul)
    assert ET.fromstring(html.replace("&nbsp;", "\u00a0")).find("li/span/mark").text == "x <y>"
