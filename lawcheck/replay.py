"""A local replay of the law.go.kr DRF Open API, for tests and offline work (SPEC §11).

Input: folders holding the shared data — recorded API samples (``lawapi/samples``, served byte
for byte), real law bodies (``samples/detail/mst_<MST>.xml``, ``corpus/raw/xml``,
``corpus/raw/json``), legalize-kr Markdown laws (rendered as DRF-shaped XML) and the legalize-kr
law index TSV (search lists are built from it). Output: HTTP answers on 127.0.0.1 for
``GET /DRF/lawSearch.do`` and ``GET /DRF/lawService.do``, plus switchable faults (auth envelope,
미신청 page, HTTP 500/404/429/503, empty body, maintenance and anti-bot pages, slow answers,
connection resets, truncated/malformed/wrongly encoded bodies, odd JSON) and a log of the
requests received (without the OC).

Run by hand: ``python -m lawcheck.replay --shared ../shared --port 8088``, then point
`lawcheck.fetch.LawApiClient` at ``http://127.0.0.1:8088``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import os
import re
import socket
import struct
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeET

from lawcheck.models import BlockKind, RawBlock, RawLaw, UnitKind

log = logging.getLogger(__name__)

XML_TYPE = "text/xml;charset=UTF-8"
JSON_TYPE = "application/json;charset=UTF-8"
HTML_TYPE = "text/html;charset=UTF-8"

FAULTS: dict[str, str] = {
    "auth": "HTTP 200 auth-failure envelope (<Response> / {result,msg}): 사용자 정보 검증에 실패",
    "missing-oc": "HTTP 200 필수입력요소 검증에 실패 envelope (as for a blank OC)",
    "unapproved": "HTTP 200 HTML page 미신청된 목록/본문에 대한 접근입니다 (recorded sample)",
    "not-found": 'HTTP 200 <Law>일치하는 법령이 없습니다</Law> / {"Law": …} (recorded samples)',
    "http500": "HTTP 500 with law.go.kr's HTML error page (recorded sample)",
    "http404": "HTTP 404 with a short HTML page (the transient 404 bursts)",
    "http429": "HTTP 429 with Retry-After: <server.retry_after> seconds",
    "http503": "HTTP 503 Service Unavailable HTML page",
    "empty": "HTTP 200 with an empty body",
    "maintenance": "HTTP 200 HTML 시스템 점검 page",
    "antibot": "HTTP 200 HTML page with an obfuscated JavaScript location.assign(...) redirect",
    "slow": "the normal answer after <server.slow_seconds> seconds (beyond a client timeout)",
    "reset": "headers and half the body, then the connection is reset (RST)",
    "truncated": "HTTP 200, the normal body cut in half (Content-Length matches the cut body)",
    "malformed": "HTTP 200, the normal body with a mismatched closing tag (or broken JSON)",
    "wrong-encoding": "HTTP 200, the normal body re-encoded as EUC-KR while declaring UTF-8",
    "json-shape": "HTTP 200 JSON of an unexpected shape (rows that are not objects, odd root)",
    "json-list": "HTTP 200 JSON whose top level is a list",
    "result-fail": "HTTP 200 LawSearch envelope with resultCode 01 / resultMsg fail",
}
FAULT_OC_PREFIX = "fault-"  # OC=fault-<name> triggers <name> on every request

_CANONICAL_PARAMS = {
    name.lower(): name
    for name in (
        "OC",
        "target",
        "type",
        "query",
        "display",
        "page",
        "sort",
        "search",
        "MST",
        "ID",
        "efYd",
        "JO",
        "HANG",
        "HO",
        "MOK",
        "LID",
        "nw",
        "ancYd",
        "ancNo",
        "date",
        "org",
        "knd",
        "rrClsCd",
        "LM",
        "LD",
        "LN",
        "LANG",
        "mobileYn",
        "gana",
        "nb",
        "lsChapNo",
        "chrClsCd",
    )
}

# Recorded samples (lawapi/samples, see SOURCES.tsv): file -> (endpoint, request parameters
# without OC/type/display/page, format). Served byte for byte when a request has exactly
# these parameters (page 1); `body_mst` also registers a full body under its MST.
_RECORDED: dict[str, tuple[str, dict[str, str], str]] = {
    "lawSearch_law_xml_pipa.xml": (
        "lawSearch",
        {"target": "law", "query": "개인정보 보호법"},
        "XML",
    ),
    "lawSearch_eflaw_xml_income_tax_efYd_range.xml": (
        "lawSearch",
        {"target": "eflaw", "query": "소득세법", "efYd": "20100311~20100501"},
        "XML",
    ),
    "lawService_eflaw_json_building_act.json": (
        "lawService",
        {"target": "eflaw", "MST": "273437", "efYd": "20260227"},
        "JSON",
    ),
    "lawService_eflaw_xml_pipa_JO002900.xml": (
        "lawService",
        {"target": "eflaw", "MST": "283839", "efYd": "20260911", "JO": "002900"},
        "XML",
    ),
    "lawService_eflaw_xml_pipa_art2.xml": (
        "lawService",
        {"target": "eflaw", "MST": "283839", "efYd": "20260911", "JO": "000200"},
        "XML",
    ),
    "lawService_eflawjosub_xml_building_act_art3_ladder.xml": (
        "lawService",
        {
            "target": "eflawjosub",
            "MST": "193412",
            "efYd": "20171019",
            "JO": "000300",
            "HANG": "000100",
            "HO": "000200",
            "MOK": "다",
        },
        "XML",
    ),
    "lawService_lsDelegated_xml_admin_procedure_act_mst239291.xml": (
        "lawService",
        {"target": "lsDelegated", "MST": "239291"},
        "XML",
    ),
}
_RECORDED_BODY_MST = {"lawService_eflaw_json_building_act.json": "273437"}
_ERROR_PAGES = {
    "auth.xml": "error_auth_failed_quoted.xml",
    "auth.json": "error_auth_failed_quoted.json",
    "missing.json": "error_missing_required_quoted.json",
    "notfound.xml": "error_not_found_law_quoted.xml",
    "notfound.json": "error_not_found_law_quoted.json",
    "unapproved.html": "error_unapproved_target_lsHistory.html",
    "http500.html": "error_lsDelegated_http500_page.html",
    "delegated_unknown.html": "error_lsDelegated_unknown_mst.html",
}
# Used when the recorded samples are not among the served folders (same texts as SPEC §9).
_FALLBACK_PAGES = {
    "auth.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n'
        "<result>사용자 정보 검증에 실패하였습니다.</result>\n"
        "<msg>OPEN API 호출 시 사용자 검증을 위하여 정확한 서버장비의 "
        "IP주소 및 도메인주소를 등록해 주세요.</msg>\n</Response>\n"
    ),
    "auth.json": json.dumps(
        {
            "result": "사용자 정보 검증에 실패하였습니다.",
            "msg": "OPEN API 호출 시 사용자 검증을 위하여 정확한 서버장비의 "
            "IP주소 및 도메인주소를 등록해 주세요.",
        },
        ensure_ascii=False,
    ),
    "missing.json": json.dumps(
        {
            "result": "필수입력요소 검증에 실패하였습니다.",
            "msg": "필수 입력값이 존재하지 않습니다. 요청 URL을 확인해 주세요.",
        },
        ensure_ascii=False,
    ),
    "notfound.xml": (
        '<?xml version="1.0" encoding="utf-8"?>'
        "<Law>일치하는 법령이 없습니다.  법령명을 확인하여 주십시오.</Law>"
    ),
    "notfound.json": '{"Law": "일치하는 법령이 없습니다.  법령명을 확인하여 주십시오."}',
    "unapproved.html": (
        "<!DOCTYPE html>\r\n<html><head><title>국가법령정보 공동활용</title></head><body>\r\n"
        "<h2>미신청된 목록/본문에 대한 접근입니다.</h2>\r\n</body></html>"
    ),
    "http500.html": (
        "<!DOCTYPE html>\r\n<html><head><title>국가법령정보센터 | 오류페이지</title></head>"
        "<body>\r\n"
        "<h2>:: 페이지를 찾을수 없습니다.</h2>\r\n</body></html>"
    ),
    "delegated_unknown.html": (
        "<!DOCTYPE html>\r\n<html><head><title>국가법령통합관리시스템</title></head><body>\r\n"
        "<center>일치하는 법령이 없습니다.<br/></center>\r\n</body></html>"
    ),
}
_MISSING_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n'
    "<result>필수입력요소 검증에 실패하였습니다.</result>\n"
    "<msg>필수 입력값이 존재하지 않습니다. 요청 URL을 확인해 주세요.</msg>\n</Response>\n"
)
_MAINTENANCE_HTML = (
    '<!DOCTYPE html>\r\n<html lang="ko">\r\n<head>\r\n<meta charset="utf-8">\r\n'
    "<title>국가법령정보센터 | 시스템 점검 안내</title>\r\n</head>\r\n<body>\r\n"
    '<div class="inspection">\r\n'
    "\t<h2>보다 나은 서비스 제공을 위하여 시스템 점검 중입니다.</h2>\r\n"
    "\t<p>점검시간 동안 서비스 이용이 일시 중단되오니 양해하여 주시기 바랍니다.</p>\r\n"
    "</div>\r\n</body>\r\n</html>\r\n"
)
_ANTIBOT_HTML = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    '<script type="text/javascript">\n'
    "var _0x3c1f=['\\x2f\\x44\\x52\\x46\\x2f','\\x6c\\x61\\x77',"
    "'\\x53\\x65\\x61\\x72\\x63\\x68','\\x2e\\x64\\x6f','\\x3f\\x5f\\x5f\\x63\\x68\\x3d'];"
    "(function(_0x1,_0x2){var _0x3=function(_0x4){while(--_0x4){_0x1['push']"
    "(_0x1['shift']());}};_0x3(++_0x2);}(_0x3c1f,0x1a3));\n"
    "var _0xk=(function(){var s=0x0;for(var i=0x0;i<0x20;i++){s=(s*0x1f+i)&0xffff;}"
    "return s.toString(0x10);})();\n"
    "document.cookie='__ch='+_0xk+'; path=/';\n"
    "location.assign(_0x3c1f[0x0]+_0x3c1f[0x1]+_0x3c1f[0x2]+_0x3c1f[0x3]+_0x3c1f[0x4]+_0xk);\n"
    "</script></head><body></body></html>"
)
_STATUS_PAGES = {
    404: "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
    429: (
        "<html><head><title>429 Too Many Requests</title></head>"
        "<body><h1>Too Many Requests</h1></body></html>"
    ),
    503: (
        "<html><head><title>503 Service Unavailable</title></head>"
        "<body><h1>Service Unavailable</h1></body></html>"
    ),
}
_KIND_CODES = {
    "법률": "A0002",
    "대통령령": "A0007",
}  # the only 법종구분코드 values seen in real bodies


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayRequest:
    """One request the server received; the OC itself is never kept."""

    endpoint: str  # lawSearch | lawService | other
    params: dict[str, str] = field(hash=False)  # canonical names, without OC
    oc_present: bool
    fault: str | None
    status: int

    @property
    def target(self) -> str:
        return self.params.get("target", "")


@dataclass(frozen=True)
class _Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _LawRow:
    """A law version as a search row (from the index TSV or a body's own metadata)."""

    mst: str
    law_id: str
    name: str
    kind: str
    ministry: str
    promulgation_date: str  # YYYYMMDD
    promulgation_no: str
    effective_date: str  # YYYYMMDD
    abbreviation: str = ""
    revision_kind: str = ""
    ministry_code: str = ""


@dataclass
class _Body:
    """Where the body of one law version comes from."""

    kind: str  # detail | xml | json | markdown | recorded
    path: Path
    law_id: str
    promulgation_no: str
    mst: str | None = None
    row: _LawRow | None = None

    @property
    def rank(self) -> int:
        return {"detail": 0, "recorded": 1, "xml": 1, "json": 2, "markdown": 3}[self.kind]


@dataclass
class _Fault:
    name: str
    remaining: int | None  # None = until cleared
    endpoint: str | None = None
    target: str | None = None


def _digits(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


class ReplayData:
    """Everything the server can answer from, discovered in the given folders.

    Args:
        dirs: folders to scan recursively (e.g. the ../shared folder, or its ``lawapi/samples``
            and ``corpus`` folders, or an unpacked national corpus holding ``kr/``).
        today: the date that decides 현행/연혁/시행예정 in ``eflaw`` lists.
    """

    def __init__(self, dirs: Iterable[str | Path], *, today: date | None = None) -> None:
        self.today = today or date.today()
        self.rows: dict[str, _LawRow] = {}  # current versions (newest index), by MST
        self.old_rows: dict[str, _LawRow] = {}  # older index snapshots, by MST
        self.bodies: dict[str, list[_Body]] = {}  # by MST
        self.bodies_by_id: dict[str, list[_Body]] = {}  # bodies whose MST is unknown, by 법령ID
        self.delegated: dict[str, Path] = {}  # lsDelegated bodies by MST
        self.delegated_by_id: dict[str, Path] = {}
        self.recorded: list[tuple[str, dict[str, str], str, Path]] = []
        self.pages: dict[str, bytes] = {k: v.encode("utf-8") for k, v in _FALLBACK_PAGES.items()}
        self.ministry_codes: dict[str, str] = {}
        self._national_roots: list[Path] = []
        self._rendered: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()
        files: list[Path] = []
        for folder in dirs:
            files.extend(self._files(Path(folder)))
        indexes = sorted(
            (p for p in files if re.match(r"law_index_.*\.tsv$", p.name)), key=lambda p: p.name
        )
        for number, index in enumerate(indexes):
            self._load_index(index, current=number == len(indexes) - 1)
        pending: list[tuple[str, Path, str, str, dict]] = []
        for path in files:
            self._classify(path, pending)
        self._resolve(pending)

    # --- discovery ---

    def _files(self, folder: Path) -> list[Path]:
        if not folder.exists():
            raise FileNotFoundError(f"replay data folder {folder} does not exist")
        if folder.is_file():
            return [folder]
        national = (folder / "kr").is_dir()
        if national:
            # An unpacked national corpus: its Markdown is found through the index TSV.
            self._national_roots.append(folder)
        out: list[Path] = []
        for top, subdirs, names in os.walk(folder):
            here = Path(top)
            subdirs[:] = sorted(
                d
                for d in subdirs
                if not d.startswith(".") and not (national and here == folder and d == "kr")
            )
            out.extend(here / n for n in sorted(names) if not n.startswith("."))
        return out

    def _classify(self, path: Path, pending: list) -> None:
        name = path.name
        if name in _RECORDED:
            endpoint, params, fmt = _RECORDED[name]
            self.recorded.append((endpoint, params, fmt, path))
            if name in _RECORDED_BODY_MST:
                pending.append(("recorded", path, fmt, _RECORDED_BODY_MST[name], {}))
            if params.get("target") == "lsDelegated":
                self.delegated[params["MST"]] = path
            return
        for key, sample in _ERROR_PAGES.items():
            if name == sample:
                self.pages[key] = path.read_bytes()
                return
        suffix = path.suffix.lower()
        if suffix == ".xml":
            with path.open("rb") as handle:
                head = handle.read(4096).decode("utf-8", "replace")
            detail = re.fullmatch(r"mst_(\d+)\.xml", name)
            if "<법령 " in head:
                pending.append(
                    (
                        "detail" if detail else "xml",
                        path,
                        "XML",
                        detail.group(1) if detail else "",
                        {},
                    )
                )
            elif "<lsDelegated" in head:
                mst = re.search(r"<법령일련번호>(\d+)<", head)
                if mst:
                    self.delegated.setdefault(mst.group(1), path)
        elif suffix == ".json":
            with path.open("rb") as handle:
                head = handle.read(64).decode("utf-8", "replace").lstrip()
            if head.startswith("{") and '"법령"' in head:
                pending.append(("json", path, "JSON", "", {}))
        elif suffix == ".md":
            with path.open("rb") as handle:
                head = handle.read(1500).decode("utf-8", "replace")
            front = _front_matter(head)
            if front.get("법령MST") and front.get("법령ID"):
                pending.append(("markdown", path, "MD", front["법령MST"], front))

    def _load_index(self, path: Path, *, current: bool) -> None:
        with path.open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle, delimiter="\t"):
                mst = (record.get("law_mst") or "").strip()
                if not mst.isdigit():
                    continue
                row = _LawRow(
                    mst=mst,
                    law_id=record.get("law_id", "").strip().zfill(6),
                    name=record.get("law_name_ko", "").strip(),
                    kind=record.get("kind", "").strip(),
                    ministry=record.get("ministry", "").strip(),
                    promulgation_date=_digits(record.get("promulgation_date")),
                    promulgation_no=record.get("promulgation_no", "").strip(),
                    effective_date=_digits(record.get("effective_date")),
                )
                if current:
                    self.rows[mst] = row
                    for root in self._national_roots:
                        md = root / record.get("legalize_kr_path", "")
                        if record.get("legalize_kr_path") and md.is_file():
                            self._add_body(
                                _Body("markdown", md, row.law_id, row.promulgation_no, mst, row)
                            )
                            break
                else:
                    self.old_rows[mst] = row

    def _resolve(self, pending: list) -> None:
        by_key: dict[tuple[str, str], str] = {}
        for rows in (self.old_rows, self.rows):
            for row in rows.values():
                by_key[(row.law_id, row.promulgation_no.zfill(5))] = row.mst
        for kind, path, fmt, mst, front in pending:
            if kind == "markdown":
                row = self.rows.get(mst) or self.old_rows.get(mst) or _row_from_front(front)
                self._add_body(_Body(kind, path, row.law_id, row.promulgation_no, mst, row))
                continue
            meta = _body_meta(path, fmt)
            if meta is None:
                log.warning("%s: no 법령ID/공포번호 in 기본정보; not served", path)
                continue
            if meta.ministry and meta.ministry_code:
                self.ministry_codes.setdefault(meta.ministry, meta.ministry_code)
            mst = mst or by_key.get((meta.law_id, meta.promulgation_no.zfill(5)), "")
            if mst:
                meta.mst = mst
                row = self.rows.get(mst) or self.old_rows.get(mst) or meta
                self._add_body(_Body(kind, path, meta.law_id, meta.promulgation_no, mst, row))
            else:
                body = _Body(kind, path, meta.law_id, meta.promulgation_no, None, meta)
                self.bodies_by_id.setdefault(meta.law_id, []).append(body)
        for row in [*self.rows.values(), *self.old_rows.values()]:
            if not row.ministry_code:
                row.ministry_code = self.ministry_codes.get(row.ministry, "")
        for bodies in self.bodies.values():
            bodies.sort(key=lambda b: b.rank)
        self.delegated_by_id = {}
        for mst, path in self.delegated.items():
            listed = self.rows.get(mst)
            if listed is not None:
                self.delegated_by_id[listed.law_id] = path

    def _add_body(self, body: _Body) -> None:
        assert body.mst is not None
        existing = self.bodies.setdefault(body.mst, [])
        if not any(b.path == body.path for b in existing):
            existing.append(body)

    # --- bodies ---

    def law_xml(self, mst: str) -> bytes | None:
        """The XML body of a version, from a real body or rendered from Markdown."""
        for body in self.bodies.get(mst, []):
            data = self._xml_of(body)
            if data is not None:
                return data
        return None

    def law_json(self, mst: str) -> bytes | None:
        """The JSON body of a version: a real JSON body, else the XML body converted."""
        for body in self.bodies.get(mst, []):
            if body.path.suffix.lower() == ".json":
                return body.path.read_bytes()
        xml = self.law_xml(mst)
        return xml_to_json(xml) if xml is not None else None

    def _xml_of(self, body: _Body) -> bytes | None:
        if body.kind in ("detail", "xml"):
            return body.path.read_bytes()
        if body.kind == "markdown":
            key = (str(body.path), body.mst or "")
            with self._lock:
                cached = self._rendered.get(key)
            if cached is None:
                from lawcheck.importers import read_markdown

                cached = render_law_xml(
                    read_markdown(body.path), ministry_codes=self.ministry_codes
                )
                with self._lock:
                    self._rendered[key] = cached
            return cached
        return None

    def current_mst(self, law_id: str) -> str | None:
        """The MST of the current version of a 법령ID (newest index row, else newest body)."""
        rows = [r for r in self.rows.values() if r.law_id == law_id]
        if rows:
            return max(rows, key=lambda r: (r.promulgation_date, int(r.mst))).mst
        versions = [
            (b.row.promulgation_date if b.row else "", mst)
            for mst, bodies in self.bodies.items()
            for b in bodies
            if b.law_id == law_id
        ]
        return max(versions)[1] if versions else None

    # --- search rows ---

    def search_rows(self, target: str) -> list[tuple[_LawRow, str]]:
        """(row, 현행연혁코드) for every version a list of this target contains."""
        today = self.today.strftime("%Y%m%d")
        if target == "law":
            rows = list(self.rows.values()) or [
                b.row for bodies in self.bodies.values() for b in bodies[:1] if b.row is not None
            ]
            return [(row, "현행") for row in rows]
        versions: dict[str, _LawRow] = dict(self.rows)
        for mst, bodies in self.bodies.items():
            if mst not in versions and bodies[0].row is not None:
                versions[mst] = bodies[0].row
        newest_in_force: dict[str, str] = {}
        for row in versions.values():
            if row.effective_date and row.effective_date <= today:
                best = newest_in_force.get(row.law_id)
                if best is None or (row.effective_date, int(row.mst)) > (
                    versions[best].effective_date,
                    int(best),
                ):
                    newest_in_force[row.law_id] = row.mst
        out = []
        for row in versions.values():
            if row.effective_date > today:
                status = "시행예정"
            elif newest_in_force.get(row.law_id) == row.mst:
                status = "현행"
            else:
                status = "연혁"
            out.append((row, status))
        return out


def _front_matter(head: str) -> dict[str, str]:
    if not head.startswith("---"):
        return {}
    end = head.find("\n---", 3)
    block = head[3:end] if end > 0 else head
    out: dict[str, str] = {}
    last = None
    for line in block.splitlines():
        match = re.match(r"^([^\s:#][^:]*):\s*(.*)$", line)
        if match:
            last = match.group(1).strip()
            out[last] = match.group(2).strip().strip("'\"")
        elif last and line.strip().startswith("- ") and not out.get(last):
            out[last] = line.strip()[2:].strip().strip("'\"")
    return out


def _row_from_front(front: dict[str, str]) -> _LawRow:
    return _LawRow(
        mst=front.get("법령MST", ""),
        law_id=front.get("법령ID", "").zfill(6),
        name=front.get("제목", ""),
        kind=front.get("법령구분", ""),
        ministry=front.get("소관부처", ""),
        promulgation_date=_digits(front.get("공포일자")),
        promulgation_no=front.get("공포번호", ""),
        effective_date=_digits(front.get("시행일자")),
    )


def _body_meta(path: Path, fmt: str) -> _LawRow | None:
    """법령ID, 공포번호 and the rest of 기본정보 of a real body, read with regexes (cheap)."""
    if fmt == "JSON":
        text = path.read_text(encoding="utf-8", errors="replace")

        def get(key: str) -> str:
            match = re.search(r'"' + key + r'"\s*:\s*"([^"]*)"', text)
            return match.group(1) if match else ""

        ministry = re.search(r'"소관부처"\s*:\s*\{[^}]*\}', text)
        ministry_name = (
            re.search(r'"content"\s*:\s*"([^"]*)"', ministry.group(0)) if ministry else None
        )
        ministry_code = (
            re.search(r'"소관부처코드"\s*:\s*"(\d+)"', ministry.group(0)) if ministry else None
        )
        kind = re.search(r'"법종구분"\s*:\s*\{[^}]*"content"\s*:\s*"([^"]*)"', text)
        values = {
            "law_id": get("법령ID"),
            "name": get("법령명_한글"),
            "kind": kind.group(1) if kind else "",
            "abbreviation": get("법령명약칭"),
            "ministry": ministry_name.group(1) if ministry_name else "",
            "ministry_code": ministry_code.group(1) if ministry_code else "",
            "promulgation_date": get("공포일자"),
            "promulgation_no": get("공포번호"),
            "effective_date": get("시행일자"),
            "revision_kind": get("제개정구분"),
        }
    else:
        text = path.open("rb").read(8192).decode("utf-8", "replace")

        def get(key: str) -> str:
            match = re.search(
                r"<" + key + r"(?:\s[^>]*)?>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</" + key + ">",
                text,
                re.S,
            )
            return match.group(1).strip() if match else ""

        code = re.search(r'<소관부처 소관부처코드="(\d+)"', text)
        values = {
            "law_id": get("법령ID"),
            "name": get("법령명_한글"),
            "kind": get("법종구분"),
            "abbreviation": get("법령명약칭"),
            "ministry": get("소관부처"),
            "ministry_code": code.group(1) if code else "",
            "promulgation_date": get("공포일자"),
            "promulgation_no": get("공포번호"),
            "effective_date": get("시행일자"),
            "revision_kind": get("제개정구분"),
        }
    if not values["law_id"] or not values["promulgation_no"]:
        return None
    return _LawRow(mst="", **values)


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


class _Responder:
    """Builds the answer to one request from `ReplayData` (no faults here)."""

    def __init__(self, data: ReplayData) -> None:
        self.data = data

    def page(self, key: str, status: int = 200) -> _Response:
        content_type = {"xml": XML_TYPE, "json": JSON_TYPE}.get(key.rsplit(".", 1)[-1], HTML_TYPE)
        return _Response(status, content_type, self.data.pages[key])

    def missing(self, fmt: str) -> _Response:
        if fmt == "JSON":
            return self.page("missing.json")
        return _Response(200, XML_TYPE, _MISSING_XML.encode("utf-8"))

    def not_found(self, fmt: str) -> _Response:
        return self.page("notfound.json" if fmt == "JSON" else "notfound.xml")

    def answer(self, endpoint: str, params: dict[str, str], oc: str | None) -> _Response:
        fmt = (params.get("type") or "XML").upper()
        if endpoint not in ("lawSearch", "lawService"):
            return _Response(404, HTML_TYPE, _STATUS_PAGES[404].encode())
        target = (params.get("target") or "").strip()
        if not (oc or "").strip() or not target:
            return self.missing(fmt)
        if fmt not in ("XML", "JSON"):
            return self.page("unapproved.html")  # HTML output is not replayed
        recorded = self._recorded(endpoint, params, fmt)
        if recorded is not None:
            body = recorded.read_bytes()
            if endpoint == "lawSearch":
                body = _echo_oc(body, oc or "", fmt)
            return _Response(200, JSON_TYPE if fmt == "JSON" else XML_TYPE, body)
        if endpoint == "lawSearch":
            if target not in ("law", "eflaw"):
                return self.page("unapproved.html")
            return self.search(params, oc or "", fmt)
        if target in ("law", "eflaw", "lawjosub", "eflawjosub"):
            return self.law(params, fmt, target)
        if target == "lsDelegated":
            return self.delegated(params, fmt)
        return self.page("unapproved.html")

    def _recorded(self, endpoint: str, params: dict[str, str], fmt: str) -> Path | None:
        key = {k: v for k, v in params.items() if k not in ("type", "display", "page")}
        if endpoint == "lawSearch" and params.get("page", "1") not in ("", "1"):
            return None
        for rec_endpoint, rec_params, rec_fmt, path in self.data.recorded:
            if rec_endpoint == endpoint and rec_fmt == fmt and rec_params == key:
                if endpoint == "lawSearch" and _int(params.get("display"), 20) < _row_count(path):
                    return None  # a smaller page than the recording: build it instead
                return path
        return None

    # --- search ---

    def search(self, params: dict[str, str], oc: str, fmt: str) -> _Response:
        target = params["target"]
        query = params.get("query", "")
        display = min(max(_int(params.get("display"), 20), 1), 100)
        page = max(_int(params.get("page"), 1), 1)
        rows = [(row, status) for row, status in self.data.search_rows(target) if query in row.name]
        rows = _filter_rows(rows, params)
        rows = _sort_rows(rows, params.get("sort", "lasc"))
        chunk = rows[(page - 1) * display : page * display]
        if fmt == "JSON":
            body = _search_json(target, query, len(rows), page, chunk, oc)
            return _Response(200, JSON_TYPE, body)
        return _Response(200, XML_TYPE, _search_xml(target, query, len(rows), page, chunk, oc))

    # --- bodies ---

    def law(self, params: dict[str, str], fmt: str, target: str) -> _Response:
        mst = params.get("MST", "").strip()
        law_id = params.get("ID", "").strip()
        jo = params.get("JO", "").strip()
        if not mst and not law_id:
            return self.missing(fmt)
        if target.endswith("josub") and not jo:
            return self.missing(fmt)
        if mst and target.startswith("eflaw") and not params.get("efYd", "").strip():
            return self.not_found(fmt)  # SPEC §3.2: MST without efYd
        body: bytes | None = None
        if not mst:
            for candidate in sorted(
                self.data.bodies_by_id.get(law_id, []),
                key=lambda b: b.row.promulgation_date if b.row else "",
                reverse=True,
            ):
                if not jo and (candidate.path.suffix.lower() == ".json") == (fmt == "JSON"):
                    body = candidate.path.read_bytes()
                    break
            if body is None:
                mst = self.data.current_mst(law_id) or ""
        if body is None and mst:
            if fmt == "JSON" and not jo:
                body = self.data.law_json(mst)
            else:
                xml = self.data.law_xml(mst)
                if xml is not None and jo:
                    xml = select_article(xml, jo)
                if xml is not None:
                    body = xml_to_json(xml) if fmt == "JSON" else xml
        if body is None:
            if fmt == "JSON" and target.endswith("josub"):
                return _Response(200, JSON_TYPE, b"{}")  # SPEC §9: eflawjosub JSON, unknown id
            return self.not_found(fmt)
        return _Response(200, JSON_TYPE if fmt == "JSON" else XML_TYPE, body)

    def delegated(self, params: dict[str, str], fmt: str) -> _Response:
        mst = params.get("MST", "").strip()
        law_id = params.get("ID", "").strip()
        if not mst and not law_id:
            return self.missing(fmt)
        path = self.data.delegated.get(mst) if mst else self.data.delegated_by_id.get(law_id)
        if path is None:
            return self.page("delegated_unknown.html")
        body = path.read_bytes()
        if fmt == "JSON":
            return _Response(200, JSON_TYPE, xml_to_json(body))
        return _Response(200, XML_TYPE, body)


def _row_count(path: Path) -> int:
    return path.read_bytes().count(b"<law id=")


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _in_range(value: str, spec: str) -> bool:
    low, _, high = spec.partition("~")
    low, high = _digits(low), _digits(high) or _digits(low)
    return (not low or value >= low) and (not high or value <= high)


def _filter_rows(
    rows: list[tuple[_LawRow, str]], params: Mapping[str, str]
) -> list[tuple[_LawRow, str]]:
    out = rows
    if params.get("efYd"):
        out = [(r, s) for r, s in out if _in_range(r.effective_date, params["efYd"])]
    if params.get("ancYd"):
        out = [(r, s) for r, s in out if _in_range(r.promulgation_date, params["ancYd"])]
    if params.get("date"):
        out = [(r, s) for r, s in out if r.promulgation_date == _digits(params["date"])]
    if params.get("LID"):
        out = [(r, s) for r, s in out if r.law_id == params["LID"].zfill(6)]
    if params.get("org"):
        out = [(r, s) for r, s in out if r.ministry_code == params["org"]]
    if params.get("knd") == "A0002":
        out = [(r, s) for r, s in out if r.kind == "법률"]
    if params.get("nw") and params.get("target") == "eflaw":
        wanted = {
            {"1": "연혁", "2": "시행예정", "3": "현행"}.get(n.strip(), "")
            for n in params["nw"].split(",")
        }
        out = [(r, s) for r, s in out if s in wanted]
    return out


def _sort_rows(rows: list[tuple[_LawRow, str]], sort: str) -> list[tuple[_LawRow, str]]:
    keys = {
        "lasc": (lambda rs: (rs[0].name, -int(rs[0].mst)), False),
        "ldes": (lambda rs: (rs[0].name, int(rs[0].mst)), True),
        "dasc": (lambda rs: (rs[0].promulgation_date, rs[0].name), False),
        "ddes": (lambda rs: (rs[0].promulgation_date, rs[0].name), True),
        "nasc": (lambda rs: (rs[0].promulgation_no, rs[0].name), False),
        "ndes": (lambda rs: (rs[0].promulgation_no, rs[0].name), True),
        "efasc": (lambda rs: (rs[0].effective_date, rs[0].name), False),
        "efdes": (lambda rs: (rs[0].effective_date, rs[0].name), True),
    }
    key, reverse = keys.get(sort, keys["lasc"])
    return sorted(rows, key=key, reverse=reverse)


def _detail_link(target: str, row: _LawRow, oc: str) -> str:
    return (
        f"/DRF/lawService.do?OC={oc}&target={target}&MST={row.mst}&type=HTML&mobileYn="
        f"&efYd={row.effective_date}"
    )


def _row_fields(target: str, row: _LawRow, status: str, oc: str) -> list[tuple[str, str]]:
    return [
        ("법령일련번호", row.mst),
        ("현행연혁코드", status),
        ("법령명한글", row.name),
        ("법령약칭명", row.abbreviation),
        ("법령ID", row.law_id),
        ("공포일자", row.promulgation_date),
        ("공포번호", row.promulgation_no),
        ("제개정구분명", row.revision_kind),
        ("소관부처코드", row.ministry_code),
        ("소관부처명", row.ministry),
        ("법령구분명", row.kind),
        ("공동부령정보", ""),
        ("시행일자", row.effective_date),
        ("자법타법여부", ""),
        ("법령상세링크", _detail_link(target, row, oc)),
    ]


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _search_xml(target: str, query: str, total: int, page: int, rows: list, oc: str) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?><LawSearch>',
        f"<target>{xml_escape(target)}</target><키워드>{xml_escape(query)}</키워드><section>lawNm</section>",
        f"<totalCnt>{total}</totalCnt><page>{page}</page><numOfRows>{len(rows)}</numOfRows>",
        "<resultCode>00</resultCode><resultMsg>success</resultMsg>",
    ]
    for number, (row, status) in enumerate(rows, start=1):
        out.append(f'<law id="{number}">')
        for name, value in _row_fields(target, row, status, oc):
            text = _cdata(value) if name in ("법령명한글", "법령약칭명") else xml_escape(value)
            out.append(f"<{name}>{text}</{name}>")
        out.append("</law>")
    out.append("</LawSearch>")
    return "".join(out).encode("utf-8")


def _search_json(target: str, query: str, total: int, page: int, rows: list, oc: str) -> bytes:
    if not rows and total == 0:
        # The zero-row shape implementers quote (SPEC §4.2): no "law" key, few header keys.
        return json.dumps(
            {"LawSearch": {"resultMsg": "success", "totalCnt": "0", "target": target}},
            ensure_ascii=False,
        ).encode("utf-8")
    items = []
    for number, (row, status) in enumerate(rows, start=1):
        item = {"id": str(number), **dict(_row_fields(target, row, status, oc))}
        items.append(
            dict(sorted(item.items()))
        )  # key order is arbitrary upstream; do not rely on it
    inner: dict[str, Any] = {
        "resultMsg": "success",
        "totalCnt": str(total),
        "numOfRows": str(len(rows)),
        "page": str(page),
        "target": target,
        "키워드": query,
        "section": "lawNm",
        "resultCode": "00",
    }
    if items:
        inner["law"] = items[0] if len(items) == 1 else items  # one row is an object (SPEC §4.2)
    return json.dumps({"LawSearch": inner}, ensure_ascii=False).encode("utf-8")


def _echo_oc(body: bytes, oc: str, fmt: str) -> bytes:
    """Recorded lists carry OC=test (masked by their capturer); law.go.kr echoes the caller's."""
    value = oc if fmt == "JSON" else xml_escape(oc)
    return re.sub(rb"OC=test(?=&)", b"OC=" + value.replace("\\", "\\\\").encode("utf-8"), body)


# ---------------------------------------------------------------------------------------------
# Body transformations
# ---------------------------------------------------------------------------------------------


def select_article(xml: bytes, jo: str) -> bytes | None:
    """A ``JO=`` answer: 기본정보 plus the units of that article (its 전문 heading included)."""
    text = xml.decode("utf-8")
    start, end = text.find("<조문>"), text.find("</조문>")
    if start < 0 or end < 0:
        return None
    units = re.finditer(r'<조문단위 조문키="(\d{7})">.*?</조문단위>', text[start:end], re.S)
    kept = [m.group(0) for m in units if m.group(1)[:6] == jo]
    if not kept:
        return None
    return (text[:start] + "<조문>\n" + "\n".join(kept) + "\n</조문>\n</법령>\n").encode("utf-8")


def xml_to_json(xml: bytes) -> bytes:
    """Convert an XML body to law.go.kr's JSON shape (SPEC §5.3, org.json-like).

    Attributes become sibling keys (or ``content`` wrappers on text elements), repeated
    elements lists, a single element an object, empty elements ``""``, multi-line text a list
    of lists of strings, every value a string.
    """
    root = SafeET.fromstring(xml)
    return json.dumps({root.tag: _element_json(root)}, ensure_ascii=False, indent=4).encode("utf-8")


def _element_json(element: Element) -> Any:
    children = list(element)
    if not children:
        text = "".join(element.itertext()).strip("\r\n\t")
        lines = [line for line in text.split("\n") if line.strip()]
        value: Any = [lines] if len(lines) > 1 else text
        if element.attrib:
            return {**element.attrib, "content": value} if text else dict(element.attrib)
        return value
    grouped: dict[str, list[Any]] = {}
    for child in children:
        grouped.setdefault(child.tag, []).append(_element_json(child))
    out: dict[str, Any] = dict(element.attrib)
    for tag, values in grouped.items():
        out[tag] = values[0] if len(values) == 1 else values
    return out


# ---------------------------------------------------------------------------------------------
# Markdown law -> DRF-shaped XML body
# ---------------------------------------------------------------------------------------------


def render_law_xml(law: RawLaw, *, ministry_codes: Mapping[str, str] | None = None) -> bytes:
    """Render an imported legalize-kr Markdown law as a lawService.do XML body.

    The shape follows SPEC §5.1: ``<법령 법령키>``, ``<기본정보>``, ``<조문>`` with 전문 units for
    the 장/절 headings and 조문 units whose ``<항>/<호>/<목>`` repeat their numbers at the start of
    the text (호가지번호 for 1의2.), ``<부칙><부칙단위>``, and ``<별표>`` when the Markdown has
    annexes. Texts are the importer's lines, so importing the result gives the same texts.
    """
    meta = law.meta
    codes = ministry_codes or {}
    anc = _digits(meta.promulgation_date)
    number = (meta.promulgation_no or "").strip()
    eff = _digits(meta.effective_date)
    ministry = (meta.ministry or "").split(",")[0].strip()
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- rendered by lawcheck.replay from legalize-kr Markdown "
        f"(법령MST {xml_escape(meta.mst or '')}) -->",
        f"<법령 법령키={quoteattr(meta.law_id + anc + number.zfill(5))}>",
        "<기본정보>",
        f"<법령ID>{xml_escape(meta.law_id)}</법령ID>",
        f"<공포일자>{anc}</공포일자>",
        f"<공포번호>{xml_escape(number)}</공포번호>",
        "<언어>한글</언어>",
        f"<법종구분 법종구분코드={quoteattr(_KIND_CODES.get(meta.kind, ''))}>"
        f"{xml_escape(meta.kind)}</법종구분>",
        f"<법령명_한글>{_cdata(meta.name)}</법령명_한글>",
        f"<법령명_한자>{_cdata(meta.name)}</법령명_한자>",
        f"<법령명약칭>{_cdata(meta.abbreviation or '')}</법령명약칭>",
        "<제명변경여부>N</제명변경여부>",
        "<한글법령여부>N</한글법령여부>",
        "<편장절관></편장절관>",
        f"<소관부처 소관부처코드={quoteattr(codes.get(ministry, ''))}>"
        f"{xml_escape(ministry)}</소관부처>",
        "<전화번호></전화번호>",
        f"<시행일자>{eff}</시행일자>",
        f"<제개정구분>{xml_escape(meta.revision_kind or '')}</제개정구분>",
        "<별표편집여부>N</별표편집여부>",
        "<공포법령여부>N</공포법령여부>",
        "<연락부서></연락부서><공동부령정보></공동부령정보>",
        "</기본정보>",
        "<조문>",
    ]
    divisions: dict[int, list] = {}
    for division in law.divisions:
        divisions.setdefault(division.position, []).append(division)
    articles = [b for b in law.blocks if b.kind is BlockKind.ARTICLE]
    for position, block in enumerate(law.blocks):
        if block.kind is not BlockKind.ARTICLE:
            continue
        if block.article is None:
            # A preamble (헌법 전문) or a law without articles: law.go.kr sends such text as
            # 전문 units keyed 0000000, one per line (detail sample mst_61603.xml).
            for line in block.lines:
                out.append(_heading_unit("000000", 0, 0, line.text, eff))
            continue
        key = f"{block.article:04d}{block.article_branch:02d}"
        for division in divisions.pop(position, []):
            out.append(_heading_unit(key, block.article, block.article_branch, division.text, eff))
        out.append(_article_unit(block, key, eff))
    if divisions and articles:
        last = articles[-1]
        key = f"{(last.article or 0):04d}{last.article_branch:02d}"
        for division in (d for ds in divisions.values() for d in ds):
            out.append(
                _heading_unit(key, last.article or 0, last.article_branch, division.text, eff)
            )
    out.append("</조문>")
    addenda = [b for b in law.blocks if b.kind is BlockKind.ADDENDUM]
    if addenda:
        out.append("<부칙>")
        for block in addenda:
            a_no, a_date = _addendum_parts(block.addendum or "", number, anc)
            out.append(f"<부칙단위 부칙키={quoteattr(a_date + a_no)}>")
            out.append(f"<부칙공포일자>{a_date}</부칙공포일자>")
            out.append(f"<부칙공포번호>{a_no}</부칙공포번호>")
            out.append(f"<부칙내용>{_cdata_lines([line.text for line in block.lines])}</부칙내용>")
            out.append("</부칙단위>")
        out.append("</부칙>")
    annexes = [b for b in law.blocks if b.kind is BlockKind.ANNEX]
    if annexes:
        out.append("<별표>")
        for block in annexes:
            a_key = f"{(block.annex or 0):04d}{block.annex_branch:02d}"
            out += [
                f"<별표단위 별표키={quoteattr(a_key + '1')}>",
                f"<별표번호>{(block.annex or 0):04d}</별표번호>",
                f"<별표가지번호>{block.annex_branch:02d}</별표가지번호>",
                f"<별표구분>{xml_escape(block.annex_kind or '별표')}</별표구분>",
                f"<별표제목>{_cdata(block.title or '')}</별표제목>",
                f"<별표내용>{_cdata_lines([line.text for line in block.lines])}</별표내용>",
                "</별표단위>",
            ]
        out.append("</별표>")
    out.append("</법령>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _cdata_lines(lines: Sequence[str]) -> str:
    return "\n".join(_cdata(line) for line in lines) if lines else _cdata("")


def _heading_unit(key: str, article: int, branch: int, text: str, eff: str) -> str:
    parts = [
        f"<조문단위 조문키={quoteattr(key + '0')}>",
        f"<조문번호>{article}</조문번호>",
        *([f"<조문가지번호>{branch}</조문가지번호>"] if branch else []),
        "<조문여부>전문</조문여부>",
        "<조문제목></조문제목>",
        f"<조문시행일자>{eff}</조문시행일자>",
        "<조문이동이전></조문이동이전>",
        "<조문이동이후></조문이동이후>",
        "<조문변경여부>N</조문변경여부>",
        f"<조문내용>{_cdata(text)}</조문내용>",
        "</조문단위>",
    ]
    return "\n".join(parts)


@dataclass
class _Unit:
    """A 항, 호 or 목 being rendered: its number, its text lines, the units under it."""

    kind: str  # 항 | 호 | 목
    label: str
    lines: list[str]
    children: list[_Unit] = field(default_factory=list)


def _article_unit(block: RawBlock, key: str, eff: str) -> str:
    lines = list(block.lines)
    head: list[str] = []
    while lines and (not head or lines[0].level is None):
        head.append(lines.pop(0).text)
    paragraphs: list[_Unit] = []
    target = head  # where continuation lines (level None) go: the innermost open unit
    paragraph: _Unit | None = None
    item: _Unit | None = None
    for line in lines:
        if line.level is UnitKind.PARAGRAPH:
            paragraph = _Unit("항", line.label or "", [line.text])
            paragraphs.append(paragraph)
            item = None
            target = paragraph.lines
        elif line.level in (UnitKind.ITEM, UnitKind.SUBITEM):
            if paragraph is None:
                paragraph = _Unit("항", "", [])  # the unnumbered 항 wrapper of SPEC §5.1
                paragraphs.append(paragraph)
            unit = _Unit(
                "호" if line.level is UnitKind.ITEM else "목", line.label or "", [line.text]
            )
            if line.level is UnitKind.ITEM:
                item = unit
                paragraph.children.append(unit)
            else:  # a 목 hangs under its 호, or beside the 호 list when there is none
                (item.children if item is not None else paragraph.children).append(unit)
            target = unit.lines
        else:
            target.append(line.text)
    out = [
        f"<조문단위 조문키={quoteattr(key + '1')}>",
        f"<조문번호>{block.article}</조문번호>",
        *([f"<조문가지번호>{block.article_branch}</조문가지번호>"] if block.article_branch else []),
        "<조문여부>조문</조문여부>",
        f"<조문제목>{_cdata(block.title or '')}</조문제목>",
        f"<조문시행일자>{_digits(block.effective_date) or eff}</조문시행일자>",
        "<조문이동이전></조문이동이전>",
        "<조문이동이후></조문이동이후>",
        "<조문변경여부>N</조문변경여부>",
        f"<조문내용>{_cdata_lines(head)}</조문내용>",
    ]
    for para in paragraphs:
        out.append("<항>")
        if para.label or para.lines:
            out.append(f"<항번호>{_cdata(para.label)}</항번호>")
            out.append(f"<항내용>{_cdata_lines(para.lines)}</항내용>")
        out.extend(_item_xml(child) for child in para.children)
        out.append("</항>")
    if block.notes:
        out.append(f"<조문참고자료>{_cdata_lines(list(block.notes))}</조문참고자료>")
    out.append("</조문단위>")
    return "\n".join(out)


def _item_xml(unit: _Unit) -> str:
    tag, label, branch = unit.kind, unit.label, ""
    match = re.fullmatch(r"(\d+)의(\d+)\.", label) if tag == "호" else None
    if match:  # real bodies write 1의2. as 호번호 "1." plus 호가지번호 "2"
        label, branch = f"{match.group(1)}.", match.group(2)
    parts = [f"<{tag}>", f"<{tag}번호>{_cdata(label)}</{tag}번호>"]
    if branch:
        parts.append(f"<{tag}가지번호>{_cdata(branch)}</{tag}가지번호>")
    parts.append(f"<{tag}내용>{_cdata_lines(unit.lines)}</{tag}내용>")
    parts += [_item_xml(child) for child in unit.children]
    parts.append(f"</{tag}>")
    return "\n".join(parts)


def _addendum_parts(addendum: str, number: str, anc: str) -> tuple[str, str]:
    """'제21311호,2026.1.20' -> ('21311', '20260120'), else the law's own number and date."""
    no = re.search(r"제\s*(\d+)\s*호", addendum)
    day = re.search(r"(\d{4})\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})", addendum)
    a_no = no.group(1).zfill(5) if no else number.zfill(5)
    a_date = f"{day.group(1)}{int(day.group(2)):02d}{int(day.group(3)):02d}" if day else anc
    return a_no, a_date


# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------


def _malform(body: bytes, fmt: str) -> bytes:
    if fmt == "JSON" or body.lstrip()[:1] in (b"{", b"["):
        return body.rstrip()[:-1] + b"]"
    match = re.search(rb"</([^>\s]+)>", body)
    if match is None:
        return body + b"<unclosed>"
    return body[: match.start(1)] + match.group(1) + b"X" + body[match.end(1) :]


def _fault_response(
    name: str,
    normal: _Response,
    fmt: str,
    responder: _Responder,
    server: ReplayServer,
    endpoint: str,
) -> _Response:
    if name == "auth":
        return responder.page("auth.json" if fmt == "JSON" else "auth.xml")
    if name == "missing-oc":
        return responder.missing(fmt)
    if name == "unapproved":
        return responder.page("unapproved.html")
    if name == "not-found":
        return responder.not_found(fmt)
    if name == "http500":
        return responder.page("http500.html", status=500)
    if name in ("http404", "http503"):
        status = int(name[4:])
        return _Response(status, HTML_TYPE, _STATUS_PAGES[status].encode())
    if name == "http429":
        return _Response(
            429, HTML_TYPE, _STATUS_PAGES[429].encode(), (("Retry-After", server.retry_after),)
        )
    if name == "empty":
        return _Response(200, normal.content_type, b"")
    if name == "maintenance":
        return _Response(200, HTML_TYPE, _MAINTENANCE_HTML.encode("utf-8"))
    if name == "antibot":
        return _Response(200, HTML_TYPE, _ANTIBOT_HTML.encode("utf-8"))
    if name == "truncated":
        return _Response(200, normal.content_type, normal.body[: len(normal.body) // 2])
    if name == "malformed":
        return _Response(200, normal.content_type, _malform(normal.body, fmt))
    if name == "wrong-encoding":
        text = normal.body.decode("utf-8", "replace")
        return _Response(200, normal.content_type, text.encode("cp949", "replace"))
    if name == "json-shape":
        if endpoint == "lawSearch":
            body = {"LawSearch": {"resultCode": "00", "totalCnt": "1", "law": ["unexpected"]}}
        else:
            body = {"LawService": {"법령": "unexpected"}}
        return _Response(200, JSON_TYPE, json.dumps(body, ensure_ascii=False).encode("utf-8"))
    if name == "json-list":
        return _Response(200, JSON_TYPE, b'[{"LawSearch": {}}]')
    if name == "result-fail":
        if fmt == "JSON":
            body = {
                "LawSearch": {
                    "resultCode": "01",
                    "resultMsg": "fail",
                    "totalCnt": "0",
                    "target": "law",
                }
            }
            return _Response(200, JSON_TYPE, json.dumps(body).encode())
        return _Response(
            200,
            XML_TYPE,
            (
                b'<?xml version="1.0" encoding="UTF-8"?><LawSearch><target>law</target>'
                b"<totalCnt>0</totalCnt>"
                b"<page>1</page><numOfRows>0</numOfRows><resultCode>01</resultCode><resultMsg>fail</resultMsg>"
                b"</LawSearch>"
            ),
        )
    return normal  # slow and reset change how, not what, is sent


# ---------------------------------------------------------------------------------------------
# Server
# ---------------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    replay: ReplayServer


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "Apache"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), _redact(format % args))

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        replay = self.server.replay
        split = urlsplit(self.path)
        params: dict[str, str] = {}
        for key, value in parse_qsl(split.query, keep_blank_values=True):
            params[_CANONICAL_PARAMS.get(key.lower(), key)] = value
        oc = params.pop("OC", None)
        for name in ("target", "type"):
            if name in params:
                params[name] = params[name].strip()
        if "type" in params:
            params["type"] = params["type"].upper()
        if params.get("target"):
            lowered = {
                t.lower(): t
                for t in (
                    "law",
                    "eflaw",
                    "lawjosub",
                    "eflawjosub",
                    "lsDelegated",
                    "lsHistory",
                    "thdCmp",
                    "lsStmd",
                    "oldAndNew",
                )
            }
            params["target"] = lowered.get(params["target"].lower(), params["target"])
        path = split.path.rstrip("/").lower()
        endpoint = {"/drf/lawsearch.do": "lawSearch", "/drf/lawservice.do": "lawService"}.get(
            path, "other"
        )
        fmt = params.get("type") or "XML"
        fault = replay._take_fault(endpoint, params, oc)
        try:
            normal = replay._responder.answer(endpoint, params, oc)
        except Exception:  # noqa: BLE001 - a server bug must answer 500, not hang the client
            log.exception("replay failed for %s", _redact(self.path))
            normal = _Response(500, HTML_TYPE, b"<html><body>replay server error</body></html>")
        response = (
            _fault_response(fault, normal, fmt, replay._responder, replay, endpoint)
            if fault
            else normal
        )
        replay._record(ReplayRequest(endpoint, dict(params), bool(oc), fault, response.status))
        if fault == "slow" and replay._stop.wait(replay.slow_seconds):
            return
        try:
            self._send(response, reset=fault == "reset")
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            log.debug("client went away before the answer to %s", _redact(self.path))

    def _send(self, response: _Response, *, reset: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not reset:
            self.wfile.write(response.body)
            return
        self.wfile.write(response.body[: max(1, len(response.body) // 2)])
        self.wfile.flush()
        # SO_LINGER 0: close() sends RST instead of FIN — a connection reset mid-body.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def _redact(text: str) -> str:
    return re.sub(r"(?<![A-Za-z])(OC=)[^&\s]*", r"\1REDACTED", text)


class ReplayServer:
    """A threaded HTTP server on 127.0.0.1 that answers like law.go.kr's DRF API.

    Args:
        *corpus_dirs: folders with the data (see `ReplayData`); none given means
            `lawcheck.testing.shared_dir()`.
        host: interface to bind.
        port: TCP port; 0 picks a free one (see `base_url`).
        today: date deciding 현행/연혁/시행예정 in eflaw lists (default: today).

    Faults (names in `FAULTS`): ``server.fault = "http500"`` applies to every request until set
    to None; ``server.queue_fault("http503", times=2)`` to the next two matching requests; an OC
    of ``fault-<name>`` to every request carrying it. ``server.requests`` logs what arrived.
    """

    def __init__(
        self,
        *corpus_dirs: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        today: date | None = None,
    ) -> None:
        if not corpus_dirs:
            from lawcheck.testing import shared_dir

            shared = shared_dir()
            corpus_dirs = (shared,) if shared is not None else ()
        self.data = ReplayData(corpus_dirs, today=today)
        self._responder = _Responder(self.data)
        self.host, self.port = host, port
        self.fault: str | None = None
        self.slow_seconds = 3.0
        self.retry_after = "1"
        self.requests: list[ReplayRequest] = []
        self._queue: list[_Fault] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> ReplayServer:
        """Bind and serve in a background thread; returns self."""
        if self._httpd is not None:
            return self
        self._stop.clear()
        self._httpd = _HTTPServer((self.host, self.port), _Handler)
        self._httpd.replay = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"lawcheck-replay-{self.port}",
            daemon=True,
        )
        self._thread.start()
        log.info("replay server on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- faults and the request log ---

    def queue_fault(
        self, name: str, times: int = 1, *, endpoint: str | None = None, target: str | None = None
    ) -> None:
        """Answer the next `times` matching requests with fault `name`, then normally.

        Args:
            name: a key of `FAULTS`.
            times: how many requests.
            endpoint: only ``lawSearch`` or ``lawService`` requests.
            target: only requests with this target (``lsDelegated`` …).
        """
        _check_fault(name)
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._queue.append(_Fault(name, times, endpoint, target))

    def clear_faults(self) -> None:
        """Forget the queued and the persistent fault."""
        with self._lock:
            self._queue.clear()
            self.fault = None

    def reset(self) -> None:
        """Clear faults and the request log (between tests)."""
        self.clear_faults()
        with self._lock:
            self.requests.clear()
        self.slow_seconds, self.retry_after = 3.0, "1"

    def requests_to(
        self, endpoint: str | None = None, target: str | None = None
    ) -> list[ReplayRequest]:
        """Logged requests, optionally only one endpoint and/or target."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (endpoint is None or r.endpoint == endpoint)
                and (target is None or r.target == target)
            ]

    def _record(self, request: ReplayRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_fault(self, endpoint: str, params: Mapping[str, str], oc: str | None) -> str | None:
        if oc and oc.startswith(FAULT_OC_PREFIX) and oc[len(FAULT_OC_PREFIX) :] in FAULTS:
            return oc[len(FAULT_OC_PREFIX) :]
        with self._lock:
            for queued in self._queue:
                if queued.endpoint in (None, endpoint) and (
                    queued.target is None or queued.target == params.get("target")
                ):
                    if queued.remaining is not None:
                        queued.remaining -= 1
                        if queued.remaining <= 0:
                            self._queue.remove(queued)
                    return queued.name
            if self.fault is not None:
                _check_fault(self.fault)
            return self.fault


def _check_fault(name: str) -> None:
    if name not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lawcheck.replay --shared PATH --port N``: serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m lawcheck.replay", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--shared", type=Path, help="the ../shared folder (default: found like the tests do)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[],
        help="another data folder, e.g. an unpacked national corpus (repeatable)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument(
        "--fault", choices=sorted(FAULTS), help="answer every request with this fault"
    )
    args = parser.parse_args(argv)
    dirs = [p for p in [args.shared, *args.data] if p is not None]
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    server = ReplayServer(*dirs, host=args.host, port=args.port)
    server.fault = args.fault
    with server:
        print(
            f"law.go.kr replay on {server.base_url} ({len(server.data.rows)} listed laws, "
            f"{len(server.data.bodies)} bodies); Ctrl-C stops",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
