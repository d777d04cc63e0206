"""Where lawcheck's own data files are, and how much of the machine it uses. Importing this
loads nothing else, so that a stamp of the analyser (`pipeline.analyser_id`) costs no spaCy or
Kiwi import."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATTERN_DIR = ROOT / "rules" / "patterns"  # the tagger's cue patterns
USER_DICT = ROOT / "corpus" / "dict" / "kiwi_user.tsv"  # words Kiwi must keep whole


def default_workers() -> int:
    """Kiwi threads and worker processes when none are asked for: the CPU count, at most 2."""
    return min(2, os.cpu_count() or 1)
