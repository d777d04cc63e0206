"""Progress bars of long commands: shown on a terminal, absent with --quiet or in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.store import get_engine
from lawcheck.testing import PROJECT_ROOT


def _check_on(url: str, *, terminal: bool, quiet: bool) -> tuple[str, bytes]:
    """Run `lawcheck check` in a child process, stderr on a pseudo-terminal or a pipe."""
    command = [sys.executable, "-m", "lawcheck.cli", "check", "--db", url, "--fail-on", "error"]
    if quiet:
        command.append("--quiet")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    if not terminal:
        done = subprocess.run(command, capture_output=True, env=env, timeout=600)
        return done.stdout.decode(), done.stderr
    master, slave = os.openpty()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:  # keep reading so that the child never blocks on a full terminal
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed its end
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = child.communicate(timeout=600)
    reader.join(timeout=30)
    os.close(master)
    return stdout.decode(), b"".join(chunks)


@pytest.fixture(scope="module")
def analysed_url(tmp_path_factory, shared) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('progress') / 'lawcheck.db'}"
    engine = get_engine(url)
    text = shared / "corpus/raw/text"
    import_paths([text / "ai_basic_act_21311.md", text / "ai_basic_act_decree_36053.md"], engine)
    analyse_database(engine)
    return url


@pytest.mark.parametrize(
    ("terminal", "quiet", "bar"),
    [(True, False, True), (True, True, False), (False, False, False)],
    ids=["terminal", "terminal-quiet", "pipe"],
)
def test_progress_check_bar_only_on_a_terminal_without_quiet(analysed_url, terminal, quiet, bar):
    stdout, stderr = _check_on(analysed_url, terminal=terminal, quiet=quiet)
    assert "DLG001" in stdout or "finding" in stdout  # the report itself is on stdout
    assert "\x1b" not in stdout  # no bar drawn into the results
    assert (b"check" in stderr) is bar, stderr[:300]
