// A classifier file and its forward pass, in plain JavaScript.
//
// The file is what book/_ext/tinytorch_book/classifier.py writes: safetensors (an
// 8-byte little-endian header length, a JSON header, little-endian float32 data),
// whose metadata lists the layers in order. The pass runs them one by one, in double
// precision on the float32 weights. A layer type new there must be added to LAYERS.
// Images between layers are channels x height x width, row by row, as in PyTorch.

const FORMAT = "tinytorch-classifier";
const VERSION = "2";
const JSON_FIELDS = ["layers", "input", "classes", "sample_labels", "about"];

const size = (shape) => shape.reduce((a, b) => a * b, 1);

function linear(x, layer, tensors, index) {
  const weight = tensors[layer.weight];
  const [outputs, inputs] = weight.shape;
  if (x.shape.length !== 1 || x.shape[0] !== inputs) {
    throw new Error(`layer ${index} (linear ${inputs}→${outputs}) got an input ` +
                    `of shape [${x.shape}]`);
  }
  const w = weight.values;
  const b = layer.bias === null ? null : tensors[layer.bias].values;
  const y = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let sum = b === null ? 0 : b[o];
    const row = o * inputs;
    for (let i = 0; i < inputs; i++) sum += w[row + i] * x.values[i];
    y[o] = sum;
  }
  return { shape: [outputs], values: y };
}

// Each output value is a filter's dot product with the window of every input channel
// under it; the padding is zeros outside the image, skipped rather than stored.
function conv2d(x, layer, tensors, index) {
  const weight = tensors[layer.weight];
  const [outputs, inputs, kh, kw] = weight.shape;
  const [channels, height, width] = x.shape;
  const [sy, sx] = layer.stride;
  const [py, px] = layer.padding;
  const oh = Math.floor((height + 2 * py - kh) / sy) + 1;
  const ow = Math.floor((width + 2 * px - kw) / sx) + 1;
  if (x.shape.length !== 3 || channels !== inputs || oh < 1 || ow < 1) {
    throw new Error(`layer ${index} (conv2d ${inputs}→${outputs}, ${kh}×${kw}) got ` +
                    `an input of shape [${x.shape}]`);
  }
  const w = weight.values;
  const b = layer.bias === null ? null : tensors[layer.bias].values;
  const y = new Float64Array(outputs * oh * ow);
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let sum = b === null ? 0 : b[o];
        for (let c = 0; c < inputs; c++) {
          for (let u = 0; u < kh; u++) {
            const row = i * sy - py + u;
            if (row < 0 || row >= height) continue;
            const xRow = (c * height + row) * width;
            const wRow = ((o * inputs + c) * kh + u) * kw;
            for (let v = 0; v < kw; v++) {
              const col = j * sx - px + v;
              if (col >= 0 && col < width) sum += w[wRow + v] * x.values[xRow + col];
            }
          }
        }
        y[(o * oh + i) * ow + j] = sum;
      }
    }
  }
  return { shape: [outputs, oh, ow], values: y };
}

// The largest value of each window, channel by channel.
function maxpool2d(x, layer, tensors, index) {
  const [channels, height, width] = x.shape;
  const [kh, kw] = layer.kernel;
  const [sy, sx] = layer.stride;
  const oh = Math.floor((height - kh) / sy) + 1;
  const ow = Math.floor((width - kw) / sx) + 1;
  if (x.shape.length !== 3 || oh < 1 || ow < 1) {
    throw new Error(`layer ${index} (maxpool2d ${kh}×${kw}) got an input of ` +
                    `shape [${x.shape}]`);
  }
  const y = new Float64Array(channels * oh * ow);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let top = -Infinity;
        for (let u = 0; u < kh; u++) {
          const xRow = (c * height + i * sy + u) * width + j * sx;
          for (let v = 0; v < kw; v++) top = Math.max(top, x.values[xRow + v]);
        }
        y[(c * oh + i) * ow + j] = top;
      }
    }
  }
  return { shape: [channels, oh, ow], values: y };
}

const LAYERS = {
  linear,
  relu: (x) => ({ shape: x.shape, values: x.values.map((v) => (v > 0 ? v : 0)) }),
  flatten: (x) => ({ shape: [x.values.length], values: x.values }),
  conv2d,
  maxpool2d,
};

// The network stored in `buffer` (an ArrayBuffer); throws an Error saying what is
// wrong with a file that is not one this reader runs, before any of it is used.
export function readNetwork(buffer) {
  const view = new DataView(buffer);
  const headerLength = buffer.byteLength >= 8 ? Number(view.getBigUint64(0, true)) : -1;
  if (headerLength < 2 || 8 + headerLength > buffer.byteLength) {
    throw new Error(`not a safetensors file (${buffer.byteLength} bytes): cut short, ` +
                    `or another kind of file`);
  }
  const header = parsed(new Uint8Array(buffer, 8, headerLength), "its header");
  const meta = { ...(header?.__metadata__ ?? {}) };
  if (meta.format !== FORMAT || meta.format_version !== VERSION) {
    throw new Error(`not a ${FORMAT} file of version ${VERSION} ` +
                    `(format ${meta.format}, version ${meta.format_version})`);
  }
  for (const field of JSON_FIELDS) meta[field] = parsed(meta[field], `its ${field}`);
  const start = 8 + headerLength;
  const tensors = {};
  for (const [name, spec] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [begin, end] = spec?.data_offsets ?? [];
    const shape = spec?.shape;
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0) ||
        !Number.isInteger(begin) || !(begin >= 0 && end >= begin)) {
      throw new Error(`tensor ${name}: its shape or place in the file is damaged`);
    }
    if (start + end > buffer.byteLength) {
      throw new Error(`tensor ${name} ends beyond the file's ${buffer.byteLength} ` +
                      `bytes: the file is cut short`);
    }
    const count = size(shape);
    if (spec.dtype !== "F32" || end - begin !== 4 * count) {
      throw new Error(`tensor ${name}: ${spec.dtype} [${shape}] in ` +
                      `${end - begin} bytes; this reader takes float32 only`);
    }
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(start + begin + 4 * i, true);
    if (!values.every(Number.isFinite)) {
      throw new Error(`tensor ${name} holds NaN or infinite values`);
    }
    tensors[name] = { shape, values };
  }
  return new Network(meta, tensors);
}

// JSON `text` (a string or UTF-8 bytes), or an Error naming `what` is damaged.
function parsed(text, what) {
  try {
    const string = typeof text === "string" ? text
      : new TextDecoder("utf-8", { fatal: true }).decode(text);
    return JSON.parse(string);
  } catch {
    throw new Error(`${what} is damaged (not JSON)`);
  }
}

export class Network {
  // Every layer must be one this reader runs, every tensor it names must be in the
  // file, and one blank image must pass through them all: a file that is not
  // whole fails here, not when the reader draws.
  constructor(meta, tensors) {
    meta.layers.forEach((layer, index) => {
      if (!(layer.type in LAYERS)) {
        throw new Error(`layer ${index} is a ${layer.type}, which this reader does ` +
                        `not run (it runs ${Object.keys(LAYERS).join(", ")})`);
      }
      for (const name of [layer.weight, layer.bias]) {
        if (name !== undefined && name !== null && !(name in tensors)) {
          throw new Error(`layer ${index} names the tensor ${name}, which the file ` +
                          `does not hold`);
        }
      }
    });
    this.meta = meta;
    this.tensors = tensors;
    this.imageSize = size(meta.input.image);
    if (!tensors.samples ||
        tensors.samples.values.length < meta.sample_labels.length * this.imageSize) {
      throw new Error("the file does not hold its test digits (tensor samples)");
    }
    const scores = this.forward(new Float32Array(this.imageSize));
    if (scores.length !== meta.classes.length) {
      throw new Error(`the network gives ${scores.length} scores for ` +
                      `${meta.classes.length} classes`);
    }
  }

  // How many weights the layers use (the samples aside).
  get parameterCount() {
    return Object.entries(this.tensors)
      .filter(([name]) => name !== "samples")
      .reduce((total, [, tensor]) => total + tensor.values.length, 0);
  }

  // The stored test images: [{image (Float32Array, row by row), label}].
  get samples() {
    const { values } = this.tensors.samples;
    return this.meta.sample_labels.map((label, i) => ({
      image: values.subarray(i * this.imageSize, (i + 1) * this.imageSize),
      label: this.meta.classes[label],
    }));
  }

  // The scores (logits) for one image: pixels in [0, 1], ink high, row by row,
  // standardized as the network's training data was.
  forward(image) {
    if (image.length !== this.imageSize) {
      throw new Error(`an image of ${image.length} pixels, not ${this.imageSize}`);
    }
    const { shape, mean, std } = this.meta.input;
    let x = { shape, values: Float64Array.from(image, (v) => (v - mean) / std) };
    this.meta.layers.forEach((layer, index) => {
      x = LAYERS[layer.type](x, layer, this.tensors, index);
    });
    return x.values;
  }
}

// Softmax, shifted by the largest score so that no exponential overflows.
export function probabilities(logits) {
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
