// Pooling options from the form fields of either mode. Values are passed to argpool as typed,
// so argpool itself judges them and its error messages are what the page shows. An empty field
// means "argpool's default" (stride = kernel, padding 0, dilation 1).

function fieldValue(input) {
  if (input.value.trim() === '') return input.validity.badInput ? NaN : undefined;
  return input.valueAsNumber;
}

export function readPoolOptions(fields) {
  const options = {};
  for (const [key, input] of [['kernelSize', fields.kernel], ['stride', fields.stride], ['padding', fields.padding], ['dilation', fields.dilation]]) {
    const value = fieldValue(input);
    if (value !== undefined) options[key] = value;
  }
  if (fields.ceil.checked) options.ceilMode = true;
  return options;
}

// Square parameters with argpool's defaults filled in; only meaningful once argpool accepted them.
export function resolvedGeometry(options) {
  return {
    kernel: options.kernelSize,
    stride: options.stride ?? options.kernelSize,
    padding: options.padding ?? 0,
    dilation: options.dilation ?? 1,
    ceilMode: options.ceilMode === true,
  };
}

export function callText(fn, options) {
  const parts = Object.entries(options).map(([k, v]) => `${k}: ${Number.isNaN(v) ? 'NaN' : v}`);
  return `${fn}(x, { ${parts.join(', ')} })`;
}

// The options argpool's maxUnpool needs to invert a pooling with `geometry` onto height×width:
// unpooling has no dilation, so it gets the dilated (effective) kernel and the exact output size.
export function unpoolOptions(geometry, height, width) {
  return {
    kernelSize: geometry.dilation * (geometry.kernel - 1) + 1,
    stride: geometry.stride,
    padding: geometry.padding,
    outputSize: [height, width],
  };
}
