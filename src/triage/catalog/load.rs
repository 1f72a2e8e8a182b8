//! Catalog files to a [`Catalog`]: a file that is not valid TOML is reported at its
//! file:line:column and left out; each entry is validated; a duplicate id is refused where it is.

use std::collections::BTreeMap;

use super::Catalog;
use super::doc::FileDoc;
use super::validate::validate;
use crate::diagnostic::Diagnostic;

impl Catalog {
    /// Builds a catalog from files given as (name, text). Bad entries are left out and reported;
    /// a file that is not valid TOML (or has an unknown key) is left out entirely.
    pub fn from_sources<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Catalog, Vec<Diagnostic>) {
        let mut catalog = Catalog::default();
        let mut problems = Vec::new();
        let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (file, source) in files {
            let doc: FileDoc = match toml::from_str(source) {
                Ok(doc) => doc,
                Err(e) => {
                    problems.push(Diagnostic::from_toml(file, source, &e));
                    continue;
                }
            };
            for entry in doc.resources {
                let span = entry.span();
                let entry = entry.into_inner();
                let id_span = entry.id.span();
                match validate(file, source, span, entry, &mut problems) {
                    Some(resource) => {
                        if let Some((first_file, first_line)) = seen.get(&resource.id) {
                            problems.push(Diagnostic::at_span(
                                file,
                                source,
                                Some(id_span),
                                format!("duplicate id `{}` (first defined at {first_file}:{first_line})", resource.id),
                            ));
                        } else {
                            seen.insert(resource.id.clone(), (resource.file.clone(), resource.line));
                            catalog.resources.push(resource);
                        }
                    }
                    None => continue,
                }
            }
        }
        (catalog, problems)
    }
}
