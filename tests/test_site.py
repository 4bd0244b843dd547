"""comply in the browser: the site tools/build_site.py builds, served locally, in headless Chromium.

The site is built by `.ci/run` (and by hand with `python tools/build_site.py`) into build/site;
these tests skip when it is not there, unless COMPLY_REQUIRE_SITE=1 (as CI sets), when they fail.
Chromium is driven over its DevTools protocol (on a pipe: no port is opened), which reports
every request the page's Content Security Policy lets through: each must be to the page's own
origin. A request the policy blocks is not sent, and the page lists it in #violations, which
must stay empty: the page never even tries to reach elsewhere.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from queue import Queue
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from openpyxl import load_workbook

from compliance import api

from .conftest import ROOT
from .test_bundled_pack import RECORD

SITE = Path(os.environ.get("COMPLY_SITE", ROOT / "build" / "site"))
STOKE = ROOT / "examples" / "stoke-on-trent-2011" / "metrics.yaml"
CHROMIUM = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
HOME = "/home/pyodide"  # where the page writes a file it checks, in Pyodide's in-memory file system
PATIENCE = 300  # seconds for the page to load comply and check a file (it takes under 10 on a 2-core machine)


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("COMPLY_REQUIRE_SITE") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


class _Site(SimpleHTTPRequestHandler):
    """The built site, and the files a test hands the page under /fixtures/."""

    fixtures: dict[str, bytes] = {}

    def do_GET(self) -> None:
        name = self.path.removeprefix("/fixtures/")
        if name == self.path:
            super().do_GET()
            return
        body = self.fixtures.get(name)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Site, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Browser:
    """Headless Chromium, driven over the DevTools protocol on a pipe (its fds 3 and 4)."""

    def __init__(self, profile: Path) -> None:
        commands, self._send = os.pipe()
        self._receive, replies = os.pipe()
        commands, replies = (_above_4(fd) for fd in (commands, replies))  # else "3<&4 4>&3" could tangle them
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{commands} 4>&{replies}', str(CHROMIUM), "--headless", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             "--remote-debugging-pipe", "about:blank"],
            pass_fds=(commands, replies), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands)
        os.close(replies)
        self._next = 0
        self._replies: dict[int, Queue[dict[str, Any]]] = {}
        self.requests: dict[str, list[str]] = {}  # session: every URL its page asked for
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffered = b""
        with open(self._receive, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                *messages, buffered = (buffered + chunk).split(b"\0")
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        if message["id"] in self._replies:  # not Browser.close's: nobody waits for that
                            self._replies[message["id"]].put(message)
                    elif message.get("method") == "Network.requestWillBeSent":
                        self.requests.setdefault(message["sessionId"], []).append(message["params"]["request"]["url"])
                    elif message.get("method") == "Target.attachedToTarget":  # a worker or frame of the page
                        session = message["params"]["sessionId"]
                        self.requests[session] = []
                        threading.Thread(target=self._watch, args=(session,), daemon=True).start()

    def _watch(self, session: str) -> None:
        self.send("Network.enable", session=session)
        self.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
                  session)
        self.send("Runtime.runIfWaitingForDebugger", session=session)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        with self._lock:
            self._next += 1
            number = self._next
            self._replies[number] = Queue()
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        reply = self._replies[number].get(timeout=60)
        assert "error" not in reply, f"{method}: {reply['error']}"
        return reply.get("result", {})

    def open(self, url: str) -> str:
        """A new tab, watched from its first request, at ``url``; its session."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.requests[session] = []
        self._watch(session)
        self.send("Page.navigate", {"url": url}, session)
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                         session)["result"].get("value")

    def close(self) -> None:
        with self._lock:
            self._next += 1
        os.write(self._send, json.dumps({"id": self._next, "method": "Browser.close"}).encode() + b"\0")
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._send)


def _above_4(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _need(CHROMIUM is not None, "no Chromium on this machine")
    _need((SITE / ".comply-site").is_file(), f"no site built at {SITE}: run python tools/build_site.py")
    chromium = Browser(tmp_path_factory.mktemp("chromium"))
    try:
        with serve(SITE) as site:
            yield partial(check_in, chromium, site)
    finally:
        chromium.close()


SHOWN = """JSON.stringify({message: document.getElementById("status").textContent,
    summary: document.getElementById("summary").textContent,
    violations: document.getElementById("violations").textContent})"""


def check_in(chromium: Browser, site: str, name: str, content: bytes) -> dict[str, Any]:
    """Open the page, have it check ``content`` (a file called ``name``), and read what it shows."""
    _Site.fixtures[name] = content
    session = chromium.open(f"{site}/index.html?check=fixtures/{name}")
    deadline = time.monotonic() + PATIENCE
    while True:
        shown = json.loads(chromium.evaluate(session, SHOWN) or "{}")
        if shown.get("summary") or shown.get("message", "").startswith("comply could not start"):
            break
        assert time.monotonic() < deadline, f"the page did not finish: {shown}"
        time.sleep(0.25)
    assert shown["summary"], shown["message"]
    pages = [session, *(other for other in chromium.requests if other != session)]
    asked = [url for page in pages for url in chromium.requests.get(page, [])]
    return {**json.loads(shown["summary"]), "message": shown["message"],
            "violations": json.loads(shown["violations"] or "[]"), "asked": asked,
            "elsewhere": [url for url in asked if not _here(url, site)], "session": session}


def save(chromium: Browser, session: str, format: str, folder: Path) -> Path:
    """Press the page's save button for ``format``; the file the browser downloads into ``folder``."""
    chromium.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    chromium.evaluate(session, f'document.querySelector(\'#saves button[data-format="{format}"]\').click()')
    deadline = time.monotonic() + 60
    while not (done := [path for path in folder.glob(f"*.{format}")]):
        assert time.monotonic() < deadline, f"no {format} saved: {sorted(folder.iterdir())}"
        time.sleep(0.1)
    return done[0]


def _here(url: str, site: str) -> bool:
    """A request that stays on the machine: to the page's origin, or for data the page already holds."""
    return urlsplit(url).scheme in ("data", "blob", "about") or url.startswith(site + "/")


def _labels(documents: list[dict]) -> list[list[str]]:
    return [[doc["authority"], j["id"], j["label"]] for doc in documents for j in doc["judgements"]]


def test_the_stoke_example_gives_its_record_in_the_browser(browser):
    shown = browser("metrics.yaml", STOKE.read_bytes())
    assert shown["problems"] == [] and shown["message"] == "metrics.yaml: checked (exit status 1)."
    assert shown["judgements"] == _labels(api.check([STOKE]).documents)  # as the command line grades it
    grades = {judgement: label for _, judgement, label in shown["judgements"]}
    assert grades["looked_after.economic_wellbeing"] == "Inadequate"
    expected = [label for section in RECORD.values() for label in section]
    assert sum(a == b for (_, _, a), b in zip(shown["judgements"], expected, strict=True)) >= 20
    assert shown["violations"] == [] and shown["elsewhere"] == []


def test_an_invalid_file_gives_its_positioned_problem_not_an_internal_error(browser):
    text = STOKE.read_text().replace("authority: Stoke-on-Trent", "authority: 12", 1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("authority:"))
    shown = browser("invalid.yaml", text.encode())
    [problem] = shown["problems"]
    assert problem.startswith(f"{HOME}/invalid.yaml:{line}:12: authority should be text, not the number 12")
    assert "internal error" not in problem and shown["judgements"] == []
    assert shown["violations"] == [] and shown["elsewhere"] == []


def test_a_spreadsheet_is_checked_as_the_command_line_checks_it(browser, tmp_path):
    from click.testing import CliRunner

    from compliance.cli import main

    path = tmp_path / "figures.xlsx"
    result = CliRunner().invoke(main, ["template", "--pack", "ofsted-slac-2011", "--format", "xlsx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    sheet = book["Metrics"]
    stoke = yaml.safe_load(STOKE.read_text())
    for row in sheet.iter_rows(min_row=2):
        name = row[0].value
        if name == "authority":
            row[1].value = "Stoke-on-Trent"
        elif name in stoke["metrics"]:
            row[1].value = stoke["metrics"][name].get("value")
    book.save(path)
    shown = browser("figures.xlsx", path.read_bytes())
    here = api.check([path])
    assert shown["problems"] == [] and here.problems == []
    assert shown["judgements"] == _labels(here.documents)
    assert shown["violations"] == [] and shown["elsewhere"] == []


def test_the_page_may_connect_to_its_own_origin_only():
    page = (ROOT / "site" / "index.html").read_text()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    directives = dict(part.strip().split(" ", 1) for part in policy.group(1).split(";"))
    assert directives["default-src"] == "'self'" and directives["connect-src"] == "'self'"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'" and directives["form-action"] == "'none'"
    assert 'sandbox=""' in page  # the report is shown in a frame that runs nothing


def test_the_save_buttons_give_the_report_as_the_command_line_renders_it(browser, tmp_path):
    chromium, site = browser.args
    shown = browser("metrics.yaml", STOKE.read_bytes())
    documents = api.check([STOKE]).documents
    saved = {name: save(chromium, shown["session"], name, tmp_path / name) for name in ("html", "csv", "xlsx")}
    assert saved["html"].name == "metrics.html" and "Economic well-being" in saved["html"].read_text()
    expected_csv = api.render(documents, "csv")
    assert isinstance(expected_csv, str)
    assert saved["csv"].read_text().splitlines()[0] == expected_csv.splitlines()[0]
    assert len(saved["csv"].read_text().splitlines()) == len(expected_csv.splitlines())
    book = load_workbook(saved["xlsx"])
    expected = load_workbook(BytesIO(api.render(documents, "xlsx")))  # type: ignore[arg-type]
    assert book.sheetnames == expected.sheetnames
    first = book.sheetnames[0]
    assert [[cell.value for cell in row] for row in book[first].iter_rows(max_row=20)] == \
        [[cell.value for cell in row] for row in expected[first].iter_rows(max_row=20)]
