// Entry of the demo page: loads argpool through its browser entry (as an npm user would), then
// wires the two modes behind an accessible tab list.
import { init } from '../bindings/js/browser.js';

import { createGridMode } from './grid-mode.js';
import { createImageMode } from './image-mode.js';

const status = document.getElementById('load-status');
const loadError = document.getElementById('load-error');

let ap;
try {
  ap = await init();
} catch (error) {
  status.hidden = true;
  loadError.hidden = false;
  loadError.textContent = `${error.message}. This page needs a browser with WebAssembly SIMD and must be served over HTTP (npm run demo).`;
  document.getElementById('grid-mode').dataset.status = 'failed';
  throw error;
}
status.textContent = 'argpool loaded.';
status.classList.add('visually-hidden');

const modes = {
  grid: { tab: document.getElementById('tab-grid'), panel: document.getElementById('grid-mode'), mode: createGridMode(ap) },
  image: { tab: document.getElementById('tab-image'), panel: document.getElementById('image-mode'), mode: null },
};

function select(name, { focus = false } = {}) {
  for (const [key, m] of Object.entries(modes)) {
    const active = key === name;
    m.tab.setAttribute('aria-selected', String(active));
    m.tab.tabIndex = active ? 0 : -1;
    m.panel.hidden = !active;
  }
  if (name === 'image') {
    modes.grid.mode.pause();
    modes.image.mode ??= createImageMode(ap);
    modes.image.mode.show();
  }
  if (focus) modes[name].tab.focus();
  const hash = name === 'grid' ? '' : `#${name}`;
  if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname);
}

const order = Object.keys(modes);
for (const [name, m] of Object.entries(modes)) {
  m.tab.addEventListener('click', () => select(name));
  m.tab.addEventListener('keydown', (event) => {
    const k = order.indexOf(name);
    const next = { ArrowRight: k + 1, ArrowLeft: k - 1, Home: 0, End: order.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(order[(next + order.length) % order.length], { focus: true });
  });
}

select(location.hash === '#image' ? 'image' : 'grid');
