"""The review UI end to end in a real browser: `lawcheck review` serves app.py, two headless
Chromium sessions (Debian's chromium + chromedriver, driven by Selenium) record decisions on the
same queue, reload, and find every decision persisted. Screenshots of every page are saved to
$LAWCHECK_SCREENSHOTS (default build/screenshots) for people to look at."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import Session, select

from lawcheck.review import queue_index
from lawcheck.store import DecisionRow, get_engine
from lawcheck.testing import PROJECT_ROOT

webdriver = pytest.importorskip("selenium.webdriver", reason="pip install -e '.[test]'")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = (
    None
    if CHROMIUM and CHROMEDRIVER
    else "Debian's chromium and chromium-driver are not installed "
    "(apt-get install chromium chromium-driver fonts-noto-cjk; .ci/run does)"
)
SCREENSHOTS = Path(os.environ.get("LAWCHECK_SCREENSHOTS", PROJECT_ROOT / "build" / "screenshots"))
REVIEWER = "Reviewer (required to decide)"


@pytest.fixture(scope="module", autouse=True)
def _browser_available():
    if MISSING:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {MISSING}")
        pytest.skip(MISSING)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def review_server(checked_db, tmp_path):
    """`lawcheck review` on a copy of the checked embedded corpus; yields its address."""
    port = _free_port()
    log = (tmp_path / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "lawcheck.cli", "review", "--db", checked_db, "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("lawcheck review did not start:\n" + (tmp_path / "streamlit.log").read_text())
        time.sleep(0.5)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1440,2200",
        "--lang=ko-KR",
    ):
        options.add_argument(flag)
    # An explicit driver path: Selenium Manager never downloads anything.
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture
def browsers():
    opened = [_browser(), _browser()]
    yield opened
    for driver in opened:
        driver.quit()


def _wait(driver, condition, timeout: float = 60):
    return WebDriverWait(driver, timeout).until(condition)


def _text_on_page(driver, text: str, timeout: float = 60) -> None:
    _wait(driver, lambda d: text in d.find_element(By.TAG_NAME, "body").text, timeout)


def _idle(driver) -> None:
    """Wait until Streamlit has finished running the script (no 'Running…' indicator)."""
    time.sleep(0.3)
    _wait(
        driver,
        lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'),
    )


def _open(driver, url: str, title: str) -> None:
    driver.get(url)
    _text_on_page(driver, title)
    _idle(driver)


def _sign_in(driver, name: str) -> None:
    field = _wait(
        driver, ec.presence_of_element_located((By.CSS_SELECTOR, f'input[aria-label*="{REVIEWER}"]'))
    )
    field.clear()
    field.send_keys(name, Keys.ENTER)
    _wait(driver, lambda d: not d.find_elements(By.XPATH, "//*[contains(text(), 'Enter your name')]"))
    _idle(driver)


def _finding(driver, finding_id: str):
    key = hashlib.sha1(finding_id.encode()).hexdigest()[:16]
    return _wait(
        driver, ec.presence_of_element_located((By.CSS_SELECTOR, f".st-key-finding-{key}"))
    )


def _decide(driver, finding_id: str, button: str, note: str) -> None:
    card = _finding(driver, finding_id)
    card.find_element(By.CSS_SELECTOR, 'input[aria-label="메모 · Note"]').send_keys(note)
    target = card.find_element(By.XPATH, f".//button[.//*[contains(text(), '{button}')]]")
    _wait(driver, lambda d: target.is_enabled())
    target.click()
    _text_on_page(driver, "Saved:")
    _idle(driver)


def _shot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


def test_two_reviewers_decide_reload_and_find_every_decision(review_server, browsers, checked_db):
    with Session(get_engine(checked_db)) as session:
        first, second = (e.finding_id for e in queue_index(session)[:2])
    alice, bob = browsers
    for driver in browsers:
        _open(driver, f"{review_server}/", "검토 대기열")
    _shot(alice, "1-queue")
    _sign_in(alice, "김검토")
    _sign_in(bob, "이검토")

    _decide(alice, first, "확인", "대통령령에 해당 조항 없음")
    _decide(bob, first, "논의 필요", "고시로 정했는지 확인 필요")
    _decide(bob, second, "기각", "시행령 제9조가 정함")
    _shot(bob, "2-queue-after-decisions")

    # Nothing is kept only in the browser: a fresh load shows what both reviewers decided.
    for driver in browsers:
        driver.refresh()
        _text_on_page(driver, "검토 대기열")
        _idle(driver)
    # The reviewer's name survives the reload (it is kept in the address).
    field = _wait(
        alice, ec.presence_of_element_located((By.CSS_SELECTOR, f'input[aria-label*="{REVIEWER}"]'))
    )
    assert field.get_attribute("value") == "김검토"
    card = _finding(alice, first)
    assert "논의 필요" in card.text  # the latest decision on the first finding is Bob's
    card.find_element(By.XPATH, ".//*[contains(text(), 'History (2)')]").click()
    _wait(alice, lambda d: "김검토" in _finding(d, first).text)
    history = _finding(alice, first).text
    assert "이검토" in history and "고시로 정했는지 확인 필요" in history
    assert "기각" in _finding(alice, second).text
    _shot(alice, "3-queue-history")

    with Session(get_engine(checked_db)) as session:
        rows = session.exec(select(DecisionRow).order_by(DecisionRow.id)).all()
    assert [(r.finding_id, r.decision, r.reviewer) for r in rows] == [
        (first, "confirmed", "김검토"),
        (first, "needs_discussion", "이검토"),
        (second, "dismissed", "이검토"),
    ]


def test_every_page_renders_in_the_browser(review_server, browsers):
    driver = browsers[0]
    _open(driver, f"{review_server}/laws?law=014820&ref=제28조", "법령 탐색")
    _text_on_page(driver, "DLG001")
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'input[aria-label="Filter text"]'))
    _shot(driver, "4-law-browser")

    _open(driver, f"{review_server}/query", "과업 검색")
    # The page title is in the navigation before the page's own script has drawn its widgets.
    field = _wait(
        driver,
        ec.element_to_be_clickable((By.CSS_SELECTOR, 'input[aria-label="과업 · Task (Korean)"]')),
    )
    field.send_keys("CCTV 얼굴인식")
    _wait(
        driver, ec.element_to_be_clickable((By.XPATH, "//button[.//*[contains(text(), '검색')]]"))
    ).click()
    _text_on_page(driver, "score")
    _idle(driver)
    assert "개인정보 보호법" in driver.find_element(By.TAG_NAME, "body").text
    _shot(driver, "5-task-query")

    _open(driver, f"{review_server}/overview", "정합성 개요")
    _text_on_page(driver, "Findings: laws × kinds")
    _idle(driver)
    _shot(driver, "6-overview")
