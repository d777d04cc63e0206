"""Tests of lawcheck.replay: a real HTTP server on 127.0.0.1 answering like law.go.kr's DRF API."""

from __future__ import annotations

import csv
import json
import logging
import subprocess
import sys
from datetime import date
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
import requests

from lawcheck.replay import (
    FAULTS,
    ReplayData,
    ReplayServer,
    render_law_xml,
    select_article,
    xml_to_json,
)

OC = "lawcheckTestOC9x"
TIMEOUT = 5


def get(server: ReplayServer, endpoint: str, **params: str) -> requests.Response:
    params.setdefault("OC", OC)
    return requests.get(f"{server.base_url}/DRF/{endpoint}", params=params, timeout=TIMEOUT)


def index_rows(shared: Path) -> list[dict[str, str]]:
    path = shared / "corpus" / "lists" / "law_index_legalize_kr_20260605.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


# --- recorded samples --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "params"),
    [
        (
            "lawService_eflaw_xml_pipa_JO002900.xml",
            {"JO": "002900", "efYd": "20260911", "MST": "283839", "type": "xml", "target": "eflaw"},
        ),
        (
            "lawService_eflaw_xml_pipa_art2.xml",
            {"target": "EFLAW", "MST": "283839", "efYd": "20260911", "JO": "000200"},
        ),
        (
            "lawService_eflawjosub_xml_building_act_art3_ladder.xml",
            {
                "MOK": "다",
                "HO": "000200",
                "HANG": "000100",
                "JO": "000300",
                "efYd": "20171019",
                "MST": "193412",
                "target": "eflawjosub",
            },
        ),
        (
            "lawService_lsDelegated_xml_admin_procedure_act_mst239291.xml",
            {"target": "lsDelegated", "MST": "239291", "type": "XML"},
        ),
        (
            "lawService_eflaw_json_building_act.json",
            {"target": "eflaw", "MST": "273437", "efYd": "20260227", "type": "Json"},
        ),
    ],
)
def test_replay_serves_recorded_bodies_byte_for_byte(server, shared, sample, params):
    response = get(server, "lawService.do", **params)
    assert response.status_code == 200
    assert response.content == (shared / "lawapi" / "samples" / sample).read_bytes()
    kind = "json" if sample.endswith(".json") else "xml"
    assert kind in response.headers["Content-Type"]


def test_replay_recorded_search_echoes_the_callers_oc(server, shared):
    recorded = (shared / "lawapi" / "samples" / "lawSearch_law_xml_pipa.xml").read_bytes()
    response = get(server, "lawSearch.do", target="law", query="개인정보 보호법", display="100")
    assert response.content == recorded.replace(b"OC=test&", f"OC={OC}&".encode())
    assert (
        get(server, "lawSearch.do", OC="test", target="law", query="개인정보 보호법").content
        == recorded
    )


@pytest.mark.parametrize("fmt", ["XML", "JSON"])
def test_replay_built_search_echoes_the_callers_oc(server, fmt):
    response = get(server, "lawSearch.do", target="law", query="지능정보화 기본법", type=fmt)
    assert f"OC={OC}&".encode() in response.content
    assert b"/DRF/lawService.do?OC=" in response.content


# --- search semantics ----------------------------------------------------------------------------


def test_replay_search_counts_and_pages_like_law_go_kr(server, shared):
    expected = sorted(r["law_mst"] for r in index_rows(shared) if "진흥법" in r["law_name_ko"])
    assert len(expected) > 100
    seen: list[str] = []
    for page in (1, 2):
        root = SafeET.fromstring(
            get(
                server, "lawSearch.do", target="law", query="진흥법", display="100", page=str(page)
            ).content
        )
        rows = root.findall("law")
        assert root.findtext("totalCnt") == str(len(expected))
        assert root.findtext("page") == str(page)
        assert root.findtext("numOfRows") == str(len(rows))
        assert [row.get("id") for row in rows] == [str(i) for i in range(1, len(rows) + 1)]
        seen += [row.findtext("법령일련번호") for row in rows]
        names = [row.findtext("법령명한글") for row in rows]
        assert all("진흥법" in name for name in names)
    assert sorted(seen) == expected
    past = SafeET.fromstring(
        get(server, "lawSearch.do", target="law", query="진흥법", display="100", page="3").content
    )
    assert past.findtext("numOfRows") == "0" and past.findall("law") == []


def test_replay_search_default_and_maximum_display(server):
    default = SafeET.fromstring(get(server, "lawSearch.do", target="law", query="진흥법").content)
    assert len(default.findall("law")) == 20
    capped = SafeET.fromstring(
        get(server, "lawSearch.do", target="law", query="시행규칙", display="500").content
    )
    assert len(capped.findall("law")) == 100


def test_replay_search_rows_follow_spec_field_order(server):
    root = SafeET.fromstring(
        get(server, "lawSearch.do", target="law", query="지능정보화 기본법").content
    )
    row = root.find("law")
    assert [child.tag for child in row] == [
        "법령일련번호",
        "현행연혁코드",
        "법령명한글",
        "법령약칭명",
        "법령ID",
        "공포일자",
        "공포번호",
        "제개정구분명",
        "소관부처코드",
        "소관부처명",
        "법령구분명",
        "공동부령정보",
        "시행일자",
        "자법타법여부",
        "법령상세링크",
    ]
    assert [child.tag for child in root][:9] == [
        "target",
        "키워드",
        "section",
        "totalCnt",
        "page",
        "numOfRows",
        "resultCode",
        "resultMsg",
        "law",
    ]


def test_replay_search_zero_hits_envelope(server):
    xml = SafeET.fromstring(get(server, "lawSearch.do", target="law", query="없는법령이름").content)
    assert (xml.findtext("totalCnt"), xml.findtext("numOfRows"), xml.findtext("resultCode")) == (
        "0",
        "0",
        "00",
    )
    assert xml.findall("law") == []
    doc = get(server, "lawSearch.do", target="law", query="없는법령이름", type="JSON").json()
    assert doc == {"LawSearch": {"resultMsg": "success", "totalCnt": "0", "target": "law"}}


@pytest.mark.parametrize(("display", "shape"), [("1", dict), ("100", list)])
def test_replay_search_json_one_row_is_an_object(server, display, shape):
    doc = get(
        server,
        "lawSearch.do",
        target="law",
        query="지능정보화 기본법",
        type="JSON",
        display=display,
    ).json()
    inner = doc["LawSearch"]
    assert isinstance(inner["law"], shape)
    rows = inner["law"] if isinstance(inner["law"], list) else [inner["law"]]
    assert all(isinstance(v, str) for row in rows for v in row.values())
    assert inner["numOfRows"] == str(len(rows))


def test_replay_eflaw_lists_versions_with_status(server, monkeypatch):
    monkeypatch.setattr(server.data, "today", date(2026, 6, 5))
    root = SafeET.fromstring(
        get(
            server,
            "lawSearch.do",
            target="eflaw",
            query="인공지능 발전과 신뢰 기반 조성 등에 관한 기본법",
            LID="014820",
        ).content
    )
    statuses = {
        row.findtext("법령일련번호"): row.findtext("현행연혁코드") for row in root.findall("law")
    }
    assert statuses["282791"] == "현행"
    assert statuses["268543"] == "연혁" and statuses["276241"] == "연혁"
    only_history = SafeET.fromstring(
        get(
            server,
            "lawSearch.do",
            target="eflaw",
            query="인공지능 발전과",
            LID="014820",
            nw="1",
        ).content
    )
    assert {row.findtext("현행연혁코드") for row in only_history.findall("law")} == {"연혁"}


# --- bodies ------------------------------------------------------------------------------------


def test_replay_ai_basic_act_bodies(server, shared):
    corpus = shared / "corpus" / "raw"
    assert (
        get(server, "lawService.do", target="law", MST="282791").content
        == (corpus / "xml" / "ai_basic_act_21311.xml").read_bytes()
    )
    assert (
        get(server, "lawService.do", target="law", ID="014820").content
        == (corpus / "xml" / "ai_basic_act_21311.xml").read_bytes()
    )
    assert (
        get(server, "lawService.do", target="eflaw", ID="015032", type="JSON").content
        == (corpus / "json" / "ai_basic_act_decree_36580.json").read_bytes()
    )


@pytest.mark.parametrize("mst", ["285207", "53081", "2839", "285223"])
def test_replay_detail_bodies_by_mst(server, shared, mst):
    response = get(server, "lawService.do", target="law", MST=mst)
    assert (
        response.content
        == (shared / "lawapi" / "samples" / "detail" / f"mst_{mst}.xml").read_bytes()
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"target": "law", "MST": "999999999"}, "notfound.xml"),
        ({"target": "law", "MST": "999999999", "type": "JSON"}, "notfound.json"),
        ({"target": "eflaw", "MST": "283839"}, "notfound.xml"),  # MST without efYd
        ({"target": "lsDelegated", "MST": "283839"}, "delegated_unknown.html"),
        ({"target": "lsHistory", "MST": "283839"}, "unapproved.html"),
        ({"target": "law"}, None),  # neither MST nor ID: missing-required envelope
    ],
)
def test_replay_error_bodies(server, params, expected):
    response = get(server, "lawService.do", **params)
    assert response.status_code == 200
    if expected is None:
        assert "필수입력요소".encode() in response.content
    else:
        assert response.content == server.data.pages[expected]


@pytest.mark.parametrize("oc", [None, ""])
def test_replay_missing_oc_envelope(server, oc):
    params = {"target": "law", "query": "개인정보 보호법", "type": "JSON"}
    if oc is not None:
        params["OC"] = oc
    response = requests.get(f"{server.base_url}/DRF/lawSearch.do", params=params, timeout=TIMEOUT)
    assert response.json()["result"] == "필수입력요소 검증에 실패하였습니다."


def test_replay_json_body_of_a_markdown_law_imports_like_its_xml(server):
    from lawcheck.importers import read_api_json, read_api_xml

    xml = get(server, "lawService.do", target="law", MST="283839").content
    body = get(server, "lawService.do", target="law", MST="283839", type="JSON").content
    from_xml = read_api_xml("pipa.xml", data=xml)
    from_json = read_api_json("pipa.json", data=body)
    assert [[(line.text, line.level) for line in b.lines] for b in from_json.blocks] == [
        [(line.text, line.level) for line in b.lines] for b in from_xml.blocks
    ]


def test_replay_jo_selects_one_article_with_its_heading(server):
    root = SafeET.fromstring(
        get(server, "lawService.do", target="law", MST="282791", JO="000100").content
    )
    units = root.findall("조문/조문단위")
    assert [(u.get("조문키"), u.findtext("조문여부")) for u in units] == [
        ("0001000", "전문"),
        ("0001001", "조문"),
    ]
    assert root.find("기본정보/법령ID").text == "014820"
    assert root.find("부칙") is None


def test_replay_select_article_unknown_jo_is_none(shared):
    data = (shared / "corpus" / "raw" / "xml" / "ai_basic_act_21311.xml").read_bytes()
    assert select_article(data, "099900") is None


# --- Markdown rendering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relative",
    [
        "corpus/raw/text/pipa_21445.md",
        "corpus/raw/text/ai_basic_act_21311.md",
        "corpus/raw/text/copyright_act_rule_00631.md",
        "corpus/raw/text/extra/001362_act_18748.md",
    ],
)
def test_replay_markdown_law_renders_as_drf_xml_and_round_trips(shared, relative):
    from lawcheck.importers import read_api_xml, read_markdown

    law = read_markdown(shared / relative)
    body = render_law_xml(law)
    root = SafeET.fromstring(body)  # well-formed, parsed with defusedxml
    meta = law.meta
    assert root.tag == "법령"
    assert root.get("법령키") == meta.law_id + meta.promulgation_date.replace(
        "-", ""
    ) + meta.promulgation_no.zfill(5)
    assert root.findtext("기본정보/법령ID") == meta.law_id
    units = root.findall("조문/조문단위")
    assert {u.findtext("조문여부") for u in units} <= {"조문", "전문"}
    for unit in units:
        key = unit.get("조문키")
        assert key[:4] == unit.findtext("조문번호").zfill(4)
        assert key[6] == ("1" if unit.findtext("조문여부") == "조문" else "0")
        for tag in ("항", "호", "목"):
            for element in unit.iter(tag):
                number = (element.findtext(f"{tag}번호") or "").strip()
                if number:  # the number is repeated at the start of the text
                    branch = (element.findtext(f"{tag}가지번호") or "").strip()
                    label = number if not branch else f"{number[:-1]}의{branch}."
                    assert (element.findtext(f"{tag}내용") or "").startswith(label)
    again = read_api_xml(relative + ".xml", data=body)
    assert [
        (b.kind, b.article, b.article_branch, b.title, [(ln.text, ln.level) for ln in b.lines])
        for b in again.blocks
    ] == [
        (b.kind, b.article, b.article_branch, b.title, [(ln.text, ln.level) for ln in b.lines])
        for b in law.blocks
    ]
    assert [(d.level, d.text, d.position) for d in again.divisions] == [
        (d.level, d.text, d.position) for d in law.divisions
    ]


def test_replay_markdown_items_without_paragraph_get_an_unnumbered_wrapper(shared):
    from lawcheck.importers import read_markdown

    body = render_law_xml(read_markdown(shared / "corpus/raw/text/ai_basic_act_21311.md"))
    root = SafeET.fromstring(body)
    article2 = next(u for u in root.iter("조문단위") if u.get("조문키") == "0002001")
    wrapper = article2.find("항")
    assert wrapper.find("항번호") is None and wrapper.find("항내용") is None
    assert wrapper.find("호/호내용").text.startswith("1. ")
    assert wrapper.find("호/목/목번호").text == "가."


# --- JSON conversion ---------------------------------------------------------------------------


def test_replay_xml_to_json_follows_the_api_conversion():
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><법령 법령키="1"><기본정보>'
        '<법종구분 법종구분코드="A0002">법률</법종구분><법령명약칭></법령명약칭></기본정보>'
        '<조문><조문단위 조문키="0001001"><조문번호>1</조문번호></조문단위></조문><부칙>'
        '<부칙단위 부칙키="a"><부칙내용><![CDATA[부칙]]>\n<![CDATA[제1조 시행]]></부칙내용>'
        "</부칙단위>"
        '<부칙단위 부칙키="b"><부칙내용>x</부칙내용></부칙단위></부칙></법령>'
    ).encode()
    doc = json.loads(xml_to_json(xml))
    law = doc["법령"]
    assert law["법령키"] == "1"
    assert law["기본정보"]["법종구분"] == {"법종구분코드": "A0002", "content": "법률"}
    assert law["기본정보"]["법령명약칭"] == ""
    one = {"조문키": "0001001", "조문번호": "1"}
    assert law["조문"]["조문단위"] == one  # one element: an object
    assert [u["부칙키"] for u in law["부칙"]["부칙단위"]] == ["a", "b"]  # repeated: a list
    assert law["부칙"]["부칙단위"][0]["부칙내용"] == [["부칙", "제1조 시행"]]


# --- faults and the request log ----------------------------------------------------------------


def test_replay_queued_faults_then_normal_answers(server):
    server.queue_fault("http503", times=2, target="law")
    statuses = [
        get(server, "lawService.do", target="law", MST="282791").status_code for _ in range(3)
    ]
    assert statuses == [503, 503, 200]
    assert [r.fault for r in server.requests] == ["http503", "http503", None]


def test_replay_queued_fault_respects_target_filter(server):
    server.queue_fault("http500", times=1, target="lsDelegated")
    assert get(server, "lawService.do", target="law", MST="282791").status_code == 200
    response = get(server, "lawService.do", target="lsDelegated", MST="239291")
    assert response.status_code == 500
    assert response.content == server.data.pages["http500.html"]


def test_replay_http429_sends_retry_after(server):
    server.retry_after = "7"
    server.queue_fault("http429")
    response = get(server, "lawSearch.do", target="law", query="개인정보 보호법")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")


@pytest.mark.parametrize("fault", ["auth", "unapproved", "antibot", "maintenance"])
def test_replay_fault_oc_applies_the_fault(server, fault):
    response = get(
        server, "lawSearch.do", OC=f"fault-{fault}", target="law", query="개인정보 보호법"
    )
    assert response.status_code == 200
    assert server.requests[-1].fault == fault
    markers = {
        "auth": "사용자 정보 검증",
        "unapproved": "미신청",
        "antibot": "location.assign",
        "maintenance": "점검",
    }
    assert markers[fault] in response.content.decode("utf-8")


@pytest.mark.parametrize("fault", ["truncated", "malformed", "wrong-encoding"])
def test_replay_corrupting_faults_break_the_body(server, fault):
    normal = get(server, "lawSearch.do", target="law", query="지능정보화 기본법").content
    server.queue_fault(fault)
    broken = get(server, "lawSearch.do", target="law", query="지능정보화 기본법").content
    assert broken != normal
    with pytest.raises((SafeET.ParseError, UnicodeDecodeError)):
        broken.decode("utf-8")
        SafeET.fromstring(broken)


def test_replay_reset_fault_breaks_the_connection(server):
    server.queue_fault("reset")
    with pytest.raises(requests.exceptions.RequestException):
        get(server, "lawService.do", target="law", MST="282791")
    assert get(server, "lawService.do", target="law", MST="282791").status_code == 200


def test_replay_slow_fault_outlasts_a_short_timeout(server):
    server.slow_seconds = 1.0
    server.queue_fault("slow")
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(
            f"{server.base_url}/DRF/lawSearch.do",
            params={"OC": OC, "target": "law", "query": "x"},
            timeout=0.2,
        )


def test_replay_unknown_fault_is_refused(server):
    with pytest.raises(ValueError, match="known:"):
        server.queue_fault("nonsense")
    assert set(FAULTS) >= {"auth", "http500", "empty", "reset", "slow", "truncated"}


def test_replay_request_log_and_logs_never_hold_the_oc(server, caplog):
    caplog.set_level(logging.DEBUG)
    get(server, "lawSearch.do", target="law", query="개인정보 보호법")
    get(server, "lawService.do", target="law", MST="283839")
    assert [r.endpoint for r in server.requests] == ["lawSearch", "lawService"]
    assert all("OC" not in r.params and r.oc_present for r in server.requests)
    assert OC not in repr(server.requests)
    ours = [record for record in caplog.records if record.name.startswith("lawcheck")]
    assert ours and all(OC not in record.getMessage() for record in ours)


def test_replay_unknown_path_is_404(server):
    response = requests.get(f"{server.base_url}/DRF/nothing.do", timeout=TIMEOUT)
    assert response.status_code == 404


def test_replay_data_without_any_folder_answers_not_found(tmp_path):
    data = ReplayData([tmp_path])
    assert data.law_xml("283839") is None and data.rows == {}


def test_replay_command_line_serves(shared):
    process = subprocess.Popen(
        [sys.executable, "-m", "lawcheck.replay", "--shared", str(shared), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        response = requests.get(
            f"{url}/DRF/lawService.do",
            params={"OC": OC, "target": "law", "MST": "282791"},
            timeout=TIMEOUT,
        )
        assert response.status_code == 200 and "<법령 ".encode() in response.content
    finally:
        process.terminate()
        process.wait(timeout=5)
