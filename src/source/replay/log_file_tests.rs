use super::*;
use crate::source::replay::document::{read_slice, DocInfo, Shape};

/// What a reader hands on: per record, its location, whether the fast path parsed it as it was
/// found, and its text where the span says it is.
type Handed = Vec<(String, bool, String)>;

fn read(input: &[u8]) -> (Option<DocInfo>, Handed, Vec<String>) {
    let mut got = Vec::new();
    let (info, errors) = read_slice(input, &mut |loc, el| {
        let fast = matches!(el, Element::Fast(..));
        let text = loc
            .span
            .map(|(at, len)| String::from_utf8_lossy(&input[at as usize..][..len as usize]))
            .unwrap_or_default()
            .into_owned();
        let value = el.into_value().unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).ok(),
            Some(value),
            "the span holds the record"
        );
        got.push((loc.to_string(), fast, text));
    });
    let errors = errors.into_iter().map(|e| e.reason).collect();
    (info, got, errors)
}

const A: &str = r#"{"eventID":"a","eventName":"ListBuckets","eventSource":"s3.amazonaws.com","userAgent":"x\"y"}"#;
const B: &str = r#"{"eventID":"b","eventName":"GetObject","eventSource":"s3.amazonaws.com","tlsDetails":{"v":[1,2]}}"#;

#[test]
fn a_log_file_is_read_in_one_pass_with_each_record_where_it_sits() {
    let input = format!(" {{ \"Records\" :\n[ {A} ,\n{B}\t] }}\n");
    let (info, got, errors) = read(input.as_bytes());
    assert_eq!(info.map(|i| i.shape), Some(Shape::Wrapped("Records")));
    assert!(errors.is_empty(), "{errors:?}");
    let want = [
        ("Records[0]".to_string(), true, A.to_string()),
        ("Records[1]".to_string(), true, B.to_string()),
    ];
    assert_eq!(got, want);
    let mut n = 0;
    assert_eq!(
        read_records(input.as_bytes(), input.as_ptr() as usize, &mut |_, _| n +=
            1),
        Ok(2)
    );
    let (_, got, _) = read(b"{\"Records\":[]}");
    assert!(got.is_empty());
}

#[test]
fn a_record_the_fast_path_does_not_read_is_handed_on_raw() {
    // eventID as a number: the fast path's parse fails, the record goes the general way.
    let odd = r#"{"eventID":1,"eventName":"X","eventSource":"s"}"#;
    let input = format!("{{\"Records\":[{A},{odd},{B}]}}");
    let (_, got, errors) = read(input.as_bytes());
    assert!(errors.is_empty());
    let fast: Vec<bool> = got.iter().map(|g| g.1).collect();
    assert_eq!(fast, [true, false, true]);
    assert_eq!(got[1].2, odd);
}

#[test]
fn anything_else_is_read_again_the_general_way_without_repeating_records() {
    let mut n = 0;
    // A key after the array: valid JSON, not this reader's shape.
    let input = format!("{{\"Records\":[{A},{B}],\"more\":1}}");
    let handed = read_records(input.as_bytes(), input.as_ptr() as usize, &mut |_, _| {
        n += 1
    });
    assert_eq!((handed, n), (Err(2), 2));
    let (info, got, errors) = read(input.as_bytes());
    assert_eq!(info.map(|i| i.shape), Some(Shape::Wrapped("Records")));
    let names: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
    assert_eq!((names, errors.len()), (vec!["Records[0]", "Records[1]"], 0));
    // Truncated in the second record: the first once, then the general reader's error.
    let (_, got, errors) = read(format!("{{\"Records\":[{A},{{\"eventID\":").as_bytes());
    assert_eq!(got.len(), 1);
    assert_eq!(errors, ["truncated JSON (file ends inside a value)"]);
    // Not UTF-8 in a field the fast path skips: the general reader reports it.
    let mut bad = format!("{{\"Records\":[{A},").into_bytes();
    bad.extend_from_slice(b"{\"eventID\":\"c\",\"eventName\":\"X\",\"requestID\":\"\xff\"}]}");
    let (_, got, errors) = read(&bad);
    assert_eq!(got.len(), 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    // Another shape: not read here at all.
    assert_eq!(read_records(b"[1]", 0, &mut |_, _| n += 1), Err(0));
    assert_eq!(
        read_records(b"{\"Events\":[]}", 0, &mut |_, _| n += 1),
        Err(0)
    );
}
