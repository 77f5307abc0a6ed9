// Image mode: a picture pooled per channel at full size. Shows the pooled picture, the mask as a
// picture (the position of each maximum within its window), the unpooled reconstruction, and the
// time per call of argpool next to plain JavaScript, whose results must be identical.
import { callText, readPoolOptions, resolvedGeometry, unpoolOptions } from './controls.js';
import {
  formatMs, identical, positionInWindow, positionPalette, referenceBackward, referenceMaxPool, referenceMaxUnpool,
} from './pool-math.js';

const BUILT_IN_SIZE = 384;
const MAX_SIDE = 1024;

// A picture with what max pooling is about: smooth areas, hard edges, thin lines, fine stripes
// and isolated bright dots (max pooling keeps them where average pooling would dim them).
export function drawBuiltInPicture(canvas) {
  const S = BUILT_IN_SIZE;
  canvas.width = S;
  canvas.height = S;
  const g = canvas.getContext('2d');
  const sky = g.createLinearGradient(0, 0, 0, S * 0.62);
  sky.addColorStop(0, '#0b1d4d');
  sky.addColorStop(0.55, '#3a4f9a');
  sky.addColorStop(1, '#f6a96b');
  g.fillStyle = sky;
  g.fillRect(0, 0, S, S);
  // Stars: single bright pixels.
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let k = 0; k < 140; ++k) {
    g.fillStyle = k % 9 === 0 ? '#ffe9a8' : '#ffffff';
    g.fillRect(Math.floor(rand() * S), Math.floor(rand() * S * 0.42), 1, 1);
  }
  // Sun.
  const sun = g.createRadialGradient(S * 0.72, S * 0.5, 4, S * 0.72, S * 0.5, S * 0.16);
  sun.addColorStop(0, '#fff7d6');
  sun.addColorStop(0.45, '#ffd166');
  sun.addColorStop(1, 'rgba(255, 170, 80, 0)');
  g.fillStyle = sun;
  g.fillRect(0, 0, S, S);
  // Two mountain ridges.
  for (const [base, amp, colour, phase] of [[0.56, 0.12, '#4b3f72', 0.3], [0.64, 0.08, '#2b2d52', 1.7]]) {
    g.beginPath();
    g.moveTo(0, S);
    for (let x = 0; x <= S; x += 2) {
      const t = x / S;
      const y = S * (base - amp * (0.6 * Math.sin(7 * t + phase) + 0.3 * Math.sin(19 * t + 2 * phase) + 0.1 * Math.sin(53 * t)));
      g.lineTo(x, y);
    }
    g.lineTo(S, S);
    g.closePath();
    g.fillStyle = colour;
    g.fill();
  }
  // Lake with one-pixel stripes (aliasing under pooling).
  const lakeTop = Math.round(S * 0.7);
  for (let y = lakeTop; y < S; ++y) {
    const t = (y - lakeTop) / (S - lakeTop);
    g.fillStyle = y % 2 === 0 ? `rgb(${40 + 60 * t} ${90 + 50 * t} ${150 + 40 * t})` : `rgb(${20 + 30 * t} ${50 + 30 * t} ${100 + 30 * t})`;
    g.fillRect(0, y, S, 1);
  }
  // Sun reflection: short bright dashes.
  g.fillStyle = '#ffd98a';
  for (let y = lakeTop + 3; y < S - 8; y += 6) {
    const w = 40 * (1 - (y - lakeTop) / (S - lakeTop)) + 6;
    g.fillRect(Math.round(S * 0.72 - w / 2), y, Math.round(w), 2);
  }
  // Checkerboard of 1, 2 and 4 pixel squares.
  const box = [12, S - 92, 120, 80];
  g.fillStyle = '#101010';
  g.fillRect(...box);
  g.fillStyle = '#f0f0f0';
  for (const [x0, size] of [[box[0] + 4, 1], [box[0] + 42, 2], [box[0] + 80, 4]]) {
    for (let y = box[1] + 4; y < box[1] + box[3] - 4; y += size) {
      for (let x = x0; x < x0 + 36; x += size) {
        if (((x - x0) / size + (y - box[1]) / size) % 2 === 0) g.fillRect(x, y, size, size);
      }
    }
  }
  // Colour wheel.
  const cx = S * 0.2;
  const cy = S * 0.24;
  for (let a = 0; a < 360; a += 3) {
    g.beginPath();
    g.moveTo(cx, cy);
    g.arc(cx, cy, S * 0.12, (a * Math.PI) / 180, ((a + 3.5) * Math.PI) / 180);
    g.closePath();
    g.fillStyle = `hsl(${a} 90% 55%)`;
    g.fill();
  }
  // Thin lines.
  g.strokeStyle = '#ffffff';
  g.lineWidth = 1;
  for (let k = 0; k < 6; ++k) {
    g.beginPath();
    g.moveTo(S * 0.42 + k * 7.5, S * 0.06);
    g.lineTo(S * 0.42 + k * 7.5 + 30, S * 0.36);
    g.stroke();
  }
  // Lettering.
  g.fillStyle = '#ffffff';
  g.font = `bold ${Math.round(S * 0.085)}px sans-serif`;
  g.textBaseline = 'alphabetic';
  g.fillText('argpool', S * 0.42, S * 0.95);
}

// RGBA bytes → Float32 planes [1, 3, H, W].
function toPlanes(rgba, height, width) {
  const n = height * width;
  const planes = new Float32Array(3 * n);
  for (let p = 0; p < n; ++p) {
    planes[p] = rgba[4 * p];
    planes[n + p] = rgba[4 * p + 1];
    planes[2 * n + p] = rgba[4 * p + 2];
  }
  return planes;
}

function drawPlanes(canvas, planes, height, width) {
  canvas.width = width;
  canvas.height = height;
  const image = new ImageData(width, height);
  const n = height * width;
  for (let p = 0; p < n; ++p) {
    image.data[4 * p] = planes[p];
    image.data[4 * p + 1] = planes[n + p];
    image.data[4 * p + 2] = planes[2 * n + p];
    image.data[4 * p + 3] = 255;
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
}

function drawMask(canvas, indices, channel, oh, ow, width, geometry) {
  canvas.width = ow;
  canvas.height = oh;
  const palette = positionPalette(geometry.kernel);
  const image = new ImageData(ow, oh);
  const base = channel * oh * ow;
  for (let i = 0; i < oh; ++i) {
    for (let j = 0; j < ow; ++j) {
      const o = i * ow + j;
      const index = indices[base + o];
      const q = positionInWindow(Math.floor(index / width), index % width, i, j, geometry);
      const [r, g, b] = palette[q] ?? [128, 128, 128];
      image.data.set([r, g, b, 255], 4 * o);
    }
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
  return palette;
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

// Median time per call of fn, batching calls so that coarse timers still measure short calls.
async function timePerCall(fn, isCurrent) {
  fn();
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let k = 0; k < batch; ++k) fn();
    const elapsed = performance.now() - t0;
    if (elapsed >= 20 || batch >= 4096) break;
    batch *= elapsed < 2 ? 8 : 2;
  }
  const samples = [];
  const end = performance.now() + 150;
  while (samples.length < 5 || (performance.now() < end && samples.length < 15)) {
    await nextFrame();
    if (!isCurrent()) return null;
    const t0 = performance.now();
    for (let k = 0; k < batch; ++k) fn();
    samples.push((performance.now() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export function createImageMode(ap) {
  const $ = (id) => document.getElementById(id);
  const el = {
    panel: $('image-mode'),
    form: $('image-controls'),
    source: $('image-source'),
    file: $('image-file'),
    fields: { kernel: $('image-kernel'), stride: $('image-stride'), padding: $('image-padding'), dilation: $('image-dilation'), ceil: $('image-ceil') },
    channel: $('image-channel'),
    retime: $('image-retime'),
    error: $('image-error'),
    summary: $('image-summary'),
    input: $('image-input'),
    pooled: $('image-pooled'),
    mask: $('image-mask'),
    maskLegend: $('image-mask-legend'),
    unpooled: $('image-unpooled'),
    inputCaption: $('image-input-caption'),
    pooledCaption: $('image-pooled-caption'),
    timing: $('timing'),
  };
  const state = { picture: null, filePicture: null, result: null, generation: 0 };

  function builtIn() {
    const canvas = document.createElement('canvas');
    drawBuiltInPicture(canvas);
    const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return { name: 'built-in picture', height: canvas.height, width: canvas.width, planes: toPlanes(rgba, canvas.height, canvas.width) };
  }

  async function fromFile(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, width, height);
    g.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const rgba = g.getImageData(0, 0, width, height).data;
    return { name: file.name, height, width, planes: toPlanes(rgba, height, width) };
  }

  function showError(message) {
    el.error.hidden = message === null;
    el.error.textContent = message ?? '';
  }

  function run() {
    const generation = ++state.generation;
    const pic = state.picture;
    const { height: H, width: W } = pic;
    drawPlanes(el.input, pic.planes, H, W);
    el.inputCaption.textContent = `${W}×${H} RGB · ${pic.name}`;
    const options = readPoolOptions(el.fields);
    const input = { data: pic.planes, shape: [1, 3, H, W] };
    let result;
    try {
      const { values, indices } = ap.maxPool(input, options);
      const geometry = resolvedGeometry(options);
      const unpool = unpoolOptions(geometry, H, W);
      const unpooled = ap.maxUnpool(values, indices, unpool);
      result = { options, geometry, unpool, values, indices, unpooled, oh: values.shape[2], ow: values.shape[3] };
    } catch (error) {
      state.result = null;
      showError(error.message);
      el.panel.dataset.status = 'error';
      el.panel.classList.add('is-stale');
      el.timing.dataset.status = 'idle';
      el.timing.tBodies[0].replaceChildren();
      return;
    }
    showError(null);
    el.panel.classList.remove('is-stale');
    state.result = result;
    const { oh, ow, geometry } = result;
    drawPlanes(el.pooled, result.values.data, oh, ow);
    el.pooledCaption.textContent = `${ow}×${oh} per channel`;
    drawMaskAndLegend();
    drawPlanes(el.unpooled, result.unpooled.data, H, W);
    el.summary.textContent = `${callText('ap.maxPool', options)} on [1, 3, ${H}, ${W}] → [1, 3, ${oh}, ${ow}], then ap.maxUnpool with kernelSize ${result.unpool.kernelSize}, stride ${geometry.stride}, padding ${geometry.padding}, outputSize [${H}, ${W}].`;
    el.panel.dataset.status = 'ready';
    time(generation);
  }

  function drawMaskAndLegend() {
    const r = state.result;
    if (!r) return;
    const palette = drawMask(el.mask, r.indices.data, Number(el.channel.value), r.oh, r.ow, state.picture.width, r.geometry);
    const k = r.geometry.kernel;
    if (k > 5) {
      el.maskLegend.replaceChildren();
      return;
    }
    const key = document.createElement('span');
    key.className = 'key';
    key.style.gridTemplateColumns = `repeat(${k}, 1fr)`;
    for (const [cr, cg, cb] of palette) {
      const s = document.createElement('span');
      s.style.background = `rgb(${cr} ${cg} ${cb})`;
      key.append(s);
    }
    el.maskLegend.replaceChildren(document.createTextNode(`position in the ${k}×${k} window (ties, as in flat areas, go to the first in scan order):`), key);
  }

  // Times argpool and the JS reference for each operation and checks they agree bit for bit.
  async function time(generation) {
    const isCurrent = () => generation === state.generation && !el.panel.hidden;
    const r = state.result;
    const pic = state.picture;
    const { height: H, width: W, planes } = pic;
    const n = r.oh * r.ow;
    const ones = { data: new Float32Array(3 * n).fill(1), shape: r.values.shape };
    // Both sides write into result arrays made once, as a loop should (fresh arrays every call
    // would time the browser's allocator, for both alike).
    const pooledShape = r.values.shape, fullShape = [1, 3, H, W];
    const libOut = {
      pool: { values: { data: new Float32Array(3 * n), shape: pooledShape }, indices: { data: new Int32Array(3 * n), shape: pooledShape } },
      unpool: { data: new Float32Array(3 * H * W), shape: fullShape },
      backward: { data: new Float32Array(3 * H * W), shape: fullShape },
    };
    const refOut = { pool: { values: new Float32Array(3 * n), indices: new Int32Array(3 * n) }, unpool: new Float32Array(3 * H * W), backward: new Float32Array(3 * H * W) };
    const ops = [
      {
        name: 'maxPool (values + mask)',
        lib: () => ap.maxPool({ data: planes, shape: fullShape }, r.options, libOut.pool),
        ref: () => referenceMaxPool(planes, 3, H, W, r.geometry, r.oh, r.ow, refOut.pool),
        same: (a, b) => identical(a.values.data, b.values) && identical(a.indices.data, b.indices),
      },
      {
        name: 'maxUnpool',
        lib: () => ap.maxUnpool(r.values, r.indices, r.unpool, libOut.unpool),
        ref: () => referenceMaxUnpool(r.values.data, r.indices.data, 3, n, H, W, refOut.unpool),
        same: (a, b) => identical(a.data, b),
      },
      {
        name: 'maxPoolBackward',
        lib: () => ap.maxPoolBackward(ones, r.indices, fullShape, r.options, libOut.backward),
        ref: () => referenceBackward(ones.data, r.indices.data, 3, n, H, W, refOut.backward),
        same: (a, b) => identical(a.data, b),
      },
    ];
    const body = el.timing.tBodies[0];
    body.replaceChildren();
    el.timing.dataset.status = 'running';
    const rows = ops.map((op) => {
      const tr = document.createElement('tr');
      const same = op.same(op.lib(), op.ref());
      tr.dataset.op = op.name.split(' ')[0];
      tr.dataset.match = String(same);
      const cellsText = [op.name, '…', '…', '', same ? 'identical ✓' : 'DIFFERENT ✗'];
      cellsText.forEach((text, k) => {
        const cell = document.createElement(k === 0 ? 'th' : 'td');
        if (k === 0) cell.scope = 'row';
        cell.textContent = text;
        tr.append(cell);
      });
      if (!same) tr.classList.add('mismatch');
      body.append(tr);
      return tr;
    });
    for (const [k, op] of ops.entries()) {
      const lib = await timePerCall(op.lib, isCurrent);
      const ref = lib === null ? null : await timePerCall(op.ref, isCurrent);
      if (ref === null) return;
      const tds = rows[k].querySelectorAll('td');
      tds[0].textContent = formatMs(lib);
      tds[1].textContent = formatMs(ref);
      tds[2].textContent = `${(ref / lib).toFixed(1)}×`;
    }
    el.timing.dataset.status = 'done';
  }

  el.form.addEventListener('input', (event) => {
    if (event.target === el.file || event.target === el.source || event.target === el.channel) return;
    run();
  });
  el.form.addEventListener('submit', (event) => event.preventDefault());
  el.channel.addEventListener('change', drawMaskAndLegend);
  el.retime.addEventListener('click', () => {
    if (state.result) time(++state.generation);
  });
  el.source.addEventListener('change', () => {
    state.picture = el.source.value === 'file' && state.filePicture ? state.filePicture : builtIn();
    run();
  });
  el.file.addEventListener('change', async () => {
    const file = el.file.files?.[0];
    if (!file) return;
    try {
      state.filePicture = await fromFile(file);
    } catch (error) {
      showError(`Cannot read ${file.name} as an image: ${error.message}`);
      return;
    }
    const option = el.source.querySelector('option[value="file"]');
    option.disabled = false;
    option.textContent = `Local file: ${file.name}`;
    el.source.value = 'file';
    state.picture = state.filePicture;
    run();
  });

  return {
    show() {
      if (state.picture === null) state.picture = builtIn();
      run();
    },
  };
}
