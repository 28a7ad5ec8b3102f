"""`tebiki serve`: the preview server against a temporary copy of the minimal fixture site.

Traversal attempts go through raw sockets (no client normalises `..` away); the reload is
checked in a real Chromium; the server is stopped with SIGINT and SIGTERM."""
import concurrent.futures
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import ROOT, TEBIKI

FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "sites", "minimal")
PAGE = "content/requirements/subcontracting.md"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, args=()):
        self.tmp = tempfile.mkdtemp(prefix="tebiki-serve-")
        self.src = os.path.join(self.tmp, "site")
        shutil.copytree(FIXTURE, self.src)
        # The fixture names its theme relatively (../../../../theme): use a copy of the real
        # one, by absolute path (edits to the repository's theme do not trigger rebuilds here).
        theme = os.path.join(self.tmp, "theme")
        shutil.copytree(os.path.join(ROOT, "theme"), theme)
        cfg = os.path.join(self.src, "site.yml")
        text = open(cfg, encoding="utf-8").read()
        text = re.sub(r"(?m)^theme:.*$", "theme: " + theme, text)
        open(cfg, "w", encoding="utf-8").write(text)
        self.port = free_port()
        self.out, self.err = [], []
        self.proc = subprocess.Popen([TEBIKI, "serve", "--source", self.src, "--port", str(self.port), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, k=sink: [k.append(line) for line in s], daemon=True).start()
        deadline = time.time() + 60
        while not any("公開しています" in line for line in self.out) and not ("-q" in args and self.answers()):
            assert self.proc.poll() is None, "".join(self.err)
            assert time.time() < deadline, "serve did not start: " + "".join(self.out + self.err)
            time.sleep(0.1)
        self.base = f"http://127.0.0.1:{self.port}"

    def answers(self):
        """Whether the server answers yet (with -q it prints no line to wait for)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def path(self, rel):
        return os.path.join(self.src, rel)

    def edit(self, rel, old, new):
        p = self.path(rel)
        text = open(p, encoding="utf-8").read()
        assert old in text
        open(p, "w", encoding="utf-8").write(text.replace(old, new, 1))

    def get(self, target, headers=None, method="GET"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, target, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body

    def raw(self, target, host=None):
        """Sends the request line exactly as given; returns (status or None, whole response)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + (host or f"127.0.0.1:{self.port}".encode())
                      + b"\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                data += chunk
        m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        return (int(m.group(1)) if m else None), data

    def version(self):
        return self.get("/__tebiki/version")[2].decode()

    def wait_version_change(self, old, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.version() != old:
                return
            time.sleep(0.1)
        raise AssertionError("no rebuild: " + "".join(self.out + self.err))

    def stop(self, sig=signal.SIGINT, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_serves_the_site_with_types_index_and_404(server):
    status, headers, body = server.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b'<script src="/__tebiki/reload.js?v=' in body
    assert body.count(b"/__tebiki/reload.js") == 1
    # The page on disk is what `tebiki build` writes: the reload script is added in flight.
    assert b"__tebiki" not in open(os.path.join(server.src, "_site", "index.html"), "rb").read()
    expected = {
        "/assets/css/site.css": "text/css; charset=utf-8",
        "/assets/js/search-core.js": "text/javascript; charset=utf-8",
        "/data/catalog.json": "application/json; charset=utf-8",
        "/changes/feed.xml": "application/xml; charset=utf-8",
        "/checklists/checklist-basic.csv": "text/csv; charset=utf-8",
        "/__tebiki/reload.js": "text/javascript; charset=utf-8",
        "/__tebiki/version": "text/plain; charset=utf-8",
    }
    for path, ctype in expected.items():
        status, headers, _ = server.get(path)
        assert (path, status, headers["content-type"]) == (path, 200, ctype)
        assert headers["x-content-type-options"] == "nosniff"
    status, headers, _ = server.get("/rules")
    assert status == 302 and headers["location"] == "/rules/"
    status, headers, body = server.get("/rules/")
    assert status in (200, 404)
    status, headers, body = server.get("/no-such-page.html")
    assert status == 404
    assert "ページが見つかりません" in body.decode()
    status, headers, body = server.get("/index.html", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    status, _, _ = server.get("/index.html", method="POST")
    assert status == 405


TRAVERSALS = [
    b"/../site.yml",
    b"/../../../../../../etc/passwd",
    b"/assets/../../site.yml",
    b"/%2e%2e/site.yml",
    b"/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    b"/.%2e/site.yml",
    b"/..%2fsite.yml",
    b"/assets%2f..%2f..%2fsite.yml",
    b"/..%5csite.yml",
    b"/..\\site.yml",
    b"/assets\\..\\..\\site.yml",
    b"//etc/passwd",
    b"/%2fetc/passwd",
    b"/etc/passwd%00.html",
    b"/index.html%00",
    b"/index.html\x00",
    b"etc/passwd",
    b"http://127.0.0.1/../site.yml",
    b"/%252e%252e/site.yml",
    b"/%c0%ae%c0%ae/site.yml",
    b"/../_site.tebiki-cache",
    b"/..;/site.yml",
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=[t.decode("latin-1") for t in TRAVERSALS])
def test_traversal_is_refused(server, target):
    status, data = server.raw(target)
    assert status in (400, 403, 404), data[:200]
    assert b"root:" not in data
    assert b"facets:" not in data  # site.yml
    assert b"tebiki-cache" not in data


def test_symlinks_out_of_the_site_are_refused(server):
    site = os.path.join(server.src, "_site")
    os.symlink("/etc/passwd", os.path.join(site, "passwd.html"))
    os.symlink(os.path.join(server.src, "site.yml"), os.path.join(site, "config.txt"))
    os.symlink(server.src, os.path.join(site, "up"))
    os.symlink("index.html", os.path.join(site, "inside.html"))  # stays inside: served
    for target in [b"/passwd.html", b"/config.txt", b"/up/site.yml", b"/up/"]:
        status, data = server.raw(target)
        assert status in (403, 404), (target, data[:200])
        assert b"root:" not in data and b"facets:" not in data
    assert server.raw(b"/inside.html")[0] == 200


def test_only_loopback_host_names(server):
    assert server.raw(b"/index.html", host=b"evil.example")[0] == 403
    assert server.raw(b"/index.html", host=b"localhost:%d" % server.port)[0] == 200


def test_bounded_concurrent_load(server):
    paths = ["/", "/index.html", "/assets/css/site.css", "/data/catalog.json", "/search.html",
             "/rules/subcontracting.html", "/__tebiki/version", "/no-such.html"]
    expected = {p: (404 if p == "/no-such.html" else 200) for p in paths}

    def one(i):
        p = paths[i % len(paths)]
        t = time.perf_counter()
        status = server.get(p)[0]
        return p, status, time.perf_counter() - t

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(200)))
    elapsed = time.perf_counter() - start
    bad = [(p, s) for p, s, _ in results if s != expected[p]]
    assert not bad
    latencies = sorted(t for _, _, t in results)
    print(f"serve load: 200 requests, 20 threads, {elapsed:.2f} s, {200 / elapsed:.0f} req/s, "
          f"p50 {latencies[100] * 1000:.1f} ms, p99 {latencies[197] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    assert server.proc.poll() is None


def test_change_is_picked_up_and_the_open_page_reloads(server, browser):
    url = server.base + "/rules/subcontracting.html"
    browser.get(url)
    assert "再委託を制限する" in browser.title
    browser.execute_script("window.__tebikiMarker = 'before'")
    v = server.version()
    server.edit(PAGE, "title: 再委託を制限する", "title: 再委託を厳しく制限する")
    server.wait_version_change(v, timeout=10)
    assert "再委託を厳しく制限する" in server.get("/rules/subcontracting.html")[2].decode()
    deadline = time.time() + 10
    while time.time() < deadline:
        if "再委託を厳しく制限する" in browser.title:
            break
        time.sleep(0.2)
    assert "再委託を厳しく制限する" in browser.title
    assert browser.execute_script("return window.__tebikiMarker || null") is None  # a real reload


def test_broken_content_shows_the_errors_then_recovers(server, browser):
    from selenium.webdriver.common.by import By
    url = server.base + "/rules/subcontracting.html"
    on_disk = os.path.join(server.src, "_site", "rules", "subcontracting.html")
    good = open(on_disk, "rb").read()
    browser.get(url)
    assert "再委託を制限する" in browser.title
    v = server.version()
    server.edit(PAGE, "phase: [contract]", "phase: [contrakt]")
    server.wait_version_change(v)
    deadline = time.time() + 10
    while time.time() < deadline and "サイトを生成できません" not in browser.title:
        time.sleep(0.2)
    assert "サイトを生成できません" in browser.title
    items = [li.text for li in browser.find_elements(By.CSS_SELECTOR, ".tebiki-errors li")]
    assert any(re.match(r"content/requirements/subcontracting\.md:\d+:\d+: error: .*contrakt", t) for t in items), items
    assert open(on_disk, "rb").read() == good  # the previous good output stays on disk
    assert server.get("/assets/css/site.css")[0] == 200
    status, _, body = server.get("/index.html")
    assert status == 500 and "contrakt" in body.decode()
    assert any("contrakt" in line for line in server.err)

    v = server.version()
    server.edit(PAGE, "phase: [contrakt]", "phase: [contract]")
    server.wait_version_change(v)
    deadline = time.time() + 10
    while time.time() < deadline and "再委託を制限する" not in browser.title:
        time.sleep(0.2)
    assert "再委託を制限する" in browser.title
    assert server.get("/index.html")[0] == 200


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stops_cleanly(server, sig):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)  # an idle keep-alive connection
    conn.request("GET", "/index.html")
    conn.getresponse().read()
    start = time.time()
    assert server.stop(sig) == 0
    took = time.time() - start
    assert took < 5, took
    conn.close()
    assert any("終了しました" in line for line in server.out)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    leftovers = [n for n in os.listdir(server.src) if "tebiki-new" in n or "tebiki-old" in n]
    assert leftovers == []


def test_other_hosts_get_a_warning():
    s = Server(["--host", "0.0.0.0"])
    try:
        assert any("警告" in line and "0.0.0.0" in line for line in s.err)
        assert s.get("/index.html", headers={"Host": "tebiki.example"})[0] == 200
    finally:
        s.stop()
        s.close()


def test_bad_host_is_a_usage_error():
    r = subprocess.run([TEBIKI, "serve", "--source", FIXTURE, "--host", "not-an-address", "--port", str(free_port())],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "IP アドレス" in r.stderr


def send_raw(port, data, timeout=10):
    """Sends bytes as they are; returns (status or None, seconds until the answer)."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        while b"\r\n" not in answer:
            try:
                chunk = s.recv(4096)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            answer += chunk
    m = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return (int(m.group(1)) if m else None), time.perf_counter() - start


def test_long_request_lines_and_headers_are_refused_at_once(server):
    # Issue 13 §3: parsing was quadratic (100 KB → 5.8 s, 15 s on a loaded machine) and two
    # such URLs stalled every other request. Now: 414 / 431 at once, the others still served.
    long_url = b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    long_header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 200_000 + b"\r\n\r\n"
    many_headers = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-A: 1\r\n" * 500 + b"\r\n"
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        attacks = [pool.submit(send_raw, server.port, data) for data in (long_url, long_url, long_header, many_headers)]
        t = time.perf_counter()
        assert server.get("/index.html")[0] == 200
        normal = time.perf_counter() - t
        results = [f.result() for f in attacks]
    assert [status for status, _ in results] == [414, 414, 431, 431]
    assert max(seconds for _, seconds in results) < 3, results
    assert normal < 3, normal
    # A URL of ordinary length is still fine.
    assert server.get("/index.html?q=" + "a" * 4000)[0] == 200
    assert server.proc.poll() is None


def test_slow_sender_gets_408_and_does_not_block_others(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as slow:
        slow.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finishes its head
        t = time.perf_counter()
        assert server.get("/index.html")[0] == 200
        assert time.perf_counter() - t < 3
        answer = slow.recv(4096)
        waited = time.perf_counter() - t
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert 5 < waited < 15, waited


def test_busy_port_fails_at_once_with_a_readable_message():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        start = time.time()
        r = subprocess.run([TEBIKI, "serve", "--source", FIXTURE, "--port", str(port)],
                           capture_output=True, text=True, timeout=30)
        took = time.time() - start
    assert r.returncode == 1
    assert took < 3, took
    assert f"127.0.0.1:{port} で待ち受けられません" in r.stderr
    assert "ほかのプログラムが使っています" in r.stderr
    assert "errno" not in r.stderr and "Bind" not in r.stderr, r.stderr


@pytest.mark.parametrize("drafts", [True, False])
def test_drafts_are_served_with_a_badge_only_with_the_flag(drafts):
    s = Server(["--drafts"] if drafts else [])
    try:
        text = open(s.path("content/requirements/contract-items.md"), encoding="utf-8").read()
        assert text.startswith("---\n")
        draft = text.replace("id: contract-items", "id: draft-page", 1).replace("\n---\n", "\ndraft: true\n---\n", 1)
        old = s.version()
        open(s.path("content/requirements/draft-page.md"), "w", encoding="utf-8").write(draft)
        s.wait_version_change(old)
        status, _, body = s.get("/rules/draft-page.html")
        if drafts:
            assert status == 200
            assert b'class="draft-badge"' in body
            # Published pages carry no badge.
            assert b'class="draft-badge"' not in s.get("/rules/contract-items.html")[2]
        else:
            assert status == 404
    finally:
        s.close()


def test_quiet_says_nothing_and_verbose_logs_requests_and_phases():
    """-q: no line at all on a good build (errors would still show); -v: each request with its
    status and the build's phases, on standard error."""
    quiet = Server(("-q",))
    try:
        assert quiet.get("/")[0] == 200
        quiet.stop()
        assert "".join(quiet.out) == "" and "".join(quiet.err) == "", quiet.out + quiet.err
    finally:
        quiet.stop()
    loud = Server(("-v",))
    try:
        assert loud.get("/rules/subcontracting.html")[0] == 200
        assert loud.get("/nosuch.html")[0] == 404
        deadline = time.time() + 10
        while not any("404 GET /nosuch.html" in line for line in loud.err) and time.time() < deadline:
            time.sleep(0.1)
        err = "".join(loud.err)
        assert "tebiki: 200 GET /rules/subcontracting.html" in err, err
        assert "tebiki: 404 GET /nosuch.html" in err, err
        assert re.search(r"^\s+\d+\.\d\ds ページの生成$", err, re.M), err
    finally:
        loud.stop()
