//! Which way goods cross.

use crate::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Export leaves Vietnam for China; import enters Vietnam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Export,
    Import,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Export => "export",
            Direction::Import => "import",
        }
    }
}

impl FromStr for Direction {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "export" => Ok(Direction::Export),
            "import" => Ok(Direction::Import),
            _ => Err(Error::new(
                ErrorCode::InvalidDirection,
                "direction must be \"export\" or \"import\"",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_directions_case_insensitively() {
        assert_eq!("export".parse::<Direction>().unwrap(), Direction::Export);
        assert_eq!(" IMPORT ".parse::<Direction>().unwrap(), Direction::Import);
    }

    #[test]
    fn refuses_anything_else() {
        let err = "transit".parse::<Direction>().unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidDirection);
    }

    #[test]
    fn wire_form_matches_as_str() {
        for d in [Direction::Export, Direction::Import] {
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", d.as_str())
            );
        }
    }
}
