//! The layers point one way. Every `crate::MODULE` a source file names (outside its tests) must
//! be one its layer may use: the pure core uses nothing above it, the store knows nothing of
//! reports, exports or any interface, and no interface reaches into another (the kiosk does
//! not use the staff interface, the staff interface does not use the command line).
//!
//! `docs/ARCHITECTURE.md` draws the same layers. Edges still to remove are listed in
//! [`KNOWN_DEBT`]; each must still exist (so the list only shrinks) and no other may appear.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may use, bottom layer first.
const LAYERS: &[(&str, &[&str])] = &[
    // Leaves: text cleaning and file:line:column messages.
    ("sanitize", &[]),
    ("diagnostic", &[]),
    // The pure core: instruments and scoring, triage rules and matching.
    ("instrument", &["diagnostic", "sanitize"]),
    ("triage", &["instrument", "diagnostic", "sanitize"]),
    // The intake flow both interfaces run: questionnaire order, skips, follow-ups, risk.
    ("intake", &["instrument", "triage", "diagnostic", "sanitize"]),
    // What the interfaces say and how they look: bilingual strings, colour themes.
    ("ui", &["instrument", "triage", "diagnostic", "sanitize"]),
    // Roles and the policy table, password hashing.
    ("auth", &["sanitize"]),
    // Records, encryption, audit, the sled store.
    ("store", &["auth", "instrument", "triage", "sanitize", "diagnostic"]),
    // Domain modules over the store's records.
    ("report", &["store", "ui", "instrument", "triage", "sanitize", "diagnostic"]),
    ("export", &["store", "report", "instrument", "triage", "sanitize", "diagnostic"]),
    // The owner process and its client.
    ("server", &["store", "auth", "report", "export", "instrument", "triage", "sanitize", "diagnostic"]),
    // The imperative shell both interfaces share: the terminal watchdog, the owner's failures as
    // the interfaces' errors.
    ("shell", &["server", "store", "auth", "ui", "instrument", "sanitize"]),
    // The two interfaces: neither uses the other, nor the command line.
    (
        "tui",
        &[
            "shell",
            "server",
            "store",
            "auth",
            "report",
            "export",
            "intake",
            "ui",
            "instrument",
            "triage",
            "sanitize",
            "diagnostic",
        ],
    ),
    ("kiosk", &["shell", "server", "store", "auth", "intake", "ui", "instrument", "triage", "sanitize", "diagnostic"]),
    // Plain, line-by-line mode: one more shell over the interfaces' state (never used by them).
    (
        "plain",
        &[
            "tui",
            "kiosk",
            "shell",
            "server",
            "store",
            "auth",
            "intake",
            "ui",
            "instrument",
            "triage",
            "sanitize",
            "diagnostic",
        ],
    ),
    // The command line starts everything.
    (
        "cli",
        &[
            "tui",
            "kiosk",
            "plain",
            "shell",
            "server",
            "store",
            "auth",
            "report",
            "export",
            "intake",
            "ui",
            "instrument",
            "triage",
            "sanitize",
            "diagnostic",
        ],
    ),
];

/// Forbidden edges that still exist, as (from, to, why it is still there). Remove an entry when
/// its edge goes; the test fails while a listed edge is gone, so the list stays true.
const KNOWN_DEBT: &[(&str, &str, &str)] = &[];

fn layer(module: &str) -> Option<&'static [&'static str]> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|(_, allowed)| *allowed)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its unit tests: a `tests.rs` file is all tests, and a
/// `#[cfg(test)]` module runs to the end of the file (the project's convention).
fn code_outside_tests(path: &Path, text: &str) -> String {
    // Comments name modules without using them.
    unit_code(path, text).lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The file's text before its unit tests (the whole text, or none for a `tests.rs`).
fn unit_code<'a>(path: &Path, text: &'a str) -> &'a str {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return "";
    }
    text.find("#[cfg(test)]\nmod ").map_or(text, |at| &text[..at])
}

/// The top-level modules a piece of code names: `crate::a::…` and `use crate::{a::…, b}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // A grouped import: the names at the group's top level.
            let mut depth = 0usize;
            let mut name = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        at_start = true;
                        name.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 && at_start {
                    if c.is_alphanumeric() || c == '_' {
                        name.push(c);
                    } else if !name.is_empty() {
                        out.insert(std::mem::take(&mut name));
                        at_start = false;
                    }
                }
            }
            if at_start && !name.is_empty() {
                out.insert(name);
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Every (from module, to module) edge that its layer does not allow, with the files.
fn forbidden_edges() -> BTreeMap<(String, String), Vec<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for path in files {
        let relative = path.strip_prefix(&src).unwrap_or(&path).to_string_lossy().into_owned();
        let Some(first) = relative.split('/').next() else { continue };
        let from = first.trim_end_matches(".rs").to_string();
        if from == "lib" || from == "main" {
            continue;
        }
        let allowed = layer(&from).unwrap_or_else(|| panic!("src/{relative}: module `{from}` has no layer in LAYERS"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read src/{relative}: {e}"));
        for to in named_modules(&code_outside_tests(&path, &text)) {
            if to != from && !allowed.contains(&to.as_str()) && layer(&to).is_some() {
                edges.entry((from.clone(), to)).or_default().push(format!("src/{relative}"));
            }
        }
    }
    edges
}

#[test]
fn layers_point_one_way() {
    let edges = forbidden_edges();
    let debt: BTreeSet<(String, String)> =
        KNOWN_DEBT.iter().map(|(from, to, _)| (from.to_string(), to.to_string())).collect();
    let new: Vec<String> = edges
        .iter()
        .filter(|(edge, _)| !debt.contains(*edge))
        .map(|((from, to), files)| format!("{from} -> {to} in {}", files.join(", ")))
        .collect();
    assert!(new.is_empty(), "forbidden imports (see LAYERS):\n{}", new.join("\n"));
    let paid: Vec<String> =
        debt.iter().filter(|edge| !edges.contains_key(*edge)).map(|(from, to)| format!("{from} -> {to}")).collect();
    assert!(paid.is_empty(), "these edges are gone: remove them from KNOWN_DEBT:\n{}", paid.join("\n"));
}

/// The layers whose unit tests keep to the same rule as their code: a test of the core or the
/// store that needed a report or an interface would test through a layer above it.
const TESTS_KEEP_THEIR_LAYER: &[&str] = &["sanitize", "diagnostic", "instrument", "triage", "intake", "auth", "store"];

#[test]
fn the_core_and_the_stores_tests_keep_to_their_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut over = Vec::new();
    for path in files {
        let relative = path.strip_prefix(&src).unwrap_or(&path).to_string_lossy().into_owned();
        let from = relative.split('/').next().unwrap_or_default().trim_end_matches(".rs").to_string();
        let Some(allowed) = TESTS_KEEP_THEIR_LAYER.contains(&from.as_str()).then(|| layer(&from)).flatten() else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read src/{relative}: {e}"));
        let code: String =
            text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        for to in named_modules(&code) {
            if to != from && !allowed.contains(&to.as_str()) && layer(&to).is_some() {
                over.push(format!("src/{relative}: {from} -> {to}"));
            }
        }
    }
    assert!(over.is_empty(), "tests reaching above their layer:\n{}", over.join("\n"));
}

#[test]
fn the_import_reader_sees_plain_grouped_and_nested_imports() {
    let code =
        "use crate::store::{Store, x};\nuse crate::{tui::strings::{Text, fill}, report};\nlet a = crate::cli::run();";
    let names: Vec<String> = named_modules(code).into_iter().collect();
    assert_eq!(names, ["cli", "report", "store", "tui"]);
    let path = Path::new("src/x.rs");
    assert_eq!(named_modules(&code_outside_tests(path, "// crate::tui is not used\nuse crate::store;")).len(), 1);
    let with_tests = "use crate::store;\n#[cfg(test)]\nmod tests {\n    use crate::tui;\n}\n";
    assert_eq!(named_modules(&code_outside_tests(path, with_tests)).into_iter().collect::<Vec<_>>(), ["store"]);
    assert!(code_outside_tests(Path::new("src/a/tests.rs"), "use crate::tui;").is_empty());
}

/// Lines a source file may hold outside its tests, and a function may span.
const FILE_LIMIT: usize = 700;
const FUNCTION_LIMIT: usize = 120;

/// Files and functions allowed over the limits until they are split, with the most they may
/// hold. Empty since issue 15's splits: a file or function that grows past a limit is split along
/// a seam, not added here (a data table that truly cannot be split may be, with its reason).
const OVERSIZED_FILES: &[(&str, usize)] = &[];
const OVERSIZED_FUNCTIONS: &[(&str, &str, usize)] = &[];

/// The functions of a piece of code and the lines each spans: from its `fn` line to the line
/// holding only its closing brace at the same indentation (rustfmt's layout).
fn function_lengths(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = ["pub(crate) ", "pub(super) ", "pub ", "const ", "async "]
            .iter()
            .fold(trimmed, |rest, prefix| rest.strip_prefix(prefix).unwrap_or(rest));
        let Some(after_fn) = signature.strip_prefix("fn ") else { continue };
        if trimmed.ends_with(';') {
            continue;
        }
        let name: String = after_fn.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let closing = format!("{indent}}}");
        if let Some(end) = lines[start + 1..].iter().position(|l| *l == closing) {
            out.push((name, end + 2));
        }
    }
    out
}

#[test]
fn files_and_functions_stay_within_their_size_limits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut over = Vec::new();
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {relative}: {e}"));
        let code = unit_code(&path, &text);
        let lines = code.lines().count();
        let file_limit = OVERSIZED_FILES.iter().find(|(f, _)| *f == relative).map_or(FILE_LIMIT, |(_, n)| *n);
        if lines > file_limit {
            over.push(format!("{relative}: {lines} lines (limit {file_limit})"));
        }
        for (name, length) in function_lengths(code) {
            let limit = OVERSIZED_FUNCTIONS
                .iter()
                .find(|(f, n, _)| *f == relative && *n == name)
                .map_or(FUNCTION_LIMIT, |(_, _, n)| *n);
            if length > limit {
                over.push(format!("{relative}: fn {name} spans {length} lines (limit {limit})"));
            }
        }
    }
    assert!(over.is_empty(), "over the size limits (split along a seam, or see OVERSIZED_*):\n{}", over.join("\n"));
}

#[test]
fn function_lengths_are_read_from_rustfmt_layout() {
    let code = "fn a() {\n    x();\n}\n\nimpl T {\n    pub(crate) fn b(&self) {\n        y();\n        z();\n    }\n    fn decl();\n}\n";
    assert_eq!(function_lengths(code), [("a".to_string(), 3), ("b".to_string(), 4)]);
}
