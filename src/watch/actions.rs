//! The automatic actions of a routed signal: once per signal version (recorded apart from the
//! deliveries), bound to the signal's account through the profile whose identity it is.

use super::{emit, Watcher};
use crate::model::{EntitiesOf, Signal};
use crate::notebook::{Book, Entry, Priority};
use crate::respond::plan::{plan, PlanCtx};
use crate::respond::{Action, Target};
use crate::rules::Route;
use serde_json::json;

impl Watcher {
    /// Runs one automatic action once per signal version; true when it is done (now or before).
    pub(super) async fn action(
        &mut self,
        s: &Signal,
        key: &str,
        route: &Route,
        rule: &str,
        action: &str,
    ) -> bool {
        let book = Book::at(&self.o.data_dir);
        let mut line = json!({"event": "action", "signal": s.id, "rule": rule, "action": action});
        if self.o.dry_run {
            line["would_run"] = json!(true);
            emit(line);
            return true;
        }
        let akey = format!("action {rule} {action} {key}");
        if self.seen.contains(&akey) {
            // Done on an earlier pass; an incident it opened is still the signal's.
            if let Some(id) = self.seen.value(&akey) {
                self.incidents.insert(s.id.to_string(), id.to_string());
            }
            return true;
        }
        let result: Result<(String, Option<String>), String> = match action {
            "open-incident" => {
                let title = format!("{rule}: {}", crate::safe_text::line(s.title()));
                super::seen::synced_write(|| {
                    book.create(&title, Priority::P2, "airc watch", route.targets.clone())
                })
                .map(|i| {
                    self.incidents.insert(s.id.to_string(), i.id.clone());
                    (format!("opened {}", i.id), Some(i.id))
                })
                .map_err(String::from)
            }
            "pin" => match s.id.with_str(|id| self.incidents.get(id)) {
                Some(id) => super::seen::synced_write(|| {
                    book.append(
                        id,
                        Entry::pin(s, EntitiesOf::Own(s.own_entities().unwrap_or_default())),
                    )
                })
                .map(|_| (format!("pinned in {id}"), None))
                .map_err(String::from),
                None => {
                    Err("no incident opened for this signal (add open-incident before pin)".into())
                }
            },
            "notify" => Ok(("sent through the rule's targets".into(), None)),
            name => self.respond(s, name).await.map(|m| (m, None)),
        };
        let done = match result {
            Ok((d, value)) => {
                line["result"] = json!(d);
                self.seen.record(akey, value);
                true
            }
            Err(e) => {
                self.failures += 1;
                line["error"] = json!(e);
                false
            }
        };
        emit(line);
        done
    }

    /// Each profile's account: live from the identity checks; otherwise the one profile's,
    /// checked once.
    async fn known(&mut self) -> Vec<crate::respond::bind::Known> {
        if let Some(k) = &self.known {
            return k.clone();
        }
        let (profile, region, endpoint) = self.o.aws.clone();
        let opts = crate::aws::LiveOptions {
            endpoint_url: endpoint,
            ..Default::default()
        };
        let cfg = crate::aws::session::load(profile.as_deref(), region.as_deref(), &opts).await;
        let account = crate::aws::session::identity(&cfg)
            .await
            .ok()
            .map(|(a, _)| a);
        let k = vec![(crate::aws::session::label(profile.as_deref()), account)];
        if k[0].1.is_some() {
            self.known = Some(k.clone());
        }
        k
    }

    /// A catalog action on the first of the signal's entities it applies to, bound to the
    /// signal's account.
    async fn respond(&mut self, s: &Signal, name: &str) -> Result<String, String> {
        let action = Action::from_name(name).ok_or_else(|| format!("unknown action {name}"))?;
        // `handle` detached the signal: its entities are its own (with the accounts the
        // store merged for them).
        let (target, entity) = s
            .own_entities()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| Target::from_entity(e).map(|t| (t, e)))
            .find(|(t, _)| action.applies(t))
            .ok_or_else(|| format!("{name}: nothing in this signal it applies to"))?;
        // The entity's own account, never the account that logged the signal: a user of B
        // seen in C's trail is B's. Unknown or several: refused, saying why.
        let account = match entity.account.get() {
            Some(a) => a,
            None if entity.account.is_several() => {
                return Err(format!(
                    "{name}: refused: {entity} is named with more than one account in the records"
                ))
            }
            None => {
                return Err(format!(
                    "{name}: refused: the records do not say which account {entity} belongs to"
                ))
            }
        };
        let known = self.known().await;
        let (account, profile) = crate::respond::bind::profile_for(Some(&account), &known)?;
        let ctx = PlanCtx {
            account: Some(account),
            region: s
                .region()
                .map(str::to_string)
                .filter(|r| r != "global")
                .or_else(|| self.o.aws.1.clone())
                .unwrap_or_else(|| crate::aws::session::FALLBACK_REGION.into()),
            profile: Some(profile),
            incident: s.id.with_str(|id| self.incidents.get(id)).cloned(),
            sns_topic: None,
        };
        let p = plan(action, &target, &ctx)?;
        let r = crate::respond::console::run(
            p,
            self.connection.clone(),
            self.o.read_only,
            Some(self.o.data_dir.clone()),
        )
        .await;
        if let Err(e) = &r.audit {
            return Err(format!("{} · NOT in the audit log: {e}", r.outcome.message));
        }
        match r.outcome.status {
            crate::respond::execute::Status::Done => Ok(r.outcome.message),
            _ => Err(r.outcome.message),
        }
    }
}
