// Grid mode: a small input, its pooling windows, the output, the mask, the unpooled grid and the
// gradient routed back through the mask. Every number shown comes from argpool.
import { callText, readPoolOptions, resolvedGeometry, unpoolOptions } from './controls.js';
import {
  editableValue, formatValue, gradientRamp, mulberry32, parseCell, positionInWindow, positionPalette,
  rgbCss, textOn, valueRamp, windowOf,
} from './pool-math.js';

export const SEED_EXAMPLE = [[2, 4, 5, 1], [3, 7, 2, 8], [1, 6, 3, 4], [9, 2, 7, 5]];
const MAX_SIZE = 16;
const GAP = 2; // px between cells, as in style.css
const HEAD = 18; // px of the row/column label strip
const PLAY_MS = 900;

export function createGridMode(ap) {
  const $ = (id) => document.getElementById(id);
  const el = {
    panel: $('grid-mode'),
    form: $('grid-controls'),
    rows: $('grid-rows'),
    cols: $('grid-cols'),
    fields: { kernel: $('grid-kernel'), stride: $('grid-stride'), padding: $('grid-padding'), dilation: $('grid-dilation'), ceil: $('grid-ceil') },
    grad: $('grid-grad'),
    gradNew: $('grid-grad-new'),
    call: $('grid-call'),
    error: $('grid-error'),
    cellError: $('cell-error'),
    prev: $('step-prev'),
    play: $('step-play'),
    next: $('step-next'),
    stepText: $('step-text'),
    panels: document.querySelector('#grid-mode .panels'),
    input: $('input-grid'),
    output: $('output-grid'),
    mask: $('mask-grid'),
    unpool: $('unpool-grid'),
    gradout: $('gradout-grid'),
    backward: $('backward-grid'),
    inputCaption: $('input-caption'),
    outputCaption: $('output-caption'),
    valueLegend: $('value-legend'),
    maskLegend: $('mask-legend'),
  };

  // Remembers cells outside the current size, so shrinking and growing the input keeps them.
  const rngStore = mulberry32(7);
  const store = Float32Array.from({ length: MAX_SIZE * MAX_SIZE }, () => Math.floor(rngStore() * 10));
  const state = {
    height: 4,
    width: 4,
    data: Float32Array.from(SEED_EXAMPLE.flat()),
    rng: mulberry32(20240601),
    gradSeed: 1,
    result: null, // see compute()
    step: 0,
    timer: null,
    probe: null, // { kind: 'output', o } or { kind: 'input', r, c } while hovered or focused
    inputAnchor: 0, // the input cell that is in the tab order
  };
  // Cell elements of the current render, for highlighting without re-rendering.
  let cells = null;
  // Removing a focused cell fires focusout in the middle of a render: highlight only after it.
  let rendering = false;

  // ---------------------------------------------------------------- computing

  function gradient(count) {
    if (el.grad.value === 'ones') return new Float32Array(count).fill(1);
    const rng = mulberry32(state.gradSeed);
    return Float32Array.from({ length: count }, () => 1 + Math.floor(rng() * 9));
  }

  function compute() {
    const { height: H, width: W } = state;
    const options = readPoolOptions(el.fields);
    el.call.textContent = callText('ap.maxPool', options);
    const x = { data: state.data, shape: [1, 1, H, W] };
    const { values, indices } = ap.maxPool(x, options);
    const [oh, ow] = values.shape.slice(2);
    const geometry = resolvedGeometry(options);
    const gradOut = { data: gradient(oh * ow), shape: values.shape };
    const unpooled = ap.maxUnpool(values, indices, unpoolOptions(geometry, H, W));
    const gradIn = ap.maxPoolBackward(gradOut, indices, x.shape, options);
    // How many outputs picked each input cell (> 1: their gradients add up).
    const picks = new Int32Array(H * W);
    for (const index of indices.data) picks[index] += 1;
    return { options, geometry, oh, ow, values: values.data, indices: indices.data, unpooled: unpooled.data, gradOut: gradOut.data, gradIn: gradIn.data, picks };
  }

  function sizeFrom(input) {
    const v = input.valueAsNumber;
    return Number.isInteger(v) && v >= 1 && v <= MAX_SIZE ? v : null;
  }

  function resize(height, width) {
    if (height === state.height && width === state.width) return;
    for (let r = 0; r < state.height; ++r) {
      for (let c = 0; c < state.width; ++c) store[r * MAX_SIZE + c] = state.data[r * state.width + c];
    }
    const data = new Float32Array(height * width);
    for (let r = 0; r < height; ++r) {
      for (let c = 0; c < width; ++c) data[r * width + c] = store[r * MAX_SIZE + c];
    }
    Object.assign(state, { height, width, data, inputAnchor: 0 });
  }

  // Recomputes everything from the form and the input data, then redraws.
  function update() {
    const height = sizeFrom(el.rows);
    const width = sizeFrom(el.cols);
    let problem = null;
    if (height === null || width === null) {
      const [name, input] = height === null ? ['Rows', el.rows] : ['Columns', el.cols];
      problem = `${name} must be a whole number from 1 to ${MAX_SIZE}, got ${input.value === '' ? 'nothing' : input.value}`;
    } else {
      resize(height, width);
      try {
        state.result = compute();
      } catch (error) {
        problem = error.message; // argpool's own message
      }
    }
    if (problem !== null) {
      state.result = null;
      pause();
    }
    el.error.hidden = problem === null;
    el.error.textContent = problem ?? '';
    el.panel.dataset.status = problem === null ? 'ready' : 'error';
    el.panels.classList.toggle('is-stale', problem !== null);
    const r = state.result;
    if (r && state.step >= r.oh * r.ow) state.step = 0;
    render();
  }

  // ---------------------------------------------------------------- rendering

  // Cells as large as the panel allows (22 to 40 px; narrower panels scroll sideways).
  function cellSize(container, columns) {
    const available = (container.parentElement.clientWidth || 300) - 8;
    return Math.max(22, Math.min(40, Math.floor((available - HEAD) / columns) - GAP));
  }

  // A CSS grid with a label strip on top and on the left; cell(r, c) makes each cell.
  function buildGrid(container, rowIds, colIds, cell, { rowLabel = (r) => r, colLabel = (c) => c } = {}) {
    container.replaceChildren();
    const size = cellSize(container, colIds.length);
    container.classList.toggle('compact', size < 32);
    container.style.setProperty('--cell', `${size}px`);
    container.style.gridTemplateColumns = `${HEAD}px repeat(${colIds.length}, ${size}px)`;
    container.style.gridTemplateRows = `${HEAD}px repeat(${rowIds.length}, ${size}px)`;
    container.append(label('', 'corner'));
    for (const c of colIds) container.append(label(colLabel(c), 'col-label'));
    for (const r of rowIds) {
      container.append(label(rowLabel(r), 'row-label'));
      for (const c of colIds) container.append(cell(r, c));
    }
    return size;
  }

  function label(text, cls) {
    const span = document.createElement('span');
    span.className = `label ${cls}`;
    span.textContent = text;
    span.setAttribute('aria-hidden', 'true');
    return span;
  }

  function range(from, to) {
    return Array.from({ length: to - from + 1 }, (_, k) => from + k);
  }

  function paint(node, rgb) {
    node.style.background = rgbCss(rgb);
    node.style.color = textOn(rgb);
  }

  function valueScale() {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of state.data) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) [lo, hi] = [0, 1];
    return { lo, hi };
  }

  function valueColour(v, scale) {
    if (Number.isNaN(v)) return [214, 39, 140];
    if (v === -Infinity) return [48, 48, 48];
    if (v === Infinity) return valueRamp(1);
    return valueRamp(scale.hi === scale.lo ? 0.5 : (v - scale.lo) / (scale.hi - scale.lo));
  }

  function rememberFocus() {
    const a = document.activeElement;
    if (!a || !el.panels.contains(a)) return null;
    return { grid: a.closest('.grid')?.id, r: a.dataset.r, c: a.dataset.c, o: a.dataset.o };
  }

  function restoreFocus(f) {
    if (!f) return;
    const selector = f.o !== undefined ? `[data-o="${f.o}"]` : `[data-r="${f.r}"][data-c="${f.c}"]`;
    const node = document.getElementById(f.grid)?.querySelector(`.cell${selector}`);
    node?.focus({ preventScroll: true });
  }

  function render() {
    rendering = true;
    try {
      renderGrids();
    } finally {
      rendering = false;
    }
    applyHighlight();
  }

  function renderGrids() {
    const focus = rememberFocus();
    const { height: H, width: W, data } = state;
    const r = state.result;
    const scale = valueScale();
    cells = { input: new Map(), output: [], mask: [], gradout: [], unpool: [], backward: [], size: 0, rowFrom: 0, colFrom: 0 };

    // Input, with the padding (−∞, never picked) and any ceil-mode overhang around it.
    let rowFrom = 0;
    let rowTo = H - 1;
    let colFrom = 0;
    let colTo = W - 1;
    if (r) {
      const g = r.geometry;
      rowFrom = -g.padding;
      colFrom = -g.padding;
      rowTo = Math.max(H - 1 + g.padding, (r.oh - 1) * g.stride - g.padding + (g.kernel - 1) * g.dilation);
      colTo = Math.max(W - 1 + g.padding, (r.ow - 1) * g.stride - g.padding + (g.kernel - 1) * g.dilation);
    }
    cells.rowFrom = rowFrom;
    cells.colFrom = colFrom;
    // Grids of the input's size take two columns of the layout when they are large.
    el.input.closest('.panel').classList.toggle('wide', colTo - colFrom + 1 > 8);
    for (const grid of [el.unpool, el.backward]) grid.closest('.panel').classList.toggle('wide', r !== null && W > 8);
    state.inputAnchor = Math.min(state.inputAnchor, H * W - 1);
    cells.size = buildGrid(el.input, range(rowFrom, rowTo), range(colFrom, colTo), (row, col) => {
      let node;
      if (row >= 0 && row < H && col >= 0 && col < W) {
        const v = data[row * W + col];
        node = document.createElement('input');
        node.type = 'text';
        node.className = 'cell value';
        node.value = formatValue(v);
        node.dataset.value = String(v);
        node.dataset.edit = editableValue(v);
        node.setAttribute('inputmode', 'decimal');
        node.setAttribute('aria-label', `Input row ${row}, column ${col}`);
        node.spellcheck = false;
        node.tabIndex = row * W + col === state.inputAnchor ? 0 : -1;
        paint(node, valueColour(v, scale));
      } else {
        const inPadding = r && row >= -r.geometry.padding && row < H + r.geometry.padding &&
          col >= -r.geometry.padding && col < W + r.geometry.padding;
        node = document.createElement('div');
        node.className = `cell ${inPadding ? 'pad' : 'beyond'}`;
        node.textContent = inPadding ? '−∞' : '';
        node.setAttribute('aria-hidden', 'true');
        node.title = inPadding ? 'padding: −∞, never the maximum' : 'outside the padded input (ceil mode): ignored';
      }
      node.dataset.r = row;
      node.dataset.c = col;
      cells.input.set(`${row},${col}`, node);
      return node;
    }, { rowLabel: (row) => (row >= 0 && row < H ? row : ''), colLabel: (col) => (col >= 0 && col < W ? col : '') });
    const overlay = document.createElement('div');
    overlay.className = 'window';
    overlay.hidden = true;
    overlay.setAttribute('aria-hidden', 'true');
    el.input.append(overlay);
    cells.overlay = overlay;
    const pad = r?.geometry.padding ?? 0;
    el.inputCaption.textContent = `${H}×${W}${pad > 0 ? `, padding ${pad} shown as −∞` : ''}`;
    renderValueLegend(scale);

    if (!r) {
      for (const grid of [el.output, el.mask, el.unpool, el.gradout, el.backward]) {
        grid.replaceChildren();
        grid.removeAttribute('style');
        const empty = document.createElement('p');
        empty.className = 'no-result';
        empty.textContent = 'No result: fix the settings above.';
        grid.append(empty);
      }
      el.output.dataset.shape = '';
      el.outputCaption.textContent = '';
      el.maskLegend.replaceChildren();
      updateStepper();
      restoreFocus(focus);
      return;
    }

    const { oh, ow, geometry: g } = r;
    const palette = positionPalette(g.kernel);
    el.output.dataset.shape = `${oh}x${ow}`;
    el.outputCaption.replaceChildren(`${oh}×${ow} · `, ...sizeFormula('H', H, g, oh), ...(W !== H ? [' · ', ...sizeFormula('W', W, g, ow)] : []));

    const rows = range(0, oh - 1);
    const cols = range(0, ow - 1);
    buildGrid(el.output, rows, cols, (i, j) => {
      const o = i * ow + j;
      const v = r.values[o];
      const node = outputButton(o, `Output (${i}, ${j}) = ${formatValue(v)}, from input (${rc(r.indices[o])}), mask index ${r.indices[o]}`);
      node.className = 'cell value';
      node.textContent = formatValue(v);
      node.dataset.value = String(v);
      paint(node, valueColour(v, scale));
      cells.output[o] = node;
      return node;
    });
    buildGrid(el.mask, rows, cols, (i, j) => {
      const o = i * ow + j;
      const index = r.indices[o];
      const node = outputButton(o, `Mask (${i}, ${j}) = index ${index}, input row ${Math.floor(index / W)}, column ${index % W}`);
      node.className = 'cell mask';
      node.dataset.index = String(index);
      const big = document.createElement('span');
      big.className = 'idx';
      big.textContent = String(index);
      const small = document.createElement('span');
      small.className = 'rc';
      small.textContent = `(${rc(index)})`;
      node.append(big, small);
      const q = positionInWindow(Math.floor(index / W), index % W, i, j, g);
      const [cr, cg, cb] = palette[q] ?? [128, 128, 128];
      node.style.setProperty('--pos', `rgb(${cr} ${cg} ${cb})`);
      node.title = `position ${Math.floor(q / g.kernel)}, ${q % g.kernel} within its window`;
      cells.mask[o] = node;
      return node;
    });
    renderMaskLegend(palette, g.kernel);

    buildGrid(el.unpool, range(0, H - 1), range(0, W - 1), (row, col) => {
      const flat = row * W + col;
      const v = r.unpooled[flat];
      const node = document.createElement('div');
      node.className = `cell value${r.picks[flat] === 0 ? ' empty' : ''}`;
      node.textContent = formatValue(v);
      node.dataset.value = String(v);
      node.dataset.r = row;
      node.dataset.c = col;
      if (r.picks[flat] > 0) paint(node, valueColour(v, scale));
      cells.unpool[flat] = node;
      return node;
    });

    let gradMax = 0;
    for (const v of r.gradIn) gradMax = Math.max(gradMax, Math.abs(v));
    for (const v of r.gradOut) gradMax = Math.max(gradMax, Math.abs(v));
    const gradColour = (v) => gradientRamp(gradMax === 0 ? 0 : Math.abs(v) / gradMax);
    buildGrid(el.gradout, rows, cols, (i, j) => {
      const o = i * ow + j;
      const v = r.gradOut[o];
      const node = document.createElement('div');
      node.className = 'cell grad';
      node.textContent = formatValue(v);
      node.dataset.value = String(v);
      node.dataset.o = o;
      paint(node, gradColour(v));
      cells.gradout[o] = node;
      return node;
    });
    buildGrid(el.backward, range(0, H - 1), range(0, W - 1), (row, col) => {
      const flat = row * W + col;
      const v = r.gradIn[flat];
      const n = r.picks[flat];
      const node = document.createElement('div');
      node.className = `cell grad${n === 0 ? ' empty' : ''}${n > 1 ? ' accumulated' : ''}`;
      node.textContent = formatValue(v);
      node.dataset.value = String(v);
      node.dataset.picks = String(n);
      node.dataset.r = row;
      node.dataset.c = col;
      if (n > 0) paint(node, gradColour(v));
      if (n > 1) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = `×${n}`;
        badge.title = `sum of ${n} upstream gradients`;
        node.append(badge);
      }
      cells.backward[flat] = node;
      return node;
    });

    updateStepper();
    restoreFocus(focus);
  }

  function rc(index) {
    return `${Math.floor(index / state.width)}, ${index % state.width}`;
  }

  function outputButton(o, ariaLabel) {
    const node = document.createElement('button');
    node.type = 'button';
    node.dataset.o = o;
    node.tabIndex = o === state.step ? 0 : -1;
    node.setAttribute('aria-label', ariaLabel);
    return node;
  }

  function sizeFormula(dim, size, g, out) {
    const [open, close] = g.ceilMode ? ['⌈', '⌉'] : ['⌊', '⌋'];
    const sub = document.createElement('sub');
    sub.textContent = 'out';
    return [dim, sub, ` = ${open}(${size} + 2·${g.padding} − ${g.dilation}·(${g.kernel}−1) − 1) / ${g.stride}${close} + 1 = ${out}`];
  }

  function renderValueLegend(scale) {
    const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => rgbCss(valueRamp(t))).join(', ');
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.background = `linear-gradient(to right, ${stops})`;
    const lo = document.createElement('span');
    lo.textContent = formatValue(scale.lo);
    const hi = document.createElement('span');
    hi.textContent = formatValue(scale.hi);
    const parts = [document.createTextNode('values:'), lo, bar, hi];
    if (state.data.some(Number.isNaN)) parts.push(swatch([214, 39, 140], 'NaN'));
    if (state.data.includes(-Infinity)) parts.push(swatch([48, 48, 48], '−∞'));
    el.valueLegend.replaceChildren(...parts);
  }

  function swatch(rgb, text) {
    const s = document.createElement('span');
    s.className = 'swatch';
    paint(s, rgb);
    s.textContent = text;
    return s;
  }

  function renderMaskLegend(palette, kernel) {
    if (kernel > 5) {
      el.maskLegend.textContent = 'colour = position of the maximum within its window';
      return;
    }
    const key = document.createElement('span');
    key.className = 'key';
    key.style.gridTemplateColumns = `repeat(${kernel}, 1fr)`;
    palette.forEach(([r, g, b], q) => {
      const s = document.createElement('span');
      s.style.background = `rgb(${r} ${g} ${b})`;
      s.title = `row ${Math.floor(q / kernel)}, column ${q % kernel} of the window`;
      key.append(s);
    });
    el.maskLegend.replaceChildren(document.createTextNode('colour = position of the maximum in its window'), key);
  }

  // ---------------------------------------------------------------- highlighting

  function applyHighlight() {
    if (rendering) return;
    for (const node of el.panels.querySelectorAll('.in-window, .is-source, .is-current, .feeds, .covers, .is-probe')) {
      node.classList.remove('in-window', 'is-source', 'is-current', 'feeds', 'covers', 'is-probe');
    }
    const r = state.result;
    if (!r || !cells) {
      if (cells?.overlay) cells.overlay.hidden = true;
      el.stepText.textContent = '';
      return;
    }
    const probe = state.probe;
    if (probe?.kind === 'input') {
      highlightInput(probe.r, probe.c);
      return;
    }
    highlightOutput(probe?.kind === 'output' ? probe.o : state.step);
  }

  function highlightOutput(o) {
    const r = state.result;
    const g = r.geometry;
    const W = state.width;
    const H = state.height;
    const i = Math.floor(o / r.ow);
    const j = o % r.ow;
    const win = windowOf(i, j, g);
    for (const row of win.rows) {
      for (const col of win.cols) cells.input.get(`${row},${col}`)?.classList.add('in-window');
    }
    const step = cells.size + GAP;
    const top = HEAD + GAP + (win.rows[0] - cells.rowFrom) * step;
    const left = HEAD + GAP + (win.cols[0] - cells.colFrom) * step;
    const span = (g.kernel - 1) * g.dilation + 1;
    Object.assign(cells.overlay.style, {
      top: `${top - 3}px`,
      left: `${left - 3}px`,
      width: `${span * step - GAP + 6}px`,
      height: `${span * step - GAP + 6}px`,
    });
    cells.overlay.hidden = false;
    const source = r.indices[o];
    const sr = Math.floor(source / W);
    const sc = source % W;
    cells.input.get(`${sr},${sc}`)?.classList.add('is-source');
    cells.unpool[source]?.classList.add('is-source');
    cells.backward[source]?.classList.add('is-source');
    for (const list of [cells.output, cells.mask, cells.gradout]) list[o]?.classList.add('is-current');

    // In-bounds taps in scan order, as PyTorch visits them.
    const taps = [];
    let padded = false;
    for (const row of win.rows) {
      for (const col of win.cols) {
        if (row >= 0 && row < H && col >= 0 && col < W) taps.push(state.data[row * W + col]);
        else padded = true;
      }
    }
    const v = r.values[o];
    const list = taps.length > 16 ? `${taps.slice(0, 16).map(formatValue).join(', ')}, …` : taps.map(formatValue).join(', ');
    let note = '';
    if (Number.isNaN(v)) note = ' NaN always wins (the last NaN in scan order).';
    else if (v === -Infinity && taps.every((t) => t === -Infinity)) note = ' Every value is −∞: the first in-bounds position is kept.';
    else if (taps.filter((t) => t === v).length > 1) note = ' Tie: the first maximum in scan order wins.';
    if (padded) note += ' Padding is never picked.';
    el.stepText.textContent =
      `Window ${o + 1} of ${r.oh * r.ow}: output (${i}, ${j}) = max(${list}) = ${formatValue(v)} at input (${sr}, ${sc}) → mask index ${sr}·${W} + ${sc} = ${source}.${note}`;
  }

  function highlightInput(row, col) {
    const r = state.result;
    const W = state.width;
    const flat = row * W + col;
    cells.input.get(`${row},${col}`)?.classList.add('is-probe');
    cells.unpool[flat]?.classList.add('is-probe');
    cells.backward[flat]?.classList.add('is-probe');
    cells.overlay.hidden = true;
    const feeds = [];
    let covered = 0;
    for (let o = 0; o < r.oh * r.ow; ++o) {
      const i = Math.floor(o / r.ow);
      const j = o % r.ow;
      if (r.indices[o] === flat) {
        feeds.push(`(${i}, ${j})`);
        for (const list of [cells.output, cells.mask, cells.gradout]) list[o].classList.add('feeds');
      } else {
        const win = windowOf(i, j, r.geometry);
        if (win.rows.includes(row) && win.cols.includes(col)) {
          covered += 1;
          for (const list of [cells.output, cells.mask, cells.gradout]) list[o].classList.add('covers');
        }
      }
    }
    const v = formatValue(state.data[flat]);
    const inWindows = feeds.length + covered;
    el.stepText.textContent = feeds.length > 0
      ? `Input (${row}, ${col}) = ${v} is the maximum of ${feeds.length} window${feeds.length > 1 ? 's' : ''}: output${feeds.length > 1 ? 's' : ''} ${feeds.join(', ')}; its gradient is the sum of theirs.`
      : `Input (${row}, ${col}) = ${v} feeds no output${inWindows > 0 ? ` (it lies in ${inWindows} window${inWindows > 1 ? 's' : ''} but is never the maximum)` : ' (no window covers it)'}; its gradient is 0.`;
  }

  // ---------------------------------------------------------------- stepping

  function outputCount() {
    return state.result ? state.result.oh * state.result.ow : 0;
  }

  function setStep(o, { focusGrid = null } = {}) {
    const n = outputCount();
    if (n === 0) return;
    state.step = ((o % n) + n) % n;
    for (const list of [cells.output, cells.mask]) {
      list.forEach((node, k) => { node.tabIndex = k === state.step ? 0 : -1; });
    }
    if (focusGrid) focusGrid[state.step]?.focus();
    applyHighlight();
  }

  function updateStepper() {
    const disabled = outputCount() === 0;
    el.prev.disabled = disabled;
    el.next.disabled = disabled;
    el.play.disabled = disabled;
  }

  function play() {
    if (state.timer !== null || outputCount() === 0) return;
    state.probe = null;
    state.timer = setInterval(() => setStep(state.step + 1), PLAY_MS);
    el.stepText.setAttribute('aria-live', 'off'); // no announcement every step while playing
    el.play.textContent = 'Pause';
    el.play.setAttribute('aria-pressed', 'true');
  }

  function pause() {
    if (state.timer !== null) clearInterval(state.timer);
    state.timer = null;
    el.stepText.setAttribute('aria-live', 'polite');
    el.play.textContent = 'Play';
    el.play.setAttribute('aria-pressed', 'false');
  }

  el.prev.addEventListener('click', () => { state.probe = null; setStep(state.step - 1); });
  el.next.addEventListener('click', () => { state.probe = null; setStep(state.step + 1); });
  el.play.addEventListener('click', () => (state.timer === null ? play() : pause()));

  // ---------------------------------------------------------------- hover and focus

  function probeOf(node) {
    const cell = node?.closest?.('.cell');
    if (!cell || !el.panels.contains(cell)) return null;
    if (cell.dataset.o !== undefined) return { kind: 'output', o: Number(cell.dataset.o) };
    const row = Number(cell.dataset.r);
    const col = Number(cell.dataset.c);
    if (row >= 0 && row < state.height && col >= 0 && col < state.width) return { kind: 'input', r: row, c: col };
    return null;
  }

  function setProbe(probe) {
    const same = JSON.stringify(probe) === JSON.stringify(state.probe);
    state.probe = probe;
    if (!same) applyHighlight();
  }

  el.panels.addEventListener('mouseover', (event) => setProbe(probeOf(event.target)));
  el.panels.addEventListener('mouseleave', () => setProbe(probeOf(document.activeElement)));
  el.panels.addEventListener('focusin', (event) => {
    const probe = probeOf(event.target);
    if (probe?.kind === 'output') {
      state.probe = null;
      setStep(probe.o);
      return;
    }
    if (probe?.kind === 'input' && event.target.tagName === 'INPUT') {
      state.inputAnchor = probe.r * state.width + probe.c;
      for (const node of el.input.querySelectorAll('input.cell')) node.tabIndex = node === event.target ? 0 : -1;
      event.target.select();
    }
    setProbe(probe);
  });
  el.panels.addEventListener('focusout', (event) => {
    if (!el.panels.contains(event.relatedTarget)) setProbe(null);
  });

  // Arrow keys move within the output and mask grids (one tab stop each).
  for (const [grid, key] of [[el.output, 'output'], [el.mask, 'mask']]) {
    grid.addEventListener('keydown', (event) => {
      const r = state.result;
      if (!r || !event.target.matches('.cell')) return;
      const o = Number(event.target.dataset.o);
      const move = {
        ArrowRight: o % r.ow < r.ow - 1 ? o + 1 : o,
        ArrowLeft: o % r.ow > 0 ? o - 1 : o,
        ArrowDown: o + r.ow < r.oh * r.ow ? o + r.ow : o,
        ArrowUp: o - r.ow >= 0 ? o - r.ow : o,
        Home: 0,
        End: r.oh * r.ow - 1,
      }[event.key];
      if (move === undefined) return;
      event.preventDefault();
      setStep(move, { focusGrid: cells[key] });
    });
  }

  // ---------------------------------------------------------------- editing input cells

  function commitCell(node) {
    const row = Number(node.dataset.r);
    const col = Number(node.dataset.c);
    const text = node.value;
    if (text === formatValue(Number(node.dataset.value))) return true;
    const v = parseCell(text);
    if (v === null) {
      node.setAttribute('aria-invalid', 'true');
      el.cellError.hidden = false;
      el.cellError.textContent = `Input (${row}, ${col}): "${text}" is not a number; type digits, NaN, inf or -inf.`;
      return false;
    }
    el.cellError.hidden = true;
    state.data[row * state.width + col] = v;
    update();
    return true;
  }

  function focusInput(row, col) {
    const node = cells.input.get(`${row},${col}`);
    if (node?.tagName === 'INPUT') node.focus();
  }

  // A cell left with Tab or a click commits once focus has moved, so the redraw keeps that focus.
  el.input.addEventListener('change', (event) => {
    const node = event.target;
    if (!node.matches('input.cell')) return;
    setTimeout(() => {
      if (node.isConnected) commitCell(node);
    }, 0);
  });
  el.input.addEventListener('keydown', (event) => {
    const node = event.target;
    if (!node.matches('input.cell')) return;
    const row = Number(node.dataset.r);
    const col = Number(node.dataset.c);
    const whole = node.selectionStart === 0 && node.selectionEnd === node.value.length;
    if (event.key === 'Enter') {
      event.preventDefault();
      if (commitCell(node)) focusInput(Math.min(row + 1, state.height - 1), col);
    } else if (event.key === 'Escape') {
      node.value = formatValue(Number(node.dataset.value));
      node.removeAttribute('aria-invalid');
      el.cellError.hidden = true;
      node.select();
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      if (commitCell(node)) focusInput(row + (event.key === 'ArrowUp' ? -1 : 1), col);
    } else if (event.key === 'ArrowLeft' && (whole || node.selectionStart === 0)) {
      event.preventDefault();
      if (commitCell(node)) focusInput(row, col - 1);
    } else if (event.key === 'ArrowRight' && (whole || node.selectionEnd === node.value.length)) {
      event.preventDefault();
      if (commitCell(node)) focusInput(row, col + 1);
    }
  });

  // ---------------------------------------------------------------- presets and controls

  function setFields(values) {
    for (const [key, v] of Object.entries(values)) {
      if (key === 'ceil') el.fields.ceil.checked = v;
      else el.fields[key].value = String(v);
    }
  }

  function randomInts(count, top) {
    return Float32Array.from({ length: count }, () => Math.floor(state.rng() * (top + 1)));
  }

  const presets = {
    seed() {
      el.rows.value = '4';
      el.cols.value = '4';
      setFields({ kernel: 2, stride: 2, padding: 0, dilation: 1, ceil: false });
      Object.assign(state, { height: 4, width: 4, data: Float32Array.from(SEED_EXAMPLE.flat()) });
    },
    random() {
      state.data = randomInts(state.height * state.width, 99);
    },
    ties() {
      state.data = randomInts(state.height * state.width, 2);
    },
    nan() {
      const data = randomInts(state.height * state.width, 99);
      for (let k = 0; k < data.length; ++k) if (state.rng() < 0.12) data[k] = NaN;
      data[Math.min(state.width, data.length - 1)] = NaN;
      state.data = data;
    },
    neginf() {
      const data = randomInts(state.height * state.width, 99);
      for (let k = 0; k < data.length; ++k) if (state.rng() < 0.1) data[k] = -Infinity;
      // One window full of −∞ (the first, for the current kernel).
      const k = Number.isInteger(el.fields.kernel.valueAsNumber) ? Math.max(1, el.fields.kernel.valueAsNumber) : 2;
      for (let row = 0; row < Math.min(k, state.height); ++row) {
        for (let col = 0; col < Math.min(k, state.width); ++col) data[row * state.width + col] = -Infinity;
      }
      state.data = data;
    },
  };

  el.form.addEventListener('click', (event) => {
    const button = event.target.closest('[data-preset]');
    if (!button) return;
    presets[button.dataset.preset]();
    state.step = 0;
    state.probe = null;
    el.cellError.hidden = true;
    update();
  });
  el.form.addEventListener('input', (event) => {
    if (event.target === el.grad) return;
    update();
  });
  el.form.addEventListener('submit', (event) => event.preventDefault());
  el.grad.addEventListener('change', update);
  el.gradNew.addEventListener('click', () => {
    state.gradSeed += 1;
    el.grad.value = 'random';
    update();
  });

  // Cell sizes follow the width of the panels.
  let resizeFrame = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      if (!el.panel.hidden) render();
    });
  });

  update();
  return { pause, update };
}
