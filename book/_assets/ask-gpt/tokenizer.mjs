// Characters to ids and back (tinytorch/tokenizers.py's CharTokenizer): the id of a
// character is its place in the model file's alphabet.

export class UnknownCharacter extends Error {}

// What a phone or a word processor types in place of plain ASCII, as the ASCII the
// model read in training.
const PLAIN = {
  "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
  "\u2014": "-", "\u2026": "...", "\u00a0": " ",
};

// `text` with typographic quotes, dashes, ellipses and no-break spaces made plain.
export function plainText(text) {
  return text.replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0]/g, (c) => PLAIN[c]);
}

export class CharTokenizer {
  constructor(alphabet) {
    this.alphabet = [...alphabet];
    this.index = new Map(this.alphabet.map((c, i) => [c, i]));
  }

  encode(text) {
    return [...text].map((c, position) => {
      if (!this.index.has(c)) {
        throw new UnknownCharacter(`The model reads only the ${this.alphabet.length} ` +
          `characters it was trained on (printable ASCII): "${c}" (character ` +
          `${position + 1}) is not one of them. Type the question without it.`);
      }
      return this.index.get(c);
    });
  }

  decode(ids) {
    return ids.map((id) => this.alphabet[id]).join("");
  }
}
