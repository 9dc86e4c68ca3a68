//! What a Sigma rule's condition requires of a record: the values a field must have (the
//! event name, usually) and the fields it cannot match without. `index` buckets rules by them;
//! conservative by construction: when in doubt, a rule requires nothing and is evaluated for
//! every record.

use rsigma_parser::{
    ConditionExpr, Detection, Modifier, Quantifier, SelectorPattern, SigmaRule, SigmaValue,
};
use std::collections::HashSet;

/// Lower-case event names a detection or condition requires (None: it does not require one).
type Names = Option<HashSet<String>>;

fn both(a: Names, b: Names) -> Names {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
        (x, None) | (None, x) => x,
    }
}

fn either(a: Names, b: Names) -> Names {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.extend(b);
            Some(a)
        }
        _ => None,
    }
}

fn plain(v: &SigmaValue) -> Option<String> {
    match v {
        SigmaValue::String(s) if !s.original.contains(['*', '?', '\\']) => {
            Some(s.original.to_ascii_lowercase())
        }
        _ => None,
    }
}

fn detection_names(d: &Detection, field: &str) -> Names {
    match d {
        Detection::AllOf(items) => items
            .iter()
            .filter(|i| i.field.name.as_deref() == Some(field) && i.field.modifiers.is_empty())
            .map(|i| {
                i.values
                    .iter()
                    .map(plain)
                    .collect::<Option<HashSet<String>>>()
            })
            .fold(None, both),
        Detection::AnyOf(ds) => {
            let mut it = ds.iter().map(|d| detection_names(d, field));
            let first = it.next().flatten();
            it.fold(first, either)
        }
        Detection::And(ds) => ds
            .iter()
            .map(|d| detection_names(d, field))
            .fold(None, both),
        _ => None,
    }
}

/// The named detections a selector (`1 of sel_*`, `all of them`) stands for, in name order.
fn selected<'a>(rule: &'a SigmaRule, pattern: &SelectorPattern) -> Vec<&'a Detection> {
    let mut named: Vec<(&String, &Detection)> = rule
        .detection
        .named
        .iter()
        .filter(|(k, _)| match pattern {
            SelectorPattern::Them => !k.starts_with('_'),
            SelectorPattern::Pattern(p) => glob_match(p, k),
        })
        .collect();
    named.sort_by(|a, b| a.0.cmp(b.0));
    named.into_iter().map(|(_, d)| d).collect()
}

fn glob_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, post)) => {
            name.len() >= pre.len() + post.len() && name.starts_with(pre) && name.ends_with(post)
        }
    }
}

fn condition_names(c: &ConditionExpr, rule: &SigmaRule, field: &str) -> Names {
    let named = &rule.detection.named;
    match c {
        ConditionExpr::Identifier(id) => named.get(id).and_then(|d| detection_names(d, field)),
        ConditionExpr::And(xs) => xs
            .iter()
            .map(|x| condition_names(x, rule, field))
            .fold(None, both),
        ConditionExpr::Or(xs) => {
            let mut it = xs.iter().map(|x| condition_names(x, rule, field));
            let first = it.next().flatten();
            it.fold(first, either)
        }
        ConditionExpr::Not(_) => None,
        ConditionExpr::Selector {
            quantifier,
            pattern,
        } => {
            let mut sets = selected(rule, pattern)
                .into_iter()
                .map(|d| detection_names(d, field));
            match quantifier {
                Quantifier::All => sets.fold(None, both),
                _ => {
                    let first = sets.next().flatten();
                    sets.fold(first, either)
                }
            }
        }
    }
}

/// The values (lower case) `field` must have for the rule to match, or None when it could
/// match any.
pub fn required_values(rule: &SigmaRule, field: &str) -> Names {
    let mut it = rule
        .detection
        .conditions
        .iter()
        .map(|c| condition_names(c, rule, field));
    let first = it.next().flatten();
    it.fold(first, either).filter(|s| !s.is_empty())
}

/// The event names (lower case) a rule can match, or None when it could match any.
#[cfg(test)]
pub fn required_event_names(rule: &SigmaRule) -> Names {
    required_values(rule, "eventName")
}

/// Whether a detection cannot match a record without `field` (a non-null value): one of its
/// items tests the field against values (none null, empty or only wildcards; no `exists`, no
/// `neq`, which a missing field may satisfy, no `fieldref`).
fn detection_requires(d: &Detection, field: &str) -> bool {
    match d {
        Detection::AllOf(items) => items.iter().any(|i| {
            i.field.name.as_deref() == Some(field)
                && !i.values.is_empty()
                && i.values.iter().all(|v| {
                    matches!(v, SigmaValue::String(s) if !s.original.trim_matches(['*', '?']).is_empty())
                })
                && !i
                    .field
                    .modifiers
                    .iter()
                    .any(|m| matches!(m, Modifier::Exists | Modifier::Neq | Modifier::FieldRef))
        }),
        Detection::AnyOf(ds) => !ds.is_empty() && ds.iter().all(|d| detection_requires(d, field)),
        Detection::And(ds) => ds.iter().any(|d| detection_requires(d, field)),
        _ => false,
    }
}

fn condition_requires(c: &ConditionExpr, rule: &SigmaRule, field: &str) -> bool {
    let named = &rule.detection.named;
    match c {
        ConditionExpr::Identifier(id) => {
            named.get(id).is_some_and(|d| detection_requires(d, field))
        }
        ConditionExpr::And(xs) => xs.iter().any(|x| condition_requires(x, rule, field)),
        ConditionExpr::Or(xs) => {
            !xs.is_empty() && xs.iter().all(|x| condition_requires(x, rule, field))
        }
        ConditionExpr::Not(_) => false,
        ConditionExpr::Selector {
            quantifier,
            pattern,
        } => {
            let ds = selected(rule, pattern);
            match quantifier {
                Quantifier::All => ds.iter().any(|d| detection_requires(d, field)),
                _ => !ds.is_empty() && ds.iter().all(|d| detection_requires(d, field)),
            }
        }
    }
}

/// Whether the rule cannot match a record without a value in `field`.
pub fn requires_field(rule: &SigmaRule, field: &str) -> bool {
    !rule.detection.conditions.is_empty()
        && rule
            .detection
            .conditions
            .iter()
            .all(|c| condition_requires(c, rule, field))
}
#[cfg(test)]
mod tests {
    use super::*;

    fn rule(yaml: &str) -> SigmaRule {
        let c = rsigma_parser::parse_sigma_yaml(yaml).unwrap();
        c.rules.into_iter().next().unwrap()
    }

    fn names(yaml: &str) -> Option<Vec<String>> {
        required_event_names(&rule(yaml)).map(|s| {
            let mut v: Vec<String> = s.into_iter().collect();
            v.sort();
            v
        })
    }

    const HEAD: &str = "title: t\nlogsource: {product: aws, service: cloudtrail}\n";

    #[test]
    fn event_names_a_condition_requires() {
        let n = |det: &str| names(&format!("{HEAD}detection:\n{det}"));
        assert_eq!(
            n("  sel: {eventName: [CreateUser, DeleteUser]}\n  filter: {userAgent|contains: x}\n  condition: sel and not filter\n"),
            Some(vec!["createuser".into(), "deleteuser".into()])
        );
        assert_eq!(
            n("  a: {eventName: StopLogging}\n  b: {eventName: DeleteTrail}\n  condition: a or b\n"),
            Some(vec!["deletetrail".into(), "stoplogging".into()])
        );
        assert_eq!(
            n("  sel_a: {eventName: StopLogging}\n  sel_b: {eventName: DeleteTrail}\n  condition: 1 of sel_*\n"),
            Some(vec!["deletetrail".into(), "stoplogging".into()])
        );
        // Not required: an OR branch without a name, a wildcard, a modifier, a negation.
        assert_eq!(
            n("  a: {eventName: X}\n  b: {errorCode: AccessDenied}\n  condition: a or b\n"),
            None
        );
        assert_eq!(n("  a: {eventName: 'Delete*'}\n  condition: a\n"), None);
        assert_eq!(
            n("  a: {eventName|contains: Delete}\n  condition: a\n"),
            None
        );
        assert_eq!(n("  a: {eventName: X}\n  condition: not a\n"), None);
        assert_eq!(
            n("  a: {eventName: X}\n  b: {errorCode: AccessDenied}\n  condition: a and b\n"),
            Some(vec!["x".into()])
        );
    }

    #[test]
    fn rules_that_need_an_error_code() {
        let needs =
            |det: &str| requires_field(&rule(&format!("{HEAD}detection:\n{det}")), "errorCode");
        assert!(needs(
            "  sel: {errorCode|contains: [AccessDenied, Unauthorized]}\n  condition: sel\n"
        ));
        assert!(needs(
            "  a: {errorCode: X}\n  b: {errorCode|startswith: Y}\n  condition: a or b\n"
        ));
        assert!(needs(
            "  a: {errorCode: X}\n  b: {userAgent: Y}\n  condition: a and not b\n"
        ));
        assert!(needs(
            "  sel_a: {errorCode: X}\n  sel_b: {errorCode: Y}\n  condition: 1 of sel_*\n"
        ));
        // Could match without one: another branch, a negation, null, exists, only a wildcard.
        assert!(!needs(
            "  a: {errorCode: X}\n  b: {userAgent: Y}\n  condition: a or b\n"
        ));
        assert!(!needs("  a: {errorCode: X}\n  condition: not a\n"));
        assert!(!needs("  a: {errorCode: null}\n  condition: a\n"));
        assert!(!needs("  a: {errorCode|exists: true}\n  condition: a\n"));
        assert!(!needs("  a: {errorCode: '*'}\n  condition: a\n"));
        assert!(!needs("  a: {errorCode: ''}\n  condition: a\n"));
        assert!(!needs("  a: {errorCode|neq: X}\n  condition: a\n"));
    }
}
