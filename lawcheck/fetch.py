"""law.go.kr DRF Open API client, a resumable raw store, and the watchlist fetch.

Input: an OC key (argument or ``LAWCHECK_OC``), the watchlist ``corpus/watchlist.toml`` and the
DRF endpoints ``/DRF/lawSearch.do`` and ``/DRF/lawService.do`` (or the local replay server in
`lawcheck.replay`). Output: response bodies saved under a `RawStore` root with one
``manifest.jsonl`` line per saved file; later stages parse the saved files, never the network.

Every body is classified before it is trusted, in the order of SPEC §9: empty body, HTML page
(anti-bot, 미신청, 일치하는 법령이 없습니다, other error/maintenance page), auth envelope,
not-found body, ``resultCode`` ≠ 00, then the parse itself. Transient failures (timeouts,
connection errors, HTTP 404/408/429/5xx, empty bodies, maintenance pages) are retried with
exponential backoff, jitter and ``Retry-After``; everything else is raised at once as a typed
`FetchError`. The OC never appears in a log line, an exception, a saved file or the manifest.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import logging
import math
import os
import random
import re
import tempfile
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape as xml_escape

import defusedxml.ElementTree as SafeET
import requests
from defusedxml import DefusedXmlException

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
from lawcheck.models import LawLevel

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://www.law.go.kr"
SEARCH_PATH = "/DRF/lawSearch.do"
SERVICE_PATH = "/DRF/lawService.do"
OC_ENV = "LAWCHECK_OC"
REDACTED = "REDACTED"
# Browser-like headers: two implementers report that law.go.kr answers bare clients with the
# auth envelope or an anti-bot page (SPEC §1, "Headers").
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
REFERER = "https://www.law.go.kr/"
RETRY_STATUSES = frozenset({404, 408, 429, 500, 502, 503, 504})  # 404: bursts (SPEC §9)
MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After is capped, not obeyed blindly
MAX_DELAY = 60.0
MAX_PAGES = 500
SEARCH_TARGETS = ("law", "eflaw")
BODY_TARGETS = ("law", "eflaw")
FORMATS = ("XML", "JSON")
_RESERVED_SEARCH_PARAMS = {"OC", "target", "type", "query", "display", "page"}

# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One row of a lawSearch.do list (target law/eflaw); dates as the API gives them (YYYYMMDD)."""

    mst: str  # 법령일련번호: one per version
    law_id: str  # 법령ID, 6 digits
    name: str  # 법령명한글
    abbreviation: str  # 법령약칭명 ("" when none)
    kind: str  # 법령구분명: 법률, 대통령령, 총리령, 과학기술정보통신부령 …
    ministry: str  # 소관부처명
    ministry_code: str  # 소관부처코드, 7 digits
    promulgation_no: str  # 공포번호, zero-padded string
    promulgation_date: str  # 공포일자 YYYYMMDD
    effective_date: str  # 시행일자 YYYYMMDD
    revision_kind: str  # 제개정구분명
    status: str  # 현행연혁코드: 현행 / 연혁 / 시행예정

    @property
    def level(self) -> LawLevel:
        return LawLevel.from_kind(self.kind)


@dataclass(frozen=True)
class RawResponse:
    """One answer from law.go.kr as received (OC echoes in 법령상세링크 replaced: `redacted`)."""

    body: bytes
    url_redacted: str  # the request URL with OC=REDACTED
    params: dict[str, str] = field(hash=False)  # request parameters without OC
    status: int
    content_type: str
    fetched_at: str  # ISO 8601, UTC
    sha256: str  # of `body`
    redacted: bool = False  # True if `OC=<key>` echoes in the body were replaced by OC=REDACTED
    endpoint: str = ""  # lawSearch.do | lawService.do
    attempts: int = 1

    @property
    def target(self) -> str:
        return self.params.get("target", "")

    @property
    def fmt(self) -> str:
        return self.params.get("type", "XML").upper()


@dataclass(frozen=True)
class SearchResult:
    """Every page of one search: the rows, the exact-name matches and the raw pages."""

    query: str
    target: str
    total_count: int  # totalCnt reported by the API
    all_hits: tuple[SearchHit, ...]
    hits: tuple[SearchHit, ...]  # all_hits filtered by name when exact=True
    pages: tuple[RawResponse, ...]


# ---------------------------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------------------------


def _secret_forms(secret: str) -> list[str]:
    forms = {secret, quote(secret, safe=""), quote_plus(secret), xml_escape(secret)}
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact_text(text: str, secret: str | None) -> str:
    """Replace every ``OC=…`` value and every occurrence of the secret in a text."""
    text = re.sub(r"(?<![A-Za-z])(OC=)[^&\s'\"<>]*", rf"\g<1>{REDACTED}", text)
    if secret:
        for form in _secret_forms(secret):
            text = text.replace(form, REDACTED)
    return text


def redact_body(body: bytes, secret: str) -> tuple[bytes, bool]:
    """Replace ``OC=<secret>`` echoes (법령상세링크) in a response body; report whether any was.

    Only the ``OC=`` parameter form is touched, so law text that happens to contain the key's
    letters stays byte for byte.
    """
    alternatives = b"|".join(re.escape(f.encode("utf-8")) for f in _secret_forms(secret))
    pattern = re.compile(rb"(OC=)(?:" + alternatives + rb")(?=[&\"'<\s\\]|$)")
    redacted, count = pattern.subn(b"\\g<1>" + REDACTED.encode(), body)
    return redacted, count > 0


class _SecretFilter(logging.Filter):
    """Scrubs registered OC keys from records of loggers we do not own (urllib3 logs URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to fix
            return True
        cleaned = message
        for secret in self.secrets:
            cleaned = redact_text(cleaned, secret)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_SECRET_FILTER = _SecretFilter()
_FILTERED_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "requests", __name__)


def _register_secret(secret: str) -> None:
    _SECRET_FILTER.secrets.add(secret)
    for name in _FILTERED_LOGGERS:
        logger = logging.getLogger(name)
        if _SECRET_FILTER not in logger.filters:
            logger.addFilter(_SECRET_FILTER)


# ---------------------------------------------------------------------------------------------
# Classification of bodies (SPEC §9)
# ---------------------------------------------------------------------------------------------

_AUTH_HINT = (
    "register this server's public IP address and domain at open.law.go.kr "
    "(OPEN API 신청 → 서버장비의 IP주소/도메인주소), check that LAWCHECK_OC is the e-mail "
    "local part "
    "of the approved account (g4c@korea.kr -> g4c), and wait for the approval (1–2 days)"
)
_MISSING_HINT = (
    "a required parameter was empty: check that LAWCHECK_OC is set and not blank and that the "
    "request has a target and an MST/ID or query"
)


def describe_request(endpoint: str, params: Mapping[str, Any]) -> str:
    """'lawService.do target=law MST=283839 type=XML' — never the OC."""
    order = ["target", "query", "MST", "ID", "efYd", "JO", "page", "display", "type"]
    keys = [k for k in order if k in params] + sorted(k for k in params if k not in order)
    parts = [
        f"{k}={params[k]!r}" if k == "query" else f"{k}={params[k]}" for k in keys if k != "OC"
    ]
    return " ".join([endpoint.rsplit("/", 1)[-1], *parts])


def _is_html(head: bytes) -> bool:
    lower = head.lower()
    if lower.startswith(
        (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<meta", b"<title")
    ):
        return True
    return not lower.startswith((b"<?xml", b"{", b"[")) and b"<html" in lower


def _html_title(text: str) -> str:
    match = re.search(r"<title>\s*(.*?)\s*</title>", text, re.S | re.I)
    return " ".join(match.group(1).split()) if match else ""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), MAX_RETRY_AFTER))


def check_response(
    body: bytes,
    *,
    request: str,
    expected_root: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    fmt: str | None = None,
) -> Element | dict:
    """Classify a body and parse it, or raise the `FetchError` that describes it.

    Args:
        body: the bytes as received.
        request: `describe_request` text naming the call, used in every message.
        expected_root: ``LawSearch``, ``법령`` or ``lsDelegated`` (XML root / JSON top key).
        status: the HTTP status.
        headers: the response headers (for ``Retry-After``).
        fmt: the requested ``type`` (XML/JSON); a data body in the other format is malformed
            (error envelopes are recognised in either format).

    Returns:
        The XML root element, or the decoded JSON object.

    Raises:
        ServerError: retryable: HTTP 404/408/429/5xx, empty body, error/maintenance HTML page.
        AntiBotError, UnapprovedTargetError, NotFoundError, AuthError: permanent answers.
        FetchError: resultCode other than 00, or an unexpected HTTP status.
        MalformedResponseError: a body that is not UTF-8 or does not parse as XML/JSON.
    """
    headers = headers or {}
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if status in RETRY_STATUSES:
        if _is_html(stripped[:4096]):
            text = body.decode("utf-8", "replace")
            if any(marker in text for marker in ("location.assign", "미신청", "일치하는")):
                _raise_for_html(text, request, status)  # a permanent answer, whatever the status
        error = ServerError(
            f"law.go.kr answered HTTP {status} for {request}; the service is busy, rate-limiting "
            "or briefly failing (SPEC §9) — retried with backoff; if it persists, try again later"
        )
        error.retry_after = _retry_after(headers)  # type: ignore[attr-defined]
        raise error
    if not stripped:
        raise ServerError(
            f"law.go.kr sent an empty body (HTTP {status}) for {request}; this happens during "
            "maintenance or overload — retried; try again later if it persists"
        )
    head = stripped[:4096]
    if _is_html(head):
        _raise_for_html(body.decode("utf-8", "replace"), request, status)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = ""
        try:
            body.decode("cp949")
            guess = " (the bytes decode as EUC-KR/CP949)"
        except UnicodeDecodeError:
            pass
        raise MalformedResponseError(
            f"the response to {request} is not valid UTF-8 at byte {exc.start}{guess} although "
            "law.go.kr bodies are UTF-8; it was not saved — fetch it again later, or as "
            "type=JSON if the XML keeps arriving in the wrong encoding"
        ) from None
    parsed: Element | dict
    if stripped[:1] == b"<":
        parsed = _check_xml(body, request, expected_root, status)
    elif stripped[:1] in (b"{", b"["):
        parsed = _check_json(body, request, expected_root, status)
    else:
        raise MalformedResponseError(
            f"the response to {request} is neither XML nor JSON (starts with {stripped[:40]!r}); "
            "it was not saved — check the base URL and try again"
        )
    got = "JSON" if isinstance(parsed, dict) else "XML"
    if fmt is not None and fmt.upper() != got:
        raise _malformed(request, f"{got} although type={fmt.upper()} was requested")
    return parsed


def _raise_for_html(text: str, request: str, status: int) -> None:
    if "location.assign" in text:
        raise AntiBotError(
            f"law.go.kr served a JavaScript anti-bot page (location.assign) instead of data for "
            f"{request}; it does this to cloud/datacenter IPs — run the fetch from the registered "
            "server IP (not a cloud VM), or import saved responses instead"
        )
    if "미신청" in text:
        raise UnapprovedTargetError(
            "law.go.kr says the OC is not approved for this API "
            f"(미신청된 목록/본문에 대한 접근) for "
            f"{request}; at open.law.go.kr go to OPEN API 신청, select the API (list and body, and "
            "the format XML/JSON) and tick the 법령종류, then wait for approval"
        )
    if "일치하는" in text and "없습니다" in text:
        raise NotFoundError(
            f"law.go.kr has no law for {request} (HTML page: 일치하는 법령이 없습니다); check the "
            "MST/ID — this answer is permanent for the identifier"
        )
    title = _html_title(text)
    raise ServerError(
        f"law.go.kr answered {request} with an HTML page "
        f"(HTTP {status}{', ' + title if title else ''}) "
        "instead of data — an error or maintenance page; retried, try again later if it persists"
    )


def _auth_error(result: str, message: str, request: str) -> AuthError:
    if "필수입력" in result or "필수 입력" in message:
        return AuthError(f"law.go.kr rejected {request}: {result} {message} — {_MISSING_HINT}")
    return AuthError(f"law.go.kr refused the OC key for {request}: {result} — {_AUTH_HINT}")


def _not_found(text: str, request: str) -> NotFoundError:
    text = " ".join(text.split()) or "일치하는 법령이 없습니다"
    return NotFoundError(
        f"law.go.kr has no law for {request} ({text}); check the MST/ID — for target=eflaw by MST "
        "also pass efYd; this answer is permanent for the identifier"
    )


def _malformed(request: str, what: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"the response to {request} is {what}; it was not saved. Try again later; if it persists "
        "law.go.kr serves this identifier broken (SPEC §5.1: some MSTs fail with 'mismatched "
        "tag') — fetch it with type=JSON or import the law from another source"
    )


def _check_xml(body: bytes, request: str, expected_root: str, status: int) -> Element:
    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        # ValueError: expat refuses a declared multi-byte encoding such as EUC-KR.
        raise _malformed(request, f"not well-formed XML ({exc})") from None
    if root.tag == "Response":
        raise _auth_error(root.findtext("result") or "", root.findtext("msg") or "", request)
    if root.tag == "Law" and len(root) == 0:
        raise _not_found(root.text or "", request)
    if root.tag != expected_root:
        raise _malformed(
            request, f"XML with root <{root.tag}> where <{expected_root}> was expected"
        )
    if expected_root == "LawSearch":
        _check_result_code(root.findtext("resultCode"), root.findtext("resultMsg"), request)
    if status >= 400:
        raise FetchError(f"law.go.kr answered HTTP {status} for {request} with a data body")
    return root


def _check_json(body: bytes, request: str, expected_root: str, status: int) -> dict:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _malformed(request, f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise _malformed(request, f"JSON whose top level is a {type(doc).__name__}, not an object")
    if not doc:
        raise _not_found("{} (empty object)", request)
    if expected_root not in doc:
        if "result" in doc:
            raise _auth_error(str(doc.get("result", "")), str(doc.get("msg", "")), request)
        if "Law" in doc:
            raise _not_found(str(doc["Law"]), request)
        keys = ", ".join(list(doc)[:5])
        raise _malformed(request, f"JSON with keys [{keys}] where {expected_root!r} was expected")
    if not isinstance(doc[expected_root], dict):
        raise _malformed(
            request, f"JSON whose {expected_root!r} is a {type(doc[expected_root]).__name__}"
        )
    if expected_root == "LawSearch":
        inner = doc["LawSearch"]
        _check_result_code(inner.get("resultCode"), inner.get("resultMsg"), request)
    if status >= 400:
        raise FetchError(f"law.go.kr answered HTTP {status} for {request} with a data body")
    return doc


def _check_result_code(code: Any, message: Any, request: str) -> None:
    if code is None or str(code).strip() in ("", "00"):
        return
    raise FetchError(
        f"law.go.kr reported resultCode {str(code).strip()} ({message or 'no message'}) "
        f"for {request}; "
        "check the request parameters against the API guide"
    )


# ---------------------------------------------------------------------------------------------
# Search rows
# ---------------------------------------------------------------------------------------------


def names_match(name: str, query: str) -> bool:
    """Exact-name test used by ``search(exact=True)``.

    The names are NFC-normalised and compared as they are; they also match when they are equal
    once every white-space character is removed from both ("개인정보보호법" finds
    「개인정보 보호법」; old laws are written without spaces). Nothing else (middle dots,
    brackets) is folded.
    """
    a = unicodedata.normalize("NFC", name).strip()
    b = unicodedata.normalize("NFC", query).strip()
    return a == b or "".join(a.split()) == "".join(b.split())


def as_list(value: Any) -> list:
    """JSON cardinality (SPEC §4.2, §10): missing -> [], one object -> [object], list -> list."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


def _search_rows(parsed: Element | dict, request: str) -> tuple[int, list[dict[str, str]]]:
    if isinstance(parsed, dict):
        inner = parsed["LawSearch"]
        total_text = inner.get("totalCnt", "0")
        rows = as_list(inner.get("law"))
        if not all(isinstance(row, dict) for row in rows):
            raise _malformed(request, "a JSON search list whose 'law' rows are not objects")
        rows = [{k: _flat(v) for k, v in row.items()} for row in rows]
    else:
        total_text = parsed.findtext("totalCnt") or "0"
        rows = [
            {child.tag: "".join(child.itertext()).strip() for child in row}
            for row in parsed.findall("law")
        ]
    try:
        total = int(str(total_text).strip() or "0")
    except ValueError:
        raise _malformed(request, f"a search list with totalCnt {total_text!r}") from None
    return total, rows


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return _flat(value.get("content", ""))
    return str(value).strip()


def _hit(row: Mapping[str, str], request: str) -> SearchHit:
    missing = [k for k in ("법령일련번호", "법령ID", "법령명한글") if not row.get(k)]
    if missing:
        raise _malformed(request, f"a search row without {', '.join(missing)}")
    return SearchHit(
        mst=row["법령일련번호"],
        law_id=row["법령ID"],
        name=row["법령명한글"],
        abbreviation=row.get("법령약칭명", ""),
        kind=row.get("법령구분명", ""),
        ministry=row.get("소관부처명", ""),
        ministry_code=row.get("소관부처코드", ""),
        promulgation_no=row.get("공포번호", ""),
        promulgation_date=row.get("공포일자", ""),
        effective_date=row.get("시행일자", ""),
        revision_kind=row.get("제개정구분명", ""),
        status=row.get("현행연혁코드", ""),
    )


# ---------------------------------------------------------------------------------------------
# Client
# ---------------------------------------------------------------------------------------------


class LawApiClient:
    """A `requests` client for the DRF Open API that retries, classifies and redacts.

    Args:
        oc: the OC key; defaults to the environment variable ``LAWCHECK_OC``.
        base_url: ``https://www.law.go.kr`` or a replay server's URL.
        timeout: seconds for connect and read.
        retries: further attempts after the first for retryable failures.
        backoff: base delay in seconds; attempt n waits ``backoff * 2**(n-1)`` plus jitter,
            or the server's ``Retry-After`` if that is longer (capped at 120 s).
        throttle: minimum seconds between two requests.
        session: a `requests.Session` to use (not closed by `close`).
        sleep: the sleep function (tests pass a recorder).

    Raises:
        MissingKeyError: no OC given and ``LAWCHECK_OC`` unset or blank.
    """

    def __init__(
        self,
        oc: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30,
        retries: int = 4,
        backoff: float = 1.0,
        throttle: float = 0.05,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        key = oc if oc is not None else os.environ.get(OC_ENV)
        if key is None or not key.strip():
            raise MissingKeyError()
        if retries < 0 or timeout <= 0 or backoff < 0 or throttle < 0:
            raise ValueError("retries, backoff and throttle must be >= 0 and timeout > 0")
        self._oc = key.strip()
        _register_secret(self._oc)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.throttle = throttle
        self._session = session or requests.Session()
        self._owns_session = session is None
        self._sleep = sleep
        self._last_request = 0.0
        self._random = random.Random()

    def __repr__(self) -> str:
        return f"LawApiClient(base_url={self.base_url!r}, oc=<{REDACTED}>)"

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> LawApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- public calls ---------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        target: str = "law",
        exact: bool = True,
        display: int = 100,
        fmt: str = "XML",
        **params: Any,
    ) -> list[SearchHit]:
        """Every row of a lawSearch.do list, all pages followed; see `search_pages`."""
        return list(
            self.search_pages(
                query, target=target, exact=exact, display=display, fmt=fmt, **params
            ).hits
        )

    def search_pages(
        self,
        query: str,
        *,
        target: str = "law",
        exact: bool = True,
        display: int = 100,
        fmt: str = "XML",
        **params: Any,
    ) -> SearchResult:
        """Search law names, following ``totalCnt`` over pages of ``display`` rows.

        Args:
            query: text matched by law.go.kr as a substring of the name.
            target: ``law`` (현행, by promulgation) or ``eflaw`` (by effective date, with 연혁).
            exact: keep only rows whose 법령명한글 equals the query (see `names_match`).
            display: rows per page, 1–100.
            fmt: ``XML`` (primary) or ``JSON``.
            **params: further lawSearch parameters (``efYd``, ``LID``, ``nw``, ``sort`` …).

        Returns:
            A `SearchResult`; zero hits is an empty result, not an error.

        Raises:
            ValueError: a bad argument (before any request).
            FetchError: see `check_response`.
        """
        target = _choice("target", target, SEARCH_TARGETS)
        fmt = _choice("fmt", fmt.upper(), FORMATS)
        if not query or not query.strip():
            raise ValueError("search needs a non-empty query (a law name or part of one)")
        if not 1 <= display <= 100:
            raise ValueError(f"display must be 1..100 (law.go.kr's maximum is 100), not {display}")
        clash = _RESERVED_SEARCH_PARAMS & set(params)
        if clash:
            raise ValueError(f"pass {sorted(clash)} through the named arguments, not **params")
        extra = {k: str(v) for k, v in params.items() if v is not None}
        pages: list[RawResponse] = []
        rows: list[dict[str, str]] = []
        total: int | None = None
        page = 1
        while True:
            request_params = {
                "target": target,
                "type": fmt,
                "query": query,
                "display": str(display),
                "page": str(page),
                **extra,
            }
            raw, parsed = self._request(SEARCH_PATH, request_params, "LawSearch")
            page_total, page_rows = _search_rows(
                parsed, describe_request(SEARCH_PATH, request_params)
            )
            pages.append(raw)
            rows.extend(page_rows)
            total = page_total if total is None else total
            if (
                not page_rows
                or len(rows) >= total
                or page >= min(MAX_PAGES, math.ceil(total / display))
            ):
                break
            page += 1
        assert total is not None
        if len(rows) != total:
            log.warning(
                "search %r (%s): totalCnt %d but %d rows over %d page(s); "
                "did the list change while paging?",
                query,
                target,
                total,
                len(rows),
                page,
            )
        request = describe_request(SEARCH_PATH, {"target": target, "query": query})
        all_hits = tuple(_hit(row, request) for row in rows)
        hits = tuple(h for h in all_hits if names_match(h.name, query)) if exact else all_hits
        log.info("search %r (%s): %d rows, %d kept", query, target, len(all_hits), len(hits))
        return SearchResult(query, target, total, all_hits, hits, tuple(pages))

    def law_body(
        self,
        *,
        mst: str | None = None,
        law_id: str | None = None,
        target: str = "law",
        ef_yd: str | None = None,
        fmt: str = "XML",
        jo: str | None = None,
    ) -> RawResponse:
        """The lawService.do body of one law version (MST) or of the current version (ID).

        Args:
            mst: 법령일련번호; pins a version.
            law_id: 법령ID; law.go.kr returns the current version.
            target: ``law`` or ``eflaw``.
            ef_yd: 시행일자 YYYYMMDD; required for ``eflaw`` with an MST.
            fmt: ``XML`` or ``JSON``.
            jo: optional 6-digit article selector (``002900`` = 제29조).

        Raises:
            ValueError: neither or both of mst/law_id, or eflaw by MST without ef_yd.
            FetchError: see `check_response`.
        """
        target = _choice("target", target, BODY_TARGETS)
        params = self._identity("law_body", mst, law_id, target, fmt)
        if target == "eflaw" and mst is not None and not ef_yd:
            raise ValueError(
                f"target=eflaw with MST={mst} needs ef_yd (시행일자 YYYYMMDD): law.go.kr answers "
                "'일치하는 법령이 없습니다' without it; pass ef_yd, or use law_id for the "
                "current version"
            )
        if ef_yd is not None:
            if not re.fullmatch(r"\d{8}", str(ef_yd)):
                raise ValueError(f"ef_yd must be YYYYMMDD, not {ef_yd!r}")
            params["efYd"] = str(ef_yd)
        if jo is not None:
            if not re.fullmatch(r"\d{6}", str(jo)):
                raise ValueError(
                    f"jo must be 6 digits (article 4 + branch 2, e.g. 002900), not {jo!r}"
                )
            params["JO"] = str(jo)
        raw, parsed = self._request(SERVICE_PATH, params, "법령")
        if law_id is not None:
            found = _body_law_id(parsed)
            if found and found != law_id:
                raise _malformed(
                    describe_request(SERVICE_PATH, params),
                    f"a body of 법령ID {found}, not {law_id}",
                )
        return raw

    def delegated(
        self, *, mst: str | None = None, law_id: str | None = None, fmt: str = "XML"
    ) -> RawResponse:
        """The lsDelegated (위임법령) table of one law: which lower article fills each delegation.

        Raises:
            ValueError: neither or both of mst/law_id.
            FetchError: see `check_response`; law.go.kr answers some MSTs with HTTP 500.
        """
        params = self._identity("delegated", mst, law_id, "lsDelegated", fmt)
        raw, _ = self._request(SERVICE_PATH, params, "lsDelegated")
        return raw

    # --- internals ------------------------------------------------------------------------

    @staticmethod
    def _identity(
        what: str, mst: str | None, law_id: str | None, target: str, fmt: str
    ) -> dict[str, str]:
        if (mst is None) == (law_id is None):
            raise ValueError(f"{what} needs exactly one of mst= (법령일련번호) or law_id= (법령ID)")
        fmt = _choice("fmt", fmt.upper(), FORMATS)
        params = {"target": target, "type": fmt}
        if mst is not None:
            if not str(mst).isdigit():
                raise ValueError(f"mst must be digits (법령일련번호), not {mst!r}")
            params["MST"] = str(mst)
        else:
            if not re.fullmatch(r"\d{6}", str(law_id)):
                raise ValueError(
                    f"law_id must be the 6-digit 법령ID such as '011357', not {law_id!r}"
                )
            params["ID"] = str(law_id)
        return params

    def _request(
        self, path: str, params: dict[str, str], expected_root: str
    ) -> tuple[RawResponse, Any]:
        request = describe_request(path, params)
        query = {"OC": self._oc, **params}
        headers = {
            "User-Agent": USER_AGENT,
            "Referer": REFERER,
            "Accept": "application/json"
            if params.get("type") == "JSON"
            else "application/xml, text/xml;q=0.9, */*;q=0.5",
        }
        error: FetchError | None = None
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            self._wait_throttle()
            try:
                response = self._session.get(
                    self.base_url + path, params=query, headers=headers, timeout=self.timeout
                )
                body = response.content
            except requests.Timeout:
                # Never chain or print a requests exception as is: its text has the URL, OC and all.
                error = NetworkError(
                    f"no answer from law.go.kr within {self.timeout:g}s for {request}; the service "
                    "may be slow — retried; raise the timeout or try again later"
                )
            except (
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                error = NetworkError(
                    f"the connection to {self.base_url} failed for {request} "
                    f"({type(exc).__name__}: {redact_text(str(exc), self._oc)[:300]}); check the "
                    "network or proxy — retried"
                )
            except requests.RequestException as exc:
                raise FetchError(
                    f"could not send {request} to {self.base_url}: "
                    f"{redact_text(str(exc), self._oc)[:300]}"
                ) from None
            else:
                try:
                    parsed = check_response(
                        body,
                        request=request,
                        expected_root=expected_root,
                        status=response.status_code,
                        headers=response.headers,
                        fmt=params.get("type"),
                    )
                except FetchError as exc:
                    exc = self._scrubbed(exc)
                    if not exc.retryable:
                        log.debug("%s", exc)
                        raise exc from None
                    error = exc
                else:
                    saved, redacted = redact_body(body, self._oc)
                    raw = RawResponse(
                        body=saved,
                        url_redacted=redact_text(response.url, self._oc),
                        params=dict(params),
                        status=response.status_code,
                        content_type=response.headers.get("Content-Type", ""),
                        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                        sha256=hashlib.sha256(saved).hexdigest(),
                        redacted=redacted,
                        endpoint=path.rsplit("/", 1)[-1],
                        attempts=attempt,
                    )
                    log.debug(
                        "%s: HTTP %d, %d bytes, attempt %d",
                        request,
                        raw.status,
                        len(saved),
                        attempt,
                    )
                    return raw, parsed
            assert error is not None
            if attempt == attempts:
                break
            delay = self._delay(attempt, getattr(error, "retry_after", None))
            log.warning(
                "%s; attempt %d/%d failed, retrying in %.2fs",
                error.message,
                attempt,
                attempts,
                delay,
            )
            self._sleep(delay)
        assert error is not None
        final = type(error)(f"{error.message} (gave up after {attempts} attempts)")
        log.debug("%s", final)  # the caller reports it (fetch_watchlist records it)
        raise final

    def _scrubbed(self, exc: FetchError) -> FetchError:
        """The same error with the OC redacted, should a body have echoed it into the message."""
        if self._oc not in exc.message and "OC=" not in exc.message:
            return exc
        clean = type(exc)(redact_text(exc.message, self._oc))
        if hasattr(exc, "retry_after"):
            clean.retry_after = exc.retry_after  # type: ignore[attr-defined]
        return clean

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        base = self.backoff * 2 ** (attempt - 1)
        delay = base + self._random.uniform(0, base / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, max(MAX_DELAY, retry_after or 0))

    def _wait_throttle(self) -> None:
        if self.throttle:
            wait = self._last_request + self.throttle - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        self._last_request = time.monotonic()


def _choice(name: str, value: str, valid: tuple[str, ...]) -> str:
    if value not in valid:
        raise ValueError(f"{name} must be one of {', '.join(valid)}, not {value!r}")
    return value


def _body_law_id(parsed: Element | dict) -> str:
    if isinstance(parsed, dict):
        info = parsed.get("법령", {}).get("기본정보", {})
        return _flat(info.get("법령ID", "")) if isinstance(info, dict) else ""
    return (parsed.findtext("기본정보/법령ID") or "").strip()


# ---------------------------------------------------------------------------------------------
# Raw store
# ---------------------------------------------------------------------------------------------


class RawStore:
    """Saves response bodies atomically under a root, with a JSON-lines manifest.

    Layout (relative to ``root``):

    * ``law/<MST>.xml`` (or ``.json``), ``eflaw/<MST>_<efYd>.xml`` — law bodies, byte for byte;
    * ``lsDelegated/<MST>.xml`` — 위임법령 tables, byte for byte;
    * ``search/<target>-<sha12 of the parameters>-p<page>.xml`` — search pages, with the OC echo
      in 법령상세링크 replaced by ``OC=REDACTED`` (manifest ``"redacted": true``);
    * ``manifest.jsonl`` — one JSON object per saved file: path, request, target, format, mst,
      law_id, name, kind, params (no OC), url (OC=REDACTED), status, content_type, fetched_at,
      sha256, bytes, redacted, attempts (and page for search pages).

    A file is written to a temporary name in the same folder, fsynced, then renamed, and only
    then recorded in the manifest; `has` trusts a file only if its sha256 equals the manifest's,
    so a killed run leaves nothing that a re-run would mistake for a finished body.
    """

    MANIFEST = "manifest.jsonl"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._index: dict[str, dict] | None = None

    # --- paths ---

    def body_path(
        self, target: str, mst: str, *, fmt: str = "XML", ef_yd: str | None = None
    ) -> Path:
        """Where the body of (target, MST[, efYd]) is kept."""
        if not str(mst).isdigit():
            raise ValueError(f"mst must be digits, not {mst!r}")
        if target not in ("law", "eflaw", "lsDelegated"):
            raise ValueError(f"target must be law, eflaw or lsDelegated, not {target!r}")
        stem = f"{mst}_{ef_yd}" if ef_yd else str(mst)
        return self.root / target / f"{stem}.{fmt.lower()}"

    def search_path(self, params: Mapping[str, str], page: int | str) -> Path:
        """Where one search page is kept: the parameters minus OC/page name the file."""
        key = {k: v for k, v in params.items() if k not in ("OC", "page")}
        digest = hashlib.sha256(
            json.dumps(key, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()[:12]
        fmt = str(params.get("type", "XML")).lower()
        return self.root / "search" / f"{params.get('target', 'law')}-{digest}-p{page}.{fmt}"

    # --- queries ---

    def entries(self) -> list[dict]:
        """Every manifest entry in order (a line cut by a killed run is skipped with a warning)."""
        manifest = self.root / self.MANIFEST
        if not manifest.is_file():
            return []
        out = []
        for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                log.warning(
                    "%s line %d is cut or broken (a killed run?); ignored", manifest, number
                )
                continue
            if isinstance(entry, dict) and "path" in entry:
                out.append(entry)
        return out

    def entry(self, path: Path) -> dict | None:
        """The latest manifest entry for a file, or None."""
        if self._index is None:
            self._index = {e["path"]: e for e in self.entries()}
        return self._index.get(self._relative(path))

    def has(self, target: str, mst: str, *, fmt: str = "XML", ef_yd: str | None = None) -> bool:
        """True if the body is saved and its bytes match the manifest's sha256."""
        return self.verified(self.body_path(target, mst, fmt=fmt, ef_yd=ef_yd))

    def verified(self, path: Path) -> bool:
        """True if the file exists and matches its manifest entry (size and sha256)."""
        entry = self.entry(path)
        if entry is None or not path.is_file():
            return False
        data = path.read_bytes()
        return len(data) == entry.get("bytes") and hashlib.sha256(data).hexdigest() == entry.get(
            "sha256"
        )

    # --- writes ---

    def save_body(
        self,
        raw: RawResponse,
        *,
        mst: str,
        law_id: str | None = None,
        name: str | None = None,
        kind: str | None = None,
    ) -> Path:
        """Save a lawService.do body (law, eflaw or lsDelegated) and record it."""
        target = raw.target
        ef_yd = raw.params.get("efYd") if target == "eflaw" else None
        path = self.body_path(target, mst, fmt=raw.fmt, ef_yd=ef_yd)
        request = "lsDelegated" if target == "lsDelegated" else "body"
        return self._save(
            path, raw, request=request, mst=str(mst), law_id=law_id, name=name, kind=kind
        )

    def save_search_page(self, raw: RawResponse) -> Path:
        """Save one lawSearch.do page (redacted, see the class docstring) and record it."""
        page = raw.params.get("page", "1")
        path = self.search_path(raw.params, page)
        return self._save(path, raw, request="search", page=int(page))

    def clean_temp(self) -> int:
        """Delete temporary files left by a killed run; return how many were removed."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for tmp in self.root.rglob(".*.tmp"):
            try:
                tmp.unlink()
                removed += 1
            except OSError as exc:
                log.warning("cannot remove %s: %s", tmp, exc)
        if removed:
            log.info("removed %d temporary file(s) left by an interrupted fetch", removed)
        return removed

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _save(self, path: Path, raw: RawResponse, *, request: str, **extra: Any) -> Path:
        entry = self.entry(path)
        if entry is not None and entry.get("sha256") == raw.sha256 and self.verified(path):
            log.debug("%s unchanged", path)
            return path
        _write_atomic(path, raw.body)
        record = {
            "path": self._relative(path),
            "request": request,
            "target": raw.target,
            "format": raw.fmt,
            **{k: v for k, v in extra.items() if v is not None},
            "params": dict(raw.params),
            "url": raw.url_redacted,
            "status": raw.status,
            "content_type": raw.content_type,
            "fetched_at": raw.fetched_at,
            "sha256": raw.sha256,
            "bytes": len(raw.body),
            "redacted": raw.redacted,
            "attempts": raw.attempts,
        }
        self._append_manifest(record)
        if self._index is not None:
            self._index[record["path"]] = record
        log.info("saved %s (%d bytes)", record["path"], record["bytes"])
        return path

    def _append_manifest(self, record: dict) -> None:
        manifest = self.root / self.MANIFEST
        manifest.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with open(manifest, "ab") as handle:
            # A run killed mid-line leaves no newline: start a fresh line so ours stays whole.
            if handle.tell() > 0:
                with open(manifest, "rb") as reader:
                    reader.seek(-1, os.SEEK_END)
                    if reader.read(1) != b"\n":
                        handle.write(b"\n")
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# ---------------------------------------------------------------------------------------------
# Watchlist
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchEntry:
    """One statute to follow, with its decrees and rules (None = discover them by name)."""

    name: str  # 법령명한글 of the 법률, exactly as law.go.kr writes it
    law_id: str  # 법령ID, 6 digits
    decrees: tuple[str, ...] | None = None  # 시행령 names; None = search "<name> 시행령"
    rules: tuple[str, ...] | None = None  # 시행규칙 names; None = search "<name> 시행규칙"
    note: str | None = None


_WATCH_KEYS = {"name", "law_id", "decrees", "rules", "note"}


def load_watchlist(path: str | Path) -> list[WatchEntry]:
    """Read ``[[law]]`` entries from a watchlist TOML file.

    Raises:
        WatchlistError: the file is missing or not TOML, or an entry has a bad field; the
            message names the file, the entry number and name, and the field.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WatchlistError(f"{path}: no such watchlist file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"{path}: not valid TOML ({exc})") from exc
    unknown_top = set(data) - {"law"}
    if unknown_top:
        raise WatchlistError(
            f"{path}: unknown top-level key(s) {sorted(unknown_top)}; use [[law]] tables"
        )
    laws = data.get("law")
    if not isinstance(laws, list) or not laws:
        raise WatchlistError(f"{path}: no [[law]] entries; add at least one with name and law_id")
    entries: list[WatchEntry] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(laws, start=1):
        where = f"{path}: [[law]] #{number}"
        if not isinstance(item, dict):
            raise WatchlistError(f"{where}: must be a table")
        if isinstance(item.get("name"), str):
            where += f" ({item['name']})"
        unknown = set(item) - _WATCH_KEYS
        if unknown:
            raise WatchlistError(
                f"{where}: unknown field(s) {sorted(unknown)}; valid: {sorted(_WATCH_KEYS)}"
            )
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise WatchlistError(f"{where}: 'name' must be the law's name as a non-empty string")
        law_id = item.get("law_id")
        if isinstance(law_id, int):
            raise WatchlistError(
                f"{where}: 'law_id' must be a quoted 6-digit string (\"{law_id:06d}\"): "
                "leading zeros matter"
            )
        if not isinstance(law_id, str) or not re.fullmatch(r"\d{6}", law_id):
            raise WatchlistError(
                f"{where}: 'law_id' must be the 6-digit 법령ID as a string, like \"011357\""
            )
        if law_id in seen:
            raise WatchlistError(f"{where}: law_id {law_id} is already entry #{seen[law_id]}")
        seen[law_id] = number
        lists = {}
        for key in ("decrees", "rules"):
            value = item.get(key)
            if value is not None and (
                not isinstance(value, list)
                or not all(isinstance(v, str) and v.strip() for v in value)
            ):
                raise WatchlistError(f"{where}: '{key}' must be a list of law names (strings)")
            lists[key] = tuple(v.strip() for v in value) if value is not None else None
        note = item.get("note")
        if note is not None and not isinstance(note, str):
            raise WatchlistError(f"{where}: 'note' must be a string")
        entries.append(WatchEntry(name.strip(), law_id, lists["decrees"], lists["rules"], note))
    return entries


# ---------------------------------------------------------------------------------------------
# Watchlist fetch
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchedItem:
    """A body fetched (or found already saved) for the report."""

    label: str  # "개인정보 보호법 시행령 (대통령령) body"
    target: str  # law | lsDelegated
    mst: str
    law_id: str | None
    name: str | None
    path: str  # relative to the store root


@dataclass(frozen=True)
class FetchFailure:
    """A step that failed; the run went on with the next one."""

    label: str
    target: str
    mst: str | None
    code: str  # the FetchError code, e.g. F004
    message: str


@dataclass(frozen=True)
class FetchReport:
    """What `fetch_watchlist` did: fetched, skipped (already saved and verified), failed."""

    fetched: tuple[FetchedItem, ...]
    skipped: tuple[FetchedItem, ...]
    failed: tuple[FetchFailure, ...]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        lines = [
            f"fetched {len(self.fetched)}, skipped {len(self.skipped)} (already saved), "
            f"failed {len(self.failed)}"
        ]
        lines += [f"  [{f.code}] {f.label}: {f.message}" for f in self.failed]
        return "\n".join(lines)


# Errors that say "nothing will work from here" (key, registration, cloud IP): stop the run.
_FATAL = (MissingKeyError, AuthError, AntiBotError)

ProgressFn = Callable[[int, int, str], None]


def fetch_watchlist(
    entries: Iterable[WatchEntry],
    store: RawStore,
    client: LawApiClient,
    *,
    progress: ProgressFn | None = None,
    include_delegated: bool = True,
) -> FetchReport:
    """Fetch every watched statute, its decrees and rules, and their 위임법령 tables.

    For each entry: search ``target=law`` for the exact name and take the row with the entry's
    법령ID; fetch its body by MST; find the decrees (``<name> 시행령``, 대통령령) and rules
    (``<name> 시행규칙``, 총리령/부령) by exact name — or the names the entry lists — and fetch
    their bodies; then ``lsDelegated`` of the statute and of each decree. Bodies already in the
    store and verified by sha256 are skipped, so a killed run can simply be started again.

    Args:
        entries: from `load_watchlist`.
        store: where bodies and search pages are saved.
        client: the API client (or one pointed at the replay server).
        progress: called as ``progress(done, total, label)`` before each step; ``done`` counts
            finished entries, ``total`` is the number of entries.
        include_delegated: also fetch lsDelegated tables.

    Returns:
        A `FetchReport`. A failure of one law (not found, server error, malformed body, wrong
        법령ID, 미신청 lsDelegated, HTTP 500 from lsDelegated) is recorded and the run goes on.

    Raises:
        MissingKeyError, AuthError, AntiBotError: nothing else can succeed; stop at once.
        UnapprovedTargetError: the OC is not approved for lawSearch/lawService target=law.
    """
    entries = list(entries)
    total = len(entries)
    store.clean_temp()
    run = _Run(store, client, progress, total)
    for done, entry in enumerate(entries):
        run.done = done
        run.law(entry, include_delegated)
    if progress is not None:
        progress(total, total, "done")
    report = FetchReport(tuple(run.fetched), tuple(run.skipped), tuple(run.failed))
    log.info("%s", report.summary())
    return report


class _Run:
    """State of one `fetch_watchlist` call."""

    def __init__(
        self, store: RawStore, client: LawApiClient, progress: ProgressFn | None, total: int
    ):
        self.store, self.client, self.progress, self.total = store, client, progress, total
        self.done = 0
        self.fetched: list[FetchedItem] = []
        self.skipped: list[FetchedItem] = []
        self.failed: list[FetchFailure] = []
        self.seen: set[tuple[str, str]] = set()

    def step(self, label: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, label)

    def fail(self, label: str, target: str, mst: str | None, exc: FetchError) -> None:
        if isinstance(exc, _FATAL) or (
            isinstance(exc, UnapprovedTargetError) and target != "lsDelegated"
        ):
            raise exc
        log.warning("%s: %s", label, exc)
        self.failed.append(FetchFailure(label, target, mst, exc.code, exc.message))

    def search(self, name: str, label: str) -> list[SearchHit] | None:
        self.step(f"{label}: search")
        try:
            result = self.client.search_pages(name, target="law", exact=True)
        except FetchError as exc:
            self.fail(f"{label}: search", "law", None, exc)
            return None
        for page in result.pages:
            self.store.save_search_page(page)
        return list(result.hits)

    def law(self, entry: WatchEntry, include_delegated: bool) -> None:
        hits = self.search(entry.name, entry.name)
        if hits is None:
            return
        mine = [h for h in hits if h.law_id == entry.law_id]
        if not mine:
            if hits:
                found = ", ".join(sorted({f"{h.law_id} ({h.kind})" for h in hits}))
                message = (
                    f"law.go.kr has 「{entry.name}」 with 법령ID {found}, not {entry.law_id} "
                    "as the "
                    "watchlist says; correct law_id in corpus/watchlist.toml"
                )
            else:
                message = (
                    f"no law named 「{entry.name}」 on law.go.kr (target=law, exact name); "
                    "it may have "
                    "been renamed or repealed — correct corpus/watchlist.toml"
                )
            self.failed.append(FetchFailure(entry.name, "law", None, NotFoundError.code, message))
            return
        statute = mine[0]
        self.body(statute, entry.name)
        decrees = self.related(entry, entry.decrees, "시행령", (LawLevel.DECREE,))
        rules = self.related(entry, entry.rules, "시행규칙", (LawLevel.RULE,))
        for hit in decrees + rules:
            self.body(hit, entry.name)
        if include_delegated:
            for hit in [statute, *decrees]:
                self.delegated(hit, entry.name)

    def related(
        self,
        entry: WatchEntry,
        names: tuple[str, ...] | None,
        suffix: str,
        levels: tuple[LawLevel, ...],
    ) -> list[SearchHit]:
        listed = names is not None
        found: list[SearchHit] = []
        for name in names if names is not None else (f"{entry.name} {suffix}",):
            hits = self.search(name, f"{entry.name} → {name}")
            if hits is None:
                continue
            hits = [h for h in hits if h.level in levels]
            if not hits and listed:
                self.failed.append(
                    FetchFailure(
                        f"{entry.name} → {name}",
                        "law",
                        None,
                        NotFoundError.code,
                        f"no {suffix} named 「{name}」 on law.go.kr (exact name, target=law); "
                        "correct the "
                        f"entry's list in corpus/watchlist.toml",
                    )
                )
            elif not hits:
                log.info("%s: no %s named 「%s」", entry.name, suffix, name)
            found.extend(hits)
        return found

    def body(self, hit: SearchHit, owner: str) -> None:
        self.fetch_one(hit, "law", f"{owner} → {hit.name} ({hit.kind}) body")

    def delegated(self, hit: SearchHit, owner: str) -> None:
        self.fetch_one(hit, "lsDelegated", f"{owner} → {hit.name} ({hit.kind}) 위임법령")

    def fetch_one(self, hit: SearchHit, target: str, label: str) -> None:
        if (target, hit.mst) in self.seen:
            return
        self.seen.add((target, hit.mst))
        path = self.store.body_path(target, hit.mst)
        item = FetchedItem(
            label,
            target,
            hit.mst,
            hit.law_id,
            hit.name,
            path.relative_to(self.store.root).as_posix(),
        )
        if self.store.has(target, hit.mst):
            self.skipped.append(item)
            return
        self.step(label)
        try:
            if target == "lsDelegated":
                raw = self.client.delegated(mst=hit.mst)
            else:
                raw = self.client.law_body(mst=hit.mst, target=target)
        except FetchError as exc:
            self.fail(label, target, hit.mst, exc)
            return
        self.store.save_body(raw, mst=hit.mst, law_id=hit.law_id, name=hit.name, kind=hit.kind)
        self.fetched.append(item)
