"""Measure the tagger against a hand-labelled evaluation set.

Input: a JSONL file whose lines carry `text`, `label` (promotion/regulation/neutral) and
`modality` (see corpus/eval/LABELING.md). Output: per-class precision/recall/F1, macro-F1, the
confusion matrix, modality accuracy and the misclassified items, as one dict.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from lawcheck.analyse import make_docs
from lawcheck.errors import LawcheckError
from lawcheck.models import Tag
from lawcheck.tag import ClauseTag, tag_doc

EVAL_SET = Path(__file__).resolve().parent.parent / "corpus" / "eval" / "eval_set.jsonl"
LABELS = [Tag.PROMOTION.value, Tag.REGULATION.value, Tag.NEUTRAL.value]


def read_jsonl(path: str | Path, required: tuple[str, ...] = ("id", "text")) -> list[dict]:
    """Lines of a JSONL file, each checked for the required keys (errors name the line)."""
    path = Path(path)
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LawcheckError(f"{path}: cannot read ({exc.strerror})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LawcheckError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        missing = [k for k in required if not isinstance(item, dict) or k not in item]
        if missing:
            raise LawcheckError(
                f"{path}:{number}: missing {', '.join(missing)}; each line "
                'needs {"id": …, "text": …}'
            )
        if not isinstance(item["text"], str):
            raise LawcheckError(f'{path}:{number}: "text" must be a string')
        items.append(item)
    return items


def tag_texts(texts: list[str]) -> list[ClauseTag]:
    """Tag many texts in one Kiwi batch."""
    return [tag_doc(doc) for doc in make_docs(texts)]


def evaluate(path: str | Path = EVAL_SET) -> dict:
    """Per-class P/R/F1, macro-F1, confusion matrix and modality accuracy on a labelled set."""
    items = read_jsonl(path, ("id", "text", "label", "modality"))
    results = tag_texts([item["text"] for item in items])
    confusion: Counter[tuple[str, str]] = Counter()
    modality_ok = 0
    errors = []
    for item, result in zip(items, results, strict=True):
        confusion[(item["label"], result.tag.value)] += 1
        modality_ok += item["modality"] == result.modality.value
        if item["label"] != result.tag.value or item["modality"] != result.modality.value:
            errors.append(
                {
                    "id": item["id"],
                    "gold": [item["label"], item["modality"]],
                    "got": [result.tag.value, result.modality.value],
                    "rule": result.rule,
                    "text": item["text"][:120],
                }
            )
    per_class = {}
    for label in LABELS:
        tp = confusion[(label, label)]
        fp = sum(confusion[(g, label)] for g in LABELS if g != label)
        fn = sum(confusion[(label, p)] for p in LABELS + [Tag.UNKNOWN.value] if p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": tp + fn,
        }
    return {
        "items": len(items),
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(LABELS), 3),
        "per_class": per_class,
        "confusion": {g: {p: confusion[(g, p)] for p in LABELS} for g in LABELS},
        "modality_accuracy": round(modality_ok / len(items), 3) if items else 0.0,
        "errors": errors,
    }
