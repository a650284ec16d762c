"""A real Streamlit server on a store of the test's own, and Debian's Chromium driven by Playwright."""

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
PROJECT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(database_url: str, home: Path, role: str = "direction") -> Iterator[str]:
    """The app on a free port of 127.0.0.1, on that store, without a tile server; yields its address."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium absent : installez les paquets Debian chromium et chromium-driver (make test le fait).")
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DATABASE_URL": database_url, "REGION_CODE": "32",
           "TILE_URL": "", "VIEWER_ROLE": role, "PYTHONPATH": str(PROJECT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("L'application ne répond pas.")
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield chromium
        chromium.close()


def requests_leaving(page) -> list[str]:
    """The addresses of every request the page sends off this machine (filled as the page runs)."""
    outside = []

    def watch(request) -> None:
        host = urllib.parse.urlparse(request.url).hostname or ""
        if not request.url.startswith(("data:", "blob:", "about:")) and host not in ("127.0.0.1", "localhost"):
            outside.append(request.url)

    page.on("request", watch)
    return outside


def settled(page) -> None:
    """Wait until Streamlit has finished running the page's script (its own marker on the app root)."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(
        1, timeout=120_000)


def open_app_page(page, url: str) -> None:
    """Open a page of the app and wait until it is drawn, without the spurious « Page not found » dialog."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator("h1").first).to_be_visible(timeout=120_000)
    settled(page)
    dialog = page.get_by_role("dialog").filter(has_text="Page not found")
    if dialog.count():  # streamlit#8860: shown over the right page on a server's first deep link
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0, timeout=10_000)
        settled(page)


def dismiss_page_not_found(page) -> None:
    """Streamlit shows « Page not found » over the right page on a server's first deep link (streamlit#8860)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    dialog = page.get_by_role("dialog").filter(has_text="Page not found")
    try:
        dialog.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        return
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=10_000)
