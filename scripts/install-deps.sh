#!/usr/bin/env bash
# Installs what building and testing Burnrate needs on a fresh Debian/Ubuntu
# machine, skipping anything already there. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The desktop app (Tauri 2: WebKitGTK) and its end-to-end test (a virtual
# display and WebKit's WebDriver).
for package in libwebkit2gtk-4.1-dev libxdo-dev libssl-dev \
               libayatana-appindicator3-dev librsvg2-dev xvfb webkit2gtk-driver file; do
  dpkg -s "$package" >/dev/null 2>&1 || need_apt+=("$package")
done

if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "installing the Rust toolchain (rustup)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

# The toolchain is pinned in rust-toolchain.toml. Where rustup's `stable` is
# that same release but not installed under its number, link it instead of
# downloading it again.
pinned=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml 2>/dev/null || true)
if [ -n "$pinned" ] && command -v rustup >/dev/null 2>&1 \
   && ! rustup toolchain list | grep -q "^$pinned"; then
  stable_dir="$(rustup show home)/toolchains/stable-$(rustc +stable -vV | sed -n 's/^host: //p')"
  if "$stable_dir/bin/rustc" --version 2>/dev/null | grep -q "^rustc $pinned "; then
    rustup toolchain link "$pinned" "$stable_dir"
  else
    rustup toolchain install "$pinned" --profile minimal --component rustfmt,clippy
  fi
fi

# Test servers: moto's server stands in for AWS Cost Explorer (and S3).
if ! command -v moto_server >/dev/null 2>&1; then
  command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1 || {
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip
  }
  echo "installing moto's server (pip)"
  python3 -m pip install --quiet 'moto[server]' 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages 'moto[server]'
fi

# Azurite (Microsoft's Blob storage emulator) for the Azure export tests.
if ! command -v azurite-blob >/dev/null 2>&1; then
  command -v npm >/dev/null 2>&1 || {
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
  }
  echo "installing Azurite (npm)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO npm install -g --silent azurite
fi

# The FinOps Foundation's FOCUS validator (PyPI, Python >= 3.12) for the
# FOCUS export's conformance test; its own venv under ~/.cache/burnrate.
# Without Python 3.12+ the other tests still run; the validator test then
# says it was skipped (and fails in CI, where it must run).
./scripts/focus-validator.sh >/dev/null \
  || echo "focus-validator not installed (needs Python >= 3.12); its test will be skipped" >&2

# tauri-driver: WebDriver for the app window (the end-to-end test).
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "installing tauri-driver (cargo)"
  cargo install tauri-driver --locked --quiet
fi

# The UI's build and test tools (versions pinned by ui/package-lock.json).
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
