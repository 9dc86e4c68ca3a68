"""Tables of the fake Athena: CloudTrail log files read as Athena's JSON SerDe reads them into a
table declared by a Hive CREATE EXTERNAL TABLE, loaded into DuckDB.

A table's rows come from the same files a replay reads. The partition columns of each file
(account, region, day) come from its path when it follows CloudTrail's S3 layout
(AWSLogs/[o-.../]ACCOUNT/CloudTrail/REGION/yyyy/MM/dd/) or else from CloudTrail's documented
file name (ACCOUNT_CloudTrail_REGION_yyyyMMddTHHmmZ_unique.json[.gz]).
"""
import gzip
import json
import os
import re
import tempfile

import sqlglot
from sqlglot import exp

# The CloudTrail table of the AWS documentation ("Creating the table for CloudTrail logs in
# Athena using partition projection"), with the partitions of an organization trail.
DOCUMENTED_DDL = """
CREATE EXTERNAL TABLE cloudtrail (
    eventVersion STRING,
    userIdentity STRUCT<
        type: STRING,
        principalId: STRING,
        arn: STRING,
        accountId: STRING,
        invokedBy: STRING,
        accessKeyId: STRING,
        userName: STRING,
        onBehalfOf: STRUCT<
             userId: STRING,
             identityStoreArn: STRING>,
        sessionContext: STRUCT<
            attributes: STRUCT<
                mfaAuthenticated: STRING,
                creationDate: STRING>,
            sessionIssuer: STRUCT<
                type: STRING,
                principalId: STRING,
                arn: STRING,
                accountId: STRING,
                userName: STRING>,
            sourceIdentity: STRING,
            ec2RoleDelivery: STRING,
            webIdFederationData: STRUCT<
                federatedProvider: STRING,
                attributes: map<string,string>>
        >
    >,
    eventTime STRING,
    eventSource STRING,
    eventName STRING,
    awsRegion STRING,
    sourceIpAddress STRING,
    userAgent STRING,
    errorCode STRING,
    errorMessage STRING,
    requestParameters STRING,
    responseElements STRING,
    additionalEventData STRING,
    requestId STRING,
    eventId STRING,
    readOnly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountId: STRING,
        type: STRING>>,
    eventType STRING,
    apiVersion STRING,
    recipientAccountId STRING,
    serviceEventDetails STRING,
    sharedEventID STRING,
    vpcEndpointId STRING,
    vpcEndpointAccountId STRING,
    eventCategory STRING,
    addendum STRUCT<
      reason:STRING,
      updatedFields:STRING,
      originalRequestID:STRING,
      originalEventID:STRING>,
    sessionCredentialFromConsole STRING,
    edgeDeviceDetails STRING,
    tlsDetails STRUCT<
      tlsVersion:STRING,
      cipherSuite:STRING,
      clientProvidedHostHeader:STRING>
)
PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://airc-trail/AWSLogs/'
TBLPROPERTIES ('projection.enabled'='true')
"""

PARTITION_KEYS = ("account", "region", "timestamp")
NAME_RE = re.compile(r"(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T\d{4}Z_[^/]*\.json(\.gz)?$")
PATH_RE = re.compile(r"(?:^|/)(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/[^/]+$")


class DdlError(Exception):
    pass


def parse_ddl(text):
    """(database or None, table, [(name, sqlglot type)], [partition names], location) of a
    CREATE EXTERNAL TABLE."""
    try:
        create = sqlglot.parse_one(text, read="hive")
    except sqlglot.errors.ParseError as e:
        raise DdlError(f"line 1:1: mismatched input: {str(e).splitlines()[0]}")
    if not isinstance(create, exp.Create) or create.args.get("kind") != "TABLE":
        raise DdlError("not a CREATE TABLE statement")
    schema = create.this
    table = schema.this
    cols = [(c.name, c.args["kind"]) for c in schema.expressions]
    parts, location, template = [], None, None
    for p in (create.args.get("properties") or exp.Properties(expressions=[])).expressions:
        if isinstance(p, exp.PartitionedByProperty):
            parts = [c.name for c in p.this.expressions]
        elif isinstance(p, exp.LocationProperty):
            location = p.this.name
        elif isinstance(p, exp.Property) and p.name == "storage.location.template":
            template = p.args["value"].name
    if not cols:
        raise DdlError("the table has no columns")
    return (table.db or None), table.name, cols, parts, template or location


def serde(value, ty):
    """What the JSON SerDe puts in a column of this type: keys matched in any case, fields the
    type does not declare dropped, any JSON under a STRING as its text."""
    if value is None:
        return None
    if ty.this == exp.DataType.Type.STRUCT:
        if not isinstance(value, dict):
            return None
        lower = {k.lower(): v for k, v in value.items()}
        out = {}
        for f in ty.expressions:
            out[f.name.lower()] = serde(lower.get(f.name.lower()), f.args["kind"])
        return out
    if ty.this == exp.DataType.Type.ARRAY:
        if not isinstance(value, list):
            return None
        inner = ty.expressions[0]
        return [serde(v, inner) for v in value]
    if ty.this == exp.DataType.Type.MAP:
        if not isinstance(value, dict):
            return None
        return {k: serde(v, exp.DataType.build("text")) for k, v in value.items()}
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def duck_type(ty):
    """A DuckDB type with every struct field lower-cased, as the Glue catalog keeps them."""
    t = ty.copy()
    for node in t.walk():
        if isinstance(node, exp.ColumnDef):
            node.set("this", exp.to_identifier(node.name.lower()))
    return t.sql("duckdb")


def partitions_of(path):
    """{account, region, timestamp} of one log file, or None when neither its folders nor its
    name say where it belongs."""
    p = path.replace(os.sep, "/")
    m = PATH_RE.search(p) or NAME_RE.search(p)
    if not m:
        return None
    acct, region, y, mo, d = m.group(1, 2, 3, 4, 5)
    return {"account": acct, "region": region, "timestamp": f"{y}/{mo}/{d}"}


def log_files(root):
    out = []
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            parts = partitions_of(path)
            if parts is not None:
                out.append((path, parts))
    out.sort()
    return out


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        doc = json.loads(fh.read())
    return doc.get("Records", []) if isinstance(doc, dict) else []


def load(con, database, name, cols, parts, root, repeat=1):
    """Creates database.name in DuckDB from the log files under root. Returns the files table
    name (path, size and partitions of every file) the cost accounting reads."""
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{database}"')
    files = log_files(root)
    col_types = [(c.lower(), duck_type(t)) for c, t in cols]
    part_cols = [p.lower() for p in parts]
    tmp = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
    sizes = []
    with tmp:
        for path, pv in files:
            sizes.append((path, os.path.getsize(path) * repeat, pv))
            recs = records(path)
            for i in range(repeat):
                for rec in recs:
                    lower = {k.lower(): v for k, v in rec.items()} if isinstance(rec, dict) else {}
                    row = {c: serde(lower.get(c), t) for (c, _), (_, t) in zip(col_types, cols)}
                    if i:
                        row["eventid"] = f"{row.get('eventid')}-{i}"
                    for p in part_cols:
                        row[p] = pv.get(p)
                    row["$path"] = path
                    tmp.write(json.dumps(row, ensure_ascii=False))
                    tmp.write("\n")
    spec = {c: t for c, t in col_types}
    for p in part_cols:
        spec[p] = "VARCHAR"
    spec["$path"] = "VARCHAR"
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in spec.items()) + "}"
    qualified = f'"{database}"."{name}"'
    con.execute(f"DROP TABLE IF EXISTS {qualified}")
    con.execute(
        f"CREATE TABLE {qualified} AS SELECT * FROM read_json('{tmp.name}', "
        f"format='newline_delimited', columns={columns}, maximum_object_size=67108864)"
    )
    os.unlink(tmp.name)
    ftable = f'"{database}"."__files_{name}"'
    con.execute(f"DROP TABLE IF EXISTS {ftable}")
    con.execute(f"CREATE TABLE {ftable} (path VARCHAR, size BIGINT, account VARCHAR, region VARCHAR, \"timestamp\" VARCHAR)")
    for path, size, pv in sizes:
        con.execute(f"INSERT INTO {ftable} VALUES (?, ?, ?, ?, ?)",
                    [path, size, pv["account"], pv["region"], pv["timestamp"]])
    return ftable
