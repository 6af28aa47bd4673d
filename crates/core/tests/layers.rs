//! The engine's modules are layers, and each uses only layers below it
//! (ARCHITECTURE.md, "Layers"). This test reads every source file and fails
//! on a use of a module that is not below the file's own, which also rules
//! out import cycles between modules.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each top-level module and its layer: a module may use modules of a
/// lower layer, and itself.
const LAYERS: &[(&str, u32)] = &[
    ("error", 0),
    ("schema", 1),
    ("period", 1),
    ("money", 1),
    ("frame", 1),
    ("fsutil", 1),
    ("config", 2),
    ("ingest", 3),
    ("store", 4),
    ("query", 5),
    ("analysis", 6),
    ("optimize", 6),
    ("export", 6),
    ("reports", 7),
    ("demo", 8),
];

fn layer(module: &str) -> u32 {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .unwrap_or_else(|| panic!("module {module} has no layer in LAYERS (tests/layers.rs)"))
        .1
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names through `crate::`.
fn used_modules(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in text.match_indices("crate::") {
        // Skip `burnrate_crate::` and the like.
        if text[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let name = ident(item.trim());
                if !name.is_empty() {
                    used.insert(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    // `Error` and `Result` are re-exported at the root from `error`.
    for root_item in ["Error", "Result"] {
        if used.remove(root_item) {
            used.insert("error".into());
        }
    }
    used
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let own = first.to_string_lossy().trim_end_matches(".rs").to_string();
        if own == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for used in used_modules(&text) {
            if used != own && layer(&used) >= layer(&own) {
                upward.push(format!("{} uses crate::{used}", relative.display()));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "uses of a module not below the file's own layer:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_layer_table_names_every_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let module = name.trim_end_matches(".rs");
        if module != "lib" {
            layer(module);
        }
    }
}
