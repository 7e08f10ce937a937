"""Share addresses of the paragraphs (issue 15, part 1): placeholder, filled next."""

from __future__ import annotations

from pathlib import Path


def run(site: Path, root: Path | None = None) -> None:
    return None
