//! Scalar resolution as kubectl does it (YAML 1.1 booleans and integers over the core-schema
//! syntax), and the checks of explicit tags.

use std::borrow::Cow;

use saphyr_parser::{ScalarStyle, Tag};
use serde_json::{Number, Value};

/// The core-schema tag prefix that `!!` stands for.
const CORE: &str = "tag:yaml.org,2002:";

/// What an explicit tag asks for.
enum TagKind<'a> {
    /// No tag, or one this reader does not know: resolve as if untagged.
    Untagged,
    /// The non-specific tag `!`: a string.
    NonSpecific,
    /// A core-schema tag, by its suffix (`str`, `int`, `map`, …).
    Core(&'a str),
}

fn classify(tag: Option<&Tag>) -> TagKind<'_> {
    let Some(tag) = tag else {
        return TagKind::Untagged;
    };
    if tag.handle == CORE {
        return TagKind::Core(&tag.suffix);
    }
    if tag.handle.is_empty() {
        // Verbatim tags (`!<…>`) and the lone `!` arrive with an empty handle.
        if tag.suffix == "!" {
            return TagKind::NonSpecific;
        }
        if let Some(suffix) = tag.suffix.strip_prefix(CORE) {
            return TagKind::Core(suffix);
        }
    }
    TagKind::Untagged
}

fn is_collection_tag(suffix: &str) -> bool {
    matches!(suffix, "map" | "set" | "omap" | "pairs" | "seq")
}

/// Checks the tag of a mapping (`mapping == true`) or sequence; returns why it does not fit.
pub(super) fn check_collection_tag(tag: Option<&Tag>, mapping: bool) -> Result<(), String> {
    let TagKind::Core(suffix) = classify(tag) else {
        return Ok(());
    };
    let fits = match suffix {
        "map" | "set" => mapping,
        "seq" | "omap" | "pairs" => !mapping,
        "str" | "int" | "float" | "bool" | "null" | "binary" | "timestamp" => false,
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        let what = if mapping { "a mapping" } else { "a sequence" };
        Err(format!("tag !!{suffix} cannot be applied to {what}"))
    }
}

/// The JSON value of a scalar event.
pub(super) fn resolve(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, String> {
    match classify(tag) {
        TagKind::NonSpecific => Ok(Value::String(text.into_owned())),
        TagKind::Core(suffix) => resolve_tagged(text, style, suffix),
        TagKind::Untagged => resolve_untagged(text, style),
    }
}

fn resolve_untagged(text: Cow<'_, str>, style: ScalarStyle) -> Result<Value, String> {
    if matches!(style, ScalarStyle::Plain) {
        resolve_plain(text)
    } else {
        Ok(Value::String(text.into_owned()))
    }
}

fn resolve_tagged(text: Cow<'_, str>, style: ScalarStyle, suffix: &str) -> Result<Value, String> {
    let invalid = || format!("{text:?} is not a valid !!{suffix} value");
    match suffix {
        "null" => is_null(&text).then_some(Value::Null).ok_or_else(invalid),
        "bool" => parse_bool(&text).map(Value::Bool).ok_or_else(invalid),
        "int" => parse_int(&text).ok_or_else(invalid),
        "float" => match parse_int(&text) {
            Some(Value::Number(n)) => n.as_f64().map(float).ok_or_else(invalid)?,
            _ => parse_float(&text).ok_or_else(invalid)?,
        },
        _ if is_collection_tag(suffix) => {
            Err(format!("tag !!{suffix} cannot be applied to a scalar"))
        }
        "str" | "binary" | "timestamp" => Ok(Value::String(text.into_owned())),
        _ => resolve_untagged(text, style),
    }
}

/// Plain (unquoted, untagged) scalar: null, boolean, integer, float or string.
fn resolve_plain(text: Cow<'_, str>) -> Result<Value, String> {
    // Most scalars in manifests are names and images: skip the number checks for them.
    let Some(first) = text.bytes().next() else {
        return Ok(Value::Null);
    };
    if !matches!(
        first,
        b'0'..=b'9'
            | b'+'
            | b'-'
            | b'.'
            | b'~'
            | b'n'
            | b'N'
            | b't'
            | b'T'
            | b'f'
            | b'F'
            | b'y'
            | b'Y'
            | b'o'
            | b'O'
    ) {
        return Ok(Value::String(text.into_owned()));
    }
    if is_null(&text) {
        return Ok(Value::Null);
    }
    if let Some(b) = parse_bool(&text) {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = parse_int(&text) {
        return Ok(n);
    }
    if let Some(f) = parse_float(&text) {
        return f;
    }
    Ok(Value::String(text.into_owned()))
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Booleans as kubectl reads them (YAML 1.1, as `sigs.k8s.io/yaml` resolves plain scalars), so
/// `hostNetwork: yes` means in CI what it means at admission.
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "y" | "Y" | "on" | "On" | "ON" => {
            Some(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "n" | "N" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// Integers as kubectl reads them (YAML 1.1): `[-+]?[0-9_]+` with `_` separators ignored, a
/// leading `0` meaning octal, `0o`, `0x` and `0b` prefixes; beyond 64 bits, the nearest float.
fn parse_int(text: &str) -> Option<Value> {
    let cleaned;
    let text = if text.contains('_') {
        cleaned = text.replace('_', "");
        if cleaned.is_empty() {
            return None;
        }
        cleaned.as_str()
    } else {
        text
    };
    if let Some(digits) = text.strip_prefix("0x") {
        return radix_int(digits, 16);
    }
    if let Some(digits) = text.strip_prefix("0o") {
        return radix_int(digits, 8);
    }
    if let Some(digits) = text.strip_prefix("0b") {
        return radix_int(digits, 2);
    }
    if let Some(digits) = text.strip_prefix('0').filter(|d| !d.is_empty()) {
        return radix_int(digits, 8);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    if let Ok(u) = text.parse::<u64>() {
        return Some(Value::from(u));
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

fn radix_int(digits: &str, radix: u32) -> Option<Value> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if let Ok(u) = u64::from_str_radix(digits, radix) {
        return Some(Value::from(u));
    }
    let f = digits
        .chars()
        .filter_map(|c| c.to_digit(radix))
        .fold(0.0_f64, |acc, d| acc * f64::from(radix) + f64::from(d));
    Number::from_f64(f).map(Value::Number)
}

/// A float in core-schema syntax: `Some(Ok)` if representable, `Some(Err)` for infinities,
/// NaN and overflow, `None` if `text` is not a float at all.
fn parse_float(text: &str) -> Option<Result<Value, String>> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(Err(format!("{text} cannot be represented in JSON")));
    }
    if !is_float_syntax(unsigned) {
        return None;
    }
    let value = text.parse::<f64>().ok()?;
    Some(float(value))
}

fn float(value: f64) -> Result<Value, String> {
    Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| format!("{value} cannot be represented in JSON"))
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float_syntax(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let mut at = digits(0);
    let integer = at;
    let mut fraction = 0;
    if bytes.get(at) == Some(&b'.') {
        fraction = digits(at + 1);
        at += 1 + fraction;
    }
    if integer == 0 && fraction == 0 {
        return false;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return false;
        }
        at += exponent;
    }
    at == bytes.len()
}

/// The string form of a scalar used as a mapping key.
pub(super) fn key_string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Null => Some("null".to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => None,
    }
}
