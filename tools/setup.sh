#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine: installs missing system packages (when run as
# root; otherwise prints the command) and the npm dev dependencies. Called by `npm test`,
# `npm run demo` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v emcc >/dev/null 2>&1 || packages+=(emscripten)
command -v cmake >/dev/null 2>&1 || packages+=(cmake)
command -v g++ >/dev/null 2>&1 || packages+=(g++)
command -v make >/dev/null 2>&1 || packages+=(make)
[ -f /usr/include/gtest/gtest.h ] || packages+=(libgtest-dev)
# libFuzzer targets (tests/fuzz/) need clang and its sanitizer/fuzzer runtimes.
command -v clang++ >/dev/null 2>&1 || packages+=(clang)
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null || packages+=(libclang-rt-14-dev)
if [ "${ARGPOOL_SKIP_BROWSER:-}" != 1 ] && [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "argpool setup: installing ${packages[*]}" >&2
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >&2
  else
    echo "argpool setup: missing system packages; run:" >&2
    echo "  sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi
