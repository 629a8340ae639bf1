// A conversation held within the context window, as Milestone 05's dialogue script
// holds it (milestones/05_2017_transformer/02_vaswani_dialogue.py, `window`): the text
// is JourneyTalks' ("Q: ...", "A: ..." lines), and each question is asked after as
// many of the latest turns as fit, whole, in `size` characters with it. Earlier turns
// slide out: the model sees nothing of them.

export const turnText = (question, answer) => `Q: ${question}\nA: ${answer}\n`;
export const questionText = (question) => `Q: ${question}\nA: `;

export class Conversation {
  // `size`: the characters a prompt may take (the window less the room for an answer).
  constructor(size) {
    this.size = size;
    this.turns = [];
  }

  // The prompt for `question`, and how many turns it keeps and leaves out.
  prompt(question) {
    let prompt = questionText(question);
    let kept = 0;
    for (let i = this.turns.length - 1; i >= 0; i--) {
      const turn = turnText(...this.turns[i]);
      if (turn.length + prompt.length > this.size) break;
      prompt = turn + prompt;
      kept += 1;
    }
    return { prompt, kept, left: this.turns.length - kept };
  }

  add(question, answer) {
    this.turns.push([question, answer]);
  }

  clear() {
    this.turns = [];
  }
}

// The turns of a prompt written by questionText and turnText: {turns (earlier
// [question, answer] pairs), question (the last, unanswered)}.
export function turnsOf(prompt) {
  const lines = prompt.split("\n");
  const turns = [];
  for (let i = 0; i + 1 < lines.length - 1; i += 2) {
    turns.push([lines[i].slice(3), lines[i + 1].slice(3)]);
  }
  return { turns, question: lines[lines.length - 2].slice(3) };
}
