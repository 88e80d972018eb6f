//! Lạng Sơn's border communes (xã and thị trấn whose boundary touches the China border):
//! only their permanent residents may hold a border resident pass.
//!
//! The list is data, `shared/data/border_communes.json`, parsed and checked once. **It is
//! from public knowledge and must be checked** against the annex of Decree 122/2024/NĐ-CP and
//! the 2025 commune merger (its `source` note says so too).

use crate::{Error, ErrorCode, GateId};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The gates a commune's `nearest_gate` may name: those of `edge/seed/demo.sql`.
pub const KNOWN_GATES: [&str; 5] = [
    "huu-nghi",
    "tan-thanh",
    "chi-ma",
    "coc-nam",
    "dong-dang-rail",
];

/// One border commune.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BorderCommune {
    pub id: String,
    /// Its Vietnamese name, as written (`Xã Tân Thanh`).
    pub name: String,
    pub district: String,
    pub nearest_gate: GateId,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommunesFile {
    source: String,
    communes: Vec<BorderCommune>,
}

/// The checked list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BorderCommunes {
    pub source: String,
    communes: Vec<BorderCommune>,
}

impl BorderCommunes {
    /// Parses and checks a list: ids are slugs and unique, names and districts 1-80
    /// characters, every nearest gate a known one, the list not empty, a source note given.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::new(ErrorCode::Internal, format!("border communes: {why}"));
        let file: CommunesFile = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        if file.source.trim().is_empty() || file.communes.is_empty() {
            return Err(bad("a source note and at least one commune".into()));
        }
        let mut ids = BTreeSet::new();
        for c in &file.communes {
            crate::gate::validate_slug(&c.id).map_err(|_| bad(format!("{}: not a slug", c.id)))?;
            if !ids.insert(c.id.as_str()) {
                return Err(bad(format!("{} is listed twice", c.id)));
            }
            for text in [&c.name, &c.district] {
                let n = text.trim().chars().count();
                if n == 0 || n > 80 {
                    return Err(bad(format!("{}: names are 1-80 characters", c.id)));
                }
            }
            if !KNOWN_GATES.contains(&c.nearest_gate.as_str()) {
                return Err(bad(format!("{}: unknown gate {}", c.id, c.nearest_gate)));
            }
        }
        Ok(BorderCommunes {
            source: file.source,
            communes: file.communes,
        })
    }

    /// The list shipped with this build (its test checks the file).
    pub fn current() -> &'static BorderCommunes {
        static LIST: OnceLock<BorderCommunes> = OnceLock::new();
        LIST.get_or_init(|| {
            BorderCommunes::from_json(include_str!("../../data/border_communes.json"))
                .expect("shared/data/border_communes.json is checked by its test")
        })
    }

    pub fn all(&self) -> &[BorderCommune] {
        &self.communes
    }

    /// The commune with this id, or `not_border_commune`.
    pub fn get(&self, id: &str) -> Result<&BorderCommune, Error> {
        let id = id.trim();
        self.communes.iter().find(|c| c.id == id).ok_or_else(|| {
            Error::new(
                ErrorCode::NotBorderCommune,
                "not one of Lang Son's border communes",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses_and_finds_its_communes() {
        let list = BorderCommunes::current();
        assert!(list.all().len() >= 20);
        assert!(list.source.contains("122/2024"));
        let tan_thanh = list.get("vl-tan-thanh").unwrap();
        assert_eq!(tan_thanh.name, "Xã Tân Thanh");
        assert_eq!(tan_thanh.nearest_gate.as_str(), "tan-thanh");
        assert_eq!(list.get(" lb-yen-khoai ").unwrap().district, "Lộc Bình");
        for bad in ["", "ha-noi", "VL-TAN-THANH"] {
            assert_eq!(
                list.get(bad).unwrap_err().code(),
                ErrorCode::NotBorderCommune
            );
        }
    }

    #[test]
    fn bad_lists_are_refused() {
        let ok = include_str!("../../data/border_communes.json");
        assert!(BorderCommunes::from_json(ok).is_ok());
        let dup = ok.replace("\"cl-bao-lam\"", "\"cl-dong-dang\"");
        assert!(BorderCommunes::from_json(&dup).is_err());
        let gate = ok.replacen("\"huu-nghi\"", "\"mong-cai\"", 1);
        assert!(BorderCommunes::from_json(&gate).is_err());
        let name = ok.replacen("\"Xã Bảo Lâm\"", "\" \"", 1);
        assert!(BorderCommunes::from_json(&name).is_err());
        assert!(BorderCommunes::from_json("{\"source\":\"x\",\"communes\":[]}").is_err());
    }
}
