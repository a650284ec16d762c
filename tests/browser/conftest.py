"""A real Streamlit server on a store of the test's own, and Debian's Chromium driven by Playwright."""

import base64
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


# The Carte page's map (views/choropleth.js): its root element says what is drawn, and its `maillage` handle
# where territories and points are on screen.
MAP = '[data-testid="maillage-map"]'


def map_root(page):
    """The map's root element (data-level, data-shapes, data-geometry-loads, data-paint, data-measure)."""
    return page.locator(MAP)


def steady_position(page, script: str, arg=None, timeout: float = 60_000):
    """What `script` (run on the map's root with `arg`) returns once two reads 300 ms apart agree.

    Leaflet animates a change of view: positions read meanwhile would be stale by the time the mouse gets there.
    """
    handle = page.wait_for_function("""([selector, script, arg]) => {
        const root = document.querySelector(selector);
        if (!root || !root.maillage) return null;
        const value = new Function("root", "arg", script)(root, arg);
        if (value === null || value === undefined) return null;
        const key = JSON.stringify(value);
        const same = root.__testLastPosition === key;
        root.__testLastPosition = key;
        return same ? {value} : null;
    }""", arg=[MAP, script, arg], polling=300, timeout=timeout)
    return handle.json_value()["value"]


def territory_spot(page, code: str) -> dict:
    """Client coordinates of a territory's centre, or of the nearest spot around it clear of point markers.

    Markers are drawn over the territories: the mouse on one would hover (and click) the marker. The map is
    scrolled to the middle of the window first, and the spot read once the map is still.
    """
    map_root(page).evaluate("root => root.scrollIntoView({block: 'center'})")
    return steady_position(page, """
        const centre = root.maillage.centre(arg);
        if (!centre) return null;
        const points = root.maillage.points();
        for (let radius = 0; radius <= 60; radius += 5) {
            for (let angle = 0; angle < 360; angle += 30) {
                const x = centre.x + radius * Math.cos(angle * Math.PI / 180);
                const y = centre.y + radius * Math.sin(angle * Math.PI / 180);
                if (points.every((point) => Math.hypot(point.x - x, point.y - y) > 14)) return {x, y};
            }
        }
        return centre;""", code)


def hover_every_point(page) -> list[str]:
    """Move the mouse over every point marker the map draws and return the texts of the tooltips that opened.

    Points drawn at the same pixel show the topmost one's tooltip only, as they would to a person. The mouse
    leaves the map between two points (top left of the window must be outside it), so that each point opens a
    tooltip; Leaflet's canvas ignores a move that comes less than 32 ms after the last one it handled, so a move
    that opened nothing is made again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    root = map_root(page)
    root.evaluate("root => root.scrollIntoView({block: 'center'})")
    points = steady_position(page, "return root.maillage.points();")
    root.evaluate("""root => {
        root.__testTooltips = [];
        new MutationObserver((records) => {
            for (const record of records) {
                for (const node of record.addedNodes) {
                    const tooltip = node.classList && node.classList.contains("leaflet-tooltip");
                    if (tooltip && !node.classList.contains("maillage-place")) {  // not a place's name
                        root.__testTooltips.push(node.innerText);
                    }
                }
            }
        }).observe(root, {childList: true, subtree: true});
    }""")
    for x, y in dict.fromkeys((round(point["x"]), round(point["y"])) for point in points):
        for _attempt in range(40):
            page.mouse.move(0, 0)  # off the map: the tooltip under the mouse closes
            opened = root.evaluate("root => root.__testTooltips.length")
            page.mouse.move(x, y)
            try:
                page.wait_for_function("([selector, opened]) => document.querySelector(selector).__testTooltips"
                                       ".length > opened", arg=[MAP, opened], polling=20, timeout=300)
                break
            except PlaywrightTimeout:
                continue
        else:
            raise AssertionError(f"aucune infobulle ne s'ouvre au point ({x}, {y}) de la carte")
    page.mouse.move(0, 0)
    return root.evaluate("root => root.__testTooltips")


def websocket_messages(page) -> list[bytes]:
    """Every websocket message the page receives from now on, as Chromium hands it over (decompressed).

    Call it before opening the page: Chromium reports the messages of sockets opened after it is listening.
    """
    received: list[bytes] = []
    session = page.context.new_cdp_session(page)

    def record(event) -> None:
        frame = event["response"]
        data = frame["payloadData"]
        received.append(base64.b64decode(data) if frame["opcode"] == 2 else data.encode())

    session.on("Network.webSocketFrameReceived", record)
    session.send("Network.enable")
    return received
