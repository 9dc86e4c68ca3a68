//! STS GetCallerIdentity (query protocol): whose credentials these are, per access key.

use super::handlers::Answer;
use super::wire::{form, sts_identity};
use super::world::World;

pub fn sts(w: &World, body: &[u8], access_key: &str) -> (String, Answer) {
    let action = form(body)
        .into_iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let (account, arn) = w
        .identities
        .get(access_key)
        .cloned()
        .unwrap_or_else(|| w.default_identity.clone());
    let answer = Answer {
        status: 200,
        headers: vec![("content-type", "text/xml".into())],
        body: sts_identity(&account, &arn).into_bytes(),
    };
    (action, answer)
}
