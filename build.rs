//! Embeds the shipped questionnaire and resource files into the binary, so `triage` works from
//! any directory; a directory given at run time can still replace them.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    for (dir, name) in [("questionnaires", "shipped_questionnaires.rs"), ("resources", "shipped_resources.rs")] {
        let source_dir = Path::new(&manifest).join(dir);
        println!("cargo:rerun-if-changed={}", source_dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&source_dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let mut code = String::from("&[\n");
        for path in files {
            println!("cargo:rerun-if-changed={}", path.display());
            let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            let _ = writeln!(code, "    ({file_name:?}, include_str!({:?})),", path.display().to_string());
        }
        code.push(']');
        if let Err(error) = std::fs::write(Path::new(&out_dir).join(name), code) {
            // cargo shows a build script's stderr when it fails.
            eprintln!("cannot write {name}: {error}");
            std::process::exit(1);
        }
    }
}
