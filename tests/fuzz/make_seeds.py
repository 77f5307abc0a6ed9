#!/usr/bin/env python3
"""Writes the committed seed corpus tests/fuzz/corpus/<target>/ (a handful of small inputs per
target that decode into meaningful cases). The byte formats are those of the Reader in
fuzz_common.h and of each target's LLVMFuzzerTestOneInput; see tests/fuzz/README.md.

    python3 tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def small(v):
    """Reader::element: bytes 0x00-0x7f give (b % 8) - 3, i.e. -3..4."""
    assert -3 <= v <= 4
    return [v + 3]


NAN, NEG_INF, POS_INF, NEG_ZERO = [0x84], [0x83], [0x82], [0x81]


def raw_f32(x):
    return [0x90] + list(struct.pack('<f', x))


def raw_f64(x):
    return [0x90] + list(struct.pack('<d', x))


def wide(v):
    """Reader::wide: 0..0xBF literally, -1..-16 as 0xC0.., anything else as 0xF8 + 8 raw bytes."""
    if 0 <= v < 0xC0:
        return [v]
    if -16 <= v <= -1:
        return [0xC0 + (-1 - v)]
    return [0xF8] + list(struct.pack('<q', v))


def plane_index(s):
    """read_indices: two bytes b0 * 256 + b1 (b0 < 0xF0), taken modulo the plane."""
    return [s // 256, s % 256]


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(bytes(data))


INT32_MAX = 2**31 - 1

# ---- fuzz_max_pool: mode, small config (rank, N, C, pad mode, per dim size/k/s/pb[/pe]/d, ceil,
# index spec), input data, then the chain (unpool outputSize flag, gradient data).
# mode: bits 0-1 kernel, bit 2 values only, bit 3 wide, bits 4-6 dtype, bit 7 NHWC.
readme = [2, 4, 4, 1, 3, 4, 2, 4, 1, 4, 3, 4, 4, 2, 4, 4]  # the README example, clipped to 4
write('fuzz_max_pool', 'readme_2x2s2_f32',
      [0x00, 1, 1, 0, 0] + [3, 1, 1, 0, 0] * 2 + [0, 0]
      + sum((small(v) for v in readme), []) + [0] + small(1) * 4)
# 3x3 stride 2 padding 1, float64, 2 planes with NaN, -inf and -0.
x = [1, NAN, 2, NEG_INF, NEG_ZERO, 3, 2, 2, NAN, 4, -3, 0, 1, 1, 0, 2, POS_INF, 0, -1, 3]
data = sum(((small(v) if isinstance(v, int) else v) for v in x), [])
write('fuzz_max_pool', 'nchw_3x3s2p1_f64_nan',
      [0x11, 1, 2, 0, 0] + [4, 2, 1, 1, 0, 4, 2, 1, 1, 0] + [0, 0] + data + [1] + small(2) * 12)
# 3-D NHWC float32, explicit pads, dilation 2, ceil mode, global int64 indices.
write('fuzz_max_pool', 'nhwc_3d_explicit_dilated_ceil_f32',
      [0x81, 2, 1, 1, 4] + [3, 2, 1, 1, 2, 1] + [4, 2, 2, 0, 1, 0] + [5, 3, 1, 1, 1, 1] + [1, 0x04 | 1]
      + [(i * 7) % 8 for i in range(4 * 5 * 6 * 2)] + [0] + [3] * 64)
# 1-D int8, SAME_UPPER, tf indices with the batch, stride 3.
write('fuzz_max_pool', 'int8_1d_same_upper_tf',
      [0x20, 0, 2, 1, 5] + [10, 3, 2, 0, 0] + [0, 0x10 | 2] + [0x80, 0x81, 0x82, 0x83] + list(range(0, 60, 3)))
# Values only, uint8, VALID padding, kScalar.
write('fuzz_max_pool', 'uint8_values_only_valid',
      [0x35, 1, 1, 0, 7] + [6, 2, 0, 0, 0, 7, 1, 1, 0, 1] + [1, 0] + list(range(0, 120, 5)))
# Wide: empty batch with INT32_MAX sizes, kernel covering the input.
write('fuzz_max_pool', 'wide_empty_batch_huge',
      [0x08, 1] + wide(0) + wide(1) + wide(INT32_MAX) + [0, 1]
      + (wide(INT32_MAX) + wide(1) + wide(INT32_MAX // 2) + wide(1)) * 3 + [0, 0, 0, 0])
# A SIMD kernel id, which a native build refuses.
write('fuzz_max_pool', 'simd_id_refused', [0x02, 1, 1, 1, 0, 0] + [3, 1, 1, 0, 0] * 2 + [0, 0] + [1] * 16)

# ---- fuzz_unpool_backward: mode (bits 0-2 dtype, bit 3 backward, bit 4 wide, bit 5 NHWC).
# Unpool (small): values (rank, N, C, sizes), outputSize flag, symmetric flag, per dim
# k/s/pb[/pe]/outputSize delta, index spec, indices.shape selector, values, indices.
write('fuzz_unpool_backward', 'unpool_readme_f32',
      [0x00, 1, 1, 0, 1, 1, 0, 1] + [1, 1, 0, 4] * 2 + [0, 0, 0]
      + small(4) + small(3) + small(4) + small(2) + plane_index(5) + plane_index(7) + plane_index(12) + plane_index(14))
write('fuzz_unpool_backward', 'unpool_nhwc_global_int64_output_size_f64',
      [0x21, 1, 2, 2, 3, 3, 1, 1] + [1, 1, 1, 5] * 2 + [0x04 | 1, 0, 0]
      + sum((small(v % 8 - 3) for v in range(36)), []) + sum((plane_index(v * 5) for v in range(36)), []))
write('fuzz_unpool_backward', 'unpool_duplicates_and_bad_index_int16',
      [0x04, 0, 1, 0, 9, 0, 1, 2, 1, 4, 0, 0, 0]
      + sum((small(v) for v in [1, 2, 3, 4, 0, -1, -2, -3, 4, 4]), [])
      + plane_index(3) * 5 + [0xF0, 0] + plane_index(1) * 4)
# Backward (small): input (rank, N, C, sizes), params flag, pad mode, per dim k/s/pb[/pe]/d, ceil,
# derive flag, perturbation, index spec, indices.shape selector, gradient, indices.
write('fuzz_unpool_backward', 'backward_overlapping_f64',
      [0x09, 0, 1, 0, 3, 1, 0] + [2, 1, 0, 0] + [0, 1, 0, 0, 0, 0]
      + small(1) * 3 + sum((plane_index(v) for v in [1, 1, 3]), []))
write('fuzz_unpool_backward', 'backward_nhwc_tf_f32',
      [0x28, 1, 1, 2, 5, 5, 1, 0] + [2, 1, 0, 0] * 2 + [0, 1, 0, 2, 0, 0]
      + small(2) * 32 + sum((plane_index(v * 3) for v in range(32)), []))
write('fuzz_unpool_backward', 'backward_int32_refused', [0x0E, 0, 1, 0, 3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
write('fuzz_unpool_backward', 'wide_huge_output_size',
      [0x10] + [1] + wide(1) + wide(1) + wide(INT32_MAX) + [0, 1, 1]
      + (wide(2) + wide(INT32_MAX) + wide(0) + wide(2**62)) * 3 + [0, 0, 0, 0])

# ---- fuzz_indices: mode (bit 0 wide, bit 1 NHWC, bit 2 in place), input (rank, N, C, sizes),
# indices sizes, perturbation, from spec, to spec, indices.
write('fuzz_indices', 'plane_to_global_column_major',
      [0x00, 1, 1, 1, 3, 4, 2, 2, 0, 0, 0x04 | 0x08 | 1] + sum((plane_index(v) for v in [0, 5, 11, 7] * 2), []))
write('fuzz_indices', 'nhwc_global_to_tf_batch_in_place',
      [0x06, 0, 2, 2, 9, 4, 0, 0x04 | 1, 0x04 | 0x10 | 2] + sum((plane_index(v) for v in range(0, 40, 2)), []))
write('fuzz_indices', 'tf_to_plane_int32_bad',
      [0x00, 2, 1, 1, 3, 3, 3, 2, 2, 2, 0, 2, 0] + [0xF0, 0] + plane_index(1) * 7)
write('fuzz_indices', 'wide_mismatch', [0x01, 1] + wide(0) + wide(3) + wide(INT32_MAX) + [0, 0, 0, 0])

# ---- fuzz_shapes: mode, dtype byte, then wide shapes and parameters.
shape_2d = [2] + wide(1) + wide(1) + wide(4) + wide(4)
pool_2x2 = [0, 1] + (wide(2) + wide(2) + wide(0) + wide(1)) * 3 + [0, 0, 0]
unpool_2x2 = [0, 0, 1] + (wide(2) + wide(2) + wide(0) + wide(4)) * 3 + [0]
write('fuzz_shapes', 'valid_2d', [0x00, 0] + shape_2d + pool_2x2 + [0] + [0] + unpool_2x2 + [0, 0] + wide(2) + wide(2))
write('fuzz_shapes', 'empty_batch_int32_max',
      [0x04, 1, 3] + wide(0) + wide(1) + wide(INT32_MAX) * 3 + [0, 1]
      + (wide(INT32_MAX) + wide(1) + wide(2**30) + wide(1)) * 3 + [0, 0, 0, 0])
write('fuzz_shapes', 'int64_extremes', [0x07, 1, 2] + wide(-2**63) + wide(2**63 - 1) + wide(-1) + wide(2**62) + [1, 0xFF])
write('fuzz_shapes', 'rank_out_of_range', [0x00, 0, 0xFD] + wide(1) * 5 + [1, 0xFF])
write('fuzz_shapes', 'same_lower_nhwc', [0x04, 0, 2] + wide(2) + wide(7) + wide(5) + wide(3)
      + [0, 1] + (wide(3) + wide(2) + wide(0) + wide(2)) * 3 + [0, 3, 1])
