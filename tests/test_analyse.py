"""Kiwi inside spaCy: lossless docs, Kiwi tags, DocBin round trip, the registered tokenizer."""

from __future__ import annotations

import pytest
import spacy

from lawcheck.analyse import TOKENIZER_NAME, get_pipeline, load_docs, make_docs, save_docs
from lawcheck.importers import read_path
from lawcheck.split import split_law


@pytest.fixture(scope="module")
def ai_act_texts(corpus_dir) -> list[str]:
    law = split_law(read_path(corpus_dir / "raw/xml/ai_basic_act_21311.xml"))
    return [clause.text for clause in law.clauses()]


def test_analyse_docs_are_lossless_on_a_whole_law(ai_act_texts):
    docs = list(make_docs(ai_act_texts))
    assert [doc.text for doc in docs] == ai_act_texts
    assert all(token.tag_ for doc in docs for token in doc)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n", "  두 칸  공백\n\n줄바꿈 ", "①", "<개정 2026.1.20>", "ㆍㆍㆍ<생략>ㆍㆍㆍ", "A\u3000B"],
)
def test_analyse_doc_text_equals_input_for_odd_whitespace(text):
    assert get_pipeline()(text).text == text


def test_analyse_tokens_carry_kiwi_tags_and_lemmas():
    doc = get_pipeline()("인공지능사업자는 이용자에게 고지하여야 한다.")
    by_text = {token.text: token for token in doc}
    assert by_text["인공지능사업자"].tag_ == "NNG"  # kept whole by the user dictionary
    assert by_text["는"].tag_ == "JX"
    assert [form for form, *_ in doc.user_data["kiwi"]][-4:] == ["어야", "하", "ᆫ다", "."]


def test_analyse_docbin_round_trip(tmp_path, ai_act_texts):
    docs = list(make_docs(ai_act_texts[:50]))
    path = tmp_path / "ai.spacy"
    assert save_docs(docs, path) == 50
    loaded = load_docs(path)
    assert [d.text for d in loaded] == [d.text for d in docs]
    assert [[t.tag_ for t in d] for d in loaded] == [[t.tag_ for t in d] for d in docs]
    # msgpack gives tuples back for lists; the analysis itself is unchanged.
    assert [list(m) for m in loaded[3].user_data["kiwi"]] == docs[3].user_data["kiwi"]


def test_analyse_tokenizer_is_selected_by_config():
    nlp = get_pipeline()
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == TOKENIZER_NAME
    assert get_pipeline() is nlp  # one pipeline per process
    fresh = spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    assert fresh("개인정보처리자는").text == "개인정보처리자는"
