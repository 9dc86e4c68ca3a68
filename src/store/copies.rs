//! A signal whose id the store already holds: a later update of it, a copy of no news, or the
//! same finding read from its own service and through Security Hub (`normalize::copies`).

use super::{Insert, Store};
use crate::model::Signal;
use crate::normalize::copies::{are_copies, choose, Keep};

impl Store {
    /// Places `s`, whose id is held at `i`, as `normalize::copies::choose` decides. The held
    /// signal is copied out (with its entities) only when both are needed: a duplicate of a
    /// CloudTrail record costs one comparison.
    pub(super) fn insert_again(&mut self, i: usize, s: Signal) -> Insert {
        let held = &self.signals[i];
        let newer = s.updated().is_some() && s.updated() > held.updated();
        // One id from two sources of two accounts is no copy and no update: a record that
        // claims another account's finding id never replaces or speaks for that finding.
        let foreign = held.source != s.source && held.account() != s.account();
        let keep = if foreign {
            Keep::Held
        } else if are_copies(held, &s) || (newer && held.workflow().is_some()) {
            choose(self.detached(held), s)
        } else if newer {
            Keep::Replace(s)
        } else {
            Keep::Held
        };
        match keep {
            Keep::Replace(s) => {
                self.replace(i, s);
                Insert::Updated
            }
            Keep::Held => {
                self.duplicates += 1;
                Insert::Duplicate
            }
        }
    }
}
