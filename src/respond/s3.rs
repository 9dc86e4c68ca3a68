//! S3 actions: block public access and tag a bucket. Both read before they write, and only the
//! documented "nothing there" answers (`NoSuchPublicAccessBlockConfiguration`, `NoSuchTagSet`)
//! mean empty: AccessDenied or throttling on the read stops the action before its write, so a
//! denied read can never wipe a bucket's cost and ABAC tags or record a wrong undo.

use super::clients::Clients;
use super::execute::{fail, read_or_empty, step, Done, Step};
use super::plan::TAG_KEY;
use super::verify::Expect;
use serde_json::json;

pub async fn block_public_access(id: &str, c: &Clients, steps: &mut Vec<Step>) -> Result<Done, ()> {
    let mut done = Done::default();
    let before = read_or_empty(
        steps,
        "s3:GetPublicAccessBlock",
        json!({"Bucket": id}),
        &["NoSuchPublicAccessBlockConfiguration"],
        c.s3.get_public_access_block().bucket(id).send(),
    )
    .await?;
    let before = before.and_then(|o| {
        o.public_access_block_configuration().map(|p| {
            let flag = |b: Option<bool>| b.unwrap_or(false);
            (
                flag(p.block_public_acls()),
                flag(p.ignore_public_acls()),
                flag(p.block_public_policy()),
                flag(p.restrict_public_buckets()),
            )
        })
    });
    if let (Some(b), Some(last)) = (before, steps.last_mut()) {
        last.result = format!(
            "BlockPublicAcls={} IgnorePublicAcls={} BlockPublicPolicy={} RestrictPublicBuckets={}",
            b.0, b.1, b.2, b.3
        );
    }
    let cfg = aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    step(
        steps,
        "s3:PutPublicAccessBlock",
        json!({"Bucket": id, "all four": true}),
        c.s3.put_public_access_block()
            .bucket(id)
            .public_access_block_configuration(cfg)
            .send(),
    )
    .await?;
    done.undo =
        Some(match before {
            Some(b) => format!(
            "aws s3api put-public-access-block --bucket {} --public-access-block-configuration \
             BlockPublicAcls={},IgnorePublicAcls={},BlockPublicPolicy={},RestrictPublicBuckets={}",
            super::sh(id), b.0, b.1, b.2, b.3
        ),
            None => format!(
                "aws s3api delete-public-access-block --bucket {}",
                super::sh(id)
            ),
        });
    done.expect = Some(Expect::PublicBlock {
        bucket: id.to_string(),
    });
    Ok(done)
}

/// PutBucketTagging replaces the whole set: the earlier tags are read first and kept.
pub async fn tag_bucket(
    id: &str,
    incident: &str,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let mut done = Done::default();
    let read = read_or_empty(
        steps,
        "s3:GetBucketTagging",
        json!({"Bucket": id}),
        &["NoSuchTagSet"],
        c.s3.get_bucket_tagging().bucket(id).send(),
    )
    .await?;
    let mut set: Vec<aws_sdk_s3::types::Tag> = read
        .map(|o| {
            o.tag_set()
                .iter()
                .filter(|t| t.key() != TAG_KEY)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if let Some(last) = steps.last_mut() {
        last.result = format!("{} existing tags kept", set.len());
    }
    let mut want: Vec<(String, String)> = set
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    match aws_sdk_s3::types::Tag::builder()
        .key(TAG_KEY)
        .value(incident)
        .build()
    {
        Ok(t) => set.push(t),
        Err(e) => {
            fail(steps, "tag", e.to_string());
            return Err(());
        }
    }
    want.push((TAG_KEY.to_string(), incident.to_string()));
    let tagging = match aws_sdk_s3::types::Tagging::builder()
        .set_tag_set(Some(set))
        .build()
    {
        Ok(t) => t,
        Err(e) => {
            fail(steps, "tag", e.to_string());
            return Err(());
        }
    };
    step(
        steps,
        "s3:PutBucketTagging",
        json!({"Bucket": id, "Tags": {TAG_KEY: incident}, "kept": want.len() - 1}),
        c.s3.put_bucket_tagging().bucket(id).tagging(tagging).send(),
    )
    .await?;
    done.undo = Some(format!(
        "put the bucket's tags back without {TAG_KEY} (the earlier set is in the audit log)"
    ));
    done.expect = Some(Expect::BucketTags {
        bucket: id.to_string(),
        tags: want,
    });
    Ok(done)
}
