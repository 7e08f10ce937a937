"""The editors' guide « Ajouter une note / une entrée » (GUIDE.md), followed step by step in a copy.

The test reads the guide itself: that section of GUIDE.md, takes the file it says to create and the change it
says to make in the text from the guide's own code blocks, does exactly that in a temporary
copy of the project, checks and builds there, and looks at the result as a reader would: the
entry's page exists, the text's HTML carries the entry's preview (its definition), and the
entry page's list of references links back to the new reference in the text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from helpers import REPO_ROOT, build_env, copy_sources, diff_hashes, hash_sources

SECTION = "Ajouter une note / une entrée"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})[^\n]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
                   re.M | re.S)


GUIDE = REPO_ROOT / "GUIDE.md"


def guide_section() -> str:
    """The guide's text, from GUIDE.md (the README links to it)."""
    if GUIDE.is_file():
        text = GUIDE.read_text(encoding="utf-8")
        m = re.search(rf"^(#+) {re.escape(SECTION)}[ \t]*$", text, re.M)
        if m:
            end = re.compile(rf"^#{{1,{len(m.group(1))}}} ", re.M).search(text, m.end())
            return text[m.start(): end.start() if end else len(text)]
    pytest.fail(f"no section « {SECTION} » in {GUIDE.name}", pytrace=False)


@dataclass
class Steps:
    new_file: str  # docs-relative path of the entry to create
    content: str  # the file's content, as the guide gives it
    edited: str  # docs-relative path of the page where the guide adds the reference
    find: str
    replace: str


def read_steps(section: str) -> Steps:
    """The guide's blocks, each with the prose that introduces it."""
    blocks, pos = [], 0
    for m in FENCE.finditer(section):
        indent = len(m.group("indent"))
        body = "".join(line[indent:] if line[:indent].strip() == "" else line
                       for line in m.group("body").splitlines(keepends=True))
        blocks.append((section[pos:m.start()], body))
        pos = m.end()
    create = next((prose, body) for prose, body in blocks if re.search(r"Créez le fichier `docs/", prose))
    new_file = re.findall(r"`docs/([^`]+\.md)`", create[0])[-1]
    i = next(i for i, (prose, _) in enumerate(blocks) if "trouvez" in prose)
    edited = re.findall(r"`docs/([^`]+\.md)`", blocks[i][0])[-1]
    assert "remplacez" in blocks[i + 1][0], "the guide says what to find, then what to replace it with"
    return Steps(new_file, create[1], edited, blocks[i][1].strip("\n"), blocks[i + 1][1].strip("\n"))


# --------------------------------------------------------------------------- a small DOM

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    @property
    def text(self) -> str:
        """The text a reader sees (without the headings' « # » permalinks)."""
        return "".join(p if isinstance(p, str) else "" if "headerlink" in p.classes else p.text
                       for p in self.parts)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find(self, tag=None, cls=None, **attrs) -> list["Node"]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]


class Dom(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#root", {})
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(node)
        self.node.parts.append(node)
        if tag not in VOID:
            self.node = node

    def handle_endtag(self, tag):
        node = self.node
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.node = node.parent

    def handle_data(self, data):
        self.node.parts.append(data)


def page(site: Path, url: str) -> Node:
    return Dom((site / url.strip("/") / "index.html").read_text(encoding="utf-8")).root


def squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# --------------------------------------------------------------------------- the test

def test_the_guide_adds_an_entry_with_its_preview_and_backlink(tmp_path):
    steps = read_steps(guide_section())
    root = copy_sources(tmp_path / "projet")
    shutil.copy2(REPO_ROOT / "published.yml", root / "published.yml")
    docs = root / "docs"

    # Step 2: create the entry's file, exactly as the guide shows it.
    entry = docs / steps.new_file
    assert not entry.exists(), f"the guide's example entry docs/{steps.new_file} already exists in the edition"
    entry.write_text(steps.content, encoding="utf-8")
    meta = yaml.safe_load(steps.content.split("---\n")[1])
    slug, section = Path(steps.new_file).stem, Path(steps.new_file).parent.as_posix()

    # Step 3: the reference, in the page and at the place the guide names.
    edited = docs / steps.edited
    text = edited.read_text(encoding="utf-8")
    assert steps.find in text, f"the guide's « {steps.find} » is not in docs/{steps.edited}"
    edited.write_text(text.replace(steps.find, steps.replace, 1), encoding="utf-8")

    # Step 4: check, then build (what `make check` and the full build run).
    env = build_env(root)
    check = subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root, env=env,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and check.stderr == "", check.stderr
    assert check.stdout.startswith("contenu vérifié : "), check.stdout
    before = hash_sources(root)
    site = root / "site"
    build = subprocess.run([sys.executable, "scripts/build.py", "--site", str(site),
                            "--skip", "cards", "pdf", "offline", "headers"],
                           cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr + build.stdout
    assert diff_hashes(before, hash_sources(root)) == []

    # The entry's page exists, titled as in its front matter, with its definition.
    entry_url = f"/{section}/{slug}/"
    entry_page = page(site, entry_url)
    assert [squash(h.text) for h in entry_page.find("h1")] == [squash(meta["title"])]
    assert squash(meta["definition"]) in squash(" ".join(p.text for p in entry_page.find("p", cls="ed-definition")))

    # The text page: the new reference, and its preview (the definition) in .ed-previews.
    text_url = "/" + (steps.edited[:-3] + "/" if steps.edited != "index.md" else "")
    text_page = page(site, text_url)
    kind = "glossaire" if section == "glossaire" else "noms"
    refs = [a for a in text_page.find("a", cls=f"ed-ref--{kind}")
            if a.attrs.get("aria-describedby") == f"apercu-{section}-{slug}"]
    assert len(refs) == 1, "the text has the new reference, tied to its preview"
    ref = refs[0]
    assert squash(ref.text) == squash(re.sub(r"\[([^\]]*)\]\(.*", r"\1", steps.replace))
    previews = text_page.find("div", cls="ed-previews")
    assert len(previews) == 1
    preview = previews[0].find(id=f"apercu-{section}-{slug}")
    assert preview, "the preview of the new entry is in the text page's .ed-previews"
    assert squash(meta["definition"]) in squash(preview[0].text)

    # The entry page's references list links back to that very place of the text.
    backlinks = [a for ul in entry_page.find("ul", cls="ed-backlinks") for a in ul.find("a", cls="ed-backlink")]
    depth = entry_url.count("/") - 1
    expected = "../" * depth + text_url.lstrip("/") + "#" + ref.attrs["id"]
    assert [a.attrs["href"] for a in backlinks] == [expected], [a.attrs["href"] for a in backlinks]
    assert ref.attrs["id"] in {n.attrs.get("id") for n in text_page.iter()}

    # And the entry is listed in its section's index.
    index = page(site, f"/{section}/")
    assert index.find("a", href=f"{slug}/"), f"/{section}/ lists the new entry"


def test_the_guides_example_blocks_are_found():
    steps = read_steps(guide_section())
    assert steps.new_file.startswith(("glossaire/", "noms/"))
    assert steps.content.startswith("---\n")
    assert steps.find in steps.replace and steps.new_file in steps.replace
