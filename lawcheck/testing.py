"""Helpers shared by tests, benchmarks and notebooks: where ../shared is, and small factories.

Input: the environment (LAWCHECK_SHARED or the folder beside the checkout). Output: paths and
objects for tests; nothing here talks to the network.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """The ../shared folder beside the checkout (or $LAWCHECK_SHARED), if it exists."""
    env = os.environ.get("LAWCHECK_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(PROJECT_ROOT.parent / "shared")
    for path in candidates:
        if (path / "corpus" / "MANIFEST.tsv").is_file():
            return path
    return None


SHARED_MISSING_REASON = (
    "../shared (the real corpus and API samples) is not beside this checkout; "
    "set LAWCHECK_SHARED to its path to run these tests (CI always has it)"
)
