//! The serde seeds behind the streaming document reader: the top level (an object with a
//! record array, a bare array, or a single record) and the record arrays themselves, each record
//! handed to the sink as soon as it is parsed.

use super::document::{DocInfo, Element, Location, Shape, Sink, RECORD_ARRAYS};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

pub(super) struct Top<'a, 's> {
    pub(super) sink: &'a mut Sink<'s>,
    pub(super) index: &'a mut usize,
    pub(super) line: Option<usize>,
    /// Where the content starts in memory, when it is read from a slice: a log file's records
    /// are then borrowed from it and their place in it kept (`Location::span`).
    pub(super) base: Option<usize>,
}

pub(super) struct TopResult {
    streamed: Option<&'static str>,
    placebo: bool,
    array: bool,
    rest: Map<String, Value>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = TopResult;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TopResult, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = TopResult;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopResult, A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            (self.sink)(
                Location {
                    index: *self.index,
                    line: self.line,
                    key: None,
                    span: None,
                },
                Element::Value(v),
            );
            *self.index += 1;
        }
        Ok(TopResult {
            streamed: None,
            placebo: false,
            array: true,
            rest: Map::new(),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopResult, A::Error> {
        let mut out = TopResult {
            streamed: None,
            placebo: false,
            array: false,
            rest: Map::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            if let Some(k) = RECORD_ARRAYS.iter().find(|k| **k == key) {
                let seed = Records {
                    sink: &mut *self.sink,
                    index: &mut *self.index,
                    key: k,
                    base: self.base,
                };
                if let Some(not_array) = map.next_value_seed(seed)? {
                    out.rest.insert(key, not_array);
                } else if out.streamed.is_none() || *k != "failedSet" {
                    out.streamed = Some(k);
                }
            } else if key == "data" && out.rest.contains_key("status_code") {
                let inner = map.next_value_seed(Top {
                    sink: &mut *self.sink,
                    index: &mut *self.index,
                    line: self.line,
                    base: self.base,
                })?;
                if inner.streamed.is_some() {
                    out.streamed = inner.streamed;
                    out.placebo = true;
                } else {
                    out.rest.insert(key, Value::Object(inner.rest));
                }
            } else {
                out.rest.insert(key, map.next_value::<Value>()?);
            }
        }
        Ok(out)
    }
}

/// Streams the elements of one record array; returns the value back when it is not an array.
struct Records<'a, 's> {
    sink: &'a mut Sink<'s>,
    index: &'a mut usize,
    key: &'static str,
    base: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for Records<'_, '_> {
    type Value = Option<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! passthrough {
    ($($name:ident: $t:ty),*) => {$(
        fn $name<E: serde::de::Error>(self, v: $t) -> Result<Option<Value>, E> {
            Ok(Some(Value::from(v)))
        }
    )*};
}

impl<'de> Visitor<'de> for Records<'_, '_> {
    type Value = Option<Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        let mut i = 0;
        loop {
            let location = |span| Location {
                index: i,
                line: None,
                key: Some(self.key),
                span,
            };
            // A log file's records stay raw text: most are CloudTrail records for the fast path.
            // Read from memory they are borrowed, and where they sit is kept.
            if self.key != "Records" {
                let Some(v) = seq.next_element::<Value>()? else {
                    break;
                };
                (self.sink)(location(None), Element::Value(v));
            } else if let Some(base) = self.base {
                let Some(raw) = seq.next_element::<&'de serde_json::value::RawValue>()? else {
                    break;
                };
                let text = raw.get();
                let span = (text.as_ptr() as usize).checked_sub(base).and_then(|at| {
                    Some((u64::try_from(at).ok()?, u32::try_from(text.len()).ok()?))
                });
                (self.sink)(location(span), Element::Raw(raw));
            } else {
                let Some(raw) = seq.next_element::<Box<serde_json::value::RawValue>>()? else {
                    break;
                };
                (self.sink)(location(None), Element::Raw(&raw));
            }
            i += 1;
            *self.index += 1;
        }
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        let v = <Value as serde::Deserialize>::deserialize(
            serde::de::value::MapAccessDeserializer::new(map),
        )?;
        Ok(Some(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }
    passthrough!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str, visit_string: String);
}

pub(super) fn finish(
    result: TopResult,
    index: &mut usize,
    line: Option<usize>,
    sink: &mut Sink<'_>,
) -> DocInfo {
    let placebo = result.placebo;
    let shape = match (result.streamed, result.array) {
        (Some(k), _) => Shape::Wrapped(k),
        (None, true) => Shape::Array,
        (None, false) => {
            sink(
                Location {
                    index: *index,
                    line,
                    key: None,
                    span: None,
                },
                Element::Value(Value::Object(result.rest)),
            );
            *index += 1;
            Shape::Single
        }
    };
    DocInfo { shape, placebo }
}
