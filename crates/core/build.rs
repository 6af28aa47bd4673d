//! Embeds the report library into the binary, so reports work without the
//! source tree. `queries` in this crate is a link to the workspace's
//! `queries/` folder, where users find the reports; the crate reads only
//! its own folder.

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("queries/ (a link to the workspace's queries folder) exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut code = String::from(
        "/// (file name, text) of every built-in report.\npub const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let absolute = file.canonicalize().expect("readable report file");
        code.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            file.file_name().unwrap().to_string_lossy(),
            absolute.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("queries.rs");
    std::fs::write(out, code).unwrap();
}
