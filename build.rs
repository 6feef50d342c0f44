//! Embeds the default templates and static files, so an application needs none of its own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn table(name: &str, root: &Path, base: &Path, code: &mut String) {
    println!("cargo:rerun-if-changed={}", base.display());
    let mut files = Vec::new();
    collect(base, &mut files);
    files.sort();
    writeln!(code, "pub(crate) const {name}: &[(&str, &str)] = &[").unwrap();
    for file in files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    writeln!(code, "];").unwrap();
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut code = String::new();
    let templates = manifest.join("templates");
    table(
        "TEMPLATES",
        &templates,
        &templates.join("security"),
        &mut code,
    );
    let statics = manifest.join("static").join("security");
    table("STATIC_FILES", &statics, &statics, &mut code);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
