//! Vehicle registration plates, Vietnamese and Chinese.
//!
//! Drivers type plates in many ways: `29C-123.45`, `29c 12345`, `桂A·12345`, `桂a12345`, with
//! full-width characters from a Chinese keyboard. A [`Plate`] keeps a compact normalised form
//! for matching, so that all spellings of one plate are the same vehicle, and shows every
//! spelling in one canonical form built from it (upper case, the standard separators):
//! `29C-123.45`, `12C-1234`, `桂A·12345`.

use crate::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a plate was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Country {
    Vn,
    Cn,
}

/// A validated plate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plate {
    display: String,
    normalized: String,
    country: Country,
}

/// One-character abbreviations of China's provinces, regions and municipalities, as they open
/// a Chinese plate. Guangxi (桂) is the one seen at Lang Son.
const CN_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Characters people put between the parts of a plate.
fn is_separator(c: char) -> bool {
    matches!(c, '-' | '.' | '·' | '•' | '・' | '_' | '/') || c.is_whitespace()
}

/// Full-width ASCII (from Chinese and Japanese input methods) to ASCII, then upper case.
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        'đ' => 'Đ',
        _ => c,
    };
    c.to_ascii_uppercase()
}

impl Plate {
    /// Longest input accepted, in characters (a plate with generous separators is ~14).
    pub const MAX_INPUT_CHARS: usize = 24;

    pub fn parse(input: &str) -> Result<Plate, Error> {
        let invalid = |why: &str| Error::new(ErrorCode::InvalidPlate, why);
        let tidied = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if tidied.is_empty() {
            return Err(invalid("plate is empty"));
        }
        if tidied.chars().count() > Self::MAX_INPUT_CHARS {
            return Err(invalid("plate is too long"));
        }
        let compact: Vec<char> = tidied
            .chars()
            .map(fold)
            .filter(|c| !is_separator(*c))
            .collect();
        let country = match compact.first() {
            Some(c) if c.is_ascii_digit() => Country::Vn,
            Some(c) if CN_PROVINCES.contains(*c) => Country::Cn,
            _ => {
                return Err(invalid(
                    "plate must start with a province number (VN) or a province character (CN)",
                ))
            }
        };
        let valid = match country {
            Country::Vn => is_vietnamese(&compact),
            Country::Cn => is_chinese(&compact),
        };
        if !valid {
            return Err(invalid(match country {
                Country::Vn => "not a Vietnamese plate (like 29C-123.45 or 12C-1234)",
                Country::Cn => "not a Chinese plate (like 桂A·12345)",
            }));
        }
        Ok(Plate {
            display: canonical(country, &compact),
            normalized: compact.into_iter().collect(),
            country,
        })
    }

    /// Whether `text` is tidy: no leading, trailing or repeated whitespace (what passes signed
    /// before the canonical form carried; see `docs/pass-format.md`).
    pub fn is_tidy(text: &str) -> bool {
        text.split_whitespace().collect::<Vec<_>>().join(" ") == text
    }

    /// The canonical form, whatever was typed: `29C-123.45`, `12C-1234`, `29A1-123.45`,
    /// `桂A·12345`, `桂A·1234挂`. Show this.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Upper case, no separators, ASCII letters and digits: match on this.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    pub fn country(&self) -> Country {
        self.country
    }

    /// Two plates are the same vehicle when their normalised forms are equal.
    pub fn same_vehicle(&self, other: &Plate) -> bool {
        self.normalized == other.normalized
    }
}

/// `NN` province code (11–99), a series of one or two letters (Latin or Đ) with an optional
/// digit, then a number of 4 or 5 digits: 29C12345, 12C1234, 29LD12345, 29R01234.
fn is_vietnamese(c: &[char]) -> bool {
    if c.len() < 7 || !c[0].is_ascii_digit() || !c[1].is_ascii_digit() {
        return false;
    }
    let province = (c[0] as u32 - '0' as u32) * 10 + (c[1] as u32 - '0' as u32);
    if !(11..=99).contains(&province) {
        return false;
    }
    let rest = &c[2..];
    let letters = rest
        .iter()
        .take_while(|ch| ch.is_ascii_uppercase() || **ch == 'Đ')
        .count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let digits = &rest[letters..];
    // The series may carry one digit (e.g. "A1"), so 4 to 6 digits follow the letters.
    (4..=6).contains(&digits.len()) && digits.iter().all(char::is_ascii_digit)
}

/// The canonical form of a valid compact plate. Vietnamese: province and series, `-`, then a
/// five-digit number as `123.45` or a four-digit one as is; after a one-letter series, six
/// digits are a series digit and a five-digit number (`29A1-123.45`); after a two-letter
/// series, a six-digit number reads `123.456`. Chinese: province and authority letter, `·`, the serial.
fn canonical(country: Country, c: &[char]) -> String {
    let text = |cs: &[char]| cs.iter().collect::<String>();
    match country {
        Country::Vn => {
            let letters = c[2..]
                .iter()
                .take_while(|ch| ch.is_ascii_uppercase() || **ch == 'Đ')
                .count();
            let mut head = 2 + letters;
            if letters == 1 && c.len() - head == 6 {
                head += 1;
            }
            let number = &c[head..];
            if number.len() >= 5 {
                format!(
                    "{}-{}.{}",
                    text(&c[..head]),
                    text(&number[..3]),
                    text(&number[3..])
                )
            } else {
                format!("{}-{}", text(&c[..head]), text(number))
            }
        }
        Country::Cn => format!("{}·{}", text(&c[..2]), text(&c[2..])),
    }
}

/// A province character, an authority letter, then five or six letters or digits (six for new
/// energy vehicles; I and O are never used), or four and 挂 for a trailer.
fn is_chinese(c: &[char]) -> bool {
    let serial_char =
        |ch: &char| ch.is_ascii_digit() || (ch.is_ascii_uppercase() && *ch != 'I' && *ch != 'O');
    if c.len() < 2 || !c[1].is_ascii_uppercase() {
        return false;
    }
    let serial = &c[2..];
    match serial {
        [body @ .., '挂'] => body.len() == 4 && body.iter().all(serial_char),
        _ => (5..=6).contains(&serial.len()) && serial.iter().all(serial_char),
    }
}

impl fmt::Display for Plate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl std::str::FromStr for Plate {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plate::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(s: &str) -> String {
        Plate::parse(s).unwrap().normalized().to_owned()
    }

    #[test]
    fn vietnamese_spellings_of_one_plate_match() {
        for s in [
            "29C-123.45",
            "29C12345",
            "29c 123 45",
            "29C-12345",
            " 29C - 123.45 ",
        ] {
            assert_eq!(norm(s), "29C12345", "{s}");
        }
    }

    #[test]
    fn lang_son_plates_old_and_new() {
        let p = Plate::parse("12C-12345").unwrap();
        assert_eq!(p.country(), Country::Vn);
        assert_eq!(p.normalized(), "12C12345");
        assert_eq!(norm("12C-1234"), "12C1234");
    }

    #[test]
    fn trailers_and_two_letter_series() {
        assert_eq!(norm("29R-012.34"), "29R01234");
        assert_eq!(norm("29LD-123.45"), "29LD12345");
        assert_eq!(norm("80MĐ-123.45"), "80MĐ12345");
    }

    #[test]
    fn display_is_the_canonical_form_whatever_was_typed() {
        for (typed, shown) in [
            ("  29c-123.45 ", "29C-123.45"),
            ("12c 123.45", "12C-123.45"),
            ("12C12345", "12C-123.45"),
            ("12c 1234", "12C-1234"),
            ("12C.12.34", "12C-1234"),
            ("29c_123/45", "29C-123.45"),
            ("２９Ｃ１２３４５", "29C-123.45"),
            ("29r 01234", "29R-012.34"),
            ("29ld12345", "29LD-123.45"),
            ("80mđ 12345", "80MĐ-123.45"),
            ("29a1 12345", "29A1-123.45"),
            ("47kd 123456", "47KD-123.456"),
            ("桂a12345", "桂A·12345"),
            ("桂 A - 12345", "桂A·12345"),
            ("桂Ａ·１２３４５", "桂A·12345"),
            ("桂a d12345", "桂A·D12345"),
            ("桂b1234挂", "桂B·1234挂"),
        ] {
            let p = Plate::parse(typed).unwrap();
            assert_eq!(p.display(), shown, "{typed:?}");
            assert_eq!(p.to_string(), shown, "{typed:?}");
            // The canonical form is a spelling of the same plate, and its own canonical form.
            let again = Plate::parse(shown).unwrap();
            assert!(again.same_vehicle(&p));
            assert_eq!(again.display(), shown);
        }
    }

    #[test]
    fn tidy_text_has_single_inner_spaces_only() {
        assert!(Plate::is_tidy("29c 123.45"));
        assert!(!Plate::is_tidy(" 29C-123.45"));
        assert!(!Plate::is_tidy("29C  123.45"));
    }

    #[test]
    fn chinese_spellings_of_one_plate_match() {
        for s in [
            "桂A·12345",
            "桂A12345",
            "桂a 12345",
            "桂A.12345",
            "桂Ａ·１２３４５",
        ] {
            assert_eq!(norm(s), "桂A12345", "{s}");
        }
        assert_eq!(Plate::parse("桂F12345").unwrap().country(), Country::Cn);
    }

    #[test]
    fn chinese_new_energy_and_trailer_plates() {
        assert_eq!(norm("桂A·D12345"), "桂AD12345");
        assert_eq!(norm("桂A·1234挂"), "桂A1234挂");
    }

    #[test]
    fn malformed_plates_are_refused_with_the_plate_code() {
        for bad in [
            "",
            "   ",
            "ABC-123",
            "00C-12345",
            "09C-12345",
            "29-12345",
            "29C-123",
            "29C-1234567",
            "29ABC-12345",
            "桂-12345",
            "桂A·1234",
            "桂A·12I45",
            "沪A·1234567",
            "X桂A12345",
            "29C-123.45; DROP TABLE",
        ] {
            let err = Plate::parse(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidPlate, "{bad:?}");
        }
    }

    #[test]
    fn over_long_input_is_refused_before_any_work() {
        let long = "29C-12345".repeat(10);
        assert_eq!(
            Plate::parse(&long).unwrap_err().code(),
            ErrorCode::InvalidPlate
        );
    }

    #[test]
    fn same_vehicle_compares_normalised_forms() {
        let a = Plate::parse("29C-123.45").unwrap();
        let b = Plate::parse("29c12345").unwrap();
        let c = Plate::parse("29C-123.46").unwrap();
        assert!(a.same_vehicle(&b));
        assert!(!a.same_vehicle(&c));
    }

    fn vn_plate() -> impl Strategy<Value = (String, String)> {
        (
            11u32..=99,
            "[A-Z]{1,2}",
            prop_oneof![Just(4usize), Just(5usize)],
        )
            .prop_flat_map(|(province, series, len)| {
                (
                    Just(province),
                    Just(series),
                    proptest::collection::vec(0u32..10, len),
                )
            })
            .prop_map(|(province, series, digits)| {
                let number: String = digits.iter().map(|d| d.to_string()).collect();
                let normalized = format!("{province}{series}{number}");
                let typed = if number.len() == 5 {
                    format!("{province}{series}-{}.{}", &number[..3], &number[3..])
                } else {
                    format!("{province}{}-{number}", series.to_lowercase())
                };
                (typed, normalized)
            })
    }

    proptest! {
        #[test]
        fn typed_vietnamese_plates_normalise_as_expected((typed, normalized) in vn_plate()) {
            let p = Plate::parse(&typed).unwrap();
            prop_assert_eq!(p.normalized(), normalized.as_str());
            prop_assert_eq!(p.country(), Country::Vn);
        }

        #[test]
        fn normalising_is_idempotent((typed, _) in vn_plate()) {
            let once = Plate::parse(&typed).unwrap();
            let twice = Plate::parse(once.normalized()).unwrap();
            prop_assert_eq!(once.normalized(), twice.normalized());
        }

        #[test]
        fn every_spelling_shows_the_same_canonical_form((typed, normalized) in vn_plate()) {
            let typed = Plate::parse(&typed).unwrap();
            let compact = Plate::parse(&normalized).unwrap();
            prop_assert_eq!(typed.display(), compact.display());
            let again = Plate::parse(typed.display()).unwrap();
            prop_assert_eq!(again.display(), typed.display());
        }

        #[test]
        fn chinese_plates_with_any_separator_match(
            letter in "[A-Z]",
            serial in "[A-HJ-NP-Z0-9]{5}",
            sep in prop_oneof![Just(""), Just("·"), Just(" "), Just(".")],
        ) {
            let typed = format!("桂{}{sep}{serial}", letter.to_lowercase());
            let p = Plate::parse(&typed).unwrap();
            prop_assert_eq!(p.normalized(), format!("桂{letter}{serial}"));
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,40}") {
            let _ = Plate::parse(&s);
        }

        #[test]
        fn accepted_plates_normalise_to_letters_and_digits(s in "[0-9A-Za-z桂·. -]{0,16}") {
            if let Ok(p) = Plate::parse(&s) {
                prop_assert!(p.normalized().chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '桂' || c == 'Đ' || c == '挂'));
            }
        }
    }
}
