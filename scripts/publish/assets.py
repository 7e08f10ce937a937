"""The edition's own script and stylesheet, served without their comments and spaces.

    run(site, root)   rewrites site/assets/edition.js and site/assets/edition.css

The sources (overrides/assets/) keep their comments for the next editor; a reader's phone
does not need them: about 3 kB less, compressed, on every first visit. rjsmin and rcssmin
are small, maintained minifiers that only remove what the languages allow to remove
(comments, spaces): no renaming, no rewriting. Under `mkdocs serve` the files stay as written.
Deterministic: the same file gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

FILES = {Path("assets") / "edition.js": rjsmin.jsmin, Path("assets") / "edition.css": rcssmin.cssmin}
NOTICE = "/* Source with comments: overrides/assets/ in the edition's repository */\n"


def run(site: Path, root: Path | None = None) -> None:
    for rel, minify in FILES.items():
        path = Path(site) / rel
        if path.is_file():
            path.write_text(NOTICE + minify(path.read_text(encoding="utf-8")) + "\n", encoding="utf-8")
