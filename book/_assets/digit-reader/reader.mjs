// The digit reader: draw a digit (mouse, finger or pen) and a network trained when
// this site was built reads it. Each `.tt-digit-reader` element (written by the
// digit-reader directive, book/_ext/tinytorch_site/digit_reader.py) names the file
// of its network and the site's manifest.json in data attributes.

import { fetchPublished, PublishedFileError } from "../common/published-file.mjs";
import { probabilities, readNetwork } from "./network.mjs";
import { mnistStyle, SIZE } from "./preprocess.mjs";

const PAD = 280; // the pad's size in CSS pixels: 10 per MNIST pixel
// its canvas has 1 or 2 pixels per CSS pixel, for sharp ink on high-density screens
const DENSITY = Math.min(2, Math.max(1, Math.round(window.devicePixelRatio || 1)));
const PEN = 22; // pen width on the pad: a digit as tall as most of the pad gets
// strokes about as thick, once scaled to MNIST's 20x20 box, as MNIST's own

const article = (name) => (name.startsWith("8") ? "an" : "a");
const percent = (p) => `${(100 * p).toFixed(1)}\u00a0%`; // a no-break space

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// Paint a 28x28 image (values in [0, 1]) on `canvas`, ink in `colour` ([r, g, b]).
function paintImage(canvas, image, [r, g, b]) {
  const context = canvas.getContext("2d");
  const pixels = context.createImageData(SIZE, SIZE);
  image.forEach((v, i) => pixels.data.set([r, g, b, Math.round(255 * v)], 4 * i));
  context.putImageData(pixels, 0, 0);
}

// The network in the checked bytes of the file `name`, if it is whole and this
// build's; else a PublishedFileError that says what is wrong.
function usable(bytes, name, manifest) {
  let network;
  try {
    network = readNetwork(bytes);
  } catch (error) {
    throw new PublishedFileError("damaged", `${name} cannot be used: ${error.message}. ` +
                                 "Rebuild the site (make site).");
  }
  if (network.meta.fingerprint !== manifest.fingerprint) {
    throw new PublishedFileError("not-this-build", `${name} is not this build's: it ` +
      `was trained from sources ${String(network.meta.fingerprint).slice(0, 12)}, the site ` +
      `was built from ${manifest.fingerprint.slice(0, 12)}. Rebuild the site (make site).`);
  }
  return network;
}

class DigitReader {
  constructor(root) {
    this.root = root;
    this.strokes = []; // each a list of [x, y] on the pad
    this.sample = null; // the test image shown, until the reader draws
    this.pointer = null;
    this.pending = false;
    this.build();
  }

  build() {
    this.pad = element("canvas", {
      class: "tt-dr-pad", width: PAD * DENSITY, height: PAD * DENSITY, role: "img",
      "aria-label": "Drawing pad: draw one digit here with a mouse, a finger or a " +
                    "pen, or load a test digit with the buttons below",
    });
    this.context = this.pad.getContext("2d", { willReadFrequently: true });
    this.context.scale(DENSITY, DENSITY); // drawn in CSS pixels of the pad
    this.seen = element("canvas", { class: "tt-dr-seen", width: SIZE, height: SIZE,
                                    "aria-hidden": "true" });
    this.clear = element("button", { type: "button", class: "tt-dr-button" }, "Clear");
    this.verdict = element("p", { class: "tt-dr-verdict", "aria-live": "polite" });
    this.bars = element("ol", { class: "tt-dr-bars", "aria-label":
                                "How likely each digit is, as the network sees it" });
    this.samples = element("div", { class: "tt-dr-samples", role: "group",
                                    "aria-label": "Test digits from MNIST" });
    this.file = element("p", { class: "tt-dr-file" });
    const seen = element("figure", { class: "tt-dr-seen-figure" }, this.seen,
                         element("figcaption", {}, "what the network sees, 28×28"));
    this.root.prepend(
      element("div", { class: "tt-dr-main" },
        element("div", { class: "tt-dr-left" }, this.pad,
          element("div", { class: "tt-dr-under-pad" }, this.clear, seen)),
        element("div", { class: "tt-dr-right" }, this.verdict, this.bars)),
      element("div", { class: "tt-dr-sample-row" },
        element("span", { class: "tt-dr-sample-label" }, "Test digits:"), this.samples),
      this.file);
    this.setState("loading", "Loading the network…");
  }

  setState(state, message) {
    this.root.dataset.state = state;
    this.verdict.textContent = message;
  }

  async load() {
    const weights = new URL(this.root.dataset.weights, document.baseURI);
    try {
      const { bytes, name, manifest } = await fetchPublished(weights,
                                                             this.root.dataset.manifest);
      this.network = usable(bytes, name, manifest);
      this.describe(weights, bytes.byteLength, manifest);
    } catch (error) {
      this.setState("error", `The network was not loaded. ${error.message}`);
      this.clear.disabled = true;
      console.error(`digit reader: ${error.message}`);
      return;
    }
    this.bars.append(...this.network.meta.classes.map((name) => element("li", {},
      element("span", { class: "tt-dr-class" }, name),
      element("span", { class: "tt-dr-bar", "aria-hidden": "true" }, element("span")),
      element("span", { class: "tt-dr-p" }, percent(0)))));
    this.network.samples.forEach((sample, i) => {
      const thumb = element("canvas", { width: SIZE, height: SIZE, "aria-hidden": "true" });
      const button = element("button", {
        type: "button", class: "tt-dr-sample",
        "aria-label": `Load test digit ${i + 1}: ${article(sample.label)} ` +
                      `${sample.label} from MNIST's test set`,
      }, thumb);
      button.addEventListener("click", () => this.showSample(i));
      this.samples.append(button);
    });
    this.listen();
    this.followTheme();
    this.setState("ready", "Draw a digit on the pad, or pick a test digit.");
  }

  // The file line: what the network is and that it is this build's, as checked.
  describe(weights, bytes, manifest) {
    const { meta } = this.network;
    const link = element("a", { href: weights.href, download: "" },
                         weights.pathname.split("/").pop());
    const check = element("span", { class: "tt-dr-check" },
      `its SHA-256 matches manifest.json (build ${manifest.fingerprint.slice(0, 12)}).`);
    this.file.append(`${meta.title}: ${this.network.parameterCount.toLocaleString("en-US")}` +
                     ` float32 weights, `, link, ` (${(bytes / 1024).toFixed(0)} KiB), ` +
                     `trained when this site was built; `, check);
  }

  listen() {
    const pad = this.pad;
    pad.addEventListener("pointerdown", (event) => {
      if (!event.isPrimary || (event.pointerType === "mouse" && event.button !== 0)) return;
      event.preventDefault();
      pad.setPointerCapture(event.pointerId);
      this.pointer = event.pointerId;
      this.strokes.push([this.point(event)]);
      this.update();
    });
    pad.addEventListener("pointermove", (event) => {
      if (event.pointerId !== this.pointer) return;
      const events = event.getCoalescedEvents?.() ?? [];
      const stroke = this.strokes[this.strokes.length - 1];
      for (const e of events.length ? events : [event]) stroke.push(this.point(e));
      this.update();
    });
    const end = (event) => {
      if (event.pointerId !== this.pointer) return;
      this.pointer = null;
      this.update(true);
    };
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    this.clear.addEventListener("click", () => {
      this.strokes = [];
      this.sample = null;
      this.update(true);
    });
    // the theme's light/dark switch changes the ink's colour
    new MutationObserver(() => this.followTheme()).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] });
  }

  point(event) {
    const box = this.pad.getBoundingClientRect();
    const scale = PAD / this.pad.clientWidth;
    return [(event.clientX - box.left - this.pad.clientLeft) * scale,
            (event.clientY - box.top - this.pad.clientTop) * scale];
  }

  showSample(index) {
    this.sample = index;
    this.strokes = [];
    this.update(true);
  }

  // Repaint and read now if `finished` (a stroke ended, a button was pressed),
  // else once per frame while the pen moves.
  update(finished = false) {
    if (finished) {
      this.repaint();
      return;
    }
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.repaint(false);
    });
  }

  // The ink takes the theme's text colour: the thumbnails and the pad are repainted.
  followTheme() {
    this.ink = getComputedStyle(this.pad).color;
    this.colour = this.ink.match(/\d+/g).slice(0, 3).map(Number);
    this.samples.querySelectorAll("canvas").forEach((thumb, i) =>
      paintImage(thumb, this.network.samples[i].image, this.colour));
    this.repaint();
  }

  repaint(announce = true) {
    const ctx = this.context;
    ctx.clearRect(0, 0, PAD, PAD);
    if (this.sample !== null) {
      const small = element("canvas", { width: SIZE, height: SIZE });
      paintImage(small, this.network.samples[this.sample].image, this.colour);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, PAD, PAD);
    }
    Object.assign(ctx, { strokeStyle: this.ink, fillStyle: this.ink, lineWidth: PEN,
                         lineCap: "round", lineJoin: "round" });
    for (const stroke of this.strokes) {
      ctx.beginPath();
      if (stroke.length === 1) {
        ctx.arc(...stroke[0], PEN / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.moveTo(...stroke[0]);
      for (const [x, y] of stroke.slice(1)) ctx.lineTo(x, y);
      ctx.stroke();
    }
    this.read(announce);
  }

  // What the network reads: a test image as it is, a drawing made MNIST-like.
  input() {
    if (this.sample !== null && this.strokes.length === 0) {
      return this.network.samples[this.sample].image;
    }
    const side = PAD * DENSITY;
    const { data } = this.context.getImageData(0, 0, side, side);
    const ink = new Float32Array(side * side);
    for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3] / 255;
    return mnistStyle(ink, side, side);
  }

  read(announce) {
    const image = this.input();
    paintImage(this.seen, image ?? new Float32Array(SIZE * SIZE), this.colour);
    const p = image ? probabilities(this.network.forward(image)) : null;
    const top = p ? p.indexOf(Math.max(...p)) : -1;
    [...this.bars.children].forEach((row, i) => {
      const value = p ? p[i] : 0;
      row.classList.toggle("tt-dr-top", i === top);
      row.querySelector(".tt-dr-bar > span").style.width = `${100 * value}%`;
      row.querySelector(".tt-dr-p").textContent = percent(value);
    });
    const name = top >= 0 ? this.network.meta.classes[top] : "";
    this.root.dataset.prediction = name;
    if (!announce) return;
    if (!image) {
      this.verdict.textContent = "Draw a digit on the pad, or pick a test digit.";
      return;
    }
    const label = this.sample !== null && this.strokes.length === 0
      ? this.network.samples[this.sample].label : null;
    const sample = label === null ? "The network"
      : `Test digit (${article(label)} ${label}): the network`;
    // A network trained on ten digits has no "none of these": say so for drawings.
    const caveat = label === null
      ? " It must pick one of the ten digits, even for a drawing that is none." : "";
    this.verdict.textContent = `${sample} reads ${article(name)} ${name} ` +
                               `(${percent(p[top])}).${caveat}`;
  }
}

for (const root of document.querySelectorAll(".tt-digit-reader")) {
  new DigitReader(root).load();
}
