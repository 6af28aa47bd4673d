#!/usr/bin/env bash
# Runs every test: the UI's unit tests (vitest), the Rust workspace (unit,
# property, CLI end-to-end, cloud connectors against moto, Azurite and a
# local Azure Query API server, the conformance suite over ../shared/data,
# the TypeScript bindings check), then the desktop app end to end in a real
# window under Xvfb. BURNRATE_SAMPLES_DIR overrides the sample folder, which
# is required when CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# pip --user installs moto_server here on a fresh machine.
export PATH="$HOME/.local/bin:$HOME/.cargo/bin:$PATH"
(cd ui && npm test && npm run build)
# Build everything first: the end-to-end test needs the app's binary, which
# `cargo test` alone does not link (same package selection: no rebuild).
cargo build --workspace --locked --all-targets
cargo test --workspace --locked --all-targets
./scripts/e2e.sh
