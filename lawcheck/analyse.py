"""Kiwi inside spaCy: Korean legal text → spaCy `Doc`s with Kiwi's morphology.

Input: clause texts. Output: `Doc`s whose text equals the input exactly, one token per
surface segment Kiwi finds (morphemes that share characters, like 하+ᆫ in "한", are one token),
with Kiwi's tags in `tag_` ("XSV+ETM"), morpheme lemmas in `lemma_` ("하+ᆫ"), `pos` from
the first morpheme, and the full analysis in `doc.user_data["kiwi"]` (persisted by DocBin).

spaCy's own Korean tokenizer needs mecab-ko; ours is registered as
`lawcheck.kiwi_tokenizer.v1` and selected in the pipeline config. One pipeline is built per
process (`get_pipeline`) and reused by the CLI, the UI and notebooks; batches go through
Kiwi's multi-worker mode (`make_docs`).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.symbols import POS, X
from spacy.tokens import Doc, DocBin
from spacy.util import registry
from spacy.vocab import Vocab

from lawcheck.errors import AnalysisError
from lawcheck.resources import USER_DICT, default_workers

log = logging.getLogger(__name__)

TOKENIZER_NAME = "lawcheck.kiwi_tokenizer.v1"


def _kiwi_class():
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:  # pragma: no cover - kiwipiepy is a hard dependency
        raise AnalysisError(
            "kiwipiepy is not installed; install lawcheck with `pip install -e .`"
        ) from exc
    return Kiwi


@dataclass(frozen=True, slots=True)
class Morphology:
    """A clause as the tagger reads it: its text and Kiwi's morphemes, shaped as in a `Doc`
    (`text`, `user_data["kiwi"]`) but without spaCy tokens. Building the tokens costs about
    half as much again as Kiwi's tokenisation (issue 7, `benchmarks/run_all.py`), and the
    analyse stage stores tags, not docs."""

    text: str
    user_data: dict


class KiwiTokenizer:
    """A spaCy tokenizer backed by Kiwi; `doc.text` always equals the input text."""

    def __init__(self, vocab: Vocab, user_dict: str | None = None, num_workers: int | None = None):
        self.vocab = vocab
        self.user_dict = user_dict
        self.num_workers = num_workers
        self._kiwi = None

    @property
    def kiwi(self):
        """The Kiwi analyser, created on first use (loading the model takes ~2 s)."""
        if self._kiwi is None:
            kiwi = _kiwi_class()(num_workers=self.num_workers)  # None: Kiwi's default
            if self.user_dict:
                path = Path(self.user_dict)
                if not path.is_file():
                    raise AnalysisError(f"Kiwi user dictionary {path} does not exist")
                added = kiwi.load_user_dictionary(str(path))
                log.debug("loaded %d user words from %s", added, path)
            self._kiwi = kiwi
        return self._kiwi

    def __reduce__(self):
        return KiwiTokenizer, (self.vocab, self.user_dict, self.num_workers)

    def __call__(self, text: str) -> Doc:
        return self._doc(text, self.kiwi.tokenize(text))

    def make_docs(self, texts: Iterable[str]) -> Iterator[Doc]:
        """Tokenise many texts with Kiwi's worker threads, in input order."""
        texts = list(texts)
        for text, tokens in zip(texts, self.kiwi.tokenize(texts), strict=True):
            yield self._doc(text, tokens)

    def morphologies(self, texts: Iterable[str]) -> Iterator[Morphology]:
        """Kiwi's morphemes of many texts without spaCy tokens, in input order (the tagger's
        input; see `Morphology`).

        `texts` is read lazily: Kiwi's worker threads tokenise a few dozen texts ahead of the
        caller, so a stream of any length runs in bounded memory while the caller's thread
        works on the results.
        """
        ahead: deque[str] = deque()  # texts Kiwi has read but not yet answered, in order

        def feed() -> Iterator[str]:
            for text in texts:
                ahead.append(text)
                yield text

        for tokens in self.kiwi.tokenize(feed()):
            yield _morphology(ahead.popleft(), tokens)

    def morphology(self, text: str) -> Morphology:
        """Kiwi's morphemes of one text, tokenised in the calling thread (Kiwi releases the
        GIL meanwhile, so other threads, and Kiwi's own, go on)."""
        return _morphology(text, self.kiwi.tokenize(text))

    def _doc(self, text: str, tokens) -> Doc:
        words, spaces, groups = _segments(text, tokens)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        from spacy.lang.ko.tag_map import TAG_MAP

        for token, group in zip(doc, groups, strict=True):
            if not group:
                token.tag_ = "_SP" if token.is_space else "X"
                token.pos = X if not token.is_space else token.pos
                continue
            token.tag_ = "+".join(t.tag for t in group)
            token.lemma_ = "+".join(t.lemma or t.form for t in group)
            first = group[0].tag.split("-")[0]
            token.pos = TAG_MAP.get(_SEJONG_TO_SPACY.get(first, first), {POS: X})[POS]
        # Lists, not tuples: DocBin stores user_data as msgpack, which has no tuples.
        doc.user_data["kiwi"] = [[t.form, t.tag, t.start, t.len] for t in tokens]
        return doc


def _morphology(text: str, tokens) -> Morphology:
    # Tuples, not the lists a Doc keeps for msgpack: cheaper to build, and the garbage
    # collector stops tracking them, so a batch held in memory is not walked again at every
    # collection.
    return Morphology(text, {"kiwi": [(t.form, t.tag, t.start, t.len) for t in tokens]})


# Kiwi uses the Sejong tag set like mecab-ko-dic, with a few extra tags (XSM, Z_CODA, W_*).
_SEJONG_TO_SPACY = {
    "SSO": "SS",
    "SSC": "SS",
    "SB": "SN",
    "W_URL": "SL",
    "W_EMAIL": "SL",
    "W_HASHTAG": "SL",
    "W_MENTION": "SL",
    "W_SERIAL": "SN",
    "Z_CODA": "X",
    "XSM": "XSA",
    "UN": "X",
}


def _segments(text: str, tokens) -> tuple[list[str], list[bool], list[list]]:
    """Group Kiwi morphemes into non-overlapping surface segments covering `text`.

    Morphemes whose character ranges overlap or touch inside one fused form (하+ᆫ → "한")
    become one segment. Characters Kiwi gives no morpheme (white space, rarely other symbols)
    become their own segments so that nothing of the text is lost.
    """
    spans: list[list] = []  # [start, end, [tokens]]
    pending: list = []  # zero-width morphemes before any surface (kept with the next one)
    for token in tokens:
        start, end = token.start, token.start + token.len
        if spans and (start < spans[-1][1] or token.len == 0):
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2].append(token)
        elif token.len == 0:
            pending.append(token)
        else:
            spans.append([start, end, pending + [token]])
            pending = []
    words: list[str] = []
    spaces: list[bool] = []
    groups: list[list] = []
    position = 0

    def gap(until: int) -> None:
        nonlocal position
        piece = text[position:until]
        if not piece:
            return
        if piece[0] == " " and words and not spaces[-1]:
            spaces[-1] = True
            piece = piece[1:]
        if piece:
            words.append(piece)
            spaces.append(False)
            groups.append([])
        position = until

    for start, end, group in spans:
        gap(start)
        words.append(text[start:end])
        spaces.append(False)
        groups.append(group)
        position = end
    gap(len(text))
    return words, spaces, groups


@registry.tokenizers(TOKENIZER_NAME)
def create_kiwi_tokenizer(user_dict: str | None = None, num_workers: int | None = None):
    """spaCy registry entry: `[nlp.tokenizer] @tokenizers = "lawcheck.kiwi_tokenizer.v1"`."""

    def factory(nlp: Language) -> KiwiTokenizer:
        return KiwiTokenizer(
            nlp.vocab, user_dict=user_dict or str(USER_DICT), num_workers=num_workers
        )

    return factory


def pipeline_config(num_workers: int | None = None) -> dict:
    """The spaCy config that selects Kiwi as the tokenizer (mecab is never needed)."""
    workers = num_workers if num_workers is not None else default_workers()
    return {
        "nlp": {
            "tokenizer": {
                "@tokenizers": TOKENIZER_NAME,
                "user_dict": str(USER_DICT),
                "num_workers": workers,
            }
        }
    }


def get_pipeline(num_workers: int | None = None) -> Language:
    """The one lawcheck pipeline of this process: blank Korean + Kiwi tokenizer, with
    `num_workers` Kiwi threads (default: the CPU count, at most 2)."""
    return _pipeline(num_workers if num_workers is not None else default_workers())


@lru_cache(maxsize=2)
def _pipeline(num_workers: int) -> Language:
    # Keyed by the resolved count: asking with None and with the default is one Kiwi model
    # (~600 MB) in memory, not two.
    import spacy

    return spacy.blank("ko", config=pipeline_config(num_workers))


def make_docs(texts: Iterable[str], nlp: Language | None = None) -> Iterator[Doc]:
    """Docs for many texts, tokenised in one Kiwi batch and run through the pipeline."""
    nlp = nlp or get_pipeline()
    tokenizer = nlp.tokenizer
    docs = (
        tokenizer.make_docs(texts)
        if isinstance(tokenizer, KiwiTokenizer)
        else map(nlp.make_doc, texts)
    )
    yield from nlp.pipe(docs)


def morphologies(texts: Iterable[str], nlp: Language | None = None) -> Iterator[Morphology]:
    """What the tagger needs of many texts (Kiwi morphemes), tokenised in one Kiwi batch."""
    nlp = nlp or get_pipeline()
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, KiwiTokenizer):
        raise AnalysisError(f"the pipeline's tokenizer is {type(tokenizer).__name__}, not Kiwi")
    return tokenizer.morphologies(texts)


def save_docs(docs: Iterable[Doc], path: str | Path) -> int:
    """Write docs to a DocBin file (user_data included); returns the number written."""
    bin_ = DocBin(store_user_data=True)
    n = 0
    for doc in docs:
        bin_.add(doc)
        n += 1
    Path(path).write_bytes(bin_.to_bytes())
    return n


def load_docs(path: str | Path, nlp: Language | None = None) -> list[Doc]:
    """Read docs written by `save_docs`."""
    nlp = nlp or get_pipeline()
    return list(DocBin().from_bytes(Path(path).read_bytes()).get_docs(nlp.vocab))
