//! The CloudTrail table as the AWS documentation defines it for Athena ("Creating the table for
//! CloudTrail logs in Athena using partition projection"): one column per top-level field of a
//! record, nested objects as STRUCTs of STRING, and the free-form objects (`requestParameters`,
//! `responseElements`, `additionalEventData`, `serviceEventDetails`, `edgeDeviceDetails`) as
//! STRING, which the JSON SerDe fills with their JSON text.
//!
//! One tree serves three purposes, so they cannot drift apart: the DDL (`ddl.rs`), the SELECT
//! list of a hunt (`sql.rs`), and putting a result row back into the record CloudTrail wrote
//! (`rows.rs`: the catalog lower-cases every name, this tree knows the original spelling).

/// A Hive type of the documented table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    String,
    /// `INT` (a Resolver query's `srcport`): read back as its text, as the log writes it.
    Int,
    Struct(&'static [Field]),
    Array(&'static Ty),
    /// `map<string,string>`.
    Map,
}

/// How a top-level column's value goes back into the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    /// A string, as written.
    Text,
    /// A STRING column that holds an object's JSON text: parsed back into the object.
    JsonText,
    /// `readOnly`: CloudTrail writes a boolean, the table reads it as the STRING `true`/`false`.
    Bool,
    /// A STRUCT or ARRAY column, selected as its JSON (`json_format(CAST(col AS JSON))`).
    Nested,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name as CloudTrail writes it (`userIdentity`); the catalog keeps it lower-cased.
    pub name: &'static str,
    pub ty: Ty,
}

pub(crate) const fn f(name: &'static str, ty: Ty) -> Field {
    Field { name, ty }
}

pub(crate) const S: Ty = Ty::String;

const SESSION_ISSUER: &[Field] = &[
    f("type", S),
    f("principalId", S),
    f("arn", S),
    f("accountId", S),
    f("userName", S),
];

const SESSION_CONTEXT: &[Field] = &[
    f(
        "attributes",
        Ty::Struct(&[f("mfaAuthenticated", S), f("creationDate", S)]),
    ),
    f("sessionIssuer", Ty::Struct(SESSION_ISSUER)),
    f("sourceIdentity", S),
    f("ec2RoleDelivery", S),
    f(
        "webIdFederationData",
        Ty::Struct(&[f("federatedProvider", S), f("attributes", Ty::Map)]),
    ),
];

const USER_IDENTITY: &[Field] = &[
    f("type", S),
    f("principalId", S),
    f("arn", S),
    f("accountId", S),
    f("invokedBy", S),
    f("accessKeyId", S),
    f("userName", S),
    f(
        "onBehalfOf",
        Ty::Struct(&[f("userId", S), f("identityStoreArn", S)]),
    ),
    f("sessionContext", Ty::Struct(SESSION_CONTEXT)),
];

/// CloudTrail writes a resource's `ARN` in capitals (the catalog reads any case).
const RESOURCE: Ty = Ty::Struct(&[f("ARN", S), f("accountId", S), f("type", S)]);

/// The documented columns, in the documented order, with how each goes back into a record.
pub const COLUMNS: &[(Field, Back)] = &[
    (f("eventVersion", S), Back::Text),
    (f("userIdentity", Ty::Struct(USER_IDENTITY)), Back::Nested),
    (f("eventTime", S), Back::Text),
    (f("eventSource", S), Back::Text),
    (f("eventName", S), Back::Text),
    (f("awsRegion", S), Back::Text),
    (f("sourceIPAddress", S), Back::Text),
    (f("userAgent", S), Back::Text),
    (f("errorCode", S), Back::Text),
    (f("errorMessage", S), Back::Text),
    (f("requestParameters", S), Back::JsonText),
    (f("responseElements", S), Back::JsonText),
    (f("additionalEventData", S), Back::JsonText),
    (f("requestID", S), Back::Text),
    (f("eventID", S), Back::Text),
    (f("readOnly", S), Back::Bool),
    (f("resources", Ty::Array(&RESOURCE)), Back::Nested),
    (f("eventType", S), Back::Text),
    (f("apiVersion", S), Back::Text),
    (f("recipientAccountId", S), Back::Text),
    (f("serviceEventDetails", S), Back::JsonText),
    (f("sharedEventID", S), Back::Text),
    (f("vpcEndpointId", S), Back::Text),
    (f("vpcEndpointAccountId", S), Back::Text),
    (f("eventCategory", S), Back::Text),
    (
        f(
            "addendum",
            Ty::Struct(&[
                f("reason", S),
                f("updatedFields", S),
                f("originalRequestID", S),
                f("originalEventID", S),
            ]),
        ),
        Back::Nested,
    ),
    (f("sessionCredentialFromConsole", S), Back::Text),
    (f("edgeDeviceDetails", S), Back::JsonText),
    (
        f(
            "tlsDetails",
            Ty::Struct(&[
                f("tlsVersion", S),
                f("cipherSuite", S),
                f("clientProvidedHostHeader", S),
            ]),
        ),
        Back::Nested,
    ),
];

/// The partition columns of the table `airc athena ddl` writes, all projected: the account and
/// region of the log's folder and its day (`yyyy/MM/dd`).
pub const PARTITIONS: [&str; 3] = ["account", "region", "timestamp"];

/// The column named (in any case) as the catalog returns it.
pub fn column(name: &str) -> Option<&'static (Field, Back)> {
    column_of(COLUMNS, name)
}

/// The same in another table's columns.
pub fn column_of(columns: &'static [(Field, Back)], name: &str) -> Option<&'static (Field, Back)> {
    columns
        .iter()
        .find(|(f, _)| f.name.eq_ignore_ascii_case(name))
}

/// The Hive spelling of a type (`STRUCT<type:STRING,...>`).
pub fn hive(ty: &Ty) -> String {
    match ty {
        Ty::String => "STRING".into(),
        Ty::Int => "INT".into(),
        Ty::Map => "MAP<STRING,STRING>".into(),
        Ty::Array(t) => format!("ARRAY<{}>", hive(t)),
        Ty::Struct(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{}:{}", f.name, hive(&f.ty)))
                .collect();
            format!("STRUCT<{}>", inner.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_unique_and_found_in_any_case() {
        for (f, _) in COLUMNS {
            assert_eq!(column(&f.name.to_ascii_lowercase()).map(|c| c.0), Some(*f));
        }
        let mut names: Vec<String> = COLUMNS
            .iter()
            .map(|(f, _)| f.name.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
        assert!(column("nosuch").is_none());
    }

    #[test]
    fn hive_types_read_as_documented() {
        assert_eq!(
            hive(&column("resources").map(|c| c.0.ty).unwrap_or(Ty::String)),
            "ARRAY<STRUCT<ARN:STRING,accountId:STRING,type:STRING>>"
        );
        let ui = hive(&column("useridentity").map(|c| c.0.ty).unwrap_or(Ty::String));
        assert!(
            ui.starts_with("STRUCT<type:STRING,principalId:STRING,"),
            "{ui}"
        );
        assert!(
            ui.contains("sessionIssuer:STRUCT<type:STRING,principalId:STRING,arn:STRING,accountId:STRING,userName:STRING>"),
            "{ui}"
        );
        assert!(ui.contains("attributes:MAP<STRING,STRING>"), "{ui}");
    }
}
