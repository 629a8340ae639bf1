// A drawing made into an MNIST digit, the way MNIST's own digits were made: the
// ink's bounding box scaled to fit 20x20 pixels (keeping its aspect ratio, each new
// pixel the average of the ink it covers, so edges come out grey), then placed in a
// 28x28 image so that its centre of mass sits at the centre.

export const SIZE = 28;
export const BOX = 20;

// For each of `m` target cells, the source cells it covers out of `n`, as
// [index, weight] pairs whose weights add up to 1 (an area-averaging box filter).
function coverage(n, m) {
  const ratio = n / m;
  const cells = [];
  for (let j = 0; j < m; j++) {
    const from = j * ratio;
    const to = (j + 1) * ratio;
    const parts = [];
    for (let i = Math.floor(from); i < Math.min(n, Math.ceil(to)); i++) {
      const overlap = Math.min(to, i + 1) - Math.max(from, i);
      if (overlap > 0) parts.push([i, overlap / ratio]);
    }
    cells.push(parts);
  }
  return cells;
}

// The box (x0, y0, w, h) of `ink` (width wide) resampled to tw x th pixels.
function resample(ink, width, [x0, y0, w, h], tw, th) {
  const columns = coverage(w, tw);
  const rows = coverage(h, th);
  const across = new Float64Array(h * tw);
  for (let y = 0; y < h; y++) {
    const line = (y0 + y) * width + x0;
    columns.forEach((parts, j) => {
      let sum = 0;
      for (const [i, weight] of parts) sum += weight * ink[line + i];
      across[y * tw + j] = sum;
    });
  }
  const out = new Float64Array(th * tw);
  rows.forEach((parts, k) => {
    for (let j = 0; j < tw; j++) {
      let sum = 0;
      for (const [i, weight] of parts) sum += weight * across[i * tw + j];
      out[k * tw + j] = sum;
    }
  });
  return out;
}

// `ink` (values in [0, 1], row by row, width x height) as a 28x28 MNIST digit
// (Float32Array, ink high), or null if there is no ink.
export function mnistStyle(ink, width, height) {
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  const [w, h] = [right - left + 1, bottom - top + 1];
  const scale = BOX / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));
  const small = resample(ink, width, [left, top, w, h], tw, th);
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const place = (centre, extent) =>
    Math.min(SIZE - extent, Math.max(0, Math.round(SIZE / 2 - centre / mass)));
  const [dx, dy] = [place(mx, tw), place(my, th)];
  const image = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      image[(dy + y) * SIZE + dx + x] = Math.min(1, small[y * tw + x]);
    }
  }
  return image;
}
