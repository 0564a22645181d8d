"""The playground in a real browser: Voila serves notebooks/playground.ipynb on 127.0.0.1,
headless Debian chromium opens it (driven over the DevTools protocol), presses step and
play, and takes a screenshot, saved as figures/playground_browser.png.

Skipped, saying why, where chromium is absent (tests/install_chromium.sh installs it when
run as root; make test runs that script).
"""
import base64
import io
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "playground.ipynb"
SCREENSHOT = ROOT / "figures" / "playground_browser.png"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync",
                  "--remote-debugging-port=0", "--window-size=1300,1500", "about:blank"]
PARAMETERS = {"dataset": "linear", "steps": 3}     # a trained network: two regions on the plane
CONTROLS = ["data set", "hidden", "activation", "output, loss", "initializer", "optimizer",
            "learning rate", "batch size", "seeds", "epochs/step", "seed shown",
            "step 1 epoch", "reset", "gradient check", "copy as code"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed: run tests/install_chromium.sh as root "
                             "(make test does) or apt-get install chromium")
websocket = pytest.importorskip("websocket", reason="websocket-client (requirements.txt) is missing")


def wait_for(what, condition, seconds):
    """condition()'s first truthy value, polled for at most seconds; else fail naming what."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {seconds} s waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def responds(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def voila_url(tmp_path):
    papermill = pytest.importorskip("papermill")
    import nbformat
    # the notebook with other parameters, as papermill would inject them, not executed
    nb = papermill.parameterize.parameterize_notebook(papermill.iorw.load_notebook_node(str(NOTEBOOK)),
                                                      PARAMETERS)
    nbformat.write(nb, tmp_path / "playground.ipynb")
    port = free_port()
    log = open(tmp_path / "voila.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("voila")), "playground.ipynb", "--no-browser",
         f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for("Voila to answer", lambda: server.poll() is not None or responds(url), 90)
        assert server.poll() is None, (tmp_path / "voila.log").read_text()[-2000:]
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


class Page:
    """The one page of a headless chromium, driven over the DevTools protocol."""

    def __init__(self, profile):
        self.browser = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        active = profile / "DevToolsActivePort"
        port = wait_for("chromium's DevTools port", lambda: active.exists() and active.read_text().split("\n")[0], 60)
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.calls = 0

    def call(self, method, **params):
        self.calls += 1
        self.socket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.calls:
                assert "error" not in message, message["error"]
                return message["result"]

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def close(self):
        self.socket.close()
        self.browser.terminate()
        self.browser.wait(timeout=20)


# The playground's box: its text and its images once loaded, with their places on the page.
STATE = """(() => {
  const root = document.querySelector('.lab1-playground');
  if (!root) return null;
  const images = [...root.querySelectorAll('img')].filter(i => i.complete && i.naturalWidth > 0)
    .map(i => { const r = i.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height, natural: i.naturalWidth}; });
  return {text: root.innerText, images: images};
})()"""


def click(page, selector, index=0):
    page.evaluate(f"document.querySelectorAll({selector!r})[{index}].click()")


def epoch_shown(page):
    state = page.evaluate(STATE)
    text = state["text"] if state else ""
    start = text.find("epoch ")
    return int(text[start + 6:].split()[0].rstrip(",")) if start >= 0 else -1


def test_playground_renders_and_trains_in_chromium(voila_url, tmp_path):
    from PIL import Image
    from lab1.playground import app as pgm

    page = Page(tmp_path / "profile")
    try:
        page.call("Page.navigate", url=voila_url)
        state = wait_for("the playground's controls and two images",
                         lambda: (lambda s: s if s and len(s["images"]) >= 2 else None)(page.evaluate(STATE)), 120)
        for label in CONTROLS:
            assert label in state["text"], label
        steps = PARAMETERS["steps"] * pgm.Setting.epochs_per_step
        assert epoch_shown(page) == steps
        click(page, ".lab1-playground button", index=3)                 # play, pause, step, reset
        assert "step 1 epoch" in page.evaluate(
            "document.querySelectorAll('.lab1-playground button')[3].innerText")
        wait_for("step 1 epoch to train", lambda: epoch_shown(page) == steps + 1, 60)
        click(page, ".lab1-playground .widget-play button", index=0)    # play
        wait_for("play to train two steps",
                 lambda: epoch_shown(page) >= steps + 1 + 2 * pgm.Setting.epochs_per_step, 60)
        click(page, ".lab1-playground .widget-play button", index=1)    # pause
        time.sleep(1.0)
        paused = epoch_shown(page)
        time.sleep(1.0)
        assert epoch_shown(page) == paused
        state = page.evaluate(STATE)
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    finally:
        page.close()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.write_bytes(base64.b64decode(shot["data"]))

    # The decision panel, cut from the screenshot where the figure puts its first axes:
    # the plane holds both classes' tinted regions, so a boundary runs through it.
    figure, box = state["images"][0], pgm._Figures().decision_ax.get_position()
    assert figure["natural"] == round(pgm._Figures().training.get_figwidth() * pgm.DPI)
    left, right = figure["x"] + box.x0 * figure["width"], figure["x"] + box.x1 * figure["width"]
    top, bottom = figure["y"] + (1 - box.y1) * figure["height"], figure["y"] + (1 - box.y0) * figure["height"]
    panel = np.asarray(Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB"), dtype=int)
    panel = panel[int(top):int(bottom), int(left):int(right)]
    # the class colours, red (label 0) and blue (label 1), mixed with white by confidence
    share = {"red": np.mean(panel[..., 0] - panel[..., 2] > 40),
             "blue": np.mean(panel[..., 2] - panel[..., 0] > 40)}
    assert min(share.values()) > 0.05, share
