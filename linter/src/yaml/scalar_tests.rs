//! Table tests of scalar resolution: each case is the YAML text of one value and the JSON it
//! must become (or the error it must give).

use serde_json::{Value, json};

use super::parse_documents;

fn value_of(yaml: &str) -> Result<Value, String> {
    let text = format!("v: {yaml}\n");
    let docs = parse_documents(&text).map_err(|e| e.to_string())?;
    let doc = docs.into_iter().next().ok_or("no document")?;
    doc.value.get("v").cloned().ok_or_else(|| "no v".to_owned())
}

#[test]
fn core_schema_table() {
    let cases: &[(&str, Value)] = &[
        ("", json!(null)),
        ("~", json!(null)),
        ("null", json!(null)),
        ("Null", json!(null)),
        ("NULL", json!(null)),
        ("nULL", json!("nULL")),
        ("true", json!(true)),
        ("True", json!(true)),
        ("TRUE", json!(true)),
        ("false", json!(false)),
        ("False", json!(false)),
        ("FALSE", json!(false)),
        ("tRUE", json!("tRUE")),
        ("yes", json!(true)),
        ("no", json!(false)),
        ("y", json!(true)),
        ("N", json!(false)),
        ("yesterday", json!("yesterday")),
        ("0_", json!(0)),
        ("08", json!(8.0)),
        ("on", json!(true)),
        ("off", json!(false)),
        ("0", json!(0)),
        ("-0", json!(0)),
        ("42", json!(42)),
        ("+42", json!(42)),
        ("-17", json!(-17)),
        ("010", json!(8)),
        ("0o17", json!(15)),
        ("0x1F", json!(31)),
        ("0xff", json!(255)),
        ("0x", json!("0x")),
        ("0o8", json!("0o8")),
        ("0b101", json!(5)),
        ("1_000", json!(1000)),
        ("9223372036854775807", json!(i64::MAX)),
        ("-9223372036854775808", json!(i64::MIN)),
        ("18446744073709551615", json!(u64::MAX)),
        ("18446744073709551616", json!(18_446_744_073_709_551_616.0)),
        ("-9223372036854775809", json!(-9_223_372_036_854_775_809.0)),
        ("0x10000000000000000", json!(18_446_744_073_709_551_616.0)),
        ("1.5", json!(1.5)),
        ("-1.5", json!(-1.5)),
        (".5", json!(0.5)),
        ("1.", json!(1.0)),
        ("1e3", json!(1000.0)),
        ("1.5E-2", json!(0.015)),
        ("1e", json!("1e")),
        (".", json!(".")),
        ("1.2.3", json!("1.2.3")),
        ("1:30", json!("1:30")),
        ("2001-12-14", json!("2001-12-14")),
        ("v1", json!("v1")),
        ("nginx:1.25", json!("nginx:1.25")),
        ("'010'", json!("010")),
        ("\"010\"", json!("010")),
        ("\"true\"", json!("true")),
        ("'null'", json!("null")),
        ("\"\"", json!("")),
        ("!!str 010", json!("010")),
        ("!!str true", json!("true")),
        ("!!str", json!("")),
        ("! 12", json!("12")),
        ("!!int \"12\"", json!(12)),
        ("!!int 0x10", json!(16)),
        ("!!float 1", json!(1.0)),
        ("!!float '2.5'", json!(2.5)),
        ("!!bool 'True'", json!(true)),
        ("!!null ''", json!(null)),
        ("!!null", json!(null)),
        ("!!binary aGVsbG8=", json!("aGVsbG8=")),
        ("!!timestamp 2001-12-14", json!("2001-12-14")),
        ("!custom 12", json!(12)),
        ("!custom text", json!("text")),
        ("!custom '12'", json!("12")),
        ("!!unknown 12", json!(12)),
        ("!!unknown \"12\"", json!("12")),
        ("!<tag:yaml.org,2002:str> 5", json!("5")),
        ("!!map {a: 1}", json!({"a": 1})),
        ("!!seq [1]", json!([1])),
        ("!!set {a, b}", json!({"a": null, "b": null})),
        ("|\n  a\n  b\n", json!("a\nb\n")),
        ("|-\n  12\n", json!("12")),
        (">\n  a\n  b\n", json!("a b\n")),
        ("[1, true, ~, x]", json!([1, true, null, "x"])),
    ];
    for (yaml, expected) in cases {
        match value_of(yaml) {
            Ok(actual) => assert_eq!(&actual, expected, "value of {yaml:?}"),
            Err(e) => panic!("{yaml:?} failed: {e}"),
        }
    }
}

#[test]
fn unrepresentable_and_invalid_scalars_are_errors() {
    let cases = [
        (".inf", ".inf cannot be represented"),
        ("-.Inf", "-.Inf cannot be represented"),
        ("+.INF", "+.INF cannot be represented"),
        (".nan", ".nan cannot be represented"),
        (".NaN", ".NaN cannot be represented"),
        ("1e999", "cannot be represented"),
        ("!!int 1.5", "not a valid !!int"),
        ("!!int abc", "not a valid !!int"),
        ("!!bool maybe", "not a valid !!bool"),
        ("!!null x", "not a valid !!null"),
        ("!!float x", "not a valid !!float"),
        ("!!float .inf", ".inf cannot be represented"),
        ("!!map x", "cannot be applied to a scalar"),
        ("!!str {a: 1}", "cannot be applied to a mapping"),
        ("!!map [1]", "cannot be applied to a sequence"),
        ("!!seq {a: 1}", "cannot be applied to a mapping"),
    ];
    for (yaml, expected) in cases {
        match value_of(yaml) {
            Ok(v) => panic!("{yaml:?} gave {v} instead of an error"),
            Err(e) => {
                assert!(e.contains(expected), "{yaml:?}: {e:?} lacks {expected:?}");
                assert!(e.starts_with("line 1, column "), "{yaml:?}: {e:?}");
            }
        }
    }
}

#[test]
fn keys_that_are_not_strings_become_their_string_form() {
    let text = "1: a\n0x10: b\ntrue: c\n~: d\n1.5: e\n\"2\": f\nFalse: g\n";
    let docs = parse_documents(text).unwrap_or_else(|e| panic!("{e}"));
    let expected =
        json!({"1": "a", "16": "b", "true": "c", "null": "d", "1.5": "e", "2": "f", "false": "g"});
    assert_eq!(docs[0].value, expected);
}

#[test]
fn keys_that_spell_the_same_string_are_duplicates() {
    let e = parse_documents("1: a\n\"1\": b\n").err();
    assert!(e.is_some_and(|e| e.line == 2 && e.message.contains("duplicate")));
}
