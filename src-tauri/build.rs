//! Generates an `allow-<command>` permission for each app command, so the
//! capability file grants exactly the commands the UI uses (without an app
//! manifest, Tauri allows every app command); and checks that the command
//! list (`src/command_names.rs`), the handler in `src/commands.rs`, the
//! capability file and the UI's calls in `ui/src/api.ts` name the same
//! commands, failing the build with the difference when they do not.

use std::collections::BTreeSet;

include!("src/command_names.rs");

/// The quoted names that follow each `marker` in `text`.
fn quoted_after(text: &str, marker: &str) -> BTreeSet<String> {
    text.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let rest = rest.trim_start().strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// The identifiers inside `generate_handler![...]`.
fn handler_names(text: &str) -> BTreeSet<String> {
    let start = text
        .find("generate_handler![")
        .expect("commands.rs has a handler")
        + 18;
    let end = start + text[start..].find(']').expect("the handler list ends");
    text[start..end]
        .split(',')
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

fn check(what: &str, found: &BTreeSet<String>, expected: &BTreeSet<String>) {
    let missing: Vec<_> = expected.difference(found).collect();
    let extra: Vec<_> = found.difference(expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what} does not match src/command_names.rs: missing {missing:?}, not in the list {extra:?}"
    );
}

fn main() {
    // The bundled UI is embedded at compile time: rebuild when it changes.
    println!("cargo:rerun-if-changed=../ui/dist");
    for file in [
        "src/command_names.rs",
        "src/commands.rs",
        "capabilities/main.json",
        "../ui/src/api.ts",
    ] {
        println!("cargo:rerun-if-changed={file}");
    }
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let expected: BTreeSet<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
    check(
        "the handler in src/commands.rs",
        &handler_names(&read("src/commands.rs")),
        &expected,
    );
    let capability: serde_json::Value = serde_json::from_str(&read("capabilities/main.json"))
        .expect("capabilities/main.json is JSON");
    let allowed: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("capabilities/main.json lists permissions")
        .iter()
        .filter_map(|p| {
            p.as_str()?
                .strip_prefix("allow-")
                .map(|c| c.replace('-', "_"))
        })
        .collect();
    check("capabilities/main.json", &allowed, &expected);
    check(
        "the calls in ui/src/api.ts",
        &quoted_after(&read("../ui/src/api.ts"), ">("),
        &expected,
    );
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
