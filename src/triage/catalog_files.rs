//! Reading a resource catalog from a directory (or the copy built into the binary), shared by
//! `triage resources …`, `triage match` and the staff interface's catalog check. The only part
//! of `triage` that reads files; the catalog itself is parsed and checked by `catalog`.

use std::path::{Path, PathBuf};

use super::catalog::{Catalog, SHIPPED};
use crate::diagnostic::Diagnostic;

impl Catalog {
    /// The catalog in `dir` (every `*.toml`, in name order), or the shipped one. Problems in the
    /// files come back beside the catalog (file:line:column); an unreadable directory or file is
    /// the error, named.
    pub fn load(dir: Option<&Path>) -> Result<(Catalog, Vec<Diagnostic>), String> {
        let sources = read_sources(dir)?;
        Ok(Catalog::from_sources(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))))
    }
}

fn read_sources(dir: Option<&Path>) -> Result<Vec<(String, String)>, String> {
    let Some(dir) = dir else {
        return Ok(SHIPPED.iter().map(|(n, t)| ((*n).to_string(), (*t).to_string())).collect());
    };
    let unreadable = |e: std::io::Error| format!("cannot read resources directory {}: {e}", dir.display());
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|x| x == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        out.push((path.display().to_string(), text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_replaces_the_shipped_catalog_and_an_unreadable_one_is_named() {
        let (shipped, problems) = Catalog::load(None).unwrap();
        assert!(problems.is_empty() && !shipped.resources.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let (first, text) = SHIPPED[0];
        std::fs::write(dir.path().join(first.rsplit('/').next().unwrap_or(first)), text).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a catalog file").unwrap();
        let (one, _) = Catalog::load(Some(dir.path())).unwrap();
        assert!(!one.resources.is_empty() && one.resources.len() <= shipped.resources.len());
        let missing = dir.path().join("nowhere");
        let error = Catalog::load(Some(&missing)).unwrap_err();
        assert!(error.contains("cannot read resources directory") && error.contains("nowhere"), "{error}");
    }
}
