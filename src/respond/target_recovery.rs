//! The command line's forms of the targets recovery acts on (undoing what an attacker changed):
//! policies of users and roles, one ingress rule, a trail, the GuardDuty detector, a key pair.
//! Each part is checked against AWS's own naming rules, so a record's text that is no such name
//! never becomes a target.

use super::target::{IngressRule, Target};
use super::Error;

/// `Ok(None)` when `s` is none of these forms (another parser may take it).
pub(super) fn parse(s: &str) -> Result<Option<Target>, Error> {
    let bad = |what: &str| Err(Error::BadTarget(format!("'{s}': {what}")));
    if let Some(rest) = s.strip_prefix("user-policy/") {
        let Some((user, policy)) = rest
            .split_once('/')
            .filter(|(u, p)| iam_name(u) && policy_ok(p))
        else {
            return bad("expected user-policy/USER/POLICY (a managed policy's ARN or an inline policy's name)");
        };
        return Ok(Some(Target::UserPolicy {
            user: user.into(),
            policy: policy.into(),
        }));
    }
    if let Some(rest) = s.strip_prefix("role-policy/") {
        let Some((role, policy)) = rest
            .split_once('/')
            .filter(|(r, p)| iam_name(r) && policy_arn(p))
        else {
            return bad("expected role-policy/ROLE/POLICY_ARN");
        };
        return Ok(Some(Target::RolePolicy {
            role: role.into(),
            policy: policy.into(),
        }));
    }
    if let Some(rest) = s.strip_prefix("ingress/") {
        return match ingress(rest) {
            Some(t) => Ok(Some(t)),
            None => bad("expected ingress/sg-…/PROTOCOL/FROM-TO/SOURCE (e.g. ingress/sg-1a2b/tcp/22-22/0.0.0.0/0; ports `all` for every port)"),
        };
    }
    if let Some(name) = s.strip_prefix("trail/") {
        return match trail_name(name) {
            true => Ok(Some(Target::Trail(name.into()))),
            false => bad("expected trail/NAME"),
        };
    }
    if s == "guardduty" {
        return Ok(Some(Target::Detector(None)));
    }
    if let Some(id) = s.strip_prefix("detector/") {
        return match detector_id(id) {
            true => Ok(Some(Target::Detector(Some(id.into())))),
            false => bad("expected detector/ID (32 hexadecimal characters)"),
        };
    }
    if let Some(rest) = s.strip_prefix("key-pair/") {
        // A key pair name holds no `/`: what follows one is the id it must have.
        let (name, id) = match rest.split_once('/') {
            Some((n, id)) => (n, Some(id)),
            None => (rest, None),
        };
        let id_ok = id.is_none_or(|i| {
            i.strip_prefix("key-").is_some_and(|h| {
                (8..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit())
            })
        });
        return match key_pair_name(name) && id_ok {
            true => Ok(Some(Target::KeyPair {
                name: name.into(),
                id: id.map(String::from),
            })),
            false => bad("expected key-pair/NAME or key-pair/NAME/key-ID"),
        };
    }
    Ok(None)
}

fn ingress(rest: &str) -> Option<Target> {
    let mut parts = rest.splitn(4, '/');
    let (group, protocol, ports, source) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if !group_id(group) || !protocol_ok(protocol) {
        return None;
    }
    let (from, to) = match ports {
        "all" => (None, None),
        p => {
            let (f, t) = p.split_once('-').unwrap_or((p, p));
            (Some(f.parse::<i32>().ok()?), Some(t.parse::<i32>().ok()?))
        }
    };
    if !(group_id(source) || cidr(source)) {
        return None;
    }
    Some(Target::Ingress {
        group: group.into(),
        rule: IngressRule {
            protocol: protocol.into(),
            from,
            to,
            source: source.into(),
        },
    })
}

/// IAM user and role names: 1–64 of letters, digits and `+=,.@_-`.
pub(crate) fn iam_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// A managed policy's ARN: `arn:PARTITION:iam::(aws|ACCOUNT):policy/PATH/NAME`.
pub(crate) fn policy_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:") else {
        return false;
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, "iam", "", owner, resource] = parts[..] else {
        return false;
    };
    partition.starts_with("aws")
        && (owner == "aws" || crate::model::entity::is_account_id(owner))
        && resource
            .strip_prefix("policy/")
            .is_some_and(|p| p.len() <= 512 && p.split('/').all(iam_name_128))
}

fn iam_name_128(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

fn policy_ok(s: &str) -> bool {
    policy_arn(s) || iam_name_128(s)
}

pub(crate) fn group_id(s: &str) -> bool {
    s.strip_prefix("sg-")
        .is_some_and(|h| (8..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn protocol_ok(s: &str) -> bool {
    matches!(s, "tcp" | "udp" | "icmp" | "icmpv6" | "-1") || s.parse::<u8>().is_ok()
}

fn cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    match (ip.parse::<std::net::IpAddr>(), bits.parse::<u8>()) {
        (Ok(std::net::IpAddr::V4(_)), Ok(b)) => b <= 32,
        (Ok(std::net::IpAddr::V6(_)), Ok(b)) => b <= 128,
        _ => false,
    }
}

/// Trail names: 3–128 of letters, digits, `._-`, starting with a letter or digit.
pub(crate) fn trail_name(s: &str) -> bool {
    (3..=128).contains(&s.len())
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// GuardDuty detector ids: 32 lowercase hexadecimal characters.
pub(crate) fn detector_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// EC2 key pair names: 1–255 printable ASCII characters, no `/` (kept to the common alphabet).
pub(crate) fn key_pair_name(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" ._-+=@,:()".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_targets_parse_and_print_back() {
        let t =
            Target::parse("user-policy/svc-backup2/arn:aws:iam::aws:policy/AdministratorAccess")
                .unwrap();
        assert_eq!(
            t,
            Target::UserPolicy {
                user: "svc-backup2".into(),
                policy: "arn:aws:iam::aws:policy/AdministratorAccess".into()
            }
        );
        assert_eq!(
            Target::parse("user-policy/svc-backup2/sync").unwrap().id(),
            "sync"
        );
        let t = Target::parse("ingress/sg-0badc0ffee0000001/tcp/22-22/0.0.0.0/0").unwrap();
        let Target::Ingress { group, rule } = &t else {
            panic!("{t:?}")
        };
        assert_eq!(group, "sg-0badc0ffee0000001");
        assert_eq!(rule.spec(), "tcp/22-22/0.0.0.0/0");
        assert_eq!(
            t.label(),
            "ingress tcp 22-22 from 0.0.0.0/0 on sg-0badc0ffee0000001"
        );
        let t = Target::parse("ingress/sg-0badc0ffee0000001/-1/all/::/0").unwrap();
        assert!(
            t.label().starts_with("ingress all from ::/0"),
            "{}",
            t.label()
        );
        assert_eq!(Target::parse("guardduty").unwrap(), Target::Detector(None));
        assert_eq!(
            Target::parse("trail/org-trail").unwrap(),
            Target::Trail("org-trail".into())
        );
        assert_eq!(
            Target::parse("key-pair/sync/key-0a1b2c3d4e5f67890").unwrap(),
            Target::KeyPair {
                name: "sync".into(),
                id: Some("key-0a1b2c3d4e5f67890".into())
            }
        );
        let s = Target::parse_scoped("arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail")
            .unwrap();
        assert_eq!(
            (s.target, s.account.as_deref(), s.region.as_deref()),
            (
                Target::Trail("org-trail".into()),
                Some("111122223333"),
                Some("us-east-1")
            )
        );
        let s = Target::parse_scoped(
            "arn:aws:guardduty:eu-west-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0",
        )
        .unwrap();
        assert_eq!(
            s.target,
            Target::Detector(Some("12abc34d567e8fa901bc2d34e56789f0".into()))
        );
    }

    #[test]
    fn names_that_are_not_aws_names_are_refused() {
        for bad in [
            "user-policy/a b/sync",
            "user-policy/svc/\u{1b}[31m",
            "user-policy/svc/",
            "role-policy/r/inline-name",
            "ingress/sg-zz/tcp/22-22/0.0.0.0/0",
            "ingress/sg-0badc0ffee0000001/tcp/22-22/0.0.0.0/33",
            "ingress/sg-0badc0ffee0000001/tcp/x/0.0.0.0/0",
            "ingress/sg-0badc0ffee0000001/tcp/22-22/example.com",
            "trail/-x",
            "trail/a\nb",
            "detector/XYZ",
            "key-pair/a/b",
            "key-pair/a/key-zz",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
