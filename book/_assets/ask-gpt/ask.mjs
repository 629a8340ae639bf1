// The "Ask this build's GPT" box: the reader types a question, and the GPT trained
// when this site was built answers it in the browser, character by character, while
// the box shows where one head looks and the five characters it found most likely.
// Each `.tt-ask-gpt` element (written by the ask-gpt directive,
// book/_ext/tinytorch_site/ask_gpt.py) names the model file and the site's
// manifest.json in data attributes; the file is used only once its bytes are the
// ones the manifest records.

import { fetchPublished, PublishedFileError } from "../common/published-file.mjs";
import { AttentionMap } from "./attention-map.mjs";
import { Choices } from "./choices.mjs";
import { Conversation, turnsOf } from "./conversation.mjs";
import { afterPaint, element, uniqueId, yieldToBrowser } from "./dom.mjs";
import { generate } from "./generate.mjs";
import { HeldOut } from "./held-out.mjs";
import { readModelFile } from "./model-file.mjs";
import { chooser, seededRandom } from "./sampling.mjs";
import { plainText, UnknownCharacter } from "./tokenizer.mjs";

const TOP_K = ["all", "20", "10", "5", "3"];
// The page shows the answer so far after each SLICE ms of the model's work: a slow phone
// writes it in bursts, a laptop shows it whole. Each update costs the page a frame,
// which on a phone-class CPU takes about as long as the model's whole answer.
const SLICE = 100;
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// The model in the checked bytes of the file `name`, if it is whole and this build's;
// else a PublishedFileError that says what is wrong.
function usable(bytes, name, manifest) {
  let file;
  try {
    file = readModelFile(bytes);
  } catch (error) {
    throw new PublishedFileError("damaged", `${name} cannot be used: ${error.message}. ` +
                                 "Rebuild the site (make site).");
  }
  if (file.meta.fingerprint !== manifest.fingerprint) {
    throw new PublishedFileError("not-this-build", `${name} is not this build's: it ` +
      `was trained from sources ${String(file.meta.fingerprint).slice(0, 12)}, the ` +
      `site was built from ${manifest.fingerprint.slice(0, 12)}. Rebuild the site ` +
      "(make site).");
  }
  return file;
}

function labelled(label, control) {
  control.id = uniqueId("control");
  return element("span", { class: "tt-ag-control" },
                 element("label", { for: control.id }, label), control);
}

class AskBox {
  constructor(root) {
    this.root = root;
    this.busy = false;
    this.answered = 0;
    this.build();
  }

  build() {
    this.input = element("input", { type: "text", class: "tt-ag-input", autocomplete: "off",
                                    spellcheck: "false", enterkeyhint: "send",
                                    placeholder: "When was LeNet?", disabled: "" });
    this.askButton = element("button", { type: "submit", class: "tt-ag-button",
                                         disabled: "" }, "Ask");
    const question = labelled("Your question", this.input);
    question.classList.add("tt-ag-question-row");
    this.form = element("form", { class: "tt-ag-form" }, question, this.askButton);
    this.status = element("p", { class: "tt-ag-status", role: "status" });
    this.log = element("ol", { class: "tt-ag-log", "aria-label": "The conversation" });
    this.windowNote = element("p", { class: "tt-ag-window" });
    this.temperature = element("input", { type: "range", min: "0", max: "2", step: "0.1",
                                          value: "0" });
    this.topK = element("select", { class: "tt-ag-select" },
      ...TOP_K.map((k) => element("option", { value: k }, k)));
    this.seed = element("input", { type: "number", min: "0", max: "4294967295", value: "1",
                                   class: "tt-ag-seed" });
    this.summary = element("summary", {});
    this.newButton = element("button", { type: "button", class: "tt-ag-button" },
                             "New conversation");
    this.settings = element("details", { class: "tt-ag-settings" }, this.summary,
      element("div", { class: "tt-ag-settings-body" },
        labelled("Temperature", this.temperature), labelled("Top-k", this.topK),
        labelled("Seed", this.seed)));
    this.insight = element("div", { class: "tt-ag-insight" });
    this.file = element("p", { class: "tt-ag-file" });
    this.root.prepend(
      element("div", { class: "tt-ag-chat" }, this.log, this.windowNote, this.form,
              this.status, element("div", { class: "tt-ag-options" }, this.settings,
                                   this.newButton)),
      this.insight, this.file);
    this.describeSampling();
    this.setState("loading", "Loading the model…");
  }

  setState(state, message) {
    this.root.dataset.state = state;
    if (message !== undefined) this.status.textContent = message;
  }

  async load() {
    const url = new URL(this.root.dataset.model, document.baseURI);
    try {
      const { bytes, name, manifest } = await fetchPublished(url, this.root.dataset.manifest);
      Object.assign(this, usable(bytes, name, manifest));
      this.describe(url, bytes.byteLength, manifest);
    } catch (error) {
      this.setState("error", `The model was not loaded. ${error.message}`);
      console.error(`ask-gpt: ${error.message}`);
      return;
    }
    const { config, generation, attention, held_out: talks } = this.meta;
    this.conversation = new Conversation(config.block_size - generation.max_new_tokens);
    this.input.maxLength = this.conversation.size - "Q: \nA: ".length;
    this.choices = new Choices(this.tokenizer);
    this.map = new AttentionMap(config, this.tokenizer, attention,
      (index) => this.choices.show(index === null ? null : { ...this.steps[index], index }));
    this.heldOut = new HeldOut(talks, (index) => this.ask(turnsOf(talks[index].prompt).question,
                                                          index));
    this.insight.append(this.map.node, this.choices.node);
    this.insight.after(this.heldOut.node);
    this.listen();
    this.input.disabled = this.askButton.disabled = false;
    this.setState("ready", "Ask a question, or pick one of the held-out questions below.");
  }

  // The file line: what the model is and that it is this build's, as checked.
  describe(url, bytes, manifest) {
    const weights = Object.values(this.model.tensors)
      .reduce((total, tensor) => total + tensor.values.length, 0);
    const link = element("a", { href: url.href, download: "" }, url.pathname.split("/").pop());
    const check = element("span", { class: "tt-ag-check" },
      `its SHA-256 matches manifest.json (build ${manifest.fingerprint.slice(0, 12)}).`);
    this.file.append(`${this.meta.title}: ${weights.toLocaleString("en-US")} float32 ` +
                     "weights, ", link, ` (${(bytes / 1024).toFixed(0)} KiB), trained ` +
                     "when this site was built; ", check);
  }

  listen() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const question = plainText(this.input.value).trim();
      if (question === "") {
        this.status.textContent = "Type a question first, then press Enter.";
        return;
      }
      this.ask(question);
    });
    for (const control of [this.temperature, this.topK, this.seed]) {
      control.addEventListener("input", () => this.describeSampling());
    }
    this.newButton.addEventListener("click", () => {
      this.conversation.clear();
      this.log.replaceChildren();
      this.windowNote.textContent = "";
      this.map.start("");
      this.choices.show(null);
      this.status.textContent = "A new conversation: the model sees no earlier turn.";
    });
    new MutationObserver(() => this.map.followTheme()).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] });
  }

  sampling() {
    const temperature = Number(this.temperature.value);
    const topK = this.topK.value === "all" ? null : Number(this.topK.value);
    const seed = Math.max(0, Math.floor(Number(this.seed.value) || 0)) >>> 0;
    return { temperature, topK, seed };
  }

  describeSampling() {
    const { temperature, topK, seed } = this.sampling();
    this.seed.disabled = this.topK.disabled = temperature === 0;
    this.summary.textContent = temperature === 0
      ? "Sampling: greedy (the most likely character every time)"
      : `Sampling: temperature ${temperature.toFixed(1)}, top-k ${topK ?? "all"}, ` +
        `seed ${seed}`;
  }

  // Add a turn to the log; returns the element its answer is written into.
  logTurn(question, answer, kind) {
    const written = element("span", { class: "tt-ag-answer" }, answer);
    const mark = element("span", { class: "tt-ag-mark" });
    const who = kind === "context" ? "Earlier in the held-out talk" : "You";
    this.log.append(element("li", { class: `tt-ag-turn tt-ag-${kind}` },
      element("p", { class: "tt-ag-q" }, element("span", { class: "tt-ag-who" }, `${who}: `),
              question),
      element("p", { class: "tt-ag-a" }, element("span", { class: "tt-ag-who" }, "GPT: "),
              written, mark)));
    return { written, mark };
  }

  // A held-out talk's earlier turns become the conversation.
  startTalk(talk) {
    const { turns } = turnsOf(talk.prompt);
    this.conversation.turns = turns;
    this.log.replaceChildren();
    turns.forEach(([q, a]) => this.logTurn(q, a, "context"));
  }

  // Which turns the model sees with `prompt`: the `left` earliest no longer fit.
  showWindow(prompt, left) {
    [...this.log.children].forEach((li, i) => li.classList.toggle("tt-ag-outside", i < left));
    const { block_size: block } = this.meta.config;
    const kept = this.conversation.turns.length - left;
    const seen = `${prompt.length} of the ${block} characters of its window`;
    this.windowNote.classList.toggle("tt-ag-full", left > 0);
    this.windowNote.textContent = left > 0
      ? `The window is full: the ${plural(left, "earliest turn")} no longer fit, and ` +
        `the model does not see ${left === 1 ? "it" : "them"} (greyed out). It reads ` +
        `this question after the last ${plural(kept, "turn")}: ${seen}, with ` +
        `${this.meta.generation.max_new_tokens} kept for the answer.`
      : `The model reads this question ${kept ? `after the ${plural(kept, "turn")} ` +
        "before it" : "alone"}: ${seen}.`;
  }

  async ask(question, talkIndex = null) {
    if (this.busy) return;
    const started = performance.now();
    const talk = talkIndex === null ? null : this.meta.held_out[talkIndex];
    const { prompt, left } = talk ? { prompt: talk.prompt, left: 0 }
      : this.conversation.prompt(question);
    let ids;
    try {
      ids = this.tokenizer.encode(prompt);
    } catch (error) {
      if (!(error instanceof UnknownCharacter)) throw error;
      this.status.textContent = error.message;
      return;
    }
    if (talk) this.startTalk(talk);
    this.showWindow(prompt, left);
    this.busy = true;
    this.askButton.disabled = true;
    this.status.textContent = "The model is writing…";
    if (!talk) this.input.value = "";
    const { written, mark } = this.logTurn(question, "", talk ? "held-out" : "asked");
    const { temperature, topK, seed } = this.sampling();
    const choose = chooser({ temperature, topK, random: seededRandom(seed) });
    const { max_new_tokens: maxNewTokens } = this.meta.generation;
    this.steps = [];
    this.map.start(prompt);
    let computing = 0;
    let slice = performance.now();
    const steps = generate(this.model, ids, { maxNewTokens, stopId: this.stopId, choose });
    try {
      for (;;) {
        const before = performance.now();
        const { value: step, done } = steps.next();
        computing += performance.now() - before;
        if (done) break;
        this.steps.push(step);
        if (step.id !== this.stopId) written.textContent += this.tokenizer.decode([step.id]);
        this.map.add(step);
        if (performance.now() - slice > SLICE) {  // the browser shows what is written
          await yieldToBrowser();
          slice = performance.now();
        }
      }
    } catch (error) {
      this.busy = false;
      this.askButton.disabled = false;
      this.status.textContent = `The model stopped: ${error.message}. Start a new ` +
                                "conversation, or reload the page.";
      console.error(`ask-gpt: ${error.message}`);
      return;
    }
    this.map.flush();
    const answer = written.textContent;
    this.finish(question, answer, mark, talkIndex, { temperature, topK, seed });
    await afterPaint();
    this.report(answer, performance.now() - started, computing);
  }

  // The answer's marks: how it was sampled, and for a held-out question, whether it
  // is the reference and the chapter's Python run's.
  finish(question, answer, mark, talkIndex, { temperature, topK, seed }) {
    this.conversation.add(question, answer);
    const notes = [];
    if (temperature > 0) {
      notes.push(`sampled: temperature ${temperature.toFixed(1)}, top-k ${topK ?? "all"}, ` +
                 `seed ${seed}`);
    }
    if (talkIndex !== null) {
      const { reference, answer: python } = this.meta.held_out[talkIndex];
      const right = answer === reference;
      mark.classList.toggle("tt-ag-wrong", !right);
      notes.push(right ? "✓ right" : "✗ wrong", `reference: ${reference}`);
      if (temperature === 0) {
        notes.push(python === answer ? "the chapter's Python run answered the same"
          : `the chapter's Python run answered ${python}`);
      }
      this.heldOut.record(talkIndex, answer);
    }
    mark.textContent = notes.join(" · ");
  }

  // The time from the question to the answer shown, and the model's share of it.
  report(answer, ms, computing) {
    this.answered += 1;
    Object.assign(this.root.dataset, { answer, answers: this.answered, ms: ms.toFixed(1),
                                       computeMs: computing.toFixed(1) });
    this.busy = false;
    this.askButton.disabled = false;
    this.status.textContent = `The model answered “${answer}” in ${ms.toFixed(0)} ms in ` +
                              `this browser (its arithmetic: ${computing.toFixed(0)} ms).`;
  }
}

for (const root of document.querySelectorAll(".tt-ask-gpt")) {
  new AskBox(root).load();
}
