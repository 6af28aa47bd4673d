#!/usr/bin/env bash
# Runs every test: unit, property, CLI end-to-end, and the conformance suite
# over ../shared/data (BURNRATE_SAMPLES_DIR overrides; required when CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# pip --user installs moto_server here on a fresh machine.
export PATH="$HOME/.local/bin:$PATH"
cargo test --workspace --locked --all-targets
