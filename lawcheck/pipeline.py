"""The order of lawcheck's stages, written once: read → split → store (→ analyse → check).

Input: paths to law files or folders and a database engine. Output: reports of what was
imported. Each file is imported in its own transaction, so a broken file leaves nothing
behind and does not stop the others; its error is reported with the file's name.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from lawcheck.errors import LawcheckError
from lawcheck.importers import iter_law_files, read_path
from lawcheck.split import split_law
from lawcheck.store import SaveResult, save_law, session_scope

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    """What `import_paths` did, file by file."""

    saved: list[tuple[str, SaveResult]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    unparsed: list[tuple[str, str, str]] = field(default_factory=list)  # (law, ref, reason)

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        statuses: dict[str, int] = {}
        for _, result in self.saved:
            statuses[result.status] = statuses.get(result.status, 0) + 1
        return {
            "files": len(self.saved) + len(self.failed),
            "imported": statuses,
            "clauses": sum(r.clauses for _, r in self.saved),
            "failed": [{"path": p, "error": m} for p, m in self.failed],
            "unparsed": [{"law": n, "ref": r, "reason": why} for n, r, why in self.unparsed],
        }


def import_paths(
    paths: Iterable[str | Path], engine: Engine, *, progress: Progress | None = None
) -> ImportReport:
    """Import law files (API XML/JSON, legalize-kr Markdown) from files, folders or clones."""
    files: list[Path] = []
    msts: dict[Path, str] = {}
    for path in paths:
        files.extend(iter_law_files(path))
        msts.update(_manifest_msts(Path(path)))
    report = ImportReport()
    for done, file in enumerate(files, start=1):
        try:
            law = split_law(read_path(file, mst=msts.get(file.resolve()) or _mst_from_name(file)))
            with session_scope(engine) as session:
                result = save_law(session, law)
        except LawcheckError as exc:
            log.warning("%s", exc)
            report.failed.append((str(file), str(exc)))
        else:
            report.saved.append((str(file), result))
            report.unparsed.extend(
                (law.meta.name, str(c.ref), c.reason or "")
                for c in law.clauses() if c.kind.value == "UNPARSED"
            )
        if progress is not None:
            progress(done, len(files), file.name)
    return report


def _manifest_msts(root: Path) -> dict[Path, str]:
    """MSTs recorded by `lawcheck fetch` in manifest.jsonl (API bodies do not carry them)."""
    manifest = (root if root.is_dir() else root.parent) / "manifest.jsonl"
    found: dict[Path, str] = {}
    if not manifest.is_file():
        return found
    for line in manifest.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a killed fetch; the body it described is re-fetched
        if isinstance(entry, dict) and entry.get("path") and entry.get("mst"):
            found[(manifest.parent / entry["path"]).resolve()] = str(entry["mst"])
    return found


def _mst_from_name(path: Path) -> str | None:
    """'mst_285139.xml' or 'law/285139.xml' -> '285139'."""
    match = re.fullmatch(r"(?:mst_)?(\d{3,})", path.stem)
    return match.group(1) if match else None
