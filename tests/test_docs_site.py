"""`perfbudget docs`: the dbt docs site, served on localhost, seen in a headless Chromium.

Chromium comes from Debian (`make browser`, a prerequisite of `make test`). The screenshot is kept
in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT
from tests.conftest import SampleRun

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
MODEL_PAGE = "#!/model/model.perfbudget.fct_indicator"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make browser` installs it")
        pytest.skip("chromium is not installed: `make browser` installs it")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def docs_site(
    sample_run: SampleRun, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """`perfbudget docs` running as a child process; yields (base URL, chromium path)."""
    chromium = _chromium()
    port = _free_port()
    target = tmp_path_factory.mktemp("docs") / "target"
    log = target.parent / "docs.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "flows.cli", "docs", "--port", str(port),
                "--warehouse", str(sample_run.warehouse), "--target", str(target),
            ],
            stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 240  # dbt docs generate parses and compiles the project
        while True:
            if proc.poll() is not None:
                pytest.fail(f"perfbudget docs exited {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url + "manifest.json", timeout=5) as resp:
                    assert resp.status == 200
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"perfbudget docs did not serve in time:\n{log.read_text()}")
                time.sleep(0.5)
        yield url, chromium
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _run_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            "--virtual-time-budget=15000", *args,
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _columns(dom: str) -> dict[str, str]:
    """Column name → description as the model page renders them (scripts left out)."""
    dom = re.sub(r"<script\b.*?</script>", "", dom, flags=re.S)
    columns = {}
    for row in dom.split('class="column-row')[1:]:
        cells = re.findall(r"<span[^>]*ng-binding[^>]*>([^<]*)<", row)
        if len(cells) >= 3:
            columns[html.unescape(cells[0]).strip()] = html.unescape(cells[2]).strip()
    return columns


def test_docs_serves_the_model_page_with_bilingual_columns(
    docs_site: tuple[str, str], tmp_path: Path
) -> None:
    url, chromium = docs_site
    shot = ARTIFACTS / "docs_fct_indicator.png"
    ARTIFACTS.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)

    dom = _run_chromium(chromium, tmp_path / "profile", "--dump-dom", url + MODEL_PAGE)
    assert dom.returncode == 0, dom.stderr[-2000:]
    columns = _columns(dom.stdout)
    assert "<title>dbt Docs</title>" in dom.stdout
    assert list(columns)[:3] == ["indicator_id", "project_id", "year"]
    assert {"target_raw", "target_value", "page", "ocr_confidence"} <= set(columns)
    assert "指标值所在页" in columns["page"]
    assert "1-based page of the printed target value" in columns["page"]
    assert "项目标识 / Project id" in columns["project_id"]

    taken = _run_chromium(
        chromium, tmp_path / "profile", "--hide-scrollbars", "--window-size=1400,1000",
        f"--screenshot={shot}", url + MODEL_PAGE,
    )  # fmt: skip
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_docs_overview_is_the_projects_own(docs_site: tuple[str, str], tmp_path: Path) -> None:
    url, chromium = docs_site
    dom = _run_chromium(chromium, tmp_path / "profile", "--dump-dom", url + "#!/overview")
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = re.sub(r"<script\b.*?</script>", "", dom.stdout, flags=re.S)
    assert "perfbudget 绩效目标数据仓库" in text
