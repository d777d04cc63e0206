"""Tests of lawcheck.fetch against the real replay server on 127.0.0.1 (no law.go.kr, no mocks)."""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lawcheck.errors import (
    AntiBotError,
    AuthError,
    FetchError,
    MalformedResponseError,
    MissingKeyError,
    NetworkError,
    NotFoundError,
    ServerError,
    UnapprovedTargetError,
    WatchlistError,
)
from lawcheck.fetch import (
    LawApiClient,
    RawStore,
    WatchEntry,
    check_response,
    fetch_watchlist,
    load_watchlist,
    names_match,
    redact_body,
    redact_text,
)
from lawcheck.replay import ReplayServer
from lawcheck.testing import PROJECT_ROOT

OC = "lawcheckTestOC9x"  # distinctive: must never show up in errors, logs, files or manifests
RETRIES = 2  # -> 3 attempts
WATCHLIST = PROJECT_ROOT / "corpus" / "watchlist.toml"
AI_ACT = "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"


@dataclass
class Sleeps:
    """A `sleep` that records the delays instead of waiting (keeps the retry tests fast)."""

    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(server: ReplayServer, sleeps: Sleeps) -> LawApiClient:
    with LawApiClient(
        OC, server.base_url, timeout=5, retries=RETRIES, backoff=0.01, throttle=0, sleep=sleeps
    ) as api:
        yield api


@pytest.fixture
def store(tmp_path: Path) -> RawStore:
    return RawStore(tmp_path / "raw")


def assert_no_oc(*texts: str, caplog=None, root: Path | None = None) -> None:
    """The OC is in none of the texts, log records, files under root (incl. the manifest)."""
    for text in texts:
        assert OC not in text
    if caplog is not None:
        for record in caplog.records:
            assert OC not in record.getMessage(), record.name
    if root is not None and root.exists():
        for path in root.rglob("*"):
            if path.is_file():
                assert OC.encode() not in path.read_bytes(), path


def assert_store_clean(store: RawStore) -> None:
    """No temporary files; every file is either the manifest or verified by it."""
    if not store.root.exists():
        return
    for path in store.root.rglob("*"):
        if path.is_file() and path.name != RawStore.MANIFEST:
            assert not path.name.startswith("."), f"temporary file left: {path}"
            assert store.verified(path), f"unverified file: {path}"


def law_requests(server: ReplayServer, target: str = "law") -> list[str]:
    return [
        r.params.get("MST", r.params.get("ID", ""))
        for r in server.requests_to("lawService", target)
    ]


# --- key and arguments ---------------------------------------------------------------------------


def test_fetch_missing_key_is_refused(monkeypatch):
    monkeypatch.delenv("LAWCHECK_OC", raising=False)
    with pytest.raises(MissingKeyError, match="LAWCHECK_OC"):
        LawApiClient()
    with pytest.raises(MissingKeyError):
        LawApiClient("  ")


def test_fetch_key_from_environment_is_never_shown(monkeypatch, server):
    monkeypatch.setenv("LAWCHECK_OC", OC)
    api = LawApiClient(base_url=server.base_url, throttle=0)
    assert OC not in repr(api)
    assert api.search("지능정보화 기본법")[0].law_id == "000028"
    assert server.requests[-1].oc_present


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.law_body(), "exactly one"),
        (lambda c: c.law_body(mst="1", law_id="000001"), "exactly one"),
        (lambda c: c.law_body(mst="283839", target="eflaw"), "ef_yd"),
        (lambda c: c.law_body(mst="283839", target="lsHistory"), "target must be"),
        (lambda c: c.law_body(mst="283839", fmt="HTML"), "fmt must be"),
        (lambda c: c.law_body(law_id="11357"), "6-digit"),
        (lambda c: c.law_body(mst="283839", jo="29"), "6 digits"),
        (lambda c: c.search(""), "non-empty"),
        (lambda c: c.search("법", display=101), "display"),
        (lambda c: c.search("법", page=2), "named arguments"),
        (lambda c: c.delegated(), "exactly one"),
    ],
)
def test_fetch_bad_arguments_fail_before_any_request(client, server, call, message):
    with pytest.raises(ValueError, match=message):
        call(client)
    assert server.requests == []


# --- search --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("개인정보 보호법", "개인정보 보호법", True),
        ("개인정보 보호법", "개인정보보호법", True),  # spaces removed from both sides
        ("개인정보보호법", " 개인정보 보호법 ", True),
        ("개인정보 보호법 시행령", "개인정보 보호법", False),
        ("소재ㆍ부품ㆍ장비산업", "소재·부품·장비산업", False),  # middle dots are not folded
    ],
)
def test_fetch_names_match_exact_or_without_spaces(name, query, expected):
    assert names_match(name, query) is expected


def test_fetch_search_exact_keeps_only_the_named_law(client):
    result = client.search_pages("개인정보 보호법")
    assert [(h.mst, h.name, h.law_id, h.kind) for h in result.hits] == [
        ("283839", "개인정보 보호법", "011357", "법률")
    ]
    assert [h.name for h in result.all_hits] == ["개인정보 보호법", "개인정보 보호법 시행령"]
    loose = client.search("개인정보 보호법", exact=False)
    assert len(loose) == 2 and loose == list(result.all_hits)


def test_fetch_search_follows_every_page(client, server, shared):
    with (shared / "corpus/lists/law_index_legalize_kr_20260605.tsv").open(
        encoding="utf-8"
    ) as handle:
        expected = {
            r["law_mst"]
            for r in csv.DictReader(handle, delimiter="\t")
            if "진흥법" in r["law_name_ko"]
        }
    assert len(expected) > 100
    result = client.search_pages("진흥법", exact=False)
    assert result.total_count == len(expected) == len(result.all_hits)
    assert {h.mst for h in result.all_hits} == expected
    assert [p.params["page"] for p in result.pages] == ["1", "2"]
    assert [r.params["page"] for r in server.requests_to("lawSearch")] == ["1", "2"]


def test_fetch_search_exact_over_several_small_pages(client, server):
    hits = client.search("정보통신망 이용촉진 및 정보보호 등에 관한 법률", display=1)
    assert [(h.law_id, h.kind) for h in hits] == [("000030", "법률")]
    assert [r.params["page"] for r in server.requests_to("lawSearch")] == ["1", "2", "3"]


@pytest.mark.parametrize("fmt", ["XML", "JSON"])
def test_fetch_search_zero_hits_is_an_empty_list(client, fmt):
    assert client.search("존재하지않는법령이름", fmt=fmt) == []


@pytest.mark.parametrize("display", [1, 2, 100])  # one row per page = a JSON object, not a list
def test_fetch_search_json_matches_xml(client, display):
    query = "정보통신망 이용촉진 및 정보보호 등에 관한 법률"
    as_xml = client.search(query, exact=False, display=display)
    as_json = client.search(query, exact=False, display=display, fmt="JSON")
    assert as_json == as_xml and len(as_xml) == 3


def test_fetch_eflaw_search_passes_filters(client):
    hits = client.search("소득세법", target="eflaw", exact=False, efYd="20100311~20100501")
    assert [h.mst for h in hits] == ["131405", "104809", "102729", "103245"]  # the recorded capture
    assert {h.status for h in hits} == {"연혁"}


# --- bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mst", ["282791", "283839", "285207"])  # real XML, Markdown, detail sample
def test_fetch_law_body_is_what_the_server_sent(client, server, mst):
    raw = client.law_body(mst=mst)
    assert raw.body == server.data.law_xml(mst)
    assert raw.sha256 == hashlib.sha256(raw.body).hexdigest()
    assert (raw.status, raw.redacted, raw.attempts) == (200, False, 1)
    assert raw.params == {"target": "law", "type": "XML", "MST": mst}
    assert "OC=REDACTED" in raw.url_redacted and OC not in raw.url_redacted
    assert "xml" in raw.content_type


def test_fetch_law_body_json_and_by_id(client, shared):
    decree = client.law_body(law_id="015032", target="eflaw", fmt="JSON")
    assert decree.body == (shared / "corpus/raw/json/ai_basic_act_decree_36580.json").read_bytes()
    converted = json.loads(client.law_body(mst="283839", fmt="JSON").body)
    assert converted["법령"]["기본정보"]["법령ID"] == "011357"
    assert (
        client.law_body(law_id="014820").body
        == (shared / "corpus/raw/xml/ai_basic_act_21311.xml").read_bytes()
    )


def test_fetch_eflaw_article_by_mst_and_date(client, shared):
    raw = client.law_body(mst="283839", target="eflaw", ef_yd="20260911", jo="002900")
    assert (
        raw.body == (shared / "lawapi/samples/lawService_eflaw_xml_pipa_JO002900.xml").read_bytes()
    )


def test_fetch_delegated_table(client, shared):
    raw = client.delegated(mst="239291")
    sample = "lawapi/samples/lawService_lsDelegated_xml_admin_procedure_act_mst239291.xml"
    assert raw.body == (shared / sample).read_bytes()
    assert (
        json.loads(client.delegated(mst="239291", fmt="JSON").body)["lsDelegated"]["법령"][
            "법령정보"
        ]["법령ID"]
        == "001362"
    )
    with pytest.raises(NotFoundError, match="lsDelegated MST=283839"):
        client.delegated(mst="283839")


# --- faults (SPEC §9): one case per failure mode -------------------------------------------------

ATTEMPTS = RETRIES + 1
FAULT_CASES = [
    # fault, format, call, error class, requests the server sees, words the message must carry
    ("auth", "XML", "body", AuthError, 1, ["open.law.go.kr", "IP"]),
    ("auth", "JSON", "search", AuthError, 1, ["open.law.go.kr", "IP"]),
    ("missing-oc", "JSON", "body", AuthError, 1, ["필수입력요소", "LAWCHECK_OC"]),
    ("missing-oc", "XML", "search", AuthError, 1, ["필수입력요소", "LAWCHECK_OC"]),
    ("unapproved", "XML", "body", UnapprovedTargetError, 1, ["미신청", "OPEN API 신청"]),
    ("not-found", "XML", "body", NotFoundError, 1, ["일치하는 법령이 없습니다", "check the MST"]),
    ("not-found", "JSON", "body", NotFoundError, 1, ["일치하는 법령이 없습니다"]),
    ("http500", "XML", "body", ServerError, ATTEMPTS, ["HTTP 500", f"gave up after {ATTEMPTS}"]),
    ("http404", "XML", "search", ServerError, ATTEMPTS, ["HTTP 404", "try again later"]),
    ("http429", "XML", "body", ServerError, ATTEMPTS, ["HTTP 429"]),
    ("http503", "JSON", "body", ServerError, ATTEMPTS, ["HTTP 503"]),
    ("empty", "XML", "body", ServerError, ATTEMPTS, ["empty body", "maintenance"]),
    ("maintenance", "XML", "body", ServerError, ATTEMPTS, ["HTML page", "시스템 점검"]),
    ("antibot", "XML", "body", AntiBotError, 1, ["anti-bot", "cloud"]),
    ("truncated", "XML", "body", MalformedResponseError, 1, ["not well-formed XML", "not saved"]),
    ("truncated", "JSON", "search", MalformedResponseError, 1, ["not valid JSON"]),
    ("malformed", "XML", "body", MalformedResponseError, 1, ["mismatched tag", "type=JSON"]),
    ("wrong-encoding", "XML", "search", MalformedResponseError, 1, ["not valid UTF-8", "EUC-KR"]),
    ("json-shape", "JSON", "search", MalformedResponseError, 1, ["not objects"]),
    ("json-shape", "JSON", "body", MalformedResponseError, 1, ["'법령' was expected"]),
    ("json-shape", "XML", "search", MalformedResponseError, 1, ["JSON although type=XML"]),
    ("json-list", "JSON", "body", MalformedResponseError, 1, ["top level is a list"]),
    ("result-fail", "XML", "search", FetchError, 1, ["resultCode 01"]),
    ("result-fail", "JSON", "search", FetchError, 1, ["resultCode 01"]),
    ("reset", "XML", "body", NetworkError, ATTEMPTS, ["connection", "failed"]),
    ("slow", "XML", "body", NetworkError, ATTEMPTS, ["no answer", "within 0.4s"]),
]


def fetch_and_save(client: LawApiClient, store: RawStore, call: str, fmt: str) -> None:
    """What fetch_watchlist does for one request: fetch, then save only what passed the checks."""
    if call == "body":
        store.save_body(client.law_body(mst="283839", fmt=fmt), mst="283839")
    else:
        for page in client.search_pages("개인정보 보호법", fmt=fmt).pages:
            store.save_search_page(page)


@pytest.mark.parametrize(
    ("fault", "fmt", "call", "error", "requests", "words"),
    FAULT_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in FAULT_CASES],
)
def test_fetch_fault_raises_typed_actionable_error(
    client, server, store, sleeps, caplog, fault, fmt, call, error, requests, words
):
    caplog.set_level(logging.DEBUG)
    server.fault = fault
    server.slow_seconds = 1.0
    server.retry_after = "0"
    if fault == "slow":
        client.timeout = 0.4  # only the time-out case waits less than the slow answer
    with pytest.raises(FetchError) as info:
        fetch_and_save(client, store, call, fmt)
    exc = info.value
    assert type(exc) is error
    message = str(exc)
    assert message.startswith(f"[{exc.code}] ")
    for word in words:
        assert word in message
    named = "MST=283839" if call == "body" else "query='개인정보 보호법'"
    assert named in message and f"type={fmt}" in message
    assert len(server.requests) == requests
    assert len(sleeps.delays) == requests - 1
    assert exc.__cause__ is None or OC not in str(exc.__cause__)
    assert not store.root.exists() or not any(store.root.rglob("*"))  # nothing saved, no debris
    assert_no_oc(message, repr(exc), caplog=caplog, root=store.root)


@pytest.mark.parametrize(
    "fault", ["http404", "http429", "http500", "http503", "empty", "maintenance", "reset", "slow"]
)
def test_fetch_transient_fault_is_retried_then_succeeds(
    client, server, store, sleeps, caplog, fault
):
    caplog.set_level(logging.DEBUG)
    server.slow_seconds = 1.0
    server.retry_after = "0"
    if fault == "slow":
        client.timeout = 0.4
    server.queue_fault(fault, times=2)
    raw = client.law_body(mst="282791")
    assert raw.attempts == 3 and raw.body == server.data.law_xml("282791")
    assert [r.fault for r in server.requests] == [fault, fault, None]
    assert len(sleeps.delays) == 2 and sleeps.delays[0] < sleeps.delays[1]  # exponential backoff
    store.save_body(raw, mst="282791")
    assert_store_clean(store)
    assert_no_oc(caplog=caplog, root=store.root)


def test_fetch_honours_retry_after(client, server, sleeps):
    server.retry_after = "7"
    server.queue_fault("http429")
    client.search("개인정보 보호법")
    assert sleeps.delays == [7.0]


def test_fetch_retry_after_is_capped(server, sleeps):
    server.retry_after = "86400"
    server.queue_fault("http429")
    LawApiClient(OC, server.base_url, throttle=0, backoff=0.01, sleep=sleeps).search(
        "개인정보 보호법"
    )
    assert sleeps.delays == [120.0]


def test_fetch_error_envelopes_classified_from_bytes():
    request = "lawService.do target=law MST=1"
    with pytest.raises(NotFoundError):
        check_response(b"{}", request=request, expected_root="법령")  # eflawjosub JSON
    with pytest.raises(AuthError, match="open.law.go.kr"):
        check_response(
            '{"result": "사용자 정보 검증에 실패하였습니다.", "msg": "…"}'.encode(),
            request=request,
            expected_root="법령",
        )
    with pytest.raises(NotFoundError, match="HTML page"):
        check_response(
            "\r\n<!DOCTYPE html><html><body>일치하는 법령이 없습니다.</body></html>".encode(),
            request=request,
            expected_root="lsDelegated",
        )
    declared = "<?xml version='1.0' encoding='EUC-KR'?><LawSearch><키워드>법</키워드></LawSearch>"
    with pytest.raises(MalformedResponseError, match="not well-formed"):
        check_response(declared.encode("utf-8"), request=request, expected_root="LawSearch")
    with pytest.raises(MalformedResponseError, match="EUC-KR"):
        check_response(declared.encode("cp949"), request=request, expected_root="LawSearch")
    with pytest.raises(MalformedResponseError, match="neither XML nor JSON"):
        check_response(b"OK", request=request, expected_root="LawSearch")


def test_fetch_permanent_html_answer_wins_over_a_retryable_status(shared):
    page = (shared / "lawapi/samples/error_lsDelegated_unknown_mst.html").read_bytes()
    with pytest.raises(NotFoundError):
        check_response(
            page,
            request="lawService.do target=lsDelegated MST=1",
            expected_root="lsDelegated",
            status=404,
        )
    error_page = (shared / "lawapi/samples/error_lsDelegated_http500_page.html").read_bytes()
    with pytest.raises(ServerError) as info:
        check_response(
            error_page,
            request="lawService.do target=lsDelegated MST=1",
            expected_root="lsDelegated",
            status=500,
        )
    assert info.value.retryable


def test_fetch_error_text_echoing_the_oc_is_scrubbed(server):
    api = LawApiClient(OC, server.base_url, throttle=0)
    echoed = f'{{"Law": "일치하는 법령이 없습니다. (OC={OC})"}}'.encode()
    with pytest.raises(NotFoundError) as info:
        check_response(echoed, request="lawService.do target=law MST=1", expected_root="법령")
    assert OC in info.value.message  # check_response does not know the key …
    clean = api._scrubbed(info.value)  # … the client scrubs it before raising
    assert type(clean) is NotFoundError and OC not in str(clean) and "OC=REDACTED" in clean.message


# --- redaction -----------------------------------------------------------------------------------


def test_fetch_redaction_touches_only_the_oc_parameter():
    link = "<link>/DRF/lawService.do?OC={}&amp;target=law</link>"
    body = f"<a>{OC} stays in text</a>{link.format(OC)}".encode()
    redacted, changed = redact_body(body, OC)
    assert changed
    assert redacted == f"<a>{OC} stays in text</a>{link.format('REDACTED')}".encode()
    assert redact_body(b"<x>OC=other&amp;</x>", OC) == (b"<x>OC=other&amp;</x>", False)
    assert (
        redact_text(f"GET /x?target=law&OC={OC}&MST=1 ({OC})", OC)
        == "GET /x?target=law&OC=REDACTED&MST=1 (REDACTED)"
    )


@pytest.mark.parametrize("fmt", ["XML", "JSON"])
def test_fetch_search_pages_are_saved_redacted(client, store, caplog, fmt):
    caplog.set_level(logging.DEBUG)
    result = client.search_pages("지능정보화 기본법", fmt=fmt)
    assert all(page.redacted for page in result.pages)
    path = store.save_search_page(result.pages[0])
    data = path.read_bytes()
    assert b"OC=REDACTED" in data and OC.encode() not in data
    assert re.fullmatch(r"law-[0-9a-f]{12}-p1\." + fmt.lower(), path.name)
    entry = store.entries()[-1]
    assert entry["redacted"] is True and entry["request"] == "search"
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert "OC" not in entry["params"] and "OC=REDACTED" in entry["url"]
    assert_no_oc(caplog=caplog, root=store.root)


# --- raw store -----------------------------------------------------------------------------------


def test_fetch_store_writes_atomically_and_verifies(client, store):
    raw = client.law_body(mst="282791")
    path = store.save_body(raw, mst="282791", law_id="014820", name=AI_ACT, kind="법률")
    assert path == store.root / "law" / "282791.xml"
    assert path.read_bytes() == raw.body
    assert store.has("law", "282791")
    entry = store.entries()[-1]
    assert {
        k: entry[k]
        for k in ("path", "request", "target", "format", "mst", "law_id", "name", "kind", "bytes")
    } == {
        "path": "law/282791.xml",
        "request": "body",
        "target": "law",
        "format": "XML",
        "mst": "282791",
        "law_id": "014820",
        "name": AI_ACT,
        "kind": "법률",
        "bytes": len(raw.body),
    }
    assert entry["redacted"] is False and entry["fetched_at"].endswith("+00:00")
    store.save_body(raw, mst="282791")  # unchanged: no second manifest line
    assert len(store.entries()) == 1
    path.write_bytes(raw.body[:100])  # a damaged body is not trusted
    assert not RawStore(store.root).has("law", "282791")


def test_fetch_store_ignores_half_written_files(client, store):
    raw = client.law_body(mst="282791")
    (store.root / "law").mkdir(parents=True)
    (store.root / "law" / ".282791.xml.abc123.tmp").write_bytes(raw.body[:50])
    (store.root / "law" / "282791.xml").write_bytes(raw.body)  # written but never recorded
    with open(store.root / RawStore.MANIFEST, "w", encoding="utf-8") as handle:
        handle.write('{"path": "law/282791.xml", "sha256": "abc')  # a line cut by a kill
    assert not store.has("law", "282791")
    assert store.clean_temp() == 1
    store.save_body(raw, mst="282791")
    fresh = RawStore(store.root)
    assert fresh.has("law", "282791") and len(fresh.entries()) == 1
    assert_store_clean(fresh)


def test_fetch_store_paths():
    store = RawStore("/x")
    assert store.body_path("lsDelegated", "239291") == Path("/x/lsDelegated/239291.xml")
    assert store.body_path("eflaw", "283839", ef_yd="20260911", fmt="JSON") == Path(
        "/x/eflaw/283839_20260911.json"
    )
    with pytest.raises(ValueError):
        store.body_path("law", "../etc")


# --- watchlist -----------------------------------------------------------------------------------


def test_fetch_watchlist_file_lists_every_statute_of_the_corpus(shared):
    entries = load_watchlist(WATCHLIST)
    by_id = {e.law_id: e for e in entries}
    with (shared / "corpus/MANIFEST.tsv").open(encoding="utf-8") as handle:
        statutes = {
            r["law_id"]: r["law_name_ko"]
            for r in csv.DictReader(handle, delimiter="\t")
            if r["kind"] == "법률"
        }
    assert set(statutes) <= set(by_id)
    assert all(by_id[i].name == name for i, name in statutes.items())
    assert by_id["014820"].decrees == (f"{AI_ACT} 시행령",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[law]]\nname = "개인정보 보호법"\nlaw_id = 11357\n',
            r"#1 \(개인정보 보호법\): 'law_id' must be a quoted .*\"011357\"",
        ),
        ('[[law]]\nname = "개인정보 보호법"\nlaw_id = "11357"\n', "6-digit"),
        ('[[law]]\nlaw_id = "011357"\n', "'name'"),
        (
            '[[law]]\nname = "a"\nlaw_id = "011357"\ndecree = ["b"]\n',
            r"unknown field\(s\) \['decree'\]",
        ),
        ('[[law]]\nname = "a"\nlaw_id = "011357"\nrules = "b"\n', "'rules' must be a list"),
        (
            '[[law]]\nname = "a"\nlaw_id = "011357"\n[[law]]\nname = "b"\nlaw_id = "011357"\n',
            "#2 .*already entry #1",
        ),
        ('[[law]\nname = "a"\n', "not valid TOML"),
        ('title = "x"\n', "unknown top-level"),
        ("", "no \\[\\[law\\]\\] entries"),
    ],
)
def test_fetch_watchlist_errors_name_file_and_entry(tmp_path, text, message):
    path = tmp_path / "watch.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WatchlistError, match=message) as info:
        load_watchlist(path)
    assert str(path) in str(info.value)


def test_fetch_watchlist_missing_file(tmp_path):
    with pytest.raises(WatchlistError, match="no such watchlist"):
        load_watchlist(tmp_path / "absent.toml")


# --- fetch_watchlist end to end -------------------------------------------------------------------

E2E_NAMES = (AI_ACT, "개인정보 보호법", "지능정보화 기본법", "행정절차법")


@pytest.fixture
def e2e_entries() -> list[WatchEntry]:
    entries = [e for e in load_watchlist(WATCHLIST) if e.name in E2E_NAMES]
    assert len(entries) == len(E2E_NAMES)
    return entries


def expected_bodies(server: ReplayServer) -> dict[str, str]:
    """MST -> name for the bodies E2E_NAMES should bring, computed from the server's index."""
    wanted = {}
    names = (
        set(E2E_NAMES) | {f"{n} 시행령" for n in E2E_NAMES} | {f"{n} 시행규칙" for n in E2E_NAMES}
    )
    for mst, row in server.data.rows.items():
        if row.name in names and server.data.law_xml(mst) is not None:
            wanted[mst] = row.name
    return wanted


def test_fetch_watchlist_end_to_end_and_resumable(client, server, store, caplog, e2e_entries):
    caplog.set_level(logging.DEBUG)
    calls: list[tuple[int, int, str]] = []
    report = fetch_watchlist(e2e_entries, store, client, progress=lambda *a: calls.append(a))
    wanted = expected_bodies(server)
    assert {"282791", "282879", "283839", "286175", "239291", "253247"} <= set(wanted)
    fetched_bodies = {i.mst for i in report.fetched if i.target == "law"}
    assert fetched_bodies == set(wanted)
    assert {i.mst for i in report.fetched if i.target == "lsDelegated"} == {"239291"}
    # Failures are recorded, not raised: 행정절차법 시행규칙 has no body in the replay data, and
    # lsDelegated is only recorded for 행정절차법 (MST 239291).
    failures = {(f.target, f.mst, f.code) for f in report.failed}
    assert ("law", "243859", "F004") in failures
    assert all(code == "F004" for _, _, code in failures)
    assert {m for t, m, _ in failures if t == "lsDelegated"} == {
        "282791",
        "282879",
        "283839",
        "286175",
        "253247",
        *(m for m, n in wanted.items() if n in ("지능정보화 기본법", "지능정보화 기본법 시행령")),
    }
    assert report.skipped == ()
    # Saved bytes are exactly what the server sent, and the manifest says so.
    entries = {e["path"]: e for e in store.entries()}
    for mst in wanted:
        path = store.root / "law" / f"{mst}.xml"
        data = path.read_bytes()
        assert data == server.data.law_xml(mst)
        assert entries[f"law/{mst}.xml"]["sha256"] == hashlib.sha256(data).hexdigest()
        assert entries[f"law/{mst}.xml"]["mst"] == mst
    for entry in (e for e in entries.values() if e["request"] == "search"):
        # Pages with rows carried the OC echo and were redacted; zero-hit pages had none.
        has_rows = b"<law id=" in (store.root / entry["path"]).read_bytes()
        assert entry["redacted"] is has_rows
    assert not any(e["redacted"] for e in entries.values() if e["request"] != "search")
    assert calls[-1] == (len(e2e_entries), len(e2e_entries), "done")
    assert_store_clean(store)
    assert_no_oc(report.summary(), caplog=caplog, root=store.root)

    # A second run fetches nothing that is already there (only the failures are tried again).
    server.reset()
    again = fetch_watchlist(e2e_entries, store, client)
    assert {i.mst for i in again.skipped if i.target == "law"} == set(wanted)
    assert again.fetched == ()
    assert set(law_requests(server)) == {"243859"}
    assert set(law_requests(server, "lsDelegated")) == {
        m for t, m, _ in failures if t == "lsDelegated"
    }


def test_fetch_watchlist_killed_halfway_then_completed(client, server, store, e2e_entries):
    steps = []

    def kill_after_three_bodies(done: int, total: int, label: str) -> None:
        if label.endswith(" body"):
            steps.append(label)
            if len(steps) == 4:
                raise KeyboardInterrupt  # the process is killed before the 4th body request

    with pytest.raises(KeyboardInterrupt):
        fetch_watchlist(
            e2e_entries, store, client, progress=kill_after_three_bodies, include_delegated=False
        )
    first = set(law_requests(server))
    assert len(first) == 3
    assert {p.stem for p in (store.root / "law").glob("*.xml")} == first
    assert_store_clean(store)
    # Leave the debris of a kill during a write: a temporary file and a damaged body.
    damaged = sorted(first)[0]
    (store.root / "law" / f".{damaged}.xml.x1y2.tmp").write_bytes(b"<?xml half")
    (store.root / "law" / f"{damaged}.xml").write_bytes(b"<?xml damaged")

    server.reset()
    report = fetch_watchlist(e2e_entries, store, client, include_delegated=False)
    wanted = expected_bodies(server)
    refetched = set(law_requests(server))
    assert refetched == (set(wanted) - first) | {damaged, "243859"}
    assert {i.mst for i in report.skipped} == first - {damaged}
    assert {i.mst for i in report.fetched} == (set(wanted) - first) | {damaged}
    for mst in wanted:
        assert store.has("law", mst)
    assert_store_clean(store)


def test_fetch_watchlist_server_failure_midway_then_rerun(client, server, store, e2e_entries):
    bodies = []

    def break_server(done: int, total: int, label: str) -> None:
        if label.endswith(" body"):
            bodies.append(label)
            if len(bodies) == 3:
                server.fault = "http503"  # law.go.kr goes down after two bodies

    report = fetch_watchlist(
        e2e_entries, store, client, progress=break_server, include_delegated=False
    )
    assert len(report.fetched) == 2
    assert report.failed and all(f.code in ("F005",) for f in report.failed)
    assert_store_clean(store)
    server.reset()
    rerun = fetch_watchlist(e2e_entries, store, client, include_delegated=False)
    assert {i.mst for i in rerun.skipped} == {i.mst for i in report.fetched}
    assert {i.mst for i in rerun.fetched} == set(expected_bodies(server)) - {
        i.mst for i in report.fetched
    }
    assert {f.mst for f in rerun.failed} == {"243859"}


def test_fetch_watchlist_records_lsdelegated_http500(client, server, store, e2e_entries):
    server.queue_fault("http500", times=ATTEMPTS, target="lsDelegated")
    entry = next(e for e in e2e_entries if e.name == "행정절차법")
    report = fetch_watchlist([entry], store, client)
    delegated = [f for f in report.failed if f.target == "lsDelegated"]
    assert [(f.mst, f.code) for f in delegated] == [("239291", "F005"), ("253247", "F004")]
    assert "HTTP 500" in delegated[0].message and "lsDelegated MST=239291" in delegated[0].message
    assert {i.mst for i in report.fetched} == {"239291", "253247"}  # the bodies still came
    assert not (store.root / "lsDelegated").exists()


def test_fetch_watchlist_unapproved_lsdelegated_is_recorded(client, server, store, e2e_entries):
    server.queue_fault("unapproved", times=5, target="lsDelegated")
    entry = next(e for e in e2e_entries if e.name == "행정절차법")
    report = fetch_watchlist([entry], store, client)
    assert {f.code for f in report.failed if f.target == "lsDelegated"} == {"F003"}


@pytest.mark.parametrize(
    ("fault", "error"),
    [("auth", AuthError), ("antibot", AntiBotError), ("unapproved", UnapprovedTargetError)],
)
def test_fetch_watchlist_stops_on_errors_nothing_can_survive(
    client, server, store, e2e_entries, caplog, fault, error
):
    caplog.set_level(logging.DEBUG)
    server.fault = fault
    with pytest.raises(error) as info:
        fetch_watchlist(e2e_entries, store, client)
    assert len(server.requests) == 1
    assert not (store.root / "law").exists()
    assert_no_oc(str(info.value), caplog=caplog, root=store.root)


def test_fetch_watchlist_wrong_law_id_is_reported(client, store):
    report = fetch_watchlist([WatchEntry("개인정보 보호법", "000001")], store, client)
    assert len(report.failed) == 1
    failure = report.failed[0]
    assert failure.code == "F004" and "011357" in failure.message and "000001" in failure.message
    assert "watchlist.toml" in failure.message
    assert report.fetched == ()


def test_fetch_watchlist_unknown_listed_decree_is_reported(client, store):
    entry = WatchEntry(
        "지능정보화 기본법", "000028", decrees=("지능정보화 기본법 시행령 없음",), rules=()
    )
    report = fetch_watchlist([entry], store, client, include_delegated=False)
    assert [f.label for f in report.failed] == ["지능정보화 기본법 → 지능정보화 기본법 시행령 없음"]
    assert [i.name for i in report.fetched] == ["지능정보화 기본법"]
