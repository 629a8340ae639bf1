"""The digit readers of the MNIST MLP's page and of the LeNet-5 page: the network each page trained, served as a
file, read by the page's own JavaScript in a real browser, offline (see browsing.py), at phone and desktop widths,
in light and dark mode.

Screenshots go to ``artifacts/screenshots/digit-reader-<network>-*.png``, including one per digit drawn with
synthetic strokes.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
import pytest
import safetensors.numpy
from browsing import SCREENSHOTS, watch
from sitebuild import (
    MNIST_ACCURACY,
    MNIST_PAGE,
    ROOT,
    Site,
    published_files_disagreeing_with_the_manifest,
)

import tinytorch as tt
from tinytorch import nn
from tinytorch.datasets import load_mnist

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from tinytorch_book.classifier import VERSION, classifier_bytes, read_classifier  # noqa: E402

pytestmark = pytest.mark.slow
browser_test = pytest.mark.browser


class Reader(NamedTuple):
    """A page with a reader, the file it runs and the figure the page glues for that network's test accuracy."""

    page: str
    weights: str
    accuracy: str


NETWORKS = {
    "mlp": Reader(MNIST_PAGE, "mnist-mlp.safetensors", MNIST_ACCURACY),
    "lenet": Reader("book/milestones/04_cnn", "mnist-lenet5.safetensors", "lenet_test_accuracy"),
}
each_network = pytest.mark.parametrize("network", NETWORKS)
READER = ".tt-digit-reader"
AGREEMENT_IMAGES, AGREEING_AT_LEAST, LOGIT_TOLERANCE = 200, 199, 1e-3

# The page's own modules, imported from where the page loads them; `network.forward` is the pass the pad runs.
JS_READ = """async ({bytes, images}) => {
    const script = document.querySelector('script[src*="digit-reader/reader.mjs"]');
    const { readNetwork } = await import(new URL("network.mjs", script.src));
    let buffer;
    if (bytes === null) {
        const reader = document.querySelector(".tt-digit-reader");
        buffer = await (await fetch(new URL(reader.dataset.weights, document.baseURI))).arrayBuffer();
    } else {
        buffer = new Uint8Array(bytes).buffer;
    }
    try {
        const network = readNetwork(buffer);
        return images.map((image) => Array.from(network.forward(Float32Array.from(image))));
    } catch (error) {
        return error.message;
    }
}"""


def arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float, n: int = 24) -> list:
    angles = (math.radians(start + (stop - start) * i / n) for i in range(n + 1))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


# Synthetic handwriting: each digit as strokes of (x, y), in fractions of the pad's width and height.
HANDWRITING = {
    "0": [arc(0.5, 0.5, 0.21, 0.32, -90, 275)],
    "1": [[(0.52, 0.18), (0.5, 0.5), (0.48, 0.82)]],
    "2": [arc(0.5, 0.34, 0.18, 0.15, 200, 380) + [(0.3, 0.8), (0.72, 0.8)]],
    "3": [arc(0.48, 0.34, 0.17, 0.14, 210, 450) + arc(0.48, 0.64, 0.19, 0.16, -90, 140)],
    "4": [[(0.42, 0.18), (0.3, 0.56), (0.74, 0.56)], [(0.63, 0.25), (0.62, 0.84)]],
    "5": [[(0.68, 0.2), (0.38, 0.2), (0.35, 0.46)] + arc(0.48, 0.62, 0.19, 0.17, -120, 150)],
    "6": [[(0.62, 0.17), (0.45, 0.3), (0.35, 0.5)] + arc(0.5, 0.65, 0.16, 0.17, 180, 540)],
    "7": [[(0.3, 0.2), (0.72, 0.2), (0.44, 0.84)]],
    "8": [[(0.5 + 0.17 * math.sin(2 * t), 0.5 - 0.32 * math.sin(t)) for t in (math.pi * i / 32 for i in range(65))]],
    "9": [arc(0.5, 0.34, 0.16, 0.15, 0, 360) + [(0.65, 0.5), (0.6, 0.84)]],
}
VERTICAL_LINE = [[(0.5, 0.15), (0.5, 0.85)]]


@contextmanager
def reader_page(browser: Any, server: str, width: int = 1280, mode: str = "light", network: str = "mlp", **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """The page of ``network`` with its reader loaded, in the theme's ``mode``; and the list of problems seen on it."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    context.add_init_script(f"localStorage.setItem('mode', '{mode}')")  # the theme's own setting
    try:
        page = context.new_page()
        problems = watch(page)
        page.goto(f"{server}/{NETWORKS[network].page}.html", wait_until="networkidle")
        page.wait_for_selector(f"{READER}[data-state=ready]", timeout=20_000)
        yield page, problems
    finally:
        context.close()


def draw(page: Any, strokes: list, pointer: str = "mouse") -> None:
    """Draw ``strokes`` on the pad with real input events of the ``pointer`` kind (mouse, touch or pen)."""
    pad = page.locator(".tt-dr-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    cdp = page.context.new_cdp_session(page)
    for stroke in strokes:
        points = [(box["x"] + box["width"] * x, box["y"] + box["height"] * y) for x, y in stroke]
        points = [  # a point every few pixels, as a moving pen reports them
            (x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4)
            for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=True)
            for k in range(4)
        ] + points[-1:]
        for i, (x, y) in enumerate(points):
            if pointer == "touch":
                kind = "touchStart" if i == 0 else "touchMove"
                cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
            else:
                kind = "mousePressed" if i == 0 else "mouseMoved"
                cdp.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "buttons": 1,
                                                       "clickCount": 1, "pointerType": pointer})
        if pointer == "touch":
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        else:
            cdp.send("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x, "y": y, "button": "left",
                                                   "clickCount": 1, "pointerType": pointer})
    cdp.detach()


def reading(page: Any) -> str:
    return page.locator(READER).get_attribute("data-prediction")


def ink(page: Any, selector: str) -> float:
    """The total ink (alpha) on a canvas of the reader."""
    return page.evaluate(
        """(selector) => { const c = document.querySelector(selector);
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let s = 0; for (let i = 3; i < d.length; i += 4) s += d[i]; return s; }""",
        selector,
    )


def painted_ink(page: Any, selector: str) -> float:
    """The luminance of the most opaque pixel painted on a canvas of the reader."""
    return page.evaluate(
        """(selector) => { const c = document.querySelector(selector);
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let best = 3; for (let i = 3; i < d.length; i += 4) if (d[i] > d[best]) best = i;
        return (0.2126 * d[best - 3] + 0.7152 * d[best - 2] + 0.0722 * d[best - 1]) / 255; }""",
        selector,
    )


def js_logits(page: Any, images: np.ndarray, data: bytes | None = None) -> np.ndarray | str:
    """The page's own forward pass on ``images``: of the network the page serves, or of the file ``data``."""
    result = page.evaluate(JS_READ, {"bytes": None if data is None else list(data), "images": images.reshape(len(images), -1).tolist()})
    return result if isinstance(result, str) else np.array(result)


# --- the file --------------------------------------------------------------------------------------------------


def served(site: Site, network: str) -> Any:
    """The classifier file the page of ``network`` serves, read back."""
    return read_classifier(site.html / "published" / NETWORKS[network].weights)


@each_network
def test_the_site_serves_the_network_the_page_measured(site: Site, network: str) -> None:
    assert published_files_disagreeing_with_the_manifest(site) == []
    page, weights, figure = NETWORKS[network]
    assert weights in site.manifest["pages"][page]["files"], f"{page} does not record {weights} in the manifest"
    classifier = served(site, network)
    assert classifier.metadata["fingerprint"] == site.manifest["fingerprint"]
    _, _, x_test, y_test = load_mnist()
    accuracy = float((tt.predict(classifier.model(), classifier.inputs(x_test)).argmax(axis=1) == y_test).mean())
    glued = site.manifest["pages"][page]["figures"][figure]
    assert abs(accuracy - glued) <= 1 / len(y_test), f"the served network reads {accuracy:.2%}, the page says {glued:.2%}"
    np.testing.assert_array_equal(classifier.tensors["samples"].reshape(-1, 784), x_test[[int(np.flatnonzero(y_test == d)[0]) for d in range(10)]])


# --- the page's JavaScript -------------------------------------------------------------------------------------


@browser_test
@each_network
def test_the_pages_javascript_reads_mnist_as_numpy_does(site: Site, browser: Any, server: str, network: str) -> None:
    _, _, x_test, _ = load_mnist()
    images = x_test[:AGREEMENT_IMAGES]
    classifier = served(site, network)
    expected = tt.predict(classifier.model(), classifier.inputs(images))
    with reader_page(browser, server, network=network) as (page, problems):
        logits = js_logits(page, images)
    agreeing = int((logits.argmax(axis=1) == expected.argmax(axis=1)).sum())
    largest = float(np.abs(logits - expected).max())
    print(f"{network} agreement: {agreeing}/{AGREEMENT_IMAGES} classes, largest logit difference {largest:.2e}")
    assert agreeing >= AGREEING_AT_LEAST, f"only {agreeing} of {AGREEMENT_IMAGES} images read alike"
    assert largest <= LOGIT_TOLERANCE
    assert not problems, "\n".join(problems)


def unknown_file(version: str = VERSION) -> bytes:
    """A classifier file with a layer the reader does not run, of the format's ``version``."""
    return safetensors.numpy.save(
        {"samples": np.zeros((1, 28, 28), np.float32)},
        metadata={"format": "tinytorch-classifier", "format_version": version, "fingerprint": "0" * 64, "title": "cnn",
                  "layers": '[{"type": "avgpool2d"}]', "input": '{"image": [28, 28], "shape": [1, 28, 28], "mean": 0, "std": 1}',
                  "classes": '["0"]', "sample_labels": "[0]", "about": "{}"},
    )


@browser_test
def test_every_layer_the_reader_runs_matches_tinytorch(browser: Any, server: str) -> None:
    """Layer by layer: the network cut after each layer (and flattened) gives the same values in the page's
    JavaScript as in tinytorch; strides, paddings and kernels differ along the two axes so that no axis can be
    mistaken for the other, and the inputs are standardized as LeNet-5's are."""
    tt.manual_seed(3)
    layers = [nn.Conv2d(1, 3, (3, 2), stride=(2, 1), padding=(1, 0)), nn.ReLU(), nn.MaxPool2d((2, 3), stride=(1, 2)),
              nn.Conv2d(3, 4, 3, padding=2, bias=False), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(196, 32), nn.ReLU(),
              nn.Linear(32, 10, bias=False)]
    x = np.random.default_rng(3).random((4, 1, 28, 28), dtype=np.float32)
    mean, std = 0.13, 0.31
    cuts = [nn.Sequential(*layers[: k + 1], nn.Flatten()) for k in range(len(layers))]
    with reader_page(browser, server) as (page, problems):
        for k, cut in enumerate(cuts):
            data = classifier_bytes(cut, "every layer", x, [0, 1, 2, 3], "0" * 64, standardization=(mean, std))
            expected = tt.predict(cut, np.divide(x - mean, std, dtype=np.float32))
            logits = js_logits(page, x, data)
            assert np.asarray(logits).shape == expected.shape, f"after layer {k} ({layers[k]}): {logits}"
            np.testing.assert_allclose(logits, expected, atol=1e-4, err_msg=f"after layer {k} ({layers[k]})")
        error = js_logits(page, x, unknown_file())
        old = js_logits(page, x, unknown_file("1"))
    assert error == "layer 0 is a avgpool2d, which this reader does not run (it runs linear, relu, flatten, conv2d, maxpool2d)"
    assert old == f"not a tinytorch-classifier file of version {VERSION} (format tinytorch-classifier, version 1)"
    assert not problems, "\n".join(problems)


# --- the pad ---------------------------------------------------------------------------------------------------


@browser_test
@pytest.mark.parametrize(("network", "pointer", "density"), [("mlp", "mouse", 1), ("mlp", "touch", 2), ("mlp", "pen", 1), ("lenet", "mouse", 1)])
def test_a_vertical_line_reads_as_a_one_and_clear_empties_the_pad(browser: Any, server: str, network: str, pointer: str, density: int) -> None:
    """Drawn with each kind of pointer, and on a screen of two pixels per CSS pixel (a phone's, where the pad's
    canvas has twice the pixels); the pad is the same on every page, so LeNet-5's is drawn on with a mouse only."""
    with reader_page(browser, server, network=network, has_touch=pointer == "touch", device_scale_factor=density) as (page, problems):
        assert page.evaluate("document.querySelector('.tt-dr-pad').width") == 280 * density
        page.evaluate("""() => { window.pointerKinds = [];
            document.querySelector('.tt-dr-pad').addEventListener('pointerdown', (e) => pointerKinds.push(e.pointerType)); }""")
        draw(page, VERTICAL_LINE, pointer)
        assert page.evaluate("window.pointerKinds") == [pointer]
        assert reading(page) == "1"
        assert page.locator(".tt-dr-verdict").inner_text().startswith("The network reads a 1 (")
        assert ink(page, ".tt-dr-pad") > 0 and ink(page, ".tt-dr-seen") > 0

        page.locator(".tt-dr-button").focus()  # Clear, with the keyboard
        page.keyboard.press("Enter")
        assert ink(page, ".tt-dr-pad") == 0 and ink(page, ".tt-dr-seen") == 0
        assert reading(page) == ""
        assert set(page.locator(".tt-dr-p").all_inner_texts()) == {"0.0\u00a0%"}
        assert not problems, "\n".join(problems)


@browser_test
@each_network
def test_test_digits_load_from_the_keyboard_and_everything_is_labelled(site: Site, browser: Any, server: str, network: str) -> None:
    classifier = served(site, network)
    expected = tt.predict(classifier.model(), classifier.inputs(classifier.tensors["samples"])).argmax(axis=1)
    with reader_page(browser, server, network=network) as (page, problems):
        page.locator(".tt-dr-button").focus()
        for _ in range(8):  # from Clear to the eighth test digit, a 7
            page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused == "Load test digit 8: a 7 from MNIST's test set"
        page.keyboard.press("Space")
        assert reading(page) == str(expected[7])
        assert page.locator(".tt-dr-verdict").inner_text().startswith(f"Test digit (a 7): the network reads a {expected[7]}")
        labels = page.evaluate(
            """() => { const r = document.querySelector('.tt-digit-reader');
            return { pad: r.querySelector('.tt-dr-pad').getAttribute('aria-label'),
                     role: r.querySelector('.tt-dr-pad').getAttribute('role'),
                     live: r.querySelector('.tt-dr-verdict').getAttribute('aria-live'),
                     bars: r.querySelector('.tt-dr-bars').getAttribute('aria-label'),
                     unnamed: [...r.querySelectorAll('button')].filter((b) => !(b.getAttribute('aria-label') || b.textContent.trim())).length,
                     buttons: r.querySelectorAll('button').length }; }"""
        )
        assert labels["pad"].startswith("Drawing pad: draw one digit") and labels["role"] == "img"
        assert labels["live"] == "polite" and labels["bars"] and labels["unnamed"] == 0 and labels["buttons"] == 11
        assert not problems, "\n".join(problems)


@browser_test
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
@each_network
def test_the_reader_fits_the_screen_and_follows_the_theme(browser: Any, server: str, network: str, width: int, mode: str) -> None:
    with reader_page(browser, server, width, mode, network) as (page, problems):
        page.locator(".tt-dr-sample").nth(3).click()
        seen = page.evaluate(
            """() => { const r = document.querySelector('.tt-digit-reader').getBoundingClientRect();
            const pad = document.querySelector('.tt-dr-pad');
            const luminance = (c) => { const [r, g, b] = c.match(/\\d+/g).map(Number); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
            return { theme: document.documentElement.dataset.theme, left: r.left, right: r.right,
                     scroll: document.documentElement.scrollWidth, pad: [pad.clientWidth, pad.clientHeight],
                     ink: luminance(getComputedStyle(pad).color), paper: luminance(getComputedStyle(pad).backgroundColor) }; }"""
        )
        assert seen["theme"] == mode
        check = page.locator(".tt-dr-check")  # the file's fingerprint, checked against this site's manifest.json
        check.filter(has_text="matches manifest.json").wait_for(timeout=10_000)
        assert 0 <= seen["left"] and seen["right"] <= width and seen["scroll"] <= width, f"the reader overflows at {width} px: {seen}"
        assert seen["pad"][0] == seen["pad"][1] >= 240, f"the pad is {seen['pad']} px"
        assert (seen["ink"] > seen["paper"] + 0.5) if mode == "dark" else (seen["ink"] < seen["paper"] - 0.5), seen
        for canvas in (".tt-dr-pad", ".tt-dr-sample canvas"):
            assert painted_ink(page, canvas) == pytest.approx(seen["ink"], abs=0.02), f"{canvas} ignores the theme"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")  # the theme's sticky header stays at the top of the full page
        box = page.locator(READER).bounding_box()
        page.screenshot(path=str(SCREENSHOTS / f"digit-reader-{network}-{width}-{mode}.png"), full_page=True,
                        clip={"x": 0, "y": box["y"] - 8, "width": width, "height": box["height"] + 16})
        other = "light" if mode == "dark" else "dark"  # the theme's switch, flipped while the page is open
        page.evaluate(f"document.documentElement.dataset.theme = '{other}'")
        flipped = painted_ink(page, ".tt-dr-sample canvas")
        assert (flipped < 0.5) if other == "light" else (flipped > 0.5), f"the ink did not follow the switch to {other}"
        assert not problems, "\n".join(problems)


@browser_test
@each_network
def test_the_network_reads_ten_drawn_digits(browser: Any, server: str, network: str) -> None:
    """The screenshot loop: a clean drawing of every digit; each must be read right."""
    readings = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with reader_page(browser, server, network=network) as (page, problems):
        for digit, strokes in HANDWRITING.items():
            page.locator(".tt-dr-button").click()
            draw(page, strokes)
            readings[digit] = reading(page)
            page.locator(".tt-dr-main").screenshot(path=str(SCREENSHOTS / f"digit-reader-{network}-drawn-{digit}.png"))
        assert not problems, "\n".join(problems)
    print(f"{network} reads {sum(r == d for d, r in readings.items())} of 10 drawn digits right: {readings}")
    assert readings == {digit: digit for digit in HANDWRITING}
