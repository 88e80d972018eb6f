//! Tidy tests (rust-analyzer's `tidy.rs` idea): the architecture's rules that a compiler does
//! not check, checked over the workspace's source text, so `cargo test` fails when one breaks.
//!
//! - The edge builds its error type in one module (`edge/src/error.rs`: `ApiError::new` and the
//!   struct itself), so no handler picks a status.
//! - The edge reads the clock in one place (`edge/src/clock.rs`); `shared` never reads one.
//! - No app page imports another page (helpers they share live outside `pages/`).
//! - `ARCHITECTURE.md`'s code map names only files that exist, and names every top-level module
//!   of `shared/src`, `edge/src` and `app/src`.
//!
//! It lives in `shared` because every other crate depends on it: one place, run natively by
//! `cargo test --workspace`. It reads files only; it never touches the code it checks.

use std::fs;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("shared/ sits in the workspace")
        .to_path_buf()
}

/// Every `.rs` file below `dir` (relative to the workspace), sorted.
fn rust_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&workspace().join(dir), &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The lines of `path` that are code: comments (`//`, `///`, `//!`) left out, so prose may
/// name what the code may not do.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(i, line)| (i + 1, line.to_owned()))
        .collect()
}

/// Each `(file:line, text)` in `files` that contains one of `needles`, except in `allowed`.
fn offences(files: &[PathBuf], needles: &[&str], allowed: &[&str]) -> Vec<String> {
    offences_where(files, allowed, |line| {
        needles.iter().any(|needle| line.contains(needle))
    })
}

/// Each `(file:line, text)` in `files` whose code line `offends`, except in `allowed`.
fn offences_where(
    files: &[PathBuf],
    allowed: &[&str],
    offends: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        let name = relative(file);
        if allowed.contains(&name.as_str()) {
            continue;
        }
        for (n, line) in code_lines(file) {
            if offends(&line) {
                found.push(format!("{name}:{n}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_the_error_module_builds_the_edge_error() {
    // `ApiError::new(…)`, or the struct built by hand (`ApiError {` that is not a function's
    // return type or an `impl` header).
    let found = offences_where(&rust_files("edge/src"), &["edge/src/error.rs"], |line| {
        line.contains("ApiError::new(")
            || (line.contains("ApiError {")
                && !line.contains("-> ApiError {")
                && !line.contains("for ApiError {")
                && !line.contains("impl ApiError {"))
    });
    assert!(
        found.is_empty(),
        "build an edge error from a shared::Error (its code picks the status), not here:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_edge_reads_the_clock_in_one_place_and_shared_never() {
    let clock_reads = ["Date::now(", "SystemTime::now(", "Instant::now("];
    let found = offences(
        &rust_files("edge/src"),
        &clock_reads,
        &["edge/src/clock.rs"],
    );
    assert!(
        found.is_empty(),
        "read the clock through crate::clock::now_ms():\n{}",
        found.join("\n")
    );
    let found = offences(&rust_files("shared/src"), &clock_reads, &[]);
    assert!(
        found.is_empty(),
        "shared takes time as an argument:\n{}",
        found.join("\n")
    );
}

/// The page a file under `app/src/pages/` belongs to: `trips` for `pages/trips/list.rs` and
/// for `pages/trips.rs`; `None` for `pages/mod.rs`.
fn page_of(file: &Path) -> Option<String> {
    let pages = workspace().join("app/src/pages");
    let rest = file.strip_prefix(&pages).ok()?;
    let first = rest.components().next()?.as_os_str().to_string_lossy();
    let page = first.trim_end_matches(".rs").to_owned();
    (page != "mod").then_some(page)
}

fn page_names() -> Vec<String> {
    let pages = workspace().join("app/src/pages");
    let mut names: Vec<String> = fs::read_dir(&pages)
        .expect("app/src/pages exists")
        .flatten()
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned()
        })
        .filter(|n| n != "mod")
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn no_page_imports_another_page() {
    let names = page_names();
    let mut found = Vec::new();
    for file in rust_files("app/src/pages") {
        let Some(page) = page_of(&file) else { continue };
        // A top-level page file's `super` is `pages`; inside a page's folder, `super` is the
        // page itself (allowed) and `super::super` is `pages`.
        let top_level = file.parent() == Some(&workspace().join("app/src/pages"));
        for (n, line) in code_lines(&file) {
            for other in names.iter().filter(|o| **o != page) {
                let mut paths = vec![
                    format!("crate::pages::{other}"),
                    format!("pages::{other}::"),
                    format!("super::super::{other}"),
                ];
                if top_level {
                    paths.push(format!("super::{other}"));
                }
                if paths.iter().any(|p| line.contains(p.as_str())) {
                    found.push(format!("{}:{n}: {}", relative(&file), line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "move what pages share out of pages/:\n{}",
        found.join("\n")
    );
}

/// The code map's sections (`### \`edge/\``, or several roots: `### \`e2e/\`, \`bench/\``) with
/// the backticked paths their entries name.
fn code_map() -> Vec<(Vec<String>, Vec<String>)> {
    let text = fs::read_to_string(workspace().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let map = text
        .split("## Code map")
        .nth(1)
        .expect("ARCHITECTURE.md has a code map")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let mut sections: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for line in map.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            let roots = heading
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|token| token.ends_with('/'))
                .map(|root| root.trim_end_matches('/').to_owned())
                .collect();
            sections.push((roots, Vec::new()));
            continue;
        }
        let Some((_, names)) = sections.last_mut() else {
            continue;
        };
        for (i, token) in line.split('`').enumerate() {
            if i % 2 == 1 && looks_like_a_path(token) {
                names.push(token.to_owned());
            }
        }
    }
    sections
}

fn looks_like_a_path(token: &str) -> bool {
    let file = [
        ".rs", ".sql", ".mjs", ".md", ".json", ".toml", ".sh", ".html", ".js", ".css",
    ]
    .iter()
    .any(|ext| token.ends_with(ext));
    let dir = token.ends_with('/') && token.len() > 1;
    (file || dir)
        && !token.contains(' ')
        && !token.contains('*')
        && !token.contains('<')
        && !token.starts_with('.')
        && !token.contains("://")
}

/// Whether `name` (as written in the section of `root`) is a file or folder of the workspace:
/// from the workspace, from the section's root or its `src/`, or (for a name such as
/// `queue.rs` written inside the entry of its folder) as the tail of a path under the root.
fn exists(root: &str, name: &str) -> bool {
    let ws = workspace();
    let name = name.trim_end_matches('/');
    let direct = [
        ws.join(name),
        ws.join(root).join(name),
        ws.join(root).join("src").join(name),
    ];
    if direct.iter().any(|p| p.exists()) {
        return true;
    }
    fn tail_under(dir: &Path, name: &str) -> bool {
        let Ok(entries) = fs::read_dir(dir) else {
            return false;
        };
        entries.flatten().any(|entry| {
            let path = entry.path();
            path.to_string_lossy()
                .replace('\\', "/")
                .ends_with(&format!("/{name}"))
                || (path.is_dir()
                    && !path.ends_with("node_modules")
                    && !path.ends_with("target")
                    && tail_under(&path, name))
        })
    }
    let base = if root.is_empty() { ws } else { ws.join(root) };
    tail_under(&base, name)
}

#[test]
fn the_code_map_names_only_files_that_exist() {
    let mut missing = Vec::new();
    for (roots, names) in code_map() {
        for name in names {
            // Build outputs are named on purpose (`dist/`, `edge/build/`) and do not exist in
            // a clean clone.
            let built = [
                "dist/",
                "edge/build",
                "bench/results",
                "e2e/artifacts",
                ".wrangler",
            ]
            .iter()
            .any(|b| name.starts_with(b));
            if !built && !roots.iter().any(|root| exists(root, &name)) {
                missing.push(format!("{}: `{name}`", roots.join(", ")));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names what does not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_code_map_names_every_top_level_module() {
    let map = code_map();
    let mut unnamed = Vec::new();
    for crate_root in ["shared", "edge", "app"] {
        let names: Vec<&String> = map
            .iter()
            .filter(|(roots, _)| roots.first().is_some_and(|r| r == crate_root))
            .flat_map(|(_, names)| names)
            .collect();
        let src = workspace().join(crate_root).join("src");
        for entry in fs::read_dir(&src).expect("src exists").flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let module = if entry.path().is_dir() {
                format!("{file}/")
            } else if file.ends_with(".rs") {
                file
            } else {
                continue;
            };
            let named = names.iter().any(|n| {
                let n = n.trim_start_matches("src/");
                n == module || n.starts_with(&module) || n == module.trim_end_matches('/')
            });
            if !named {
                unnamed.push(format!("{crate_root}/src/{module}"));
            }
        }
    }
    unnamed.sort();
    assert!(
        unnamed.is_empty(),
        "ARCHITECTURE.md's code map does not name:\n{}",
        unnamed.join("\n")
    );
}
