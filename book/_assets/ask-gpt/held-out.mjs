// The chapter's held-out questions, one click away, each with its reference answer
// and, once asked here, the answer this browser's model gave. The list is one tab
// stop: the arrow keys (and Home, End) move between its questions, Enter asks one.

import { turnsOf } from "./conversation.mjs";
import { element, uniqueId } from "./dom.mjs";

const MOVES = { ArrowDown: 1, ArrowUp: -1 };

export class HeldOut {
  // `talks`: the file's held_out; `onAsk(index)` asks talk `index`.
  constructor(talks, onAsk) {
    this.talks = talks;
    const right = talks.filter((t) => t.answer === t.reference).length;
    const levels = [...new Set(talks.map((t) => t.level))].sort();
    const filterId = uniqueId("levels");
    this.filter = element("select", { id: filterId, class: "tt-ag-select" },
      element("option", { value: "" }, `all levels (${talks.length})`),
      ...levels.map((level) => element("option", { value: String(level) },
        `level ${level} (${talks.filter((t) => t.level === level).length})`)));
    this.list = element("ul", { class: "tt-ag-held-out-list",
                                "aria-label": "Held-out questions" });
    this.items = talks.map((talk, index) => this.item(talk, index, onAsk));
    this.list.append(...this.items.map((item) => item.node));
    this.node = element("section", { class: "tt-ag-held-out" },
      element("p", { class: "tt-ag-held-out-intro" },
        `The ${talks.length} questions the model never saw in training: the ` +
        `chapter's Python run answered ${right} of them exactly. Pick one to ask it ` +
        "here (with the turn before it, for a follow-up); the reference answer is " +
        "beside it."),
      element("p", { class: "tt-ag-control" },
              element("label", { for: filterId }, "Show"), this.filter),
      this.list);
    this.filter.addEventListener("change", () => this.applyFilter());
    this.list.addEventListener("keydown", (event) => this.move(event));
    this.focusable(0);
  }

  item(talk, index, onAsk) {
    const { turns, question } = turnsOf(talk.prompt);
    const before = turns.length ? element("span", { class: "tt-ag-before" },
      `after “${turns[turns.length - 1][0]}”`) : "";
    const here = element("span", { class: "tt-ag-here" });
    const button = element("button", { type: "button", class: "tt-ag-talk",
                                       tabindex: "-1" },
      element("span", { class: "tt-ag-level" }, `L${talk.level}`),
      element("span", { class: "tt-ag-question" }, question), before,
      element("span", { class: "tt-ag-reference" }, `reference: ${talk.reference}`),
      here);
    button.addEventListener("click", () => {
      this.focusable(index);
      onAsk(index);
    });
    return { node: element("li", {}, button), button, here };
  }

  // The answer this page's model gave to talk `index`, beside its reference.
  record(index, answer) {
    const right = answer === this.talks[index].reference;
    const { here, button } = this.items[index];
    here.textContent = `here: ${answer} ${right ? "✓ right" : "✗ wrong"}`;
    here.classList.toggle("tt-ag-wrong", !right);
    button.dataset.answer = answer;
  }

  applyFilter() {
    const level = this.filter.value;
    this.items.forEach(({ node }, i) => {
      node.hidden = level !== "" && String(this.talks[i].level) !== level;
    });
    this.focusable(this.items.findIndex(({ node }) => !node.hidden));
  }

  // The one question the Tab key reaches.
  focusable(index) {
    this.items[this.current]?.button.setAttribute("tabindex", "-1");
    this.items[index]?.button.setAttribute("tabindex", "0");
    this.current = index;
  }

  move(event) {
    const visible = this.items.map((item, i) => [item, i]).filter(([item]) => !item.node.hidden);
    const at = visible.findIndex(([item]) => item.button === document.activeElement);
    if (at < 0) return;
    let next;
    if (event.key in MOVES) next = Math.min(visible.length - 1, Math.max(0, at + MOVES[event.key]));
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = visible.length - 1;
    else return;
    event.preventDefault();
    const [item, index] = visible[next];
    this.focusable(index);
    item.button.focus();
  }
}
