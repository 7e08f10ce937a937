"""Unit tests of the `edition` extension as MkDocs runs it: the index reads each page with the
host's own parser and hands its tree to the page's rendering; with ``tail_in_template`` the
unsearched end of a page reaches the template apart from its content. Both must leave every
page exactly as it was, and Material's search must find the same sections."""

from types import SimpleNamespace

import markdown
from markdown.treeprocessors import Treeprocessor
from material.plugins.search.plugin import Parser

from edition.index import _CACHE
from test_unit_extension import FILES, write_docs

EXTENSIONS = ["attr_list", "footnotes", "md_in_html", "abbr", "toc", "edition"]
# Raw HTML, inline and as a block: the kept tree refers to it through the parser's stash.
GLOSSARY = FILES["glossaire/csu.md"] + "\nUne <abbr title=\"sigle\">CSU</abbr> de plus.\n\n<div class=\"encart\">Bloc brut.</div>\n"
PAGES = sorted(FILES)  # (every page: a build renders them all)


class _Host(Treeprocessor):
    """What MkDocs' ``relpath`` tree processor offers the extension: the file, the build's
    files, the configuration; links are left as they are."""

    def __init__(self, md, file, files, config):
        super().__init__(md)
        self.file, self.files, self.config = file, files, config

    def run(self, root):
        return None


def build(docs, config) -> dict:
    """Every page of PAGES rendered as one MkDocs build would: one parser per page, the same
    ``files`` object for all. Returns {page: (content, page object)}."""
    files, out = object(), {}
    for path in PAGES:
        text = (docs / path).read_text(encoding="utf-8")
        source = text.split("\n---\n", 1)[1].lstrip("\n") if text.startswith("---") else text  # (as MkDocs)
        file = SimpleNamespace(abs_src_path=str(docs / path), src_uri=path)
        file.page = SimpleNamespace(file=file, content=None)
        md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=config.get("mdx_configs", {}))
        md.treeprocessors.register(_Host(md, file, files, config), "relpath", 0)
        file.page.content = md.convert(source)
        out[path] = (file.page.content, file.page)
    return out


def configs(docs, **options):
    mdx = {"edition": {"docs_dir": str(docs), **options}}
    return {"markdown_extensions": EXTENSIONS, "mdx_configs": mdx, "extra": {}}, {"mdx_configs": mdx, "extra": {}}


def test_the_page_is_rendered_from_the_tree_the_index_kept(tmp_path):
    docs = write_docs(tmp_path, **{"glossaire/csu.md": GLOSSARY})
    hosted, plain = configs(docs)
    kept = build(docs, hosted)
    catalog = next(c for _, c in _CACHE.values())
    assert catalog.trees == {}, "every page took the tree the index kept for it"
    _CACHE.clear()
    read_twice = build(docs, plain)  # (no extensions named: the index reads with its own parser)
    assert next(c for _, c in _CACHE.values()).trees is None
    assert {p: html for p, (html, _) in kept.items()} == {p: html for p, (html, _) in read_twice.items()}
    assert '<abbr title="sigle">CSU</abbr>' in kept["glossaire/csu.md"][0]
    assert '<div class="encart">Bloc brut.</div>' in kept["glossaire/csu.md"][0]


def test_a_changed_source_is_read_again(tmp_path):
    docs = write_docs(tmp_path)
    hosted, _ = configs(docs)
    build(docs, hosted)
    catalog = next(c for _, c in _CACHE.values())
    catalog.trees["texte.md"] = ("not", "used")
    assert catalog.take_tree("texte.md", "Un autre texte.") is None, "another text: the page is parsed"
    assert catalog.take_tree("texte.md", catalog._text(catalog.sources["texte.md"])) == ("not", "used")
    assert catalog.take_tree("texte.md", catalog._text(catalog.sources["texte.md"])) is None, "given once"


def _sections(html: str) -> list:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(repr(s), "".join(s.title).strip(), "".join(s.text).strip()) for s in parser.data if not s.is_excluded()]


def test_the_unsearched_end_goes_to_the_template_and_search_finds_the_same(tmp_path):
    docs = write_docs(tmp_path, **{"glossaire/csu.md": GLOSSARY})
    hosted, _ = configs(docs)
    whole = build(docs, hosted)
    _CACHE.clear()
    split = build(docs, configs(docs, tail_in_template=True)[0])
    for path in PAGES:
        content, page = split[path]
        assert content + page.edition_tail == whole[path][0], f"{path}: the template puts back the same page"
        assert _sections(content) == _sections(whole[path][0]), f"{path}: search finds the same sections"
        assert 'class="ed-previews"' not in content and 'id="renvois"' not in content
    entry, page = split["glossaire/csu.md"]
    # (« Voir aussi », « Sources » and « Renvois », sections out of the search, then the previews)
    assert page.edition_tail.startswith('\n\n<h2 data-search-exclude="" id="voir-aussi"'), page.edition_tail[:80]
    assert 'id="renvois"' in page.edition_tail and page.edition_tail.endswith("</div></div>")
    assert "Bloc brut." in entry and "Le CSU et la" in entry, "what search reads stays in the content"
    assert split["texte.md"][1].edition_tail.startswith('\n<div class="ed-previews"')
    # A page whose last section is searched keeps it: only the previews box leaves.
    text, page = split["texte.md"]
    assert text.rstrip().endswith("</div>") and 'id="note-2"' in text
