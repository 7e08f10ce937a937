"""Outputs made from the built site: card images, PDF, offline copy, host headers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT_EPOCH = 1640995200  # 2022-01-01 UTC, as in the Makefile, when nothing else says


def source_date_epoch(root: Path | None = None) -> int:
    """SOURCE_DATE_EPOCH, else the rule of scripts/build.py (last commit, else a constant)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value and root is not None:
        sys.path.insert(0, str(Path(root) / "scripts"))
        try:
            from build import source_date_epoch as build_epoch
            value = build_epoch()
        except ImportError:
            value = ""
        finally:
            sys.path.pop(0)
    return int(value) if value.isdigit() else DEFAULT_EPOCH
