//! Text for people: thousands separators as each language writes them, and the one rule for a
//! short free text a person types (a name, a reason).

/// `1234567` with `.` → `1.234.567` (Vietnamese, and VND amounts); with `,` → `1,234,567`.
pub fn group_thousands(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

/// `input` with its whitespace tidied (trimmed, inner runs made one space), if that is 1 to
/// `max_chars` characters without control characters.
pub(crate) fn tidy_text(input: &str, max_chars: usize) -> Option<String> {
    let tidy = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let ok = !tidy.is_empty()
        && tidy.chars().count() <= max_chars
        && !tidy.chars().any(char::is_control);
    ok.then_some(tidy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn groups_by_three_from_the_right() {
        assert_eq!(group_thousands(0, '.'), "0");
        assert_eq!(group_thousands(999, '.'), "999");
        assert_eq!(group_thousands(1000, '.'), "1.000");
        assert_eq!(group_thousands(1_350, ','), "1,350");
        assert_eq!(group_thousands(25_000_000, '.'), "25.000.000");
    }

    proptest! {
        #[test]
        fn removing_separators_gives_the_number_back(n in any::<u64>()) {
            let s = group_thousands(n, '.');
            prop_assert_eq!(s.replace('.', "").parse::<u64>().unwrap(), n);
            prop_assert!(s.split('.').skip(1).all(|g| g.len() == 3));
        }
    }
}
