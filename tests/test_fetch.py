"""``carbon docs add URL``: pages fetched from a local HTTP server on the loopback address.

The server is started by the test on 127.0.0.1 and serves the real gov.cn fixtures and
a few hostile answers (redirect loops, 404, a silent server, an endless body, an image).
No test reaches the internet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from carbon_cli.fetch import fetch, is_url
from carbon_cli.model import CarbonError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE = FIXTURES / "real" / "gov_cn_page_zero_waste_city_2018.html"
PAGE_TITLE = "国务院办公厅关于印发“无废城市”建设试点工作方案的通知"
SLOW = 3.0  # seconds the silent route waits; the tests' timeout is shorter


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # the test's output stays clean
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        routes = {
            "/gov/page.html": lambda: self._send(200, PAGE.read_bytes(), "text/html"),
            "/gbk": lambda: self._send(
                200, "<html><body><h1>关于推进碳达峰的通知</h1><p>各省、自治区。</p></body></html>".encode("gbk"),
                "text/html; charset=GBK",
            ),
            "/moved": lambda: self._send(302, b"", "text/html", {"Location": "/gov/page.html"}),
            "/loop": lambda: self._send(302, b"", "text/html", {"Location": "/loop"}),
            "/image.png": lambda: self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
            "/big": lambda: self._send(200, b"x" * 4096, "text/plain"),
        }
        if self.path in routes:
            routes[self.path]()
        elif self.path == "/silent":
            time.sleep(SLOW)
            self._send(200, b"late", "text/plain")
        elif self.path == "/endless":  # no length, a body that never ends
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(10_000):
                    self.wfile.write(b"y" * 1024)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, b"not here", "text/html")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_downloaded_with_its_type_and_final_address(server: str):
    page = fetch(f"{server}/moved")
    assert page.data == PAGE.read_bytes()
    assert page.suffix == ".html" and page.final_url == f"{server}/gov/page.html" and page.name == "page.html"


def test_the_servers_charset_is_kept(server: str):
    page = fetch(f"{server}/gbk")
    assert page.charset == "GBK" and page.data.decode("gbk").count("碳达峰") == 1


@pytest.mark.parametrize("path, message", [
    ("/missing", "HTTP 404 Not Found"),
    ("/loop", "more than 5 redirects"),
    ("/image.png", "not a document (image/png)"),
])
def test_a_page_that_is_no_document_is_one_line(server: str, path: str, message: str):
    with pytest.raises(CarbonError) as raised:
        fetch(server + path)
    assert str(raised.value) == f"{server}{path}: {message}"


def test_sizes_and_times_are_bounded(server: str):
    with pytest.raises(CarbonError, match="over the 1,000-byte limit"):
        fetch(f"{server}/big", max_bytes=1000)
    with pytest.raises(CarbonError, match="over the 100,000-byte limit"):
        fetch(f"{server}/endless", max_bytes=100_000)
    started = time.monotonic()
    with pytest.raises(CarbonError, match="no answer within 1 s"):
        fetch(f"{server}/silent", timeout=1.0)
    assert time.monotonic() - started < SLOW


def test_only_web_addresses_are_fetched():
    assert is_url("https://www.gov.cn/x.htm") and is_url("HTTP://a") and not is_url("file:///etc/passwd")
    with pytest.raises(CarbonError, match="not an http or https address"):
        fetch("file:///etc/passwd")


def test_a_refused_connection_is_one_line(server: str):
    port = int(server.rsplit(":", 1)[1])
    with pytest.raises(CarbonError, match="cannot be fetched"):
        fetch(f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/x", timeout=2.0)
