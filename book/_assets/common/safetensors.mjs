// A safetensors file, read: an 8-byte little-endian header length, a JSON header
// (each tensor's dtype, shape and place in the data, and string `__metadata__`), then
// the raw little-endian data. Float32 tensors only: every file the site publishes
// (book/_ext/tinytorch_book/) holds float32 weights.
//
// Anything that does not hold together throws an Error that says what is wrong, before
// a value of it is used.

const size = (shape) => shape.reduce((a, b) => a * b, 1);

// JSON `text` (a string or UTF-8 bytes), or an Error saying that `what` is damaged.
export function parsedJson(text, what) {
  try {
    const string = typeof text === "string" ? text
      : new TextDecoder("utf-8", { fatal: true }).decode(text);
    return JSON.parse(string);
  } catch {
    throw new Error(`${what} is damaged (not JSON)`);
  }
}

// {metadata, tensors} of the file in `buffer` (an ArrayBuffer); each tensor is
// {shape, values (a Float32Array, row-major)}.
export function readSafetensors(buffer) {
  const view = new DataView(buffer);
  const headerLength = buffer.byteLength >= 8 ? Number(view.getBigUint64(0, true)) : -1;
  if (headerLength < 2 || 8 + headerLength > buffer.byteLength) {
    throw new Error(`not a safetensors file (${buffer.byteLength} bytes): cut short, ` +
                    `or another kind of file`);
  }
  const header = parsedJson(new Uint8Array(buffer, 8, headerLength), "its header");
  const start = 8 + headerLength;
  const tensors = {};
  for (const [name, spec] of Object.entries(header ?? {})) {
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
      throw new Error(`tensor ${name}: ${spec.dtype} [${shape}] in ${end - begin} ` +
                      `bytes; only float32 tensors are read`);
    }
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(start + begin + 4 * i, true);
    tensors[name] = { shape, values };
  }
  return { metadata: { ...(header?.__metadata__ ?? {}) }, tensors };
}
