"""The Carte page's figures (issue 12), measured in headless Chromium against a plain folium baseline.

One store (Hauts-de-France with its demo data) is built in a temporary folder; the app is served on it
as tests/browser/conftest.py serves it (no tile server, profile « direction »), and bench/baseline_map.py
beside it. Each run opens a fresh browser context (cold cache, no cookies) and page; runs of the app and
of the baseline alternate, after one warm-up of each that is not counted (server caches, first imports).
Figures are medians over the runs. Times are read in the page (`performance.now()`): the start is the
`click` (or the Enter `keydown`) event as the page receives it, the end the first animation frame at
which the expected drawing is in the document; Python only waits for them.

What is drawn is read from the map itself. The map component, `div[data-testid="maillage-map"]` in the
page, says what it holds (data-level, data-shapes, data-paint, data-measure); without it, the folium map
in st_folium's iframe (title `streamlit_folium.st_folium`) is read: its polygons are the
`path.leaflet-interactive` without an arc in their outline (circle markers are drawn with arcs).

- map_commune_draw_s: from the click on « Commune » (radio « Maille ») until the map holds as many
  polygons as the région has communes (3,782 for Hauts-de-France).
- map_filter_s: from Enter on another « Indicateur » (typed in the selectbox) until the communes carry
  the new colours (component: data-measure changed and data-paint moved on; folium: the fills of the
  polygons differ from those before).
- map_click_s: from a click on a commune near the middle of the map (the first click on that map)
  until the « Habitants » figure of a territory shows below it; a click that shows nothing within
  30 s counts as failed (map_click_failed) and is left out of the median.
- map_commune_bytes: bytes received by the browser between the click on « Commune » and the drawn map,
  as they travel (compressed when Streamlit compresses its websocket): every byte the server sends,
  counted by a relay on 127.0.0.1 the browser talks to (TCP payload: HTTP headers and bodies, websocket
  frames with their headers). Chromium's DevTools cannot give this for websockets: its
  `Network.webSocketFrameReceived` carries each message after permessage-deflate is undone, and
  `Network.dataReceived`/`loadingFinished` cover HTTP requests only.
- map_commune_decoded_bytes: the same window as DevTools sees it: the sizes of the websocket messages'
  payloads (`webSocketFrameReceived`, decompressed) plus `Network.loadingFinished.encodedDataLength` of
  the HTTP requests that finished in it (bytes received from the network, headers included; files
  served from the browser's cache count 0). Without compression the two agree to within framing and
  headers, which checks the relay. map_commune_largest_message_bytes is the biggest message.
- map_commune_baseline_bytes, map_commune_baseline_decoded_bytes, map_commune_baseline_draw_s: the same
  for the baseline, from the start of the page's navigation until every commune is drawn. Its run first
  opens the baseline once in the same context, so that, as for the app at the click, Streamlit's own
  scripts come from the browser's cache. It runs with Streamlit's defaults (what a user has: no
  websocket compression), plus static serving for Leaflet.
- map_filter_bytes, map_click_bytes: bytes as they travel for the filter change and the click;
  map_filter_geometry_loads (component only): geometries decoded again for the filter change (0 is right).
- map_*_runs: each run's seconds; map_click_failed; map_commune_baseline_ratio: baseline bytes / app
  bytes; map_ws_compressed_app/_baseline: whether the websocket negotiated permessage-deflate.

Bytes are counted in a window of time: the relay's chunks and DevTools' events carry CLOCK_MONOTONIC
times (Chromium's TimeTicks, Python's time.monotonic()), and page times are put on that clock by the
offset read around `performance.now()` calls (to a few ms). The click on a commune comes once the page
is quiet (script done, nothing received for a second); folium: a point whose element is a polygon;
component: the middle of the map unless a marker or control is there (a canvas cannot tell more).
The component sets its attributes as it hands its shapes to Leaflet, whose canvas paints them at the
next animation frame: the drawn map may come a frame after the time read.

Every request of every page is watched: one that leaves 127.0.0.1 stops the benchmark.
"""

import importlib.util
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
REGION = "32"
DEMO_SEED = 20261125
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}
NEXT_INDICATOR = "Distance à la place libre la plus proche"  # the filter change: in both the old and the new lists
DRAW_TIMEOUT_S, CLICK_TIMEOUT_S, SERVER_TIMEOUT_S = 240, 30, 180
QUIET_S = 1.0  # no byte from the server for this long: the page is done before the next step

# In-page helpers, defined once per page: the map's root (also inside an open shadow root), the folium
# iframes' polygons, the « Habitants » figures. Polygons are counted, and their fills read, only when asked.
HELPERS = """() => {
  const testid = '[data-testid="maillage-map"]';
  window.__bench = {
    root() {
      const direct = document.querySelector(testid);
      if (direct) { return direct; }
      for (const host of document.querySelectorAll("*")) {
        const found = host.shadowRoot && host.shadowRoot.querySelector(testid);
        if (found) { return found; }
      }
      return null;
    },
    maps(withFills) {  // st_folium's iframes, the one with most polygons first
      const found = [];
      for (const frame of document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')) {
        let doc = null;
        try { doc = frame.contentDocument; } catch (error) { continue; }
        if (!doc) { continue; }
        const polygons = [...doc.querySelectorAll("path.leaflet-interactive")]
          .filter(path => !(path.getAttribute("d") || "a").includes("a"));
        found.push({frame, count: polygons.length,
                    fills: withFills ? polygons.map(path => path.getAttribute("fill")).join(",") : ""});
      }
      return found.sort((a, b) => b.count - a.count);
    },
    folium(withFills) { return this.maps(withFills)[0] || null; },
    figures() {
      return [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
        .filter(label => label.innerText.trim() === "Habitants")
        .map(label => (label.closest('[data-testid="stMetric"]') || label).innerText).join("|");
    },
    arm(kind, target) {
      window.__benchStart = null;
      const mark = event => {
        if (kind === "keydown" && event.key !== "Enter") { return; }
        if (window.__benchStart === null) { window.__benchStart = performance.now(); }
      };
      target.addEventListener(kind, mark, {capture: true});
    },
  };
}"""

DRAWN = """([mode, level, shapes]) => {
  if (mode === "component") {
    const root = window.__bench.root();
    return Boolean(root && root.dataset.level === level && Number(root.dataset.shapes) >= shapes);
  }
  const best = window.__bench.folium(false);
  return Boolean(best && best.count >= shapes);
}"""

RECOLOURED = """([mode, before, shapes]) => {
  if (mode === "component") {
    const root = window.__bench.root();
    return Boolean(root && root.dataset.measure !== before.measure && root.dataset.paint !== before.paint
                   && Number(root.dataset.shapes) >= shapes);
  }
  return window.__bench.maps(true).some(map => map.count >= shapes && map.fills !== before.fills);
}"""

SHOWN = "([before]) => { const now = window.__bench.figures(); return now !== '' && now !== before; }"

# A point of the map over a commune, near its middle, in the page's coordinates (scrolled into view).
# folium: a point whose element is a polygon of the iframe; component: a point of the map that is no
# marker nor control (on a canvas, the drawing cannot be told apart: the middle is taken).
CLICK_POINT = """([mode]) => {
  const ring = (box, accept) => {
    const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    for (let radius = 0; radius < Math.min(box.width, box.height) / 2; radius += 6) {
      const steps = radius ? 24 : 1;
      for (let step = 0; step < steps; step++) {
        const angle = 2 * Math.PI * step / steps;
        const x = cx + radius * Math.cos(angle), y = cy + radius * Math.sin(angle);
        if (accept(x, y)) { return [x, y]; }
      }
    }
    return null;
  };
  if (mode === "component") {
    const root = window.__bench.root();
    root.scrollIntoView({block: "center"});
    const map = root.querySelector(".leaflet-container") || root;
    const scope = root.getRootNode();  // the document, or the shadow root the component draws in
    return ring(map.getBoundingClientRect(), (x, y) => {
      const element = scope.elementFromPoint(x, y);
      return element && root.contains(element)
        && !element.closest(".leaflet-marker-icon, .leaflet-control, .leaflet-tooltip, .marker-cluster")
        && !(element.tagName === "path" && (element.getAttribute("d") || "").includes("a"));
    });
  }
  const best = window.__bench.folium(false);
  best.frame.scrollIntoView({block: "center"});
  const doc = best.frame.contentDocument;
  const inner = ring(doc.querySelector(".leaflet-container").getBoundingClientRect(), (x, y) => {
    const element = doc.elementFromPoint(x, y);
    return element && element.matches("path.leaflet-interactive") && !(element.getAttribute("d") || "a").includes("a");
  });
  if (!inner) { return null; }
  const box = best.frame.getBoundingClientRect();
  return [box.left + best.frame.clientLeft + inner[0], box.top + best.frame.clientTop + inner[1]];
}"""


class CountingRelay:
    """A TCP relay on 127.0.0.1 in front of a server: the browser talks to it, and it notes when each
    chunk the server sends passes (time.monotonic(), the clock of Chromium's DevTools timestamps too)."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.chunks: list[tuple[float, int]] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                browser_side, _ = self.listener.accept()
                server_side = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                return
            for end in (browser_side, server_side):
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._pump, args=(server_side, browser_side, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(browser_side, server_side, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(1 << 16):
                if counted:
                    self.chunks.append((time.monotonic(), len(data)))
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def bytes_between(self, start: float, end: float) -> int:
        return sum(size for moment, size in list(self.chunks) if start <= moment <= end)

    def last_chunk(self) -> float:
        return self.chunks[-1][0] if self.chunks else 0.0

    def close(self) -> None:
        self.listener.close()


@dataclass
class NetworkLog:
    """What Chromium's DevTools report of a page's network, with their (monotonic) timestamps."""

    messages: list[tuple[float, int]] = field(default_factory=list)  # websocket messages, decompressed size
    loads: list[tuple[float, int, str]] = field(default_factory=list)  # HTTP: finished, encodedDataLength, URL
    urls: dict[str, str] = field(default_factory=dict)
    extensions: list[str] = field(default_factory=list)  # Sec-WebSocket-Extensions answered by the server

    def attach(self, context, page) -> None:
        session = context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        session.on("Network.webSocketCreated", lambda e: self.urls.__setitem__(e["requestId"], e["url"]))
        session.on("Network.webSocketFrameReceived",
                   lambda e: self.messages.append((e["timestamp"], _payload_size(e["response"]))))
        session.on("Network.loadingFinished", lambda e: self.loads.append(
            (e["timestamp"], int(e["encodedDataLength"]), self.urls.get(e["requestId"], ""))))
        session.on("Network.webSocketHandshakeResponseReceived", lambda e: self.extensions.append(
            {k.lower(): v for k, v in e["response"]["headers"].items()}.get("sec-websocket-extensions", "")))
        session.send("Network.enable")

    def between(self, start: float, end: float) -> dict[str, int]:
        sizes = [size for moment, size in self.messages if start <= moment <= end]
        http = sum(size for moment, size, _ in self.loads if start <= moment <= end)
        return {"ws": sum(sizes), "http": http, "largest": max(sizes, default=0)}

    def leaving(self) -> list[str]:
        return [url for url in self.urls.values() if _leaves(url)]


def _payload_size(frame: dict) -> int:
    data = frame["payloadData"]
    if frame["opcode"] == 1:
        return len(data.encode("utf-8"))
    return len(data) * 3 // 4 - data[-2:].count("=")  # base64 of a binary message


def _leaves(url: str) -> bool:
    host = urllib.parse.urlparse(url).hostname or ""
    return not url.startswith(("data:", "blob:", "about:", "chrome-error:")) and host not in ("127.0.0.1", "localhost")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, cwd: Path, home: Path, env: dict[str, str],
                     options: list[str] = ()) -> Iterator[int]:
    """`streamlit run script` on a free port of 127.0.0.1; yields the port once the server answers."""
    port = _free_port()
    log_path = home / f"{script.stem}-{port}.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", *options],
            cwd=cwd, env={"PATH": "/usr/bin:/bin", "HOME": str(home), **env}, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_TIMEOUT_S
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"{script.name} ne répond pas :\n{log_path.read_text()[-2000:]}") from None
                    time.sleep(0.5)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


STORE_SCRIPT = """
import json, sys
from datetime import date
from loaders.build import init_store
from models.db import get_engine
from models.queries import read_shapes
engine = get_engine(sys.argv[1])
init_store(engine, sys.argv[2], True, int(sys.argv[3]), today=date.fromisoformat(sys.argv[4]))
shapes = read_shapes(engine, sys.argv[2], "commune")
print(json.dumps({"communes": int(shapes.geometry.notna().sum())}))
"""


def build_store(folder: Path, app_dir: Path, today) -> tuple[str, int]:
    """The région with its demo data, built by the served code itself; the URL and the number of communes."""
    url = f"sqlite:///{folder}/store.db"
    output = subprocess.run([sys.executable, "-c", STORE_SCRIPT, url, REGION, str(DEMO_SEED), today.isoformat()],
                            cwd=app_dir, env={**os.environ, "PYTHONPATH": str(app_dir)}, capture_output=True,
                            text=True, check=True)
    return url, json.loads(output.stdout.strip().splitlines()[-1])["communes"]


def baseline_communes() -> int:
    """How many communes the baseline draws (read as it reads them, without its cache)."""
    logging.disable(logging.WARNING)  # Streamlit's "no runtime", "bare mode": none is needed to read the communes
    try:
        spec = importlib.util.spec_from_file_location("baseline_map", PROJECT / "bench" / "baseline_map.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        logging.disable(logging.NOTSET)
    return len(module.read_region_communes.__wrapped__(REGION))


class Page:
    """A fresh context and page, its network as DevTools and the relay see it, and its clock."""

    def __init__(self, browser, relay: CountingRelay):
        self.relay = relay
        self.context = browser.new_context(viewport=VIEWPORT)
        self.outside: list[str] = []
        self.context.on("request", lambda request: self.outside.append(request.url) if _leaves(request.url) else None)
        self.page = self.context.new_page()
        self.network = NetworkLog()
        self.network.attach(self.context, self.page)
        self.offset = None

    def new_page(self) -> None:
        """Another page in the same context (same browser cache)."""
        self.page.close()
        self.page = self.context.new_page()
        self.network = NetworkLog()
        self.network.attach(self.context, self.page)
        self.offset = None

    def helpers(self) -> None:
        self.page.evaluate(HELPERS)
        self.offset = None

    def monotonic(self, page_seconds: float) -> float:
        """A time of the page (performance.now(), in s) on time.monotonic()'s clock (to a few ms)."""
        if self.offset is None:
            samples = []
            for _ in range(7):
                before = time.monotonic()
                now = self.page.evaluate("performance.now()") / 1000
                after = time.monotonic()
                samples.append((after - before, (before + after) / 2 - now))
            self.offset = min(samples)[1]
        return page_seconds + self.offset

    def wait_for(self, predicate: str, args: list, timeout_s: float) -> float:
        """Poll a predicate at every animation frame; the page time (s) of the first frame it held."""
        handle = self.page.wait_for_function(
            f"(args) => ({predicate})(args) ? performance.now() : false", arg=args, polling="raf",
            timeout=timeout_s * 1000)
        return handle.json_value() / 1000

    def started(self) -> float:
        start = self.page.evaluate("window.__benchStart")
        if start is None:
            raise RuntimeError("l'action n'a pas atteint la page")
        return start / 1000

    def quiet(self, timeout_s: float = 120) -> None:
        """Wait until Streamlit's script is done and the server has sent nothing for QUIET_S."""
        from tests.browser.conftest import settled

        settled(self.page)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() - self.relay.last_chunk() < QUIET_S:
            if time.monotonic() > deadline:
                raise RuntimeError("la page ne se calme pas")
            self.page.wait_for_timeout(100)
        settled(self.page)

    def received(self, start_page_s: float, end_page_s: float) -> dict[str, int]:
        start, end = self.monotonic(start_page_s), self.monotonic(end_page_s)
        seen = self.network.between(start, end)
        return {"wire": self.relay.bytes_between(start, end), "decoded": seen["ws"] + seen["http"],
                "largest": seen["largest"]}

    def close(self) -> None:
        leaving = self.outside + self.network.leaving()
        self.context.close()
        if leaving:
            raise RuntimeError(f"requêtes sorties de 127.0.0.1 : {leaving[:5]}")


def run_app(browser, relay: CountingRelay, communes: int) -> dict:
    """One run on the app: open the Carte, then Commune, a click on a commune, another indicator."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.browser.conftest import open_app_page

    view = Page(browser, relay)
    page = view.page
    try:
        open_app_page(page, f"http://127.0.0.1:{relay.port}/carte")
        view.helpers()
        mode = page.wait_for_function("""() => {
            const root = window.__bench.root();
            if (root && Number(root.dataset.shapes) > 0) { return "component"; }
            const best = window.__bench.folium(false);
            return best && best.count > 0 ? "folium" : false;
        }""", polling="raf", timeout=DRAW_TIMEOUT_S * 1000).json_value()
        view.quiet()

        page.evaluate("() => window.__bench.arm('click', window)")
        page.get_by_test_id("stRadio").filter(has_text="Maille").get_by_text("Commune", exact=True).click()
        drawn = view.wait_for(DRAWN, [mode, "commune", communes], DRAW_TIMEOUT_S)
        start = view.started()
        figures = {"draw_s": drawn - start, **view.received(start, drawn)}
        view.quiet()

        before = page.evaluate("() => window.__bench.figures()")
        point = page.evaluate(CLICK_POINT, [mode])
        if point is None:
            raise RuntimeError("aucun point de la carte ne tombe sur une commune")
        target = "window" if mode == "component" else "window.__bench.folium(false).frame.contentWindow"
        page.evaluate(f"() => window.__bench.arm('click', {target})")
        page.mouse.click(*point)
        try:
            shown = view.wait_for(SHOWN, [before], CLICK_TIMEOUT_S)
            start = view.started()
            figures.update(click_s=shown - start, click_bytes=view.received(start, shown)["wire"])
        except PlaywrightTimeout:  # the click showed nothing
            figures.update(click_s=None, click_bytes=None)
        view.quiet()

        if mode == "component":
            state = page.evaluate("() => { const r = window.__bench.root(); return {measure: r.dataset.measure, "
                                  "paint: r.dataset.paint, loads: Number(r.dataset.geometryLoads || 0)}; }")
        else:
            state = {"fills": page.evaluate("() => window.__bench.folium(true).fills")}
        page.get_by_test_id("stSelectbox").filter(has_text="Indicateur").click()
        page.keyboard.type(NEXT_INDICATOR)
        page.get_by_role("option", name=NEXT_INDICATOR, exact=True).wait_for(timeout=30_000)
        page.evaluate("() => window.__bench.arm('keydown', window)")
        page.keyboard.press("Enter")
        recoloured = view.wait_for(RECOLOURED, [mode, state, communes], DRAW_TIMEOUT_S)
        start = view.started()
        figures.update(filter_s=recoloured - start, filter_bytes=view.received(start, recoloured)["wire"],
                       mode=mode, compressed=any("permessage-deflate" in e for e in view.network.extensions))
        if mode == "component":  # geometry decoded again for the filter change (0 expected)
            figures["filter_geometry_loads"] = page.evaluate(
                "() => Number(window.__bench.root().dataset.geometryLoads || 0)") - state["loads"]
        view.quiet()
    finally:
        view.close()
    return figures


def run_baseline(browser, relay: CountingRelay, communes: int) -> dict:
    """One run on the baseline: opened once to fill the browser's cache, then measured in a new page."""
    view = Page(browser, relay)
    url = f"http://127.0.0.1:{relay.port}/"
    try:
        view.page.goto(url)
        view.helpers()
        view.wait_for(DRAWN, ["folium", "commune", communes], DRAW_TIMEOUT_S)
        view.quiet()
        view.new_page()
        view.page.goto(url, wait_until="commit")
        view.helpers()
        drawn = view.wait_for(DRAWN, ["folium", "commune", communes], DRAW_TIMEOUT_S)
        figures = {"draw_s": drawn, **view.received(0.0, drawn),
                   "compressed": any("permessage-deflate" in e for e in view.network.extensions)}
        view.quiet()
    finally:
        view.close()
    return figures


def _median(values: list) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else None


def measure_map(today, runs: int = 5, app_dir: Path = PROJECT) -> dict:
    """The map's figures (see the module's docstring): medians of `runs` alternated runs of each."""
    from playwright.sync_api import sync_playwright

    from loaders.assets import install_map_assets

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium absent : installez le paquet Debian chromium.")
    baseline_count = baseline_communes()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store_url, communes = build_store(folder, app_dir, today)
        baseline_dir = folder / "baseline"
        baseline_dir.mkdir()
        (baseline_dir / "baseline_map.py").write_bytes((PROJECT / "bench" / "baseline_map.py").read_bytes())
        install_map_assets(baseline_dir / "static" / "vendor")
        app_env = {"DATABASE_URL": store_url, "REGION_CODE": REGION, "TILE_URL": "", "VIEWER_ROLE": "direction",
                   "PYTHONPATH": str(app_dir)}
        baseline_env = {"REGION_CODE": REGION, "PYTHONPATH": str(PROJECT)}
        baseline_options = ["--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false",
                            "--server.fileWatcherType", "none"]
        with (streamlit_server(app_dir / "app.py", app_dir, folder, app_env) as app_port,
              streamlit_server(baseline_dir / "baseline_map.py", baseline_dir, folder, baseline_env,
                               baseline_options) as baseline_port,
              sync_playwright() as playwright):
            app_relay, baseline_relay = CountingRelay(app_port), CountingRelay(baseline_port)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                run_app(browser, app_relay, communes)  # warm-ups, not counted
                run_baseline(browser, baseline_relay, baseline_count)
                app_runs, baseline_runs = [], []
                for index in range(runs):
                    order = [(app_runs, run_app, app_relay, communes),
                             (baseline_runs, run_baseline, baseline_relay, baseline_count)]
                    for results, run, relay, count in order[::1 if index % 2 == 0 else -1]:
                        results.append(run(browser, relay, count))
            finally:
                browser.close()
                app_relay.close()
                baseline_relay.close()
    return summarise(app_runs, baseline_runs, communes, baseline_count)


def summarise(app_runs: list[dict], baseline_runs: list[dict], communes: int, baseline_count: int) -> dict:
    def median(runs: list[dict], key: str, digits: int | None = None):
        value = _median([run.get(key) for run in runs])
        return value if value is None or digits is None else round(value, digits)

    def listed(runs: list[dict], key: str) -> list:
        return [None if run.get(key) is None else round(run[key], 2) for run in runs]

    figures = {
        "map_commune_bytes": median(app_runs, "wire"), "map_commune_baseline_bytes": median(baseline_runs, "wire"),
        "map_commune_draw_s": median(app_runs, "draw_s", 2), "map_filter_s": median(app_runs, "filter_s", 2),
        "map_click_s": median(app_runs, "click_s", 2),
        "map_commune_decoded_bytes": median(app_runs, "decoded"),
        "map_commune_largest_message_bytes": median(app_runs, "largest"),
        "map_commune_baseline_decoded_bytes": median(baseline_runs, "decoded"),
        "map_commune_baseline_draw_s": median(baseline_runs, "draw_s", 2),
        "map_filter_bytes": median(app_runs, "filter_bytes"), "map_click_bytes": median(app_runs, "click_bytes"),
        "map_click_failed": sum(run["click_s"] is None for run in app_runs),
        "map_commune_draw_s_runs": listed(app_runs, "draw_s"), "map_filter_s_runs": listed(app_runs, "filter_s"),
        "map_click_s_runs": listed(app_runs, "click_s"),
        "map_commune_baseline_draw_s_runs": listed(baseline_runs, "draw_s"),
        "map_runs": len(app_runs), "map_communes": communes, "map_baseline_communes": baseline_count,
        "map_drawn_by": app_runs[0]["mode"] if app_runs else None,
        "map_ws_compressed_app": any(run["compressed"] for run in app_runs),
        "map_ws_compressed_baseline": any(run["compressed"] for run in baseline_runs),
    }
    if app_runs and "filter_geometry_loads" in app_runs[0]:
        figures["map_filter_geometry_loads"] = max(run["filter_geometry_loads"] for run in app_runs)
    wire, baseline = figures["map_commune_bytes"], figures["map_commune_baseline_bytes"]
    if wire and baseline:
        figures["map_commune_baseline_ratio"] = round(baseline / wire, 2)
    return figures
