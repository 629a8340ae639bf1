// "Where it looks": the attention of one head while the model writes, drawn as the
// chapter's figure draws it: one row per character written (from the position that
// scored it), one column per character of the context (the prompt, then the answer
// so far), darker where the head puts more weight (the darkest is the largest weight
// shown, or 1). Under the map, the context's characters, shaded by the weights of one
// step: the latest while it writes, or the step the reader picks.
//
// The weights drawn are kept on the canvas (`canvas.drawn`), so that a test can
// compare them with the Python model's.

import { element, shown, themeColour, uniqueId } from "./dom.mjs";

const ROW = 14; // CSS pixels per row
const LABELS = 28; // CSS pixels left of the map for the characters written

function select(label, count, chosen, name) {
  const id = uniqueId(name);
  const menu = element("select", { id, class: "tt-ag-select" });
  for (let i = 0; i < count; i++) {
    const option = element("option", { value: String(i) }, String(i + 1));
    option.selected = i === chosen;
    menu.append(option);
  }
  return [element("label", { for: id }, label), menu];
}

export class AttentionMap {
  // `onStep(index)`: called with the step shown (the latest, or one picked; null for
  // none).
  constructor(config, tokenizer, { layer, head }, onStep) {
    this.tokenizer = tokenizer;
    this.onStep = onStep;
    const [layerLabel, layerMenu] = select("Layer", config.n_layer, layer, "layer");
    const [headLabel, headMenu] = select("Head", config.n_head, head, "head");
    const stepId = uniqueId("step");
    this.layerMenu = layerMenu;
    this.headMenu = headMenu;
    this.stepInput = element("input", { id: stepId, type: "range", min: "1", max: "1",
                                        value: "1", class: "tt-ag-step", disabled: "" });
    this.canvas = element("canvas", { class: "tt-ag-map", role: "img", height: "0",
                                      "aria-label": "The attention map: empty" });
    this.caption = element("p", { class: "tt-ag-looks" });
    this.context = element("p", { class: "tt-ag-context" });
    this.node = element("div", { class: "tt-ag-where" },
      element("div", { class: "tt-ag-map-controls" },
        element("span", { class: "tt-ag-control" }, layerLabel, layerMenu),
        element("span", { class: "tt-ag-control" }, headLabel, headMenu),
        element("span", { class: "tt-ag-control tt-ag-step-control" },
          element("label", { for: stepId }, "Step"), this.stepInput)),
      this.canvas, this.caption, this.context);
    for (const menu of [layerMenu, headMenu]) {
      menu.addEventListener("change", () => this.draw());
    }
    this.stepInput.addEventListener("input", () => this.pick(Number(this.stepInput.value) - 1));
    this.canvas.addEventListener("pointerdown", (event) => {
      const box = this.canvas.getBoundingClientRect();
      this.pick(Math.floor((event.clientY - box.top) / ROW));
    });
    new ResizeObserver(([entry]) => {  // a new width only: each row added changes the height
      if (entry.contentRect.width === this.available) return;
      this.available = entry.contentRect.width;
      this.draw();
    }).observe(this.canvas);
    this.followTheme();
    this.start("");
    this.flush();
  }

  // The map's colours are the theme's: read again when the reader switches it.
  followTheme() {
    this.heat = themeColour("--pst-color-primary");
    this.ink = themeColour("--pst-color-text-base");
    if (this.steps) this.draw();
  }

  // A new answer to `prompt`: no rows yet.
  start(prompt) {
    this.prompt = prompt;
    this.steps = [];
    this.picked = null; // null: follow the latest step
    this.later();
  }

  // One more step: {id, attention (attention[layer][head][position])}. It is drawn
  // with the next frame: the model may write several characters between two.
  add(step) {
    this.steps.push(step);
    this.later();
  }

  later() {
    this.pending ??= requestAnimationFrame(() => this.flush());
  }

  // Draw now what is not drawn yet.
  flush() {
    cancelAnimationFrame(this.pending);
    this.pending = null;
    this.draw();
  }

  pick(index) {
    if (index < 0 || index >= this.steps.length) return;
    this.picked = index;
    this.draw();
  }

  get shownStep() {
    return this.picked ?? this.steps.length - 1;
  }

  draw() {
    const layer = Number(this.layerMenu.value);
    const head = Number(this.headMenu.value);
    const rows = this.steps.map((step) => step.attention[layer][head]);
    const written = this.tokenizer.decode(this.steps.map((step) => step.id));
    const columns = this.prompt.length + Math.max(0, rows.length - 1);
    const text = (this.prompt + written).slice(0, columns);
    this.canvas.drawn = { layer, head, context: text, rows: rows.map((r) => Array.from(r)) };
    let top = 0;
    for (const weights of rows) for (const w of weights) top = Math.max(top, w);
    top = Math.min(1, top);
    this.paint(rows, written, columns, top);
    const index = this.shownStep;
    this.stepInput.max = String(Math.max(1, rows.length));
    this.stepInput.value = String(index + 1);
    this.stepInput.disabled = rows.length < 2;
    this.shade(rows[index], text, written[index], index, top, layer, head);
    this.onStep(index >= 0 ? index : null);
  }

  // The map on the canvas: the rows as a small image, scaled without smoothing.
  paint(rows, written, columns, top) {
    const canvas = this.canvas;
    const density = Math.min(2, Math.max(1, Math.round(window.devicePixelRatio || 1)));
    const width = this.available ?? 0; // the ResizeObserver's: no layout forced here
    const height = rows.length * ROW;
    if (width !== this.width || height !== this.height) {
      [this.width, this.height] = [width, height];
      canvas.style.height = `${height}px`;
      canvas.width = width * density;
      canvas.height = height * density;
    }
    canvas.setAttribute("aria-label", rows.length === 0 ? "The attention map: empty"
      : `The attention map of layer ${Number(this.layerMenu.value) + 1}, head ` +
        `${Number(this.headMenu.value) + 1}: one row for each of the ${rows.length} ` +
        `characters written, one column for each of the ${columns} characters of the ` +
        `context`);
    const context = canvas.getContext("2d");
    context.setTransform(density, 0, 0, density, 0, 0);
    context.clearRect(0, 0, width, height);
    if (rows.length === 0 || width === 0) return;
    const [r, g, b] = this.heat;
    const image = new ImageData(columns, rows.length);
    rows.forEach((weights, i) => weights.forEach((w, j) => {
      image.data.set([r, g, b, Math.round((255 * Math.min(w, top)) / top)],
                     4 * (i * columns + j));
    }));
    const small = element("canvas", { width: columns, height: rows.length });
    small.getContext("2d").putImageData(image, 0, 0);
    context.imageSmoothingEnabled = false;
    context.drawImage(small, LABELS, 0, width - LABELS, rows.length * ROW);
    context.fillStyle = `rgb(${this.ink.join(" ")})`;
    context.font = `${ROW - 3}px ui-monospace, monospace`;
    context.textBaseline = "middle";
    [...written].forEach((c, i) => context.fillText(`→${shown(c)}`, 2, (i + 0.5) * ROW));
    const answerStart = LABELS + ((width - LABELS) * this.prompt.length) / columns;
    context.strokeStyle = context.fillStyle;
    context.setLineDash([3, 3]);
    context.strokeRect(answerStart, 0, 0, rows.length * ROW);
    context.setLineDash([]);
    context.strokeRect(LABELS, this.shownStep * ROW + 0.5, width - LABELS - 0.5, ROW - 1);
  }

  // The context's characters, each shaded by the weight step `index` gave it.
  shade(weights, text, c, index, top, layer, head) {
    if (weights === undefined) {
      this.caption.textContent = "Ask a question: the map then shows, row by row, " +
        "where the head looks while the model writes its answer.";
      this.context.replaceChildren();
      return;
    }
    this.caption.textContent = `Layer ${layer + 1}, head ${head + 1}, at step ${index + 1} ` +
      `(writing “${shown(c)}”) looks at:`;
    const [r, g, b] = this.heat;
    // one span a character, kept from frame to frame
    const chars = [...text.slice(0, weights.length)].map((ch) => (ch === "\n" ? "↵" : ch));
    while (this.context.childElementCount < chars.length) this.context.append(element("span"));
    while (this.context.childElementCount > chars.length) this.context.lastChild.remove();
    chars.forEach((ch, j) => {
      const span = this.context.children[j];
      const alpha = (0.75 * Math.min(weights[j], top)) / top;
      if (span.textContent !== ch) span.textContent = ch;
      span.title = `${(100 * weights[j]).toFixed(1)} %`;
      span.style.background = `rgb(${r} ${g} ${b} / ${alpha.toFixed(3)})`;
    });
  }
}
