//! Names the code being built, for the caches that keep what it derived (`src/build.rs`): a
//! digest of every source and data file compiled in, the dependency lock, the compiler and the
//! profile. The same sources built anywhere get the same name, and any change to them a new
//! one, unlike an executable's size and modification time (which a reproducible or packaged
//! build may keep equal across versions).

#![allow(
    clippy::disallowed_macros,
    reason = "a build script talks to cargo on its standard output"
)]

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// What is compiled in: code, grammars' queries, policies, the docs and README the code
/// includes, and the manifests that pick the dependencies.
const INPUTS: &[&str] = &[
    "src",
    "policies",
    "docs",
    "README.md",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(&root.join(input), &mut files);
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap_or(file);
        let bytes = fs::read(file).unwrap_or_default();
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|output| output.stdout)
        .unwrap_or_default();
    hasher.update(&version);
    for variable in ["PROFILE", "TARGET", "OPT_LEVEL", "DEBUG"] {
        hasher.update(std::env::var(variable).unwrap_or_default().as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut hex = Vec::with_capacity(32);
    for byte in &digest[..16] {
        let _ = write!(hex, "{byte:02x}");
    }
    println!(
        "cargo:rustc-env=BLASTGATE_SOURCE_DIGEST={}",
        String::from_utf8_lossy(&hex)
    );
}

/// Every file under `path` (or `path` itself), skipping editor and VCS leftovers.
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    let Ok(metadata) = fs::metadata(path) else {
        return;
    };
    if metadata.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        collect(&entry.path(), files);
    }
}
