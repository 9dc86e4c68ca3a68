use super::*;

#[test]
fn resources_of_every_shape() {
    let kinds = |id: &str| resource(id).map(|e| e.to_string());
    assert_eq!(
        kinds("AWS::::Account:123456789012").as_deref(),
        Some("account:123456789012")
    );
    assert_eq!(
        kinds("AWS::IAM::AccessKey:AKIAIOSFODNN7EXAMPLE").as_deref(),
        Some("access_key:AKIAIOSFODNN7EXAMPLE")
    );
    assert_eq!(kinds("arn:aws:s3:::logs").as_deref(), Some("bucket:logs"));
    assert_eq!(
        kinds("i-0abc12345678def01").as_deref(),
        Some("instance:i-0abc12345678def01")
    );
    assert_eq!(kinds("ami-12345").as_deref(), Some("other:ami-12345"));
    assert_eq!(kinds("two words"), None);
    assert_eq!(kinds(""), None);
}

#[test]
fn a_guardduty_finding_in_security_hub_keeps_its_own_id_and_type() {
    let id = "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f00d";
    assert_eq!(
        native_id(Some("guardduty"), id).as_deref(),
        Some("guardduty:f00d")
    );
    assert_eq!(native_id(Some("guardduty"), "f00d"), None);
    assert_eq!(native_id(Some("config"), id), None);
    let insp = "arn:aws:inspector2:us-east-1:111122223333:finding/abc";
    assert_eq!(
        native_id(Some("inspector"), insp).as_deref(),
        Some(&*format!("inspector:{insp}"))
    );
    assert_eq!(
        guardduty_type("TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort").as_deref(),
        Some("Recon:EC2/PortProbeUnprotectedPort")
    );
    assert_eq!(guardduty_type("Software and Configuration Checks"), None);
    assert_eq!(
        product_of(
            Some("arn:aws:securityhub:us-east-1::product/aws/guardduty"),
            None
        )
        .as_deref(),
        Some("guardduty")
    );
    assert_eq!(
        product_of(
            Some("arn:aws:securityhub:us-east-1:1:product/acme/scanner"),
            Some("Acme Scanner")
        )
        .as_deref(),
        Some("acme scanner")
    );
    // A custom product calling itself GuardDuty is not GuardDuty.
    assert_eq!(
        product_of(
            Some("arn:aws:securityhub:us-east-1:999988887777:product/999988887777/default"),
            Some("GuardDuty")
        )
        .as_deref(),
        Some("default")
    );
    assert_eq!(
        product_of(
            Some("arn:aws:securityhub:us-east-1::productv2/aws/guardduty"),
            Some("GuardDuty")
        )
        .as_deref(),
        Some("guardduty")
    );
    assert_eq!(severity_normalized(70.0), Severity::High);
    assert_eq!(severity_word("informational"), Some(Severity::Info));
}
