#!/usr/bin/python3
"""Generates the PyTorch reference fixtures of tests/torch.test.mjs.

Runs PyTorch 1.13 on CPU (max_pool{1,2,3}d with return_indices, max_unpool{1,2,3}d, autograd for
the backward pass) over a fixed, seeded set of cases and writes one JSON file per group to
tests/fixtures/torch/. The format is described in tests/fixtures/torch/README.md.

    /usr/bin/python3 tools/gen_torch_fixtures.py            # writes the fixtures
    /usr/bin/python3 tools/gen_torch_fixtures.py --check    # fails if the files on disk differ

The output is deterministic: every group draws from its own seeded numpy generator and the JSON is
written with sorted keys, one case per line.
"""

import base64
import itertools
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT_DIR = os.path.join(ROOT, 'tests', 'fixtures', 'torch')
FORMAT = 1

NAN = float('nan')
INF = float('inf')

POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
UNPOOL = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}
DTYPES = {'float32': np.float32, 'float64': np.float64}

# Quiet NaNs with distinct payloads (and signs): the bits of a pooled NaN tell which one was kept.
NAN_BITS = {
    'float32': [0x7FC00000, 0x7FC00001, 0xFFC00000, 0x7FC12345, 0xFFD00F00],
    'float64': [0x7FF8000000000000, 0x7FF8000000000001, 0xFFF8000000000000,
                0x7FF80000DEADBEEF, 0xFFFC000000000123],
}


# ---------------------------------------------------------------------------------------------
# Encoding


def enc(array):
    """A tensor as {dtype, shape, data}: data is base64 of the raw little-endian bytes."""
    a = np.ascontiguousarray(array)
    if a.dtype == np.int64:
        assert a.size == 0 or (a.min() >= -2**31 and a.max() < 2**31), 'index does not fit int32'
        a = a.astype(np.int32)
    name = {np.dtype(np.float32): 'float32', np.dtype(np.float64): 'float64',
            np.dtype(np.int32): 'int32'}[a.dtype]
    raw = a.astype(a.dtype.newbyteorder('<'), copy=False).tobytes()
    return {'dtype': name, 'shape': list(a.shape), 'data': base64.b64encode(raw).decode('ascii')}


def np_of(t):
    return t.detach().cpu().numpy()


# ---------------------------------------------------------------------------------------------
# Inputs

KINDS = ['randn', 'ties', 'special', 'nan', 'neginf', 'zeros', 'perm']


def nan_array(rng, dtype, n):
    bits = np.array(rng.choice(NAN_BITS[dtype], size=n),
                    dtype=np.uint32 if dtype == 'float32' else np.uint64)
    return bits.view(DTYPES[dtype])


def plane_values(rng, kind, dtype, n):
    """n values of one (n, c) plane."""
    t = DTYPES[dtype]
    if kind == 'randn':
        return rng.standard_normal(n).astype(t)
    if kind == 'perm':  # distinct values, no ties
        return (rng.permutation(n) - n / 2).astype(t)
    if kind == 'ties':  # few distinct integers: many equal maxima
        return rng.integers(-1, 2, size=n).astype(t)
    if kind == 'zeros':  # -0.0 and +0.0 (equal under >): the first one of a window is kept
        v = rng.choice(np.array([-0.0, 0.0, -0.0, 0.0, -1.0], dtype=t), size=n)
        return v.astype(t)
    if kind == 'special':
        v = rng.integers(-2, 3, size=n).astype(t)
        r = rng.random(n)
        v[r < 0.30] = -INF
        v[(r >= 0.30) & (r < 0.40)] = INF
        v[(r >= 0.40) & (r < 0.55)] = -0.0
        m = (r >= 0.55) & (r < 0.70)
        v[m] = nan_array(rng, dtype, int(m.sum()))
        return v
    if kind == 'nan':  # several NaN per window: the last one is kept
        v = rng.standard_normal(n).astype(t)
        m = rng.random(n) < 0.5
        v[m] = nan_array(rng, dtype, int(m.sum()))
        return v
    if kind == 'neginf':  # mostly -inf: whole windows of -inf
        v = rng.integers(-3, 3, size=n).astype(t)
        v[rng.random(n) < 0.85] = -INF
        return v
    if kind == 'allneginf':
        return np.full(n, -INF, dtype=t)
    raise ValueError(kind)


def make_input(rng, shape, dtype, kind='mixed'):
    """kind 'mixed': plane i of the N*C planes gets KINDS[(i + offset) % len(KINDS)]."""
    planes = shape[0] * shape[1]
    n = int(np.prod(shape[2:]))
    out = np.empty((planes, n), dtype=DTYPES[dtype])
    offset = int(rng.integers(0, len(KINDS)))
    for i in range(planes):
        k = KINDS[(i + offset) % len(KINDS)] if kind == 'mixed' else kind
        out[i] = plane_values(rng, k, dtype, n)
    return out.reshape(shape)


# ---------------------------------------------------------------------------------------------
# PyTorch calls


def torch_pool_args(options):
    return dict(kernel_size=options['kernelSize'],
                stride=options.get('stride'),
                padding=options.get('padding', 0),
                dilation=options.get('dilation', 1),
                ceil_mode=options.get('ceilMode', False))


def torch_pool(x, options):
    rank = x.ndim - 2
    values, indices = POOL[rank](torch.from_numpy(x), return_indices=True, **torch_pool_args(options))
    return np_of(values), np_of(indices)


def torch_unpool(values, indices, options):
    rank = values.ndim - 2
    return np_of(UNPOOL[rank](torch.from_numpy(values), torch.from_numpy(indices.astype(np.int64)),
                              options['kernelSize'], options.get('stride'), options.get('padding', 0),
                              options.get('outputSize')))


def torch_backward(x, options, grad):
    rank = x.ndim - 2
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    values, indices = POOL[rank](xt, return_indices=True, **torch_pool_args(options))
    values.backward(torch.from_numpy(grad))
    return np_of(values), np_of(indices), np_of(xt.grad)


def torch_error(fn):
    try:
        fn()
    except (RuntimeError, ValueError) as e:
        return '%s: %s' % (type(e).__name__, str(e).splitlines()[0])
    return None


def plane_of(shape):
    return int(np.prod(shape[2:]))


# ---------------------------------------------------------------------------------------------
# Case builders


class Group:
    def __init__(self, name, seed):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.cases = []
        self.names = set()

    def add(self, case):
        assert case['name'] not in self.names, 'duplicate case name ' + case['name']
        self.names.add(case['name'])
        self.cases.append(case)


def opt_str(options):
    parts = []
    for key in ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'outputSize']:
        if key in options:
            v = options[key]
            if isinstance(v, list):
                v = 'x'.join(str(e) for e in v)
            elif v is True:
                v = 'T'
            elif v is False:
                v = 'F'
            parts.append('%s=%s' % ({'kernelSize': 'k', 'stride': 's', 'padding': 'p', 'dilation': 'd',
                                     'ceilMode': 'ceil', 'outputSize': 'out'}[key], v))
    return ' '.join(parts)


def shape_str(shape):
    return 'x'.join(str(d) for d in shape)


def pool_case(group, name, x, options, deviation=None):
    """Adds a maxPool case. Returns 'ok', 'error' or 'deviation' (window of padding only)."""
    dtype = 'float32' if x.dtype == np.float32 else 'float64'
    full = '%s [%s %s] %s' % (name, dtype, shape_str(x.shape), opt_str(options))
    err = torch_error(lambda: torch_pool(x, options))
    if err is not None:
        return 'error'
    values, indices = torch_pool(x, options)
    if 'drops last window' in name:
        assert any(out_len(*args)[1] for args in per_dim(x.shape, options)), name
    if has_padding_only_window(x.shape, options):
        return 'deviation'
    group.add({'name': full, 'op': 'maxPool', 'input': enc(x), 'options': options,
               'values': enc(values), 'indices': enc(indices)})
    return 'ok'


def rand_opts(rng, rank):
    """Random pooling options for `rank` spatial dims (possibly rejected by PyTorch)."""
    k = [int(rng.integers(1, 5)) for _ in range(rank)]
    s = [int(rng.integers(1, 4)) for _ in range(rank)]
    p = [int(rng.integers(0, kk // 2 + 1)) for kk in k]
    d = [int(rng.choice([1, 1, 2, 3])) for _ in range(rank)]
    ceil = bool(rng.integers(0, 2))
    o = {'kernelSize': k, 'stride': s, 'padding': p, 'dilation': d, 'ceilMode': ceil}
    as_numbers = rank == 1 or bool(rng.integers(0, 2))
    for key in ['kernelSize', 'stride', 'padding', 'dilation']:
        # A number when every dim agrees (both forms mean the same), else an array.
        if as_numbers and len(set(o[key])) == 1:
            o[key] = o[key][0]
    return o


def per_dim(shape, options):
    """(size, k, s, p, d, ceil) of every spatial dim."""
    rank = len(shape) - 2

    def dims(key, default):
        v = options.get(key)
        v = default if v is None else v
        return v if isinstance(v, list) else [v] * rank

    k = dims('kernelSize', None)
    s, p, d = dims('stride', k), dims('padding', 0), dims('dilation', 1)
    return [(shape[2 + i], k[i], s[i], p[i], d[i], options.get('ceilMode', False)) for i in range(rank)]


def has_padding_only_window(shape, options):
    """Whether some window has every tap in the padding (PyTorch then returns -inf)."""
    for size, k, s, p, d, ceil in per_dim(shape, options):
        for o in range(out_len(size, k, s, p, d, ceil)[0]):
            if not any(0 <= o * s - p + j * d < size for j in range(k)):
                return True
    return False


def out_len(size, k, s, p, d, ceil):
    """PyTorch's pooling_output_shape, and whether ceil mode dropped its last window."""
    num = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    n = num // s + 1
    dropped = ceil and (n - 1) * s >= size + p
    return (n - 1 if dropped else n), dropped


# ---------------------------------------------------------------------------------------------
# Groups


def gen_maxpool1d():
    g = Group('maxpool1d', 1001)
    rng = g.rng
    named = [
        ('basic k2', [2, 3, 8], {'kernelSize': 2}),
        ('k3 s1 overlapping', [2, 3, 11], {'kernelSize': 3, 'stride': 1}),
        ('k3 s2 p1', [1, 2, 9], {'kernelSize': 3, 'stride': 2, 'padding': 1}),
        ('k4 s1 p2 overlapping', [2, 2, 10], {'kernelSize': 4, 'stride': 1, 'padding': 2}),
        ('k3 s1 d2 dilation', [2, 2, 13], {'kernelSize': 3, 'stride': 1, 'dilation': 2}),
        ('k2 s1 d4 p1 dilation', [1, 2, 12], {'kernelSize': 2, 'stride': 1, 'dilation': 4, 'padding': 1}),
        ('k3 s2 ceil partial last window', [2, 2, 8], {'kernelSize': 3, 'stride': 2, 'ceilMode': True}),
        ('k2 s3 p1 ceil drops last window', [2, 2, 4], {'kernelSize': 2, 'stride': 3, 'padding': 1, 'ceilMode': True}),
        ('k2 s3 p1 ceil drops last window, L=5', [1, 3, 5], {'kernelSize': 2, 'stride': 3, 'padding': 1, 'ceilMode': True}),
        ('array params', [2, 2, 15], {'kernelSize': [3], 'stride': [2], 'padding': [1], 'dilation': [2], 'ceilMode': False}),
        ('stride null defaults to kernel', [1, 2, 9], {'kernelSize': 3, 'stride': None}),
        ('kernel 1', [2, 2, 5], {'kernelSize': 1}),
        ('kernel = length', [2, 2, 7], {'kernelSize': 7}),
        ('long row', [1, 2, 67], {'kernelSize': 5, 'stride': 2, 'padding': 2}),
        ('N=0 empty batch', [0, 3, 8], {'kernelSize': 2}),
        # Ceil mode: the dilated window (7) is longer than the padded input (6), yet PyTorch's
        # output size is 1 and the window covers the input.
        ('ceil mode, window longer than the padded input', [1, 2, 4],
         {'kernelSize': 3, 'stride': 3, 'padding': 1, 'dilation': 3, 'ceilMode': True}),
        ('ceil mode, k2 s2 on L=1', [2, 2, 1], {'kernelSize': 2, 'stride': 2, 'ceilMode': True}),
    ]
    for dtype in ['float32', 'float64']:
        for name, shape, options in named:
            assert pool_case(g, name, make_input(rng, shape, dtype), options) == 'ok', name
    # Special values, one kind per case, several window shapes.
    for dtype in ['float32', 'float64']:
        for kind in KINDS + ['allneginf']:
            for options in [{'kernelSize': 3, 'stride': 1, 'padding': 1},
                            {'kernelSize': 4, 'stride': 2, 'dilation': 2, 'padding': 2, 'ceilMode': True}]:
                x = make_input(rng, [2, 2, 13], dtype, kind)
                assert pool_case(g, 'values ' + kind, x, options) == 'ok'
    # Sweep around the vector width: every length 1..20 with random parameters.
    drops = 0
    for length in range(1, 21):
        added = 0
        while added < 7:
            o = rand_opts(rng, 1)
            dtype = 'float64' if added % 4 == 3 else 'float32'
            ok = pool_case(g, 'sweep L=%d #%d' % (length, added), make_input(rng, [2, 2, length], dtype), o)
            if ok == 'ok':
                added += 1
                if out_len(length, o['kernelSize'], o['stride'], o['padding'], o['dilation'], o['ceilMode'])[1]:
                    drops += 1
    assert drops > 0
    return g


def gen_maxpool2d():
    g = Group('maxpool2d', 2002)
    rng = g.rng
    named = [
        ('seed example shape', [1, 1, 4, 4], {'kernelSize': 2, 'stride': 2}),
        ('k3 s1 p1 overlapping', [2, 3, 9, 10], {'kernelSize': 3, 'stride': 1, 'padding': 1}),
        ('k3 s2 overlapping', [2, 2, 11, 9], {'kernelSize': 3, 'stride': 2}),
        ('k2 d2', [2, 2, 8, 9], {'kernelSize': 2, 'stride': 1, 'dilation': 2}),
        ('k3 d3 p1', [1, 3, 12, 11], {'kernelSize': 3, 'stride': 2, 'dilation': 3, 'padding': 1}),
        ('non-square k3x2 s2x1 p1x0 d1x2', [2, 2, 9, 10],
         {'kernelSize': [3, 2], 'stride': [2, 1], 'padding': [1, 0], 'dilation': [1, 2]}),
        ('non-square k1x4 s1x3 p0x2 ceil', [2, 2, 5, 14],
         {'kernelSize': [1, 4], 'stride': [1, 3], 'padding': [0, 2], 'ceilMode': True}),
        ('non-square k5x2 s3x2 p2x1 d1x3 ceil', [1, 2, 13, 12],
         {'kernelSize': [5, 2], 'stride': [3, 2], 'padding': [2, 1], 'dilation': [1, 3], 'ceilMode': True}),
        ('ceil partial windows', [2, 2, 7, 9], {'kernelSize': 2, 'stride': 2, 'ceilMode': True}),
        ('ceil drops last window', [1, 2, 4, 4], {'kernelSize': 2, 'stride': 3, 'padding': 1, 'ceilMode': True}),
        ('ceil drops last window (H only)', [1, 2, 4, 7],
         {'kernelSize': [2, 3], 'stride': [3, 2], 'padding': [1, 1], 'ceilMode': True}),
        ('stride null defaults to kernel', [1, 2, 6, 9], {'kernelSize': [2, 3], 'stride': None}),
        ('kernel = input', [2, 2, 5, 6], {'kernelSize': [5, 6]}),
        ('larger plane', [1, 2, 17, 19], {'kernelSize': 3, 'stride': 1, 'padding': 1}),
        ('larger plane k2s2', [1, 2, 16, 22], {'kernelSize': 2, 'stride': 2}),
        ('N=0 empty batch', [0, 2, 6, 6], {'kernelSize': 2}),
        ('N=0 empty batch k3s2p1', [0, 2, 7, 7], {'kernelSize': 3, 'stride': 2, 'padding': 1}),
        ('ceil mode, window longer than the padded input', [1, 2, 5, 5],
         {'kernelSize': 4, 'stride': [3, 1], 'padding': 2, 'dilation': [3, 1], 'ceilMode': True}),
    ]
    for dtype in ['float32', 'float64']:
        for name, shape, options in named:
            assert pool_case(g, name, make_input(rng, shape, dtype), options) == 'ok', name
    for dtype in ['float32', 'float64']:
        for kind in KINDS + ['allneginf']:
            for options in [{'kernelSize': 3, 'stride': 1, 'padding': 1},
                            {'kernelSize': 2, 'stride': 2},
                            {'kernelSize': 3, 'stride': 2, 'padding': 1},
                            {'kernelSize': [3, 2], 'stride': [1, 2], 'dilation': [2, 1], 'padding': [1, 1],
                             'ceilMode': True}]:
                x = make_input(rng, [1, 2, 6, 9], dtype, kind)
                assert pool_case(g, 'values ' + kind, x, options) == 'ok'
    # The SIMD fast paths, every width 1..17 and several heights (float32; some float64 for
    # the same shapes). Width or height 1 under 2x2 is rejected by PyTorch: those go to errors.
    fast = [
        ('2x2s2', {'kernelSize': 2, 'stride': 2}, [1, 2, 3, 4, 6]),
        ('2x2s2 ceil', {'kernelSize': 2, 'stride': 2, 'ceilMode': True}, [3, 5]),
        ('3x3s2p1', {'kernelSize': 3, 'stride': 2, 'padding': 1}, [1, 2, 3, 5, 8]),
        ('3x3s2p1 ceil', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True}, [4, 7]),
        ('2x2s2 arrays', {'kernelSize': [2, 2], 'stride': [2, 2], 'padding': [0, 0], 'dilation': [1, 1]}, [6]),
        ('3x3s2p1 arrays', {'kernelSize': [3, 3], 'stride': [2, 2], 'padding': [1, 1], 'dilation': [1, 1]}, [5]),
    ]
    for label, options, heights in fast:
        for h in heights:
            for w in range(1, 18):
                dtype = 'float64' if (w + h) % 5 == 0 else 'float32'
                x = make_input(rng, [1, 2, h, w], dtype)
                pool_case(g, 'fast path %s H=%d W=%d' % (label, h, w), x, options)
    # General shapes around the vector width: W 1..16 with random (non-square) parameters.
    for w in range(1, 17):
        added = 0
        while added < 5:
            h = int(rng.integers(1, 7))
            o = rand_opts(rng, 2)
            dtype = 'float64' if added == 4 else 'float32'
            if pool_case(g, 'sweep H=%d W=%d #%d' % (h, w, added), make_input(rng, [2, 2, h, w], dtype), o) == 'ok':
                added += 1
    return g


def gen_maxpool3d():
    g = Group('maxpool3d', 3003)
    rng = g.rng
    named = [
        ('k2', [2, 2, 4, 4, 6], {'kernelSize': 2}),
        ('k3 s1 p1 overlapping', [2, 2, 4, 5, 6], {'kernelSize': 3, 'stride': 1, 'padding': 1}),
        ('k3 s2 p1', [1, 2, 7, 7, 9], {'kernelSize': 3, 'stride': 2, 'padding': 1}),
        ('k2 d2', [2, 2, 5, 5, 6], {'kernelSize': 2, 'stride': 1, 'dilation': 2}),
        ('non-square k3x2x1 s1x2x1 p1x0x0 d2x1x1', [1, 2, 7, 6, 5],
         {'kernelSize': [3, 2, 1], 'stride': [1, 2, 1], 'padding': [1, 0, 0], 'dilation': [2, 1, 1]}),
        ('non-square k2x3x4 s2x1x3 p1x1x2 ceil', [1, 2, 5, 6, 11],
         {'kernelSize': [2, 3, 4], 'stride': [2, 1, 3], 'padding': [1, 1, 2], 'ceilMode': True}),
        ('ceil partial windows', [2, 2, 5, 5, 7], {'kernelSize': 2, 'stride': 2, 'ceilMode': True}),
        ('ceil drops last window', [1, 2, 4, 4, 4], {'kernelSize': 2, 'stride': 3, 'padding': 1, 'ceilMode': True}),
        ('depth-1 kernel 1x2x2 s1x2x2 (2D fast path rule)', [1, 2, 3, 6, 13],
         {'kernelSize': [1, 2, 2], 'stride': [1, 2, 2]}),
        ('depth-1 kernel 1x3x3 s1x2x2 p0x1x1 (2D fast path rule)', [1, 2, 2, 7, 13],
         {'kernelSize': [1, 3, 3], 'stride': [1, 2, 2], 'padding': [0, 1, 1]}),
        ('kernel = input', [2, 2, 3, 4, 5], {'kernelSize': [3, 4, 5]}),
        ('larger volume', [1, 2, 6, 7, 9], {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True}),
        ('N=0 empty batch', [0, 2, 4, 4, 4], {'kernelSize': 2}),
        ('ceil mode, window longer than the input', [1, 2, 2, 3, 3], {'kernelSize': 3, 'stride': 2, 'ceilMode': True}),
    ]
    for dtype in ['float32', 'float64']:
        for name, shape, options in named:
            assert pool_case(g, name, make_input(rng, shape, dtype), options) == 'ok', name
    for dtype in ['float32', 'float64']:
        for kind in KINDS + ['allneginf']:
            for options in [{'kernelSize': 3, 'stride': 1, 'padding': 1},
                            {'kernelSize': [2, 3, 2], 'stride': [1, 2, 2], 'dilation': [2, 1, 2], 'padding': [1, 1, 0],
                             'ceilMode': True}]:
                x = make_input(rng, [1, 2, 3, 4, 6], dtype, kind)
                assert pool_case(g, 'values ' + kind, x, options) == 'ok'
    for w in range(1, 14):
        added = 0
        while added < 3:
            shape = [int(rng.integers(1, 3)), 2, int(rng.integers(1, 6)), int(rng.integers(1, 6)), w]
            o = rand_opts(rng, 3)
            dtype = 'float64' if added == 2 else 'float32'
            if pool_case(g, 'sweep %s #%d' % (shape_str(shape[2:]), added), make_input(rng, shape, dtype), o) == 'ok':
                added += 1
    return g


def gen_unpool():
    g = Group('unpool', 4004)
    rng = g.rng

    def add(name, values, indices, options):
        out = torch_unpool(values, indices, options)
        dtype = 'float32' if values.dtype == np.float32 else 'float64'
        g.add({'name': '%s [%s %s] %s' % (name, dtype, shape_str(values.shape), opt_str(options)),
               'op': 'maxUnpool', 'values': enc(values), 'indices': enc(indices),
               'options': options, 'output': enc(out)})

    # From PyTorch's own pooling: (input shape, pool options, unpool output sizes to try).
    pooled = [
        ([2, 3, 8], {'kernelSize': 2}, [None, [8], [9], 'full']),
        ([1, 2, 11], {'kernelSize': 3, 'stride': 2, 'padding': 1}, [None, [11], [12], 'full']),
        ([2, 2, 10], {'kernelSize': 4, 'stride': 1, 'padding': 1}, [None]),
        ([2, 2, 6, 8], {'kernelSize': 2, 'stride': 2}, [None, [6, 8], [7, 9], 'full']),
        ([2, 3, 7, 9], {'kernelSize': 3, 'stride': 2, 'padding': 1}, [None, [7, 9], [8, 10], 'full']),
        ([1, 2, 9, 8], {'kernelSize': [3, 2], 'stride': [1, 2], 'padding': [1, 0]}, [None, [9, 9]]),
        ([2, 2, 7, 7], {'kernelSize': 2, 'stride': 2, 'ceilMode': True}, [[7, 7], [8, 8], 'full']),
        ([1, 2, 5, 5], {'kernelSize': 2, 'stride': 2}, [[5, 5], 'full']),
        ([2, 2, 4, 4, 6], {'kernelSize': 2}, [None, [5, 5, 7], 'full']),
        ([1, 2, 5, 6, 7], {'kernelSize': [3, 2, 3], 'stride': [2, 2, 1], 'padding': [1, 0, 1]},
         [None, [5, 6, 7], [6, 7, 7], 'full']),
        ([0, 2, 6, 6], {'kernelSize': 2}, [None, [7, 7]]),
        ([0, 2, 6], {'kernelSize': 2}, [None]),
        ([0, 2, 4, 4, 4], {'kernelSize': 2}, [None]),
    ]
    for dtype in ['float32', 'float64']:
        for shape, pool_options, sizes in pooled:
            x = make_input(rng, shape, dtype)
            values, indices = torch_pool(x, pool_options)
            for size in sizes:
                options = {'kernelSize': pool_options['kernelSize']}
                for key in ['stride', 'padding']:
                    if key in pool_options:
                        options[key] = pool_options[key]
                label = 'after pool %s' % shape_str(shape)
                if size == 'full':
                    options['outputSize'] = list(shape)
                    label += ' full-shape outputSize'
                elif size is not None:
                    options['outputSize'] = size
                    label += ' spatial outputSize'
                else:
                    label += ' default size'
                add(label, values, indices.astype(np.int32), options)
    # Arbitrary indices (duplicates: the last value written wins) and special values.
    crafted = [
        ([2, 2, 6], {'kernelSize': 2}, None),
        ([2, 3, 4, 5], {'kernelSize': 3, 'stride': 2, 'padding': 1}, None),
        ([1, 2, 3, 4], {'kernelSize': [2, 3], 'stride': [2, 3]}, [7, 13]),
        ([2, 2, 2, 3, 3], {'kernelSize': 2}, [5, 6, 7]),
    ]
    for dtype in ['float32', 'float64']:
        for shape, options, size in crafted:
            rank = len(shape) - 2
            k = options['kernelSize'] if isinstance(options['kernelSize'], list) else [options['kernelSize']] * rank
            s = options.get('stride', k)
            s = s if isinstance(s, list) else [s] * rank
            p = options.get('padding', 0)
            p = p if isinstance(p, list) else [p] * rank
            default = [(shape[2 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(rank)]
            out_plane = int(np.prod(size or default))
            values = make_input(rng, shape, dtype)
            indices = rng.integers(0, out_plane, size=shape).astype(np.int32)
            indices.reshape(-1)[1::3] = indices.reshape(-1)[0::3][:len(indices.reshape(-1)[1::3])]  # duplicates
            o = dict(options)
            if size:
                o['outputSize'] = size
            add('crafted indices with duplicates', values, indices, o)
    return g


def gen_backward():
    g = Group('backward', 5005)
    rng = g.rng
    order_sensitive = 0

    def add(name, x, options, grad_kind='spread'):
        nonlocal order_sensitive
        dtype = 'float32' if x.dtype == np.float32 else 'float64'
        values, _ = torch_pool(x, options)
        t = DTYPES[dtype]
        if grad_kind == 'spread':  # mixed magnitudes: float32 sums depend on their order
            grad = (rng.standard_normal(values.shape) * 10.0 ** rng.uniform(-4, 4, values.shape)).astype(t)
        else:
            grad = rng.integers(-3, 4, size=values.shape).astype(t)
        values, indices, grad_input = torch_backward(x, options, grad)
        # Is this case able to tell the summation order? Sum each input's gradients backwards.
        planes = grad.reshape(-1, plane_of(grad.shape)) if grad.size else grad.reshape(0, 1)
        idx = indices.reshape(planes.shape)
        rev = np.zeros((planes.shape[0], plane_of(x.shape)), dtype=t)
        for pl in range(planes.shape[0]):
            for j in reversed(range(planes.shape[1])):
                rev[pl, idx[pl, j]] += planes[pl, j]
        if not np.array_equal(rev.reshape(-1).view(np.uint8), grad_input.reshape(-1).view(np.uint8)):
            order_sensitive += 1
        g.add({'name': '%s [%s %s] %s' % (name, dtype, shape_str(x.shape), opt_str(options)),
               'op': 'maxPoolBackward', 'input': enc(x), 'options': options, 'gradOutput': enc(grad),
               'indices': enc(indices), 'inputShape': list(x.shape), 'gradInput': enc(grad_input)})

    cases = [
        ('1D k3 s1 overlapping', [2, 2, 30], {'kernelSize': 3, 'stride': 1, 'padding': 1}),
        ('1D k5 s1 d2 overlapping', [2, 2, 37], {'kernelSize': 5, 'stride': 1, 'padding': 2, 'dilation': 2}),
        ('1D k4 s2 ceil', [1, 2, 23], {'kernelSize': 4, 'stride': 2, 'padding': 1, 'ceilMode': True}),
        ('1D k2', [2, 2, 10], {'kernelSize': 2}),
        ('2D k3 s1 p1 overlapping', [2, 2, 8, 9], {'kernelSize': 3, 'stride': 1, 'padding': 1}),
        ('2D k4 s1 overlapping', [1, 2, 8, 9], {'kernelSize': 4, 'stride': 1, 'padding': 2}),
        ('2D k3 s2 p1', [2, 2, 9, 11], {'kernelSize': 3, 'stride': 2, 'padding': 1}),
        ('2D k2 s2', [2, 2, 8, 10], {'kernelSize': 2, 'stride': 2}),
        ('2D non-square k3x2 s1x1 d2x1 ceil', [1, 3, 10, 9],
         {'kernelSize': [3, 2], 'stride': [1, 1], 'padding': [1, 1], 'dilation': [2, 1], 'ceilMode': True}),
        ('3D k3 s1 p1 overlapping', [1, 2, 4, 5, 7], {'kernelSize': 3, 'stride': 1, 'padding': 1}),
        ('3D k2 s1 overlapping', [1, 2, 4, 5, 6], {'kernelSize': 2, 'stride': 1}),
        ('3D non-square k2x3x3 s1x2x1 p1x1x1 d1x1x2', [1, 2, 4, 5, 7],
         {'kernelSize': [2, 3, 3], 'stride': [1, 2, 1], 'padding': [1, 1, 1], 'dilation': [1, 1, 2]}),
        ('3D k2 s2 ceil', [2, 1, 5, 5, 5], {'kernelSize': 2, 'stride': 2, 'ceilMode': True}),
    ]
    for dtype in ['float32', 'float64']:
        for name, shape, options in cases:
            add(name, make_input(rng, shape, dtype, 'randn'), options)
            # Few distinct values: ties make many windows pick the same (first) index.
            add(name + ' ties', make_input(rng, shape, dtype, 'ties'), options)
            add(name + ' special values', make_input(rng, shape, dtype, 'mixed'), options, 'ints')
    for dtype in ['float32', 'float64']:
        add('N=0 empty batch 1D', make_input(rng, [0, 2, 6], dtype), {'kernelSize': 2})
        add('N=0 empty batch 2D', make_input(rng, [0, 2, 6, 6], dtype), {'kernelSize': 3, 'stride': 1})
        add('N=0 empty batch 3D', make_input(rng, [0, 2, 4, 4, 4], dtype), {'kernelSize': 2})
    # Enough cases must fail an implementation that adds the gradients in another order.
    assert order_sensitive >= 10, order_sensitive
    print('backward: %d of %d cases depend on the summation order' % (order_sensitive, len(g.cases)))
    return g


def gen_errors():
    g = Group('errors', 6006)
    rng = g.rng

    def pool_error(name, shape, options, reason, dtype='float32'):
        x = make_input(rng, shape, dtype)
        err = torch_error(lambda: torch_pool(x, options))
        assert err is not None, name
        g.add({'name': '%s [%s %s] %s' % (name, dtype, shape_str(shape), opt_str(options)),
               'op': 'maxPool', 'input': enc(x), 'options': options, 'error': {'reason': reason, 'torch': err}})

    pool_error('stride 0 (1D)', [1, 1, 6], {'kernelSize': 2, 'stride': 0}, 'stride')
    pool_error('stride 0 (2D)', [1, 1, 6, 6], {'kernelSize': 2, 'stride': 0}, 'stride')
    pool_error('stride 0 in W only (2D)', [1, 1, 6, 6], {'kernelSize': 2, 'stride': [2, 0]}, 'stride')
    pool_error('stride 0 (3D)', [1, 1, 4, 4, 4], {'kernelSize': 2, 'stride': [0, 1, 1]}, 'stride')
    pool_error('negative padding (1D)', [1, 1, 6], {'kernelSize': 3, 'stride': 1, 'padding': -1}, 'padding')
    pool_error('negative padding (2D)', [1, 1, 6, 6], {'kernelSize': 2, 'stride': 2, 'padding': [0, -1]}, 'padding')
    pool_error('negative padding (3D)', [1, 1, 4, 4, 4], {'kernelSize': 3, 'stride': 1, 'padding': -1}, 'padding')
    pool_error('padding > kernel/2 (1D)', [1, 1, 8], {'kernelSize': 3, 'padding': 2}, 'padding', 'float64')
    pool_error('padding > kernel/2 (2D)', [1, 1, 6, 6], {'kernelSize': 2, 'stride': 2, 'padding': 2}, 'padding')
    pool_error('padding > kernel/2 in one dim (2D)', [1, 1, 6, 6],
               {'kernelSize': [4, 3], 'stride': 1, 'padding': [2, 2]}, 'padding')
    pool_error('padding > kernel/2 (3D)', [1, 1, 5, 5, 5], {'kernelSize': 2, 'padding': [0, 0, 2]}, 'padding')
    pool_error('kernel 1 padding 1 (2D)', [1, 1, 4, 4], {'kernelSize': 1, 'padding': 1}, 'padding')
    pool_error('dilation 0 (1D)', [1, 1, 6], {'kernelSize': 2, 'dilation': 0}, 'dilation')
    pool_error('dilation 0 (2D)', [1, 1, 6, 6], {'kernelSize': 2, 'dilation': [1, 0]}, 'dilation')
    pool_error('dilation 0 (3D)', [1, 1, 4, 4, 4], {'kernelSize': 2, 'dilation': 0}, 'dilation')
    pool_error('kernel 0 (2D)', [1, 1, 4, 4], {'kernelSize': 0, 'stride': 1}, 'kernelSize')
    pool_error('kernel larger than input (1D)', [1, 1, 3], {'kernelSize': 4}, 'kernelSize')
    pool_error('kernel larger than padded input (1D)', [1, 2, 3], {'kernelSize': 6, 'stride': 1, 'padding': 1},
               'kernelSize', 'float64')
    pool_error('kernel larger than input (2D)', [1, 1, 4, 4], {'kernelSize': 5, 'stride': 1}, 'kernelSize')
    pool_error('kernel larger than input in H (2D)', [2, 2, 2, 9], {'kernelSize': 3, 'stride': 1}, 'kernelSize')
    pool_error('dilated kernel larger than padded input (2D)', [1, 1, 5, 5],
               {'kernelSize': 3, 'stride': 1, 'padding': 1, 'dilation': 4}, 'kernelSize')
    pool_error('kernel larger than input, ceil mode (1D)', [1, 1, 3], {'kernelSize': 5, 'stride': 2, 'ceilMode': True},
               'kernelSize')
    pool_error('kernel larger than input (3D)', [1, 1, 2, 5, 5], {'kernelSize': 3}, 'kernelSize')
    pool_error('fast path 2x2s2 on W=1', [1, 3, 4, 1], {'kernelSize': 2, 'stride': 2}, 'kernelSize')
    pool_error('fast path 2x2s2 on H=1', [1, 3, 1, 9], {'kernelSize': 2, 'stride': 2}, 'kernelSize')
    pool_error('C=0 (2D)', [1, 0, 4, 4], {'kernelSize': 2}, 'channels')
    pool_error('C=0 (3D)', [1, 0, 4, 4, 4], {'kernelSize': 2}, 'channels')

    def unpool_error(name, values, indices, options, reason):
        err = torch_error(lambda: torch_unpool(values, indices, options))
        assert err is not None, name
        dtype = 'float32' if values.dtype == np.float32 else 'float64'
        g.add({'name': '%s [%s %s] %s' % (name, dtype, shape_str(values.shape), opt_str(options)),
               'op': 'maxUnpool', 'values': enc(values), 'indices': enc(indices), 'options': options,
               'error': {'reason': reason, 'torch': err}})

    x = make_input(rng, [2, 2, 6, 6], 'float32', 'randn')
    v, i = torch_pool(x, {'kernelSize': 2})
    i = i.astype(np.int32)
    unpool_error('outputSize too small', v, i, {'kernelSize': 2, 'outputSize': [4, 6]}, 'outputSize')
    unpool_error('outputSize too large', v, i, {'kernelSize': 2, 'outputSize': [6, 8]}, 'outputSize')
    unpool_error('full-shape outputSize too large', v, i, {'kernelSize': 2, 'outputSize': [2, 2, 6, 8]}, 'outputSize')
    v1, i1 = torch_pool(make_input(rng, [1, 2, 9], 'float64', 'randn'), {'kernelSize': 3, 'stride': 3})
    unpool_error('outputSize too small (1D)', v1, i1.astype(np.int32), {'kernelSize': 3, 'outputSize': [6]}, 'outputSize')
    v3, i3 = torch_pool(make_input(rng, [1, 1, 4, 4, 4], 'float32', 'randn'), {'kernelSize': 2})
    unpool_error('outputSize too large (3D)', v3, i3.astype(np.int32), {'kernelSize': 2, 'outputSize': [4, 4, 6]},
                 'outputSize')
    bad = i.copy()
    bad.reshape(-1)[5] = 36
    unpool_error('index = plane size', v, bad, {'kernelSize': 2}, 'indices')
    bad = i.copy()
    bad.reshape(-1)[-1] = -1
    unpool_error('negative index', v, bad, {'kernelSize': 2}, 'indices')
    bad = i.copy()
    bad.reshape(-1)[0] = 40
    unpool_error('index beyond an explicit outputSize', v, bad, {'kernelSize': 2, 'outputSize': [5, 7]}, 'indices')
    bad1 = i1.astype(np.int32).copy()
    bad1.reshape(-1)[2] = 9
    unpool_error('index = plane size (1D)', v1, bad1, {'kernelSize': 3}, 'indices')
    bad3 = i3.astype(np.int32).copy()
    bad3.reshape(-1)[3] = 64
    unpool_error('index = plane size (3D)', v3, bad3, {'kernelSize': 2}, 'indices')
    # PyTorch's 2D unpool takes stride 0 and then finds every index out of range; its 3D unpool
    # rejects the stride itself.
    unpool_error('stride 0 (2D)', v, i, {'kernelSize': 2, 'stride': 0}, 'stride')
    unpool_error('stride 0 (3D)', v3, i3.astype(np.int32), {'kernelSize': 2, 'stride': [2, 0, 2]}, 'stride')

    # Backward: a gradOutput whose shape is not the pooling output of inputShape with the options.
    x = make_input(rng, [1, 2, 6, 6], 'float32', 'randn')
    grad = rng.standard_normal((1, 2, 2, 2)).astype(np.float32)
    idx = np.zeros((1, 2, 2, 2), dtype=np.int32)
    err = torch_error(lambda: torch.ops.aten.max_pool2d_with_indices_backward(
        torch.from_numpy(grad), torch.from_numpy(x), [2, 2], [2, 2], [0, 0], [1, 1], False,
        torch.from_numpy(idx.astype(np.int64))))
    assert err is not None
    g.add({'name': 'backward gradOutput shape is not the pooled shape [float32 1x2x6x6] k=2',
           'op': 'maxPoolBackward', 'gradOutput': enc(grad), 'indices': enc(idx), 'inputShape': [1, 2, 6, 6],
           'options': {'kernelSize': 2}, 'error': {'reason': 'gradOutput', 'torch': err}})

    # Deliberate deviations: PyTorch accepts these, argpool throws a RangeError. `torchResult`
    # records what PyTorch returns.
    def pool_deviation(name, shape, options, why):
        x = make_input(rng, shape, 'float32', 'randn')
        values, indices = torch_pool(x, options)
        assert has_padding_only_window(shape, options) and np.isneginf(values).any(), name
        g.add({'name': '%s [float32 %s] %s' % (name, shape_str(shape), opt_str(options)),
               'op': 'maxPool', 'input': enc(x), 'options': options,
               'error': {'reason': 'padding-only-window', 'torch': None},
               'deviation': why, 'torchResult': {'values': enc(values), 'indices': enc(indices)}})

    why = ('a window made only of padding: PyTorch returns -inf with an index outside the plane '
           '(nothing to unpool or backpropagate to); argpool rejects the parameters')
    pool_deviation('window of padding only (1D)', [1, 1, 2],
                   {'kernelSize': 2, 'dilation': 3, 'padding': 1}, why)
    pool_deviation('window of padding only (2D, H)', [1, 2, 2, 5],
                   {'kernelSize': 2, 'stride': [2, 1], 'dilation': [3, 1], 'padding': [1, 0]}, why)
    pool_deviation('window of padding only (3D, D)', [1, 1, 2, 2, 2],
                   {'kernelSize': [2, 1, 1], 'stride': [2, 1, 1], 'padding': [1, 0, 0], 'dilation': [3, 1, 1]}, why)
    pool_deviation('window of padding only, dilation 5 (1D)', [1, 1, 4],
                   {'kernelSize': 2, 'stride': 2, 'dilation': 5, 'padding': 1}, why)
    # Here PyTorch's index stays inside the plane but names an element of another row.
    pool_deviation('window of padding only (2D, W; index lands in the next row)', [1, 1, 5, 2],
                   {'kernelSize': [1, 2], 'stride': [2, 3], 'padding': [0, 1], 'dilation': [2, 3]}, why)
    return g


# ---------------------------------------------------------------------------------------------


def write_group(group, check):
    header = {'format': FORMAT, 'group': group.name, 'torch': torch.__version__,
              'generator': 'tools/gen_torch_fixtures.py'}
    lines = [json.dumps(header, sort_keys=True, separators=(',', ':'))[:-1] + ',"cases":[']
    body = [json.dumps(c, sort_keys=True, separators=(',', ':'), allow_nan=False) for c in group.cases]
    text = '\n'.join(lines + [',\n'.join(body), ']}']) + '\n'
    path = os.path.join(OUT_DIR, group.name + '.json')
    if check:
        with open(path) as f:
            same = f.read() == text
        print('%-16s %4d cases %s' % (group.name + '.json', len(group.cases), 'same' if same else 'DIFFERS'))
        return same, len(text)
    with open(path, 'w') as f:
        f.write(text)
    print('%-16s %4d cases %8d bytes' % (group.name + '.json', len(group.cases), len(text)))
    return True, len(text)


def main():
    check = '--check' in sys.argv[1:]
    assert torch.__version__.startswith('1.13'), 'PyTorch 1.13 is required, found ' + torch.__version__
    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(OUT_DIR, exist_ok=True)
    total_cases = total_bytes = 0
    ok = True
    for gen in [gen_maxpool1d, gen_maxpool2d, gen_maxpool3d, gen_unpool, gen_backward, gen_errors]:
        group = gen()
        same, size = write_group(group, check)
        ok = ok and same
        total_cases += len(group.cases)
        total_bytes += size
    print('total            %4d cases %8d bytes' % (total_cases, total_bytes))
    if not ok:
        sys.exit(1)


if __name__ == '__main__':
    main()
