//! Password rules, the same in the app (instant feedback) and at the edge (the one that counts).

use crate::{Error, ErrorCode, PhoneNumber};

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Passwords people actually choose, in Vietnam and everywhere: refused outright.
const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "99999999",
    "12341234",
    "11223344",
    "123123123",
    "password",
    "password1",
    "passw0rd",
    "qwertyui",
    "qwerty123",
    "iloveyou",
    "abcd1234",
    "abc12345",
    "1q2w3e4r",
    "1qaz2wsx",
    "zaq12wsx",
    "asdfghjk",
    "matkhau",
    "matkhau1",
    "matkhau123",
    "anhyeuem",
    "emyeuanh",
    "anhyeuem1",
    "yeuemmaimai",
    "vietnam1",
    "vietnam123",
    "hanoi123",
    "saigon123",
    "langson1",
    "langson123",
    "borderpass",
    "baomat123",
    "admin123",
    "administrator",
    "welcome1",
    "letmein1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "woaini520",
    "woaini1314",
    "5201314",
    "a1234567",
    "aa123456",
    "qq123456",
    "00001111",
];

/// Checks a new password: 8–128 characters, not a well-known password, not mostly the
/// phone number, not one repeated character.
pub fn check_new_password(password: &str, phone: &PhoneNumber) -> Result<(), Error> {
    let weak = |why: &str| Error::new(ErrorCode::WeakPassword, why);
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(weak("passwords need at least 8 characters"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(weak("passwords are limited to 128 characters"));
    }
    let lowered = password.to_lowercase();
    if COMMON.contains(&lowered.as_str()) {
        return Err(weak("this password is among the most common ones"));
    }
    let digits: String = password.chars().filter(char::is_ascii_digit).collect();
    let subscriber = &phone.e164()[3..];
    if digits.len() >= 8 && (subscriber.contains(&digits) || digits.contains(subscriber)) {
        return Err(weak("the password must not be the phone number"));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 3 {
        return Err(weak("the password needs more different characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone() -> PhoneNumber {
        PhoneNumber::parse("0912345678").unwrap()
    }

    #[test]
    fn reasonable_passwords_pass() {
        for ok in [
            "thanh long ruột đỏ",
            "Xe-tai-12C-2026",
            "正在通关2026",
            "gMx9!kq2",
        ] {
            assert!(check_new_password(ok, &phone()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn short_long_common_and_phone_passwords_are_refused() {
        let too_long = "a1b2".repeat(40);
        for bad in [
            "",
            "1234567",
            "12345678",
            "MatKhau123",
            "ANHYEUEM",
            "0912345678",
            "912345678",
            "84912345678",
            "aaaaaaaaaa",
            "abababab",
            too_long.as_str(),
        ] {
            assert_eq!(
                check_new_password(bad, &phone()).unwrap_err().code(),
                ErrorCode::WeakPassword,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Seven Vietnamese characters are more than eight bytes but still too short.
        assert!(check_new_password("mậtkhẩu", &phone()).is_err());
        assert!(check_new_password("mậtkhẩuu", &phone()).is_ok());
    }
}
