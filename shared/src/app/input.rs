//! How request bodies are read: as the OpenAPI document describes them, not as Rust's types
//! would by default. Numbers the document calls integers are whole numbers in any notation;
//! what it calls an object is a JSON object (serde alone would also take an array, as the
//! fields in order).

use serde::de::{self, DeserializeOwned, Deserializer, Error as _, Unexpected, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// `deserialize_with` (with `#[serde(default)]`) for an optional field whose value is an
/// object: `null` is the field left out, anything but an object is refused.
pub fn object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(value) => from_object(value).map(Some).map_err(D::Error::custom),
    }
}

/// Like [`object`], for an optional list of objects.
pub fn objects<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Vec<Value>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(values) => values
            .into_iter()
            .map(from_object)
            .collect::<Result<_, _>>()
            .map(Some)
            .map_err(D::Error::custom),
    }
}

/// A value read from a JSON object, and only from one.
pub fn from_object<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    match value {
        Value::Object(_) => serde_json::from_value(value),
        other => Err(serde_json::Error::invalid_type(
            unexpected(&other),
            &"an object",
        )),
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, Some(f)) => Unexpected::Float(f),
            _ => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// `deserialize_with` for every optional integer field of a request body (with
/// `#[serde(default)]`). The document says `integer`, and in JSON Schema an integer is any
/// number without a fraction, so `99`, `99.0` and `9.9e1` are all 99. A fraction, a negative
/// number or one too large for the field is refused like any value of the wrong type
/// (`400 malformed_request`, naming the value); `null` is the field left out.
pub fn whole_number<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Unsigned,
{
    deserializer.deserialize_option(WholeNumber(PhantomData))
}

/// Like [`whole_number`], for a field where an explicit `null` means something (clearing it):
/// `Some(None)` for `null`, `None` (by `default`) for the field left out.
pub fn nullable_whole_number<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Unsigned,
{
    whole_number(deserializer).map(Some)
}

/// Like [`whole_number`], for an optional list of integers (its items may not be `null`).
pub fn whole_numbers<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Unsigned,
{
    match Option::<Vec<Value>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(values) => values
            .into_iter()
            .map(|value| match whole_number::<_, T>(value) {
                Ok(Some(n)) => Ok(n),
                Ok(None) => Err(D::Error::custom("a list item is null, not a whole number")),
                Err(e) => Err(D::Error::custom(e)),
            })
            .collect::<Result<Vec<T>, D::Error>>()
            .map(Some),
    }
}

/// The unsigned types request fields use, with their largest value for the error message.
pub trait Unsigned: TryFrom<u64> {
    const MAX: u64;
}

impl Unsigned for u32 {
    const MAX: u64 = u32::MAX as u64;
}

impl Unsigned for u64 {
    const MAX: u64 = u64::MAX;
}

struct WholeNumber<T>(PhantomData<T>);

impl<'de, T: Unsigned> Visitor<'de> for WholeNumber<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a whole number from 0 to {}", T::MAX)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // 2^64 is exactly representable; every integral f64 below it fits a u64.
        const TWO_TO_THE_64: f64 = 18_446_744_073_709_551_616.0;
        if v.fract() == 0.0 && (0.0..TWO_TO_THE_64).contains(&v) {
            self.visit_u64(v as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Input {
        #[serde(default, deserialize_with = "whole_number")]
        small: Option<u32>,
        #[serde(default, deserialize_with = "whole_number")]
        big: Option<u64>,
    }

    fn read(json: &str) -> Result<Input, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[derive(Debug, Deserialize)]
    struct Pair {
        name: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    struct Outer {
        #[serde(default, deserialize_with = "object")]
        one: Option<Pair>,
        #[serde(default, deserialize_with = "objects")]
        many: Option<Vec<Pair>>,
    }

    #[test]
    fn objects_are_objects_only() {
        let outer: Outer =
            serde_json::from_str(r#"{"one": {"name": "a"}, "many": [{"name": "b"}, {}]}"#).unwrap();
        assert_eq!(outer.one.unwrap().name.as_deref(), Some("a"));
        assert_eq!(outer.many.unwrap().len(), 2);
        let outer: Outer = serde_json::from_str(r#"{"one": null}"#).unwrap();
        assert!(outer.one.is_none() && outer.many.is_none());
        for json in [r#"{"one": ["a"]}"#, r#"{"many": [["b"]]}"#, r#"{"one": 1}"#] {
            let error = serde_json::from_str::<Outer>(json).expect_err(json);
            assert!(
                error.to_string().contains("expected an object"),
                "{json}: {error}"
            );
        }
        assert!(from_object::<Pair>(serde_json::json!(["a"])).is_err());
    }

    #[test]
    fn integral_numbers_are_read_in_any_notation() {
        let input = read(r#"{"small": 99.0, "big": 5e9}"#).unwrap();
        assert_eq!(input.small, Some(99));
        assert_eq!(input.big, Some(5_000_000_000));
        assert_eq!(read(r#"{"small": 99}"#).unwrap().small, Some(99));
        assert_eq!(read(r#"{"small": -0.0}"#).unwrap().small, Some(0));
    }

    #[test]
    fn absent_and_null_are_none() {
        let input = read("{}").unwrap();
        assert_eq!((input.small, input.big), (None, None));
        assert_eq!(read(r#"{"small": null}"#).unwrap().small, None);
    }

    #[test]
    fn fractions_negatives_overflows_and_strings_are_refused() {
        for json in [
            r#"{"small": 99.5}"#,
            r#"{"small": -1}"#,
            r#"{"small": -1.0}"#,
            r#"{"small": 4294967296}"#,
            r#"{"small": 4294967296.0}"#,
            r#"{"big": 1e20}"#,
            r#"{"small": "99"}"#,
            r#"{"small": true}"#,
        ] {
            let error = read(json).expect_err(json);
            assert!(
                error.contains("a whole number from 0 to"),
                "{json}: {error}"
            );
        }
    }
}
