//! A result row back into the CloudTrail record it was read from, for the same normalizer as a
//! replay: the names CloudTrail writes (the catalog lower-cases them, inside structs too),
//! `readOnly` a boolean again, the JSON-text columns objects again, and what the record did not
//! have (NULL, which the table gives any field a record lacks) left out.
//!
//! What the documented table has no column for is not in Athena at all and cannot come back
//! (e.g. `managementEvent`, `sessionContext.attributes` beyond MFA and creation date): the
//! round-trip test over the Invictus files shows that no id, severity, detection or entity
//! depends on such a field.

use super::schema::{column_of, Back, Field, Ty, COLUMNS};
use serde_json::{Map, Value};

/// The record of one row: `(column name as returned, value or NULL)` pairs.
pub fn record<'a>(cells: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Value {
    record_of(COLUMNS, cells)
}

/// The same for a table of other columns (a Resolver query's).
pub fn record_of<'a>(
    columns: &'static [(Field, Back)],
    cells: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Value {
    let mut out = Map::new();
    for (name, value) in cells {
        let (Some((field, back)), Some(text)) = (column_of(columns, name), value) else {
            continue;
        };
        let v = match back {
            Back::Text => Value::String(text.to_string()),
            Back::Bool => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                other => Value::String(other.to_string()),
            },
            Back::JsonText => json_text(text),
            Back::Nested => match serde_json::from_str::<Value>(text) {
                Ok(v) => rename(v, &field.ty),
                Err(_) => Value::String(text.to_string()),
            },
        };
        if !v.is_null() {
            out.insert(field.name.to_string(), v);
        }
    }
    Value::Object(out)
}

/// An object's JSON text back into the object; any other text stays text.
fn json_text(text: &str) -> Value {
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(v) = serde_json::from_str(text) {
            return v;
        }
    }
    Value::String(text.to_string())
}

/// The struct's keys back to CloudTrail's spelling (they match the schema in any case), nulls
/// dropped; an object left empty is dropped too (a struct whose every field was absent).
fn rename(v: Value, ty: &Ty) -> Value {
    match (v, ty) {
        (Value::Object(m), Ty::Struct(fields)) => {
            let mut out = Map::new();
            for (k, v) in m {
                let field = fields.iter().find(|f| f.name.eq_ignore_ascii_case(&k));
                let (name, v) = match field {
                    Some(Field { name, ty }) => (name.to_string(), rename(v, ty)),
                    None => (k, v),
                };
                if !v.is_null() {
                    out.insert(name, v);
                }
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Object(out)
            }
        }
        (Value::Object(m), Ty::Map) => {
            Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        (Value::Array(items), Ty::Array(inner)) => {
            Value::Array(items.into_iter().map(|i| rename(i, inner)).collect())
        }
        (v, _) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_come_back_with_cloudtrails_names_and_types() {
        let ui = r#"{"type":"IAMUser","principalid":"AIDA","arn":"arn:aws:iam::1:user/bob","accountid":"1","invokedby":null,"accesskeyid":"AKIAIOSFODNN7EXAMPLE","username":"bob","onbehalfof":null,"sessioncontext":{"attributes":{"mfaauthenticated":"false","creationdate":"2023-07-10T11:00:00Z"},"sessionissuer":null,"sourceidentity":null,"ec2roledelivery":null,"webidfederationdata":null}}"#;
        let rec = record([
            ("eventid", Some("e-1")),
            ("useridentity", Some(ui)),
            ("readonly", Some("false")),
            ("requestparameters", Some(r#"{"bucketName":"b","n":3}"#)),
            ("responseelements", None),
            (
                "resources",
                Some(r#"[{"arn":"arn:aws:s3:::b","accountid":null,"type":"AWS::S3::Bucket"}]"#),
            ),
            (
                "addendum",
                Some(
                    r#"{"reason":null,"updatedfields":null,"originalrequestid":null,"originaleventid":null}"#,
                ),
            ),
            ("errormessage", Some("{not json")),
            ("nosuchcolumn", Some("x")),
        ]);
        assert_eq!(
            rec,
            json!({
                "eventID": "e-1",
                "userIdentity": {"type": "IAMUser", "principalId": "AIDA",
                    "arn": "arn:aws:iam::1:user/bob", "accountId": "1",
                    "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "bob",
                    "sessionContext": {"attributes": {"mfaAuthenticated": "false",
                        "creationDate": "2023-07-10T11:00:00Z"}}},
                "readOnly": false,
                "requestParameters": {"bucketName": "b", "n": 3},
                "resources": [{"ARN": "arn:aws:s3:::b", "type": "AWS::S3::Bucket"}],
                "errorMessage": "{not json",
            })
        );
    }
}
