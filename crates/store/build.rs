//! Fingerprints the source of the extraction stages, so that a store knows when its
//! mentions were extracted by other code (and extracts them again).

use std::path::{Path, PathBuf};

/// The crates whose code decides what mentions are extracted and how they merge.
const STAGES: [&str; 5] = ["text", "lexicons", "extraction", "resolution", "merge"];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = Vec::new();
    for stage in STAGES {
        let src = crates.join(stage).join("src");
        println!("cargo:rerun-if-changed={}", src.display());
        files(&src, &mut sources);
    }
    sources.sort();
    // FNV-1a over the path (relative) and bytes of every file
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in &sources {
        let name = path.strip_prefix(&crates).unwrap_or(path).to_string_lossy();
        let bytes = std::fs::read(path).unwrap_or_default();
        for b in name.bytes().chain(bytes) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=RASID_EXTRACTION_CODE={hash:016x}");
}
