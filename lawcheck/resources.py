"""Where lawcheck's own data files are. Paths only: importing this loads nothing else, so
that a stamp of the analyser (`pipeline.analyser_id`) costs no spaCy or Kiwi import."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATTERN_DIR = ROOT / "rules" / "patterns"  # the tagger's cue patterns
USER_DICT = ROOT / "corpus" / "dict" / "kiwi_user.tsv"  # words Kiwi must keep whole
