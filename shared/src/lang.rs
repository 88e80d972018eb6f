//! The three languages of BorderPass.

use crate::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A user-interface language. Vietnamese is the default; English and Simplified Chinese follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Vi, Lang::En, Lang::Zh];

    /// The BCP 47 tag, as used in `<html lang>` and in storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    /// How the language groups thousands: `1.000` in Vietnamese, `1,000` otherwise.
    pub fn thousands_separator(self) -> char {
        match self {
            Lang::Vi => '.',
            Lang::En | Lang::Zh => ',',
        }
    }

    /// The language's own name, shown in the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }
}

impl FromStr for Lang {
    type Err = Error;

    /// Accepts the tags from [`Lang::tag`] and common variants (`zh`, `zh-CN`, `vi-VN`, `en-US`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Ok(Lang::Vi),
            "en" => Ok(Lang::En),
            "zh" => Ok(Lang::Zh),
            _ => Err(Error::new(
                ErrorCode::InvalidLang,
                format!("unsupported language {s:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(lang.tag().parse::<Lang>().unwrap(), lang);
        }
    }

    #[test]
    fn regional_variants_are_accepted() {
        assert_eq!("vi-VN".parse::<Lang>().unwrap(), Lang::Vi);
        assert_eq!("zh_CN".parse::<Lang>().unwrap(), Lang::Zh);
        assert_eq!("EN-us".parse::<Lang>().unwrap(), Lang::En);
    }

    #[test]
    fn other_languages_are_refused() {
        let err = "fr".parse::<Lang>().unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidLang);
        assert!("".parse::<Lang>().is_err());
    }

    #[test]
    fn vietnamese_is_the_default() {
        assert_eq!(Lang::default(), Lang::Vi);
    }
}
