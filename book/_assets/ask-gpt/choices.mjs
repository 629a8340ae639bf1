// "What it could have said": the five most likely next characters at one step of an
// answer, with their probabilities; the one the model wrote is marked.

import { element, percent, shown } from "./dom.mjs";
import { topChoices } from "./sampling.mjs";

export class Choices {
  constructor(tokenizer) {
    this.tokenizer = tokenizer;
    this.caption = element("p", { class: "tt-ag-choices-caption" });
    this.list = element("ol", { class: "tt-ag-choices",
                                "aria-label": "The five most likely next characters" });
    this.node = element("div", { class: "tt-ag-choices-box" }, this.caption, this.list);
    this.show(null);
  }

  // `step`: {logits, id, index} of one step, or null for none.
  show(step) {
    this.list.replaceChildren();
    if (step === null) {
      this.caption.textContent = "The five characters the model finds most likely " +
                                 "at each step will show here.";
      return;
    }
    const chosen = this.tokenizer.decode([step.id]);
    this.caption.textContent = `Step ${step.index + 1}: the model wrote ` +
      `“${shown(chosen)}”; the five characters it found most likely:`;
    for (const { id, p } of topChoices(step.logits, 5)) {
      const c = this.tokenizer.decode([id]);
      const bar = element("span", { class: "tt-ag-bar", "aria-hidden": "true" },
                          element("span", { style: `width: ${100 * p}%` }));
      const item = element("li", { class: id === step.id ? "tt-ag-chosen" : "" },
        element("span", { class: "tt-ag-char", title: c === "\n" ? "end of answer" : c },
                shown(c)),
        bar, element("span", { class: "tt-ag-p" }, percent(p)));
      this.list.append(item);
    }
  }
}
