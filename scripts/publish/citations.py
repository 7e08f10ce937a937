"""Citations of the edition and of each paragraph (issue 15, part 3): placeholder, filled next."""

from __future__ import annotations

from pathlib import Path


def run(site: Path, root: Path | None = None) -> None:
    return None
