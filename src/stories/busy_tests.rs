//! Busy entities: un-joined when they touch too much of the store, joined again when rare,
//! checked whole or a slice at a time.

use super::tests::{ip, key, signal, Fixture, H};
use super::Config;
use crate::model::Severity;

/// Two attackers behind one shared address, each with its own key: signals a1, b1, a2 (keys 1,
/// 2, 1). The address touches 3 of 3 signals, busy under this configuration. Entities join in
/// the order key 1, the address, key 2.
fn shared_address() -> Fixture {
    let busy_ip = ip("198.51.100.1");
    let mut f = Fixture::with(Config {
        gap_secs: 7200,
        busy_share: 0.5,
        busy_floor: 3,
        enabled: true,
    });
    for (name, minute, k) in [("a1", 0, "1"), ("b1", 1, "2"), ("a2", 2, "1")] {
        let k = key(&format!("AKIAAAAAAAAAAAAAAAA{k}"));
        f.add(&signal(
            name,
            minute,
            H,
            Some("impact"),
            &[k, busy_ip.clone()],
        ));
    }
    f
}

#[test]
fn a_busy_entity_splits_the_stories_it_joined_and_a_quiet_one_joins_again() {
    let mut f = shared_address();
    let names = ["a1", "b1", "a2", "x1", "x2", "x3", "x4", "x5", "x6", "x7"];
    assert_eq!(
        f.groups(&names).len(),
        1,
        "joined through the address at first"
    );
    f.settle();
    assert_eq!(
        f.groups(&names),
        vec![vec!["a1".to_string(), "a2".into()], vec!["b1".into()]],
        "the address touches 3 of 3 signals: busy, the stories split by key"
    );
    // Everyday signals elsewhere make the address rare again: it joins once more.
    for i in 0..7 {
        f.add(&signal(&format!("x{i}"), 10 + i, Severity::Info, None, &[]));
    }
    f.settle();
    assert_eq!(f.groups(&names).len(), 1);
}

#[test]
fn a_check_in_slices_reaches_what_the_whole_check_does_within_a_round() {
    let mut f = shared_address();
    let names = ["a1", "b1", "a2", "x0", "x1", "x2", "x3", "x4", "x5", "x6"];
    f.settle_slice(1);
    assert_eq!(
        f.groups(&names).len(),
        1,
        "the first slice holds key 1 only"
    );
    f.settle_slice(1);
    assert_eq!(
        f.groups(&names),
        vec![vec!["a1".to_string(), "a2".into()], vec!["b1".into()]],
        "the second slice reaches the address: busy, split as the whole check splits"
    );
    for i in 0..7 {
        f.add(&signal(&format!("x{i}"), 10 + i, Severity::Info, None, &[]));
    }
    f.settle_slice(1);
    assert_eq!(f.groups(&names).len(), 2, "key 2's slice: nothing changed");
    f.settle_slice(1);
    assert_eq!(f.groups(&names).len(), 2, "wrapped around to key 1");
    f.settle_slice(1);
    assert_eq!(
        f.groups(&names).len(),
        1,
        "the address is rare again: joined"
    );
}
