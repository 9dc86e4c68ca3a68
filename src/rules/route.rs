//! What a route tells: who may see the signal it routes (`allows`), and the route as a reader
//! who may not is told it (`withheld`).

use super::{Route, RuleDef};

impl Route {
    pub(super) fn note_sensitive(&mut self, def: &RuleDef) {
        if !def.sensitive {
            return;
        }
        self.sensitive = true;
        self.allow.extend(def.allow.iter().cloned());
        if !self.sensitive_rules.contains(&def.name) {
            self.sensitive_rules.push(def.name.clone());
        }
        for t in &def.route {
            if !self.sensitive_targets.contains(t) {
                self.sensitive_targets.push(t.clone());
            }
        }
    }

    /// The route as a reader who may not see the signal is told it: the sensitive rules and
    /// their targets only. The other rules that matched (`text = "…"`, `account = "…"`) would
    /// tell what the signal says; no suggested actions either.
    pub fn withheld(&self) -> Route {
        Route {
            rules: self.sensitive_rules.clone(),
            targets: self.sensitive_targets.clone(),
            sensitive: self.sensitive,
            actions: Vec::new(),
            suggest: Vec::new(),
            allow: self.allow.clone(),
            story: self.story.clone(),
            sensitive_rules: self.sensitive_rules.clone(),
            sensitive_targets: self.sensitive_targets.clone(),
        }
    }

    /// Whether this principal may see the details of a sensitive signal: its `allow` entries
    /// match the principal exactly or as ARN globs (`model::principal`: `*` only where written,
    /// case counting, an assumed role matched as its role, never by its session name).
    pub fn allows(&self, principal: Option<&str>) -> bool {
        !self.sensitive || crate::model::principal::allowed(&self.allow, principal)
    }
}
