//! The built-in pack, embedded: Sigma rules written for airc, one file per ATT&CK tactic plus
//! the correlation rules (`assets/detections/`). Coverage is in the README.

pub const FILES: &[(&str, &str)] = &[
    (
        "initial-access.yml",
        include_str!("../../assets/detections/initial-access.yml"),
    ),
    (
        "execution.yml",
        include_str!("../../assets/detections/execution.yml"),
    ),
    (
        "persistence.yml",
        include_str!("../../assets/detections/persistence.yml"),
    ),
    (
        "defense-evasion.yml",
        include_str!("../../assets/detections/defense-evasion.yml"),
    ),
    (
        "credential-access.yml",
        include_str!("../../assets/detections/credential-access.yml"),
    ),
    (
        "discovery.yml",
        include_str!("../../assets/detections/discovery.yml"),
    ),
    (
        "exfiltration.yml",
        include_str!("../../assets/detections/exfiltration.yml"),
    ),
    (
        "impact.yml",
        include_str!("../../assets/detections/impact.yml"),
    ),
    (
        "correlations.yml",
        include_str!("../../assets/detections/correlations.yml"),
    ),
];
