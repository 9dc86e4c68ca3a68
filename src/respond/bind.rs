//! Which credentials an action runs with: the profile whose STS identity is the target's
//! account. A plan is bound to one account, region and profile before it is shown; when no
//! profile answers for the account, the action is refused and the message names the account
//! and the profiles there are. Execution checks the binding again (`execute`), so a profile
//! whose credentials changed account in between is refused too.

/// What one profile's credentials were found to be: (profile label, account or None while
/// unchecked or failing).
pub type Known = (String, Option<String>);

/// (account, profile label) for a target in `account` (None: the signal did not say).
pub fn profile_for(
    account: Option<&str>,
    known: &[Known],
) -> Result<(String, String), super::Error> {
    let checked: Vec<(&str, &str)> = known
        .iter()
        .filter_map(|(p, a)| a.as_deref().map(|a| (p.as_str(), a)))
        .collect();
    let have = || {
        if known.is_empty() {
            return "no profiles".to_string();
        }
        known
            .iter()
            .map(|(p, a)| format!("{p} → {}", a.as_deref().unwrap_or("not checked yet")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(account) = account else {
        // Only one account can be meant when only one is connected.
        let mut accounts: Vec<&str> = checked.iter().map(|(_, a)| *a).collect();
        accounts.dedup();
        return match (accounts.as_slice(), checked.first()) {
            ([_], Some((p, a))) => Ok((a.to_string(), p.to_string())),
            _ => Err(super::Error::Unbound(format!(
                "refused: the row does not name its account and several could be meant ({})",
                have()
            ))),
        };
    };
    if let Some((p, a)) = checked.iter().find(|(_, a)| *a == account) {
        return Ok((a.to_string(), p.to_string()));
    }
    if known.iter().any(|(_, a)| a.is_none()) {
        return Err(super::Error::Unbound(format!(
            "refused: no checked profile answers for account {account} yet ({}); try again once \
             the credentials are checked",
            have()
        )));
    }
    Err(super::Error::Unbound(format!(
        "refused: no profile answers for account {account} (you have: {}); start airc with \
         --profile NAME for that account",
        have()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<Known> {
        vec![
            ("prod".into(), Some("111122223333".into())),
            ("staging".into(), Some("222233334444".into())),
        ]
    }

    #[test]
    fn the_profile_is_the_one_whose_identity_is_the_account() {
        assert_eq!(
            profile_for(Some("222233334444"), &known()).unwrap(),
            ("222233334444".into(), "staging".into())
        );
        let e = profile_for(Some("999988887777"), &known())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("999988887777")
                && e.contains("prod → 111122223333")
                && e.contains("staging"),
            "{e}"
        );
        assert!(profile_for(None, &known())
            .unwrap_err()
            .to_string()
            .contains("several"));
        assert_eq!(
            profile_for(None, &known()[..1]).unwrap(),
            ("111122223333".into(), "prod".into())
        );
        let pending = vec![("prod".to_string(), None)];
        assert!(profile_for(Some("111122223333"), &pending)
            .unwrap_err()
            .to_string()
            .contains("not checked yet"));
        assert!(profile_for(Some("1"), &[])
            .unwrap_err()
            .to_string()
            .contains("no profiles"));
    }
}
