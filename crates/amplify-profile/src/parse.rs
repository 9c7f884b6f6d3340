//! The literal parse of one shared file, with the AWS CLI's rules (botocore reads these files with Python's
//! `configparser.RawConfigParser`): `[header]` lines, `key = value` or `key: value` split at the first
//! delimiter, keys lower-cased, whole-line `#`/`;` comments only, indented lines continuing the previous
//! value, a value that starts on the next line being a nested map (botocore's `_parse_nested`), and a
//! `[DEFAULT]` section whose keys apply to every other section. Duplicate sections and keys are errors, as
//! they are for the AWS CLI. `tests/differential.rs` checks all of this against botocore itself.
//!
//! Nothing here knows what a profile is: [`crate::ProfileSet`] turns sections into profiles and warnings.
//! Errors never quote a line of the file, because a broken line may hold a secret key.

use std::path::Path;

use crate::error::ParseError;

/// The section whose keys configparser applies to every section of the file.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// A file as read, before any meaning is given to its sections.
#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    pub sections: Vec<RawSection>,
    /// The keys of `[DEFAULT]` sections, which every section inherits.
    pub defaults: Vec<RawProperty>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawSection {
    /// The text between the brackets, exactly as written.
    pub header: String,
    pub line: usize,
    pub properties: Vec<RawProperty>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawProperty {
    /// Lower-cased, as the AWS CLI stores it.
    pub key: String,
    pub value: Value,
    pub line: usize,
    /// For a [`Value::Map`], the line of each of its entries, in the same order (the line of the value that
    /// counts when a name repeats); empty for text.
    pub sub_lines: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// `key =` followed by indented `name = value` lines (for example `s3 =` then `max_concurrent_requests = 20`).
    Map(Vec<(String, String)>),
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            Value::Map(_) => None,
        }
    }
}

/// Python's `str.isspace`, which is what configparser strips: Unicode white space plus the four
/// information separators U+001C..U+001F.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[inline]
pub(crate) fn py_strip(s: &str) -> &str {
    py_strip_end(py_strip_start(s))
}

/// An ASCII byte that [`is_py_space`] strips: tab to carriage return, space, and the four separators.
#[inline]
fn is_py_space_ascii(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ' | 0x1c..=0x1f)
}

#[inline]
fn py_strip_start(s: &str) -> &str {
    // Most lines and values start with an ASCII letter, after ASCII spaces if any: then there is no
    // character to decode.
    let skip = s.bytes().take_while(|&b| is_py_space_ascii(b)).count();
    let rest = &s[skip..];
    match rest.as_bytes().first() {
        Some(&b) if !b.is_ascii() => rest.trim_start_matches(is_py_space),
        _ => rest,
    }
}

/// [`py_strip`] at the end only.
#[inline]
pub(crate) fn py_strip_end(s: &str) -> &str {
    let skip = s
        .bytes()
        .rev()
        .take_while(|&b| is_py_space_ascii(b))
        .count();
    let rest = &s[..s.len() - skip];
    match rest.as_bytes().last() {
        Some(&b) if !b.is_ascii() => rest.trim_end_matches(is_py_space),
        _ => rest,
    }
}

/// Parses `text`, the contents of `path` (used only to locate errors), keeping every section and key.
/// ([`crate::ProfileSet`] reads a file through the same reader without keeping them: `crate::scan`.)
pub fn parse(path: &Path, text: &str) -> Result<ParsedFile, ParseError> {
    crate::scan::parse_all(path, text)
}

/// configparser's section pattern `\[(?P<header>.+)\]`, matched at the start of the stripped line: the
/// header runs to the last `]`, and anything after it is ignored.
#[inline]
pub(crate) fn section_header(stripped: &str) -> Option<&str> {
    let inner = stripped.strip_prefix('[')?;
    // Bytes, from the end: a header most often ends with its `]`.
    let close = inner.bytes().rposition(|b| b == b']')?;
    (close > 0).then(|| &inner[..close])
}

/// botocore's `_parse_nested`: the lines of the value (Python's `str.splitlines`, so a form feed or U+2028
/// also ends a line), each `name = value` split at the first `=`, blank lines skipped. A repeated name
/// keeps its first place and takes the later value, as a Python dict does. `None` when a line has no `=`.
pub(crate) fn nested(joined: &str) -> Option<Vec<(String, String)>> {
    let mut map: Vec<(String, String)> = Vec::new();
    for line in joined.split(is_py_line_boundary) {
        let line = py_strip(line);
        if line.is_empty() {
            continue;
        }
        let (k, v) = line.split_once('=')?;
        let (k, v) = (py_strip(k).to_string(), py_strip(v).to_string());
        match map.iter_mut().find(|(name, _)| *name == k) {
            Some(entry) => entry.1 = v,
            None => map.push((k, v)),
        }
    }
    Some(map)
}

/// The line of each entry of `map`, found as [`nested`] found the entries: each physical line (with its line
/// in the file; the key's own line first) split at Python's line boundaries, a repeated name taking its later
/// line.
pub(crate) fn nested_lines(lines: &[(&str, usize)], map: &[(String, String)]) -> Vec<usize> {
    let mut found: std::collections::HashMap<&str, usize> = Default::default();
    for &(line, number) in lines {
        for piece in line.split(is_py_line_boundary) {
            if let Some((k, _)) = py_strip(piece).split_once('=') {
                found.insert(py_strip(k), number);
            }
        }
    }
    map.iter()
        .map(|(k, _)| found.get(k.as_str()).copied().unwrap_or(lines[0].1))
        .collect()
}

/// The characters at which Python's `str.splitlines` breaks a line (`\r\n` counts twice here, which only
/// adds a blank line, and blank lines are skipped).
fn is_py_line_boundary(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{b}'
            | '\u{c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ParseErrorKind;

    #[test]
    fn the_ascii_fast_path_strips_what_python_strips() {
        for b in 0u8..=0x7f {
            assert_eq!(is_py_space_ascii(b), is_py_space(char::from(b)), "{b:#x}");
        }
        for s in [
            "",
            " ",
            "a",
            " a\t",
            "\u{1c}a\u{85}",
            "\u{a0}x y\u{2028}",
            "\u{1f}",
            "é ",
            " \u{a0}x\u{3000} \t",
            "\t\u{2028} \u{85}",
            " é\u{a0} ",
        ] {
            assert_eq!(py_strip(s), s.trim_matches(is_py_space), "{s:?}");
        }
    }

    fn parse_ok(text: &str) -> ParsedFile {
        parse(Path::new("/home/dev/.aws/config"), text).unwrap()
    }

    fn text(file: &ParsedFile, section: usize, key: &str) -> Option<String> {
        file.sections[section]
            .properties
            .iter()
            .find(|p| p.key == key)
            .map(|p| match &p.value {
                Value::Text(t) => t.clone(),
                Value::Map(m) => format!("{m:?}"),
            })
    }

    #[test]
    fn seed_profiles() {
        let file = parse_ok(
            "[profile bizcorprole]\nrole_arn=arn:aws:iam::111122223333:role/Biz\nsource_profile=devcorpuser\n\n[profile devcorpuser]\nregion=us-east-1\n",
        );
        assert_eq!(file.sections.len(), 2);
        assert_eq!(file.sections[0].header, "profile bizcorprole");
        assert_eq!(file.sections[1].line, 5);
        assert_eq!(
            text(&file, 0, "source_profile").as_deref(),
            Some("devcorpuser")
        );
        assert_eq!(file.sections[0].properties[1].line, 3);
    }

    #[test]
    fn delimiters_case_and_whitespace() {
        let file = parse_ok("[a]\n  Region :  us-west-2  \nx=a:b=c\nempty =\n");
        assert_eq!(text(&file, 0, "region").as_deref(), Some("us-west-2"));
        assert_eq!(text(&file, 0, "x").as_deref(), Some("a:b=c"));
        assert_eq!(text(&file, 0, "empty").as_deref(), Some(""));
    }

    #[test]
    fn inline_comments_are_part_of_the_value() {
        let file = parse_ok("[a]\n# whole line\n; also\nregion = us-east-1 # not a comment\n");
        assert_eq!(
            text(&file, 0, "region").as_deref(),
            Some("us-east-1 # not a comment")
        );
    }

    #[test]
    fn continuation_and_nested_maps() {
        let file = parse_ok(
            "[a]\nlong = one\n  two\n\n  three\n\ns3 =\n  max_concurrent_requests = 20\n  Addressing_Style=path\nnext=1\n",
        );
        assert_eq!(text(&file, 0, "long").as_deref(), Some("one\ntwo\n\nthree"));
        let s3 = &file.sections[0].properties[1];
        assert_eq!(
            s3.value,
            Value::Map(vec![
                ("max_concurrent_requests".into(), "20".into()),
                ("Addressing_Style".into(), "path".into())
            ])
        );
        assert_eq!(text(&file, 0, "next").as_deref(), Some("1"));
    }

    #[test]
    fn line_ends_and_bom() {
        let file = parse_ok("\u{feff}[a]\r\nk=v\r\n[b]\rk=w\r");
        assert_eq!(file.sections.len(), 2);
        assert_eq!(text(&file, 1, "k").as_deref(), Some("w"));
        assert_eq!(file.sections[1].line, 3);
    }

    #[test]
    fn nested_maps_split_lines_and_repeat_keys_like_python() {
        let file = parse_ok(
            "[a]\ns3 =\n  a = 1\u{2028}b = 2\n  A = 3\n  a = 4\n  x = y\u{c}c=5\n  == v\n",
        );
        assert_eq!(
            file.sections[0].properties[0].value,
            Value::Map(vec![
                ("a".into(), "4".into()),
                ("b".into(), "2".into()),
                ("A".into(), "3".into()),
                ("x".into(), "y".into()),
                ("c".into(), "5".into()),
                ("".into(), "= v".into()),
            ])
        );
    }

    #[test]
    fn a_broken_nested_map_in_default_fails_only_when_inherited() {
        // botocore parses nested maps per section: a broken one that no section inherits is harmless.
        let unused = parse_ok("[DEFAULT]\ns3 =\n  broken\n[a]\ns3 = own\n");
        assert!(unused.defaults.is_empty());
        assert_eq!(text(&unused, 0, "s3").as_deref(), Some("own"));
        let alone = parse_ok("[DEFAULT]\ns3 =\n  broken\n");
        assert!(alone.sections.is_empty());
        let error = parse(
            Path::new("/h/.aws/config"),
            "[DEFAULT]\ns3 =\n  broken\n[a]\nk = v\n",
        )
        .unwrap_err();
        assert_eq!(error.location.line, 2);
        assert!(matches!(
            error.kind,
            ParseErrorKind::NestedNotKeyValue { .. }
        ));
    }

    #[test]
    fn an_unclosed_bracket_with_a_delimiter_in_a_section_is_a_key_as_in_botocore() {
        let file = parse_ok("[a]\n[z=1\n");
        assert_eq!(text(&file, 0, "[z").as_deref(), Some("1"));
    }

    #[test]
    fn header_runs_to_the_last_bracket() {
        let file = parse_ok("[profile a]b] trailing\nk=v\n[DEFAULT]\nregion=eu-west-1\n");
        assert_eq!(file.sections[0].header, "profile a]b");
        assert_eq!(file.defaults[0].key, "region");
    }

    #[test]
    fn errors_name_the_line_and_never_quote_it() {
        let cases = [
            ("k=v\n", 1, "before any [section]"),
            ("[a]\naws_secret_access_key wJalrXUtnFEMI\n", 2, "neither"),
            ("[a]\n=v\n", 2, "no key"),
            ("[a]\nk=1\n[b]\n[a]\n", 4, "line 1"),
            ("[a]\nk=1\nK=2\n", 3, "line 2"),
            ("[a]\ns3 =\n  nope\n", 2, "s3"),
            ("[profile foo\n", 1, "no closing `]`"),
            (
                "[a]\nk=v\n[profile foo\nregion=x\n",
                3,
                "end line 3 of /h/.aws/config with `]`",
            ),
        ];
        for (input, line, needle) in cases {
            let error = parse(Path::new("/h/.aws/config"), input).unwrap_err();
            let message = format!("{error} {}", error.hint());
            assert_eq!(error.location.line, line, "{input:?}: {message}");
            assert!(message.contains(needle), "{input:?}: {message}");
            assert!(message.contains("/h/.aws/config"), "{message}");
            assert!(!message.contains("wJalrXUtnFEMI"), "{message}");
        }
    }
}
