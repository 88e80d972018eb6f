//! Generates the translation table from `locales/<lang>/<namespace>.json`.
//!
//! Vietnamese is the reference. The build fails (rather than showing a blank label at the
//! border) if a language misses a key, has an extra one, or a translation's `{placeholders}`
//! differ from the Vietnamese text. Keys become variants of `Key`, so using a key that does not
//! exist is a compile error too.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

const LANGS: [&str; 3] = ["vi", "en", "zh"];

fn main() {
    let dir = Path::new("locales");
    println!("cargo:rerun-if-changed=locales");
    let namespaces = namespaces(&dir.join("vi"));
    let mut keys: Vec<(String, String)> = Vec::new(); // (variant, "ns.key")
    let mut tables: Vec<Vec<String>> = vec![Vec::new(); LANGS.len()];
    let mut problems = Vec::new();

    for ns in &namespaces {
        let per_lang: Vec<Map<String, Value>> = LANGS
            .iter()
            .map(|lang| load(&dir.join(lang).join(format!("{ns}.json"))))
            .collect();
        let reference = &per_lang[0];
        for (lang, map) in LANGS.iter().zip(&per_lang).skip(1) {
            for key in reference.keys().filter(|k| !map.contains_key(*k)) {
                problems.push(format!("{lang}/{ns}.json is missing \"{key}\""));
            }
            for key in map.keys().filter(|k| !reference.contains_key(*k)) {
                problems.push(format!(
                    "{lang}/{ns}.json has \"{key}\" that vi/{ns}.json lacks"
                ));
            }
        }
        for (key, vi_value) in reference {
            keys.push((variant(ns, key), format!("{ns}.{key}")));
            let vi_text = text(vi_value, "vi", ns, key, &mut problems);
            let wanted = placeholders(&vi_text);
            for (i, (lang, map)) in LANGS.iter().zip(&per_lang).enumerate() {
                let t = map
                    .get(key)
                    .map(|v| text(v, lang, ns, key, &mut problems))
                    .unwrap_or_default();
                if !t.is_empty() && placeholders(&t) != wanted {
                    problems.push(format!(
                        "{lang}/{ns}.json \"{key}\" has placeholders {:?}, vi has {wanted:?}",
                        placeholders(&t)
                    ));
                }
                tables[i].push(t);
            }
        }
    }
    if !problems.is_empty() {
        panic!("translations are incomplete:\n  {}", problems.join("\n  "));
    }

    let mut out = String::new();
    out.push_str("/// A translation key: `locales/<lang>/<namespace>.json`, namespace first.\n");
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Key {\n");
    for (variant, id) in &keys {
        writeln!(out, "    /// `{id}`\n    {variant},").unwrap();
    }
    out.push_str("}\n\n");
    writeln!(out, "const KEY_COUNT: usize = {};", keys.len()).unwrap();
    for (lang, table) in LANGS.iter().zip(&tables) {
        writeln!(
            out,
            "static {}: [&str; KEY_COUNT] = {:?};",
            lang.to_uppercase(),
            table
        )
        .unwrap();
    }
    let path = Path::new(&env::var("OUT_DIR").unwrap()).join("i18n_table.rs");
    fs::write(path, out).unwrap();
}

fn namespaces(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

fn load(path: &Path) -> Map<String, Value> {
    let raw =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match serde_json::from_str(&raw) {
        Ok(Value::Object(map)) => map,
        Ok(_) => panic!("{} must be a JSON object of strings", path.display()),
        Err(e) => panic!("{} is not valid JSON: {e}", path.display()),
    }
}

fn text(value: &Value, lang: &str, ns: &str, key: &str, problems: &mut Vec<String>) -> String {
    match value.as_str() {
        Some(s) if !s.trim().is_empty() => s.to_owned(),
        _ => {
            problems.push(format!(
                "{lang}/{ns}.json \"{key}\" must be a non-empty string"
            ));
            String::new()
        }
    }
}

fn placeholders(s: &str) -> BTreeSet<String> {
    s.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// `home.as_of` → `HomeAsOf`.
fn variant(ns: &str, key: &str) -> String {
    format!("{ns}_{key}")
        .split(['_', '.', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
