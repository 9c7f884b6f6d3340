//! Checks stricter than the AWS CLI's. botocore sends a `role_arn`, `role_session_name`, `external_id` or
//! `mfa_serial` as written, and ignores a `duration_seconds` that is not a whole number; STS then refuses
//! the request, or the session lasts an hour when the user asked for more. amplify-rs says so when it
//! reads the files, as a [`Warning`] with the file and line, and never refuses a profile for it: what the
//! AWS CLI accepts, amplify-rs accepts (`docs/differences.md`). The reader ([`crate::scan`]) checks each
//! value as it passes, and [`crate::ProfileSet`] keeps the warnings of the values a profile uses. Also here:
//! Python's `int()`, which botocore applies to `duration_seconds`.

use crate::keys::role;
use crate::parse::is_py_space;

/// What is wrong with `key = value`, for the keys STS reads (`None` at once for any other key: the reader
/// asks for every value of the file, so the key is matched before anything is counted).
pub(crate) fn check(key: &str, value: &str) -> Option<String> {
    use role::{DURATION_SECONDS, EXTERNAL_ID, MFA_SERIAL, ROLE_ARN, ROLE_SESSION_NAME};
    if !matches!(
        key,
        ROLE_ARN | ROLE_SESSION_NAME | EXTERNAL_ID | MFA_SERIAL | DURATION_SECONDS
    ) {
        return None;
    }
    // Characters, as STS counts them; bytes are the same count for the ASCII values nearly all are.
    let length = if value.is_ascii() {
        value.len()
    } else {
        value.chars().count()
    };
    match key {
        // Shorter values are refused by the AWS CLI itself: an error when the profile is used.
        ROLE_ARN if length >= 20 && !is_role_arn(value) => Some(format!(
            "role_arn = {value} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME); the AWS CLI sends it as it is and STS will refuse it"
        )),
        ROLE_SESSION_NAME if length >= 2 && !is_session_name(value) => Some(format!(
            "role_session_name = {value} is not 2 to 64 characters of letters, digits and _+=,.@-; STS will refuse it"
        )),
        EXTERNAL_ID if length >= 2 && (length > 1224 || !only(value, &EXTERNAL_ID_BYTES)) => {
            Some(format!(
                "external_id = {value} is not 2 to 1224 characters of letters, digits and _+=,.@:/-; STS will refuse it"
            ))
        }
        MFA_SERIAL if length >= 9 && (length > 256 || !only(value, &MFA_SERIAL_BYTES)) => {
            Some(format!(
                "mfa_serial = {value} is not an MFA device's ARN or serial number; STS will refuse it"
            ))
        }
        DURATION_SECONDS => match py_int(value) {
            None => Some(format!(
                "duration_seconds = {value} is not a whole number, so the AWS CLI and amplify-rs ignore it: sessions last STS's default, 1 hour"
            )),
            Some(seconds) if seconds > 43200 => Some(format!(
                "duration_seconds = {value} is more than 43200 (12 hours), which STS refuses"
            )),
            Some(_) => None,
        },
        _ => None,
    }
}

/// The bytes STS's `[\w...]` patterns allow: letters, digits and the given ASCII punctuation, as a table (the
/// reader checks every `mfa_serial` of the file, and a search of the punctuation for each byte was a sixth of
/// its pass).
const fn allowed(punctuation: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
}

const EXTERNAL_ID_BYTES: [bool; 256] = allowed(b"_+=,.@:/-");
const MFA_SERIAL_BYTES: [bool; 256] = allowed(b"_+=/:,.@-");
const SESSION_NAME_BYTES: [bool; 256] = allowed(b"_+=,.@-");

/// Only bytes the table allows. Byte by byte: a non-ASCII character fails either way.
fn only(value: &str, allowed: &[bool; 256]) -> bool {
    value.bytes().all(|b| allowed[usize::from(b)])
}

/// `arn:PARTITION:iam::ACCOUNT:role/NAME` with a 12-digit account. In bytes, without a string search: the
/// reader checks every `role_arn` of the file.
fn is_role_arn(arn: &str) -> bool {
    let Some(rest) = arn.as_bytes().strip_prefix(b"arn:") else {
        return false;
    };
    let Some(end) = rest.iter().position(|&b| b == b':') else {
        return false;
    };
    let (partition, rest) = (&rest[..end], &rest[end + 1..]);
    // Twelve digits, then the `:` that ends the account.
    let account = |rest: &[u8]| {
        rest.get(..12)
            .is_some_and(|digits| digits.iter().all(u8::is_ascii_digit))
            && rest.get(12) == Some(&b':')
    };
    !partition.is_empty()
        && rest.strip_prefix(b"iam::").is_some_and(|rest| {
            account(rest)
                && rest[13..]
                    .strip_prefix(b"role/")
                    .is_some_and(|name| !name.is_empty())
        })
}

/// STS's RoleSessionName: 2 to 64 of `[\w+=,.@-]`.
fn is_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len()) && only(name, &SESSION_NAME_BYTES)
}

/// Python 3.11's `int(text)`: white space around, an optional sign, then decimal digits of any script
/// (Unicode category Nd) with single underscores between them; no more than 4300 digits. Saturates
/// instead of growing without bound.
pub(crate) fn py_int(text: &str) -> Option<i64> {
    let text = text.trim_matches(is_py_space);
    let (negative, digits) = match text.chars().next() {
        Some('-') => (true, &text[1..]),
        Some('+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut value: i64 = 0;
    let mut count = 0usize;
    for c in digits.chars().filter(|c| *c != '_') {
        value = value
            .saturating_mul(10)
            .saturating_add(i64::from(decimal_digit(c)?));
        count += 1;
    }
    (count <= 4300).then_some(if negative { -value } else { value })
}

/// The first code point of each run of ten Unicode decimal digits (category Nd, Unicode 14, as in
/// Python 3.11's `unicodedata`).
const DIGIT_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

fn decimal_digit(c: char) -> Option<u8> {
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&code))
        .map(|zero| (code - zero) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_as_python_reads_them() {
        for (text, expected) in [
            ("3600", Some(3600)),
            (" +900 ", Some(900)),
            ("-5", Some(-5)),
            ("0900", Some(900)),
            ("1_000", Some(1000)),
            ("\u{660}\u{661}", Some(1)),
            ("\u{ff19}\u{ff10}\u{ff10}", Some(900)),
            ("1__0", None),
            ("_1", None),
            ("1_", None),
            ("900.0", None),
            ("0x384", None),
            ("- 5", None),
            ("", None),
            ("abc", None),
        ] {
            assert_eq!(py_int(text), expected, "{text:?}");
        }
        assert_eq!(py_int(&"9".repeat(40)), Some(i64::MAX));
        assert_eq!(py_int(&"1".repeat(4301)), None);
    }

    #[test]
    fn stricter_checks_name_what_sts_will_refuse() {
        assert!(check("role_arn", "arn:aws:iam::123456789:role/RoleA").is_some());
        assert!(check("role_arn", "arn:aws:iam::123456789012:role/RoleA").is_none());
        assert!(
            check("role_arn", "arn:foo").is_none(),
            "an error, not a warning"
        );
        assert!(check("role_session_name", "has space").is_some());
        assert!(check("role_session_name", &"a".repeat(65)).is_some());
        assert!(check("role_session_name", "ok-name").is_none());
        assert!(check("duration_seconds", "one hour").is_some());
        assert!(check("duration_seconds", "43201").is_some());
        assert!(check("duration_seconds", "43200").is_none());
        assert!(check("external_id", "ok:id/1").is_none());
        assert!(check("external_id", "has space").is_some());
        assert!(check("mfa_serial", "arn:aws:iam::123456789012:mfa/dev").is_none());
        assert!(check("mfa_serial", "arn:aws:iam::123456789012:mfa/my dev").is_some());
        assert!(check("region", "anything at all").is_none());
    }

    /// Each rule of a role ARN, as the warning a user sees: `arn:PARTITION:iam::ACCOUNT:role/NAME`, any
    /// partition, twelve digits, a path and colons allowed in the name.
    #[test]
    fn a_role_arn_is_warned_about_for_each_rule_it_breaks() {
        for arn in [
            "arn:aws:iam::123456789012:role/RoleA",
            "arn:aws-cn:iam::123456789012:role/path/RoleA",
            "arn:aws:iam::123456789012:role/a:b",
        ] {
            assert!(check("role_arn", arn).is_none(), "{arn}");
        }
        for arn in [
            "arn:aws:iam::123456789012:role/",
            "arn::iam::123456789012:role/RoleA",
            "arn:aws:sts::123456789012:role/RoleA",
            "arn:aws:iam:us-east-1:123456789012:role/RoleA",
            "arn:aws:iam::1234567890123:role/RoleA",
            "arn:aws:iam::12345678901a:role/RoleA",
            "arn:aws:iam::123456789012:user/RoleA",
            "arn:aws:iam::123456789012",
            "aws:iam::123456789012:role/RoleA",
        ] {
            assert!(check("role_arn", arn).is_some(), "{arn}");
        }
    }
}
