// Pooling geometry for drawing windows, plain-JavaScript reference implementations (the page
// times argpool against them and checks that both agree bit for bit), colours and formatting.

// The window of output (i, j): its top-left tap (may lie in the padding) and its tapped rows/cols.
export function windowOf(i, j, p) {
  const top = i * p.stride - p.padding;
  const left = j * p.stride - p.padding;
  const rows = [];
  const cols = [];
  for (let a = 0; a < p.kernel; ++a) rows.push(top + a * p.dilation);
  for (let b = 0; b < p.kernel; ++b) cols.push(left + b * p.dilation);
  return { top, left, rows, cols };
}

// Position of input cell (r, c) within the window of output (i, j): a * kernel + b.
export function positionInWindow(r, c, i, j, p) {
  const a = (r - (i * p.stride - p.padding)) / p.dilation;
  const b = (c - (j * p.stride - p.padding)) / p.dilation;
  return a * p.kernel + b;
}

// --- Plain-JavaScript references (NCHW planes, square parameters) ------------------------------

// max_pool2d_with_indices on the CPU, as PyTorch 1.13 computes it: the first maximum in scan
// order wins ties, a NaN always replaces the running maximum, padding never wins.
// The output size (oh, ow) comes from the library (ap.outputShape): shape rules live in argpool.
// `out` ({ values, indices }, optional): arrays to write into instead of new ones (every element is
// written), as a loop that reuses its results would.
export function referenceMaxPool(input, planes, height, width, p, oh, ow, out = null) {
  const values = out?.values ?? new input.constructor(planes * oh * ow);
  const indices = out?.indices ?? new Int32Array(planes * oh * ow);
  const { kernel: k, stride: s, padding: pad, dilation: d } = p;
  let o = 0;
  for (let plane = 0; plane < planes; ++plane) {
    const base = plane * height * width;
    for (let i = 0; i < oh; ++i) {
      let h0 = i * s - pad;
      const h1 = Math.min(h0 + (k - 1) * d + 1, height);
      while (h0 < 0) h0 += d;
      for (let j = 0; j < ow; ++j, ++o) {
        let w0 = j * s - pad;
        const w1 = Math.min(w0 + (k - 1) * d + 1, width);
        while (w0 < 0) w0 += d;
        let maxIndex = h0 * width + w0;
        let maxValue = -Infinity;
        for (let h = h0; h < h1; h += d) {
          for (let w = w0; w < w1; w += d) {
            const index = h * width + w;
            const v = input[base + index];
            if (v > maxValue || Number.isNaN(v)) {
              maxValue = v;
              maxIndex = index;
            }
          }
        }
        values[o] = maxValue;
        indices[o] = maxIndex;
      }
    }
  }
  return { values, indices, oh, ow };
}

// max_unpool2d: every value back at its flat index in a zero plane.
// `target` (optional): an array to write into instead of a new one (zeroed first).
export function referenceMaxUnpool(values, indices, planes, pooledSize, height, width, target = null) {
  const out = target === null ? new values.constructor(planes * height * width) : target.fill(0);
  for (let plane = 0; plane < planes; ++plane) {
    const src = plane * pooledSize;
    const dst = plane * height * width;
    for (let o = 0; o < pooledSize; ++o) out[dst + indices[src + o]] = values[src + o];
  }
  return out;
}

// max_pool2d_with_indices_backward: every gradient added at its flat index, in order.
// `target` (optional): an array to write into instead of a new one (zeroed first).
export function referenceBackward(grad, indices, planes, pooledSize, height, width, target = null) {
  const out = target === null ? new grad.constructor(planes * height * width) : target.fill(0);
  for (let plane = 0; plane < planes; ++plane) {
    const src = plane * pooledSize;
    const dst = plane * height * width;
    for (let o = 0; o < pooledSize; ++o) out[dst + indices[src + o]] += grad[src + o];
  }
  return out;
}

// Same length and the same bits everywhere (so NaN equals NaN and 0 differs from -0).
export function identical(a, b) {
  if (a.length !== b.length || a.BYTES_PER_ELEMENT !== b.BYTES_PER_ELEMENT) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; ++i) if (x[i] !== y[i]) return false;
  return true;
}

// --- Random numbers (seeded, so presets are repeatable) ----------------------------------------

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- Colours -----------------------------------------------------------------------------------

function ramp(stops) {
  const rgb = stops.map((hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)));
  return (t) => {
    const x = Math.min(Math.max(t, 0), 1) * (rgb.length - 1);
    const k = Math.min(Math.floor(x), rgb.length - 2);
    const f = x - k;
    return rgb[k].map((v, c) => Math.round(v + (rgb[k + 1][c] - v) * f));
  };
}

// Values: light to dark blue (the maximum of a window stands out as the darkest cell).
export const valueRamp = ramp(['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b']);
// Gradients: light to dark orange.
export const gradientRamp = ramp(['#fff5eb', '#fdd0a2', '#fd8d3c', '#d94801', '#7f2704']);

export function rgbCss([r, g, b]) {
  return `rgb(${r} ${g} ${b})`;
}

// Readable text on a background colour.
export function textOn([r, g, b]) {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140 ? '#fff' : '#111';
}

// One colour per position within a k×k window (row-major), for masks in both modes.
export function positionPalette(kernel) {
  const count = kernel * kernel;
  const colours = [];
  for (let q = 0; q < count; ++q) colours.push(hslToRgb((20 + (360 * q) / count) % 360, 0.72, 0.5));
  return colours;
}

function hslToRgb(h, s, l) {
  const a = s * Math.min(l, 1 - l);
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

// --- Formatting --------------------------------------------------------------------------------

// Short form for a cell; the exact value is kept in data-value.
export function formatValue(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (Number.isInteger(v)) return String(v).replace('-', '−');
  const short = Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3)));
  return short.replace('-', '−');
}

// Text a user can type back into an input cell.
export function editableValue(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

// Parses what a user typed into an input cell; null when it is not a number.
export function parseCell(text) {
  const t = text.trim().replace(/\u2212/g, '-').toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '∞' || t === '+∞') return Infinity;
  if (t === '-inf' || t === '-infinity' || t === '-∞') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

export function formatMs(ms) {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}
