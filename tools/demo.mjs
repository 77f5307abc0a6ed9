// Terminal demo of the seed example: input, pooled values, mask and unpooled map.
import { init } from '../bindings/js/node.js';

const ap = await init();
const grid = [[2, 4, 5, 1], [3, 7, 2, 8], [1, 6, 3, 4], [9, 2, 7, 5]];
const input = { data: Float32Array.from(grid.flat()), shape: [1, 1, 4, 4] };
const options = { kernelSize: 2, stride: 2 };
const { values, indices } = ap.maxPool(input, options);
const unpooled = ap.maxUnpool(values, indices, options);
const grad = ap.maxPoolBackward({ data: new Float32Array(4).fill(1), shape: [1, 1, 2, 2] }, indices, input.shape);

function show(title, data, width, format = (v) => String(v)) {
  console.log(title);
  for (let r = 0; r < data.length / width; ++r) {
    console.log('  ' + Array.from(data.subarray(r * width, (r + 1) * width), (v) => format(v).padStart(8)).join(''));
  }
  console.log();
}

console.log('argpool: 2x2 max pooling with stride 2 (PyTorch semantics)\n');
show('input [4x4]', input.data, 4);
show('values [2x2]', values.data, 2);
show('mask: flat index row*4+col of each maximum', indices.data, 2);
show('mask as (row, col)', indices.data, 2, (i) => `(${Math.floor(i / 4)},${i % 4})`);
show('unpooled: maxUnpool(values, mask)', unpooled.data, 4);
show('backward: gradient of ones routed through the mask', grad.data, 4);
