#!/usr/bin/env bash
# Native fuzzing of the C++ core: libFuzzer + AddressSanitizer + UBSan (tests/fuzz/).
#
#   tools/fuzz.sh [SECONDS] [TARGET...]   configure/build (incrementally, build/fuzz) and run each
#                                          target for SECONDS (default 60) from the committed seeds
#                                          (tests/fuzz/corpus/<target>) plus a scratch corpus kept
#                                          in out/fuzz/corpus/<target>; exits 1 on any finding.
#   tools/fuzz.sh --coverage              replay both corpora through a coverage build
#                                          (build/fuzz-coverage) and report coverage of src/.
#
# Every finding (crash, sanitizer report, failed check, timeout, out-of-memory) leaves its input in
# out/fuzz/artifacts/<target>/ and the log in out/fuzz/logs/<target>.log; reproduce it with
#   build/fuzz/<target> out/fuzz/artifacts/<target>/<file>
# Environment: ARGPOOL_FUZZ_CXX (default clang++, else clang++-14), ARGPOOL_FUZZ_TIMEOUT (seconds
# per input, default 20), ARGPOOL_FUZZ_MAX_CORPUS (a scratch corpus with more files is minimised
# with -merge=1 before the next campaign, default 4000), ARGPOOL_FUZZ_ARGS (extra libFuzzer flags,
# e.g. -use_value_profile=1).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
all_targets=(fuzz_shapes fuzz_max_pool fuzz_unpool_backward fuzz_indices)
out="$root/out/fuzz"

die() { echo "fuzz.sh: $*" >&2; exit 2; }

find_tool() {  # first of the given commands that exists
  local c
  for c in "$@"; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}

cxx="${ARGPOOL_FUZZ_CXX:-}"
if [ -z "$cxx" ]; then
  cxx="$(find_tool clang++ clang++-14)" ||
    die "clang++ not found: libFuzzer needs clang (run \`npm run setup\`, or: sudo apt-get install -y clang libclang-rt-14-dev)"
fi
command -v cmake >/dev/null 2>&1 || die "cmake not found (run \`npm run setup\`)"

mkdir -p "$out/logs"
# One campaign at a time per checkout (the build directory and corpora are shared).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$out/.lock"
  flock 9
fi

# configure DIR [cmake args...]: once per build directory; a cache made with another compiler is
# rebuilt from scratch (CMake cannot switch compilers in place).
configure() {
  local dir="$1"; shift
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=$cxx\$" "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    if ! cmake -S "$root" -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DARGPOOL_BUILD_TESTS=OFF -DARGPOOL_FUZZ=ON "$@" >"$out/logs/configure.log" 2>&1; then
      cat "$out/logs/configure.log" >&2
      die "cmake configure of $dir failed"
    fi
  fi
}

build() {
  local dir="$1"; shift
  local args=()
  local t
  for t in "$@"; do args+=(--target "$t"); done
  if ! cmake --build "$dir" -j 2 "${args[@]}" >"$out/logs/build.log" 2>&1; then
    cat "$out/logs/build.log" >&2
    die "build of the fuzz targets failed"
  fi
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:report_error_type=1}"

# ---------------------------------------------------------------------------------------------
if [ "${1:-}" = "--coverage" ]; then
  profdata="$(find_tool llvm-profdata-14 llvm-profdata)" || die "llvm-profdata not found (apt-get install llvm-14)"
  llvmcov="$(find_tool llvm-cov-14 llvm-cov)" || die "llvm-cov not found (apt-get install llvm-14)"
  dir="$root/build/fuzz-coverage"
  configure "$dir" -DARGPOOL_FUZZ_COVERAGE=ON
  build "$dir" "${all_targets[@]}"
  rm -rf "$out/coverage"
  mkdir -p "$out/coverage"
  objects=()
  for t in "${all_targets[@]}"; do
    corpora=()
    [ -d "tests/fuzz/corpus/$t" ] && corpora+=("tests/fuzz/corpus/$t")
    [ -d "$out/corpus/$t" ] && corpora+=("$out/corpus/$t")
    if ! LLVM_PROFILE_FILE="$out/coverage/$t-%2m.profraw" "$dir/$t" "${corpora[@]}" >"$out/logs/coverage-$t.log" 2>&1; then
      echo "$t: some inputs fail their checks (findings; run tools/fuzz.sh); coverage counts the others:" >&2
      grep -E "FUZZ CHECK FAILED|replay: .* failed" "$out/logs/coverage-$t.log" | head -n 10 >&2 || true
    fi
    echo "$t: $(grep '^replay:' "$out/logs/coverage-$t.log" | tail -n 1)"
    objects+=(-object "$dir/$t")
  done
  "$profdata" merge -sparse "$out"/coverage/*.profraw -o "$out/coverage/fuzz.profdata"
  # The first -object is the binary, the others follow it.
  "$llvmcov" report "${objects[@]:1}" -instr-profile="$out/coverage/fuzz.profdata" "$root/src"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
seconds="${1:-60}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "usage: tools/fuzz.sh [SECONDS] [TARGET...] | --coverage (got '$seconds')"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -f "tests/fuzz/$t.cc" ] || die "unknown target '$t' (known: ${all_targets[*]})"
done
timeout_per_input="${ARGPOOL_FUZZ_TIMEOUT:-20}"

dir="$root/build/fuzz"
configure "$dir"
build "$dir" "${targets[@]}"

final_stat() {  # final_stat NAME LOG: a libFuzzer final statistic
  sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1
}

failed=()
total=0
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
  log="$out/logs/$t.log"
  # Keep the scratch corpus small enough to load quickly: minimise it when it has grown.
  if [ "$(find "$out/corpus/$t" -type f | wc -l)" -gt "${ARGPOOL_FUZZ_MAX_CORPUS:-4000}" ]; then
    rm -rf "$out/corpus/$t.min"
    mkdir -p "$out/corpus/$t.min"
    if "$dir/$t" -merge=1 -timeout="$timeout_per_input" -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/$t/" \
        "$out/corpus/$t.min" "$out/corpus/$t" \
        >"$out/logs/$t-merge.log" 2>&1; then
      rm -rf "$out/corpus/$t"
      mv "$out/corpus/$t.min" "$out/corpus/$t"
    else
      rm -rf "$out/corpus/$t.min"
    fi
  fi
  seeds=()
  [ -d "tests/fuzz/corpus/$t" ] && seeds=("tests/fuzz/corpus/$t")
  set +e
  # shellcheck disable=SC2086  # ARGPOOL_FUZZ_ARGS is a list of flags
  "$dir/$t" "$out/corpus/$t" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout="$timeout_per_input" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" \
    ${ARGPOOL_FUZZ_ARGS:-} >"$log" 2>&1
  rc=$?
  set -e
  executions="$(final_stat number_of_executed_units "$log")"
  rate="$(final_stat average_exec_per_sec "$log")"
  new_units="$(final_stat new_units_added "$log")"
  rss="$(final_stat peak_rss_mb "$log")"
  corpus="$(find "$out/corpus/$t" -type f | wc -l)"
  total=$((total + ${executions:-0}))
  status=ok
  if [ $rc -ne 0 ]; then
    status=FINDING
    failed+=("$t")
    echo "==== $t: FINDING (libFuzzer exit code $rc); log: ${log#"$root"/}" >&2
    grep -E "FUZZ CHECK FAILED|^  [^ ]|runtime error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY|Test unit written|ALARM|out-of-memory" \
      "$log" | head -n 30 >&2 || tail -n 20 "$log" >&2
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
    [ -n "$artifact" ] && echo "reproduce: build/fuzz/$t ${artifact#"$root"/}" >&2
  fi
  echo "fuzz-summary target=$t status=$status executions=${executions:-0} exec_per_sec=${rate:-0} new_units=${new_units:-0} corpus=$corpus peak_rss_mb=${rss:-0} seconds=$seconds"
done
echo "fuzz: ${#targets[@]} targets, $total executions, ${#failed[@]} with findings${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
