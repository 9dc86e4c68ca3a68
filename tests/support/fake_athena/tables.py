"""Tables of the fake Athena: log files read as the table's SerDe reads them into a table
declared by a Hive CREATE EXTERNAL TABLE, loaded into DuckDB.

A table's rows come from the same files a replay reads. CloudTrail's files are found by their
S3 layout (AWSLogs/[o-.../]ACCOUNT/CloudTrail/REGION/yyyy/MM/dd/) or else by CloudTrail's
documented file name (ACCOUNT_CloudTrail_REGION_yyyyMMddTHHmmZ_unique.json[.gz]); the network
and access logs' files by the table's partition projection (layouts.py).
"""
import gzip
import json
import os
import re
import tempfile

import sqlglot
from sqlglot import exp

import layouts

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
    """What a CREATE EXTERNAL TABLE declares: {db, name, cols: [(name, sqlglot type)], parts,
    location, template, props (TBLPROPERTIES), format}, where format is ("cloudtrail",),
    ("json",), ("delimited", separator) or ("regex", regex)."""
    try:
        create = sqlglot.parse_one(text, read="hive")
    except sqlglot.errors.ParseError as e:
        raise DdlError(f"line 1:1: mismatched input: {str(e).splitlines()[0]}")
    if not isinstance(create, exp.Create) or create.args.get("kind") != "TABLE":
        raise DdlError("not a CREATE TABLE statement")
    schema = create.this
    table = schema.this
    cols = [(c.name, c.args["kind"]) for c in schema.expressions]
    parts, location, props, fmt, serde_name, inputformat = [], None, {}, None, "", ""
    for p in (create.args.get("properties") or exp.Properties(expressions=[])).expressions:
        if isinstance(p, exp.PartitionedByProperty):
            parts = [c.name for c in p.this.expressions]
        elif isinstance(p, exp.LocationProperty):
            location = p.this.name
        elif isinstance(p, exp.RowFormatDelimitedProperty):
            fields = p.args.get("fields")
            fmt = ("delimited", fields.name if fields is not None else "\x01")
        elif isinstance(p, exp.RowFormatSerdeProperty):
            serde_name = p.this.name
            sp = p.args.get("serde_properties")
            for q in (sp.expressions if sp is not None else []):
                props["serde." + q.name] = q.args["value"].name
        elif isinstance(p, exp.FileFormatProperty):
            inputformat = p.sql("hive")
        elif isinstance(p, exp.Property) and p.args.get("value") is not None:
            props[p.name] = p.args["value"].name
    if not cols:
        raise DdlError("the table has no columns")
    if fmt is None:
        if serde_name.endswith("RegexSerDe"):
            if "serde.input.regex" not in props:
                raise DdlError("a RegexSerDe table needs 'input.regex'")
            fmt = ("regex", props["serde.input.regex"])
        elif "CloudTrailInputFormat" in inputformat:
            fmt = ("cloudtrail",)
        elif serde_name.endswith("JsonSerDe"):
            fmt = ("json",)
        else:
            raise DdlError(f"the fake reads no table of SerDe {serde_name!r}")
    return {
        "db": table.db or None, "name": table.name, "cols": cols, "parts": parts,
        "location": location, "template": props.get("storage.location.template"),
        "props": props, "format": fmt,
    }


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


def cloudtrail_rows(path, cols):
    for rec in records(path):
        lower = {k.lower(): v for k, v in rec.items()} if isinstance(rec, dict) else {}
        yield {c.lower(): serde(lower.get(c.lower()), t) for c, t in cols}


def load(con, database, spec, root, bucket, repeat=1):
    """Creates database.name in DuckDB from the files under root its definition reads. Returns
    the files table name (path, size and partitions of every file) the cost accounting reads."""
    name, cols, parts, fmt = spec["name"], spec["cols"], spec["parts"], spec["format"]
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{database}"')
    col_types = [(c.lower(), duck_type(t)) for c, t in cols]
    lcols = [(c.lower(), t) for c, t in cols]
    part_cols = [p.lower() for p in parts]
    skip = int(spec["props"].get("skip.header.line.count", "0") or 0)
    if fmt[0] == "cloudtrail":
        # CloudTrail's files by their S3 layout or their documented name (the fixture copy is
        # flat); an account or region the projection does not list is not there for Athena.
        found = [(p, pv) for p, pv in log_files(root) if layouts.projected(pv, spec["props"])]
    else:
        found = layouts.files(root, bucket, spec["template"], spec["props"])
    tmp = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
    sizes = []
    with tmp:
        for path, pv in found:
            sizes.append((path, os.path.getsize(path) * repeat, pv))
            if fmt[0] == "cloudtrail":
                rows = list(cloudtrail_rows(path, cols))
            elif fmt[0] == "delimited":
                rows = list(layouts.delimited_rows(path, lcols, fmt[1], skip))
            elif fmt[0] == "regex":
                rows = list(layouts.regex_rows(path, lcols, fmt[1], skip))
            else:
                rows = list(layouts.json_rows(path, lcols, serde, skip))
            for i in range(repeat):
                for row in rows:
                    row = dict(row)
                    if i and "eventid" in row:
                        row["eventid"] = f"{row.get('eventid')}-{i}"
                    for p in part_cols:
                        row[p] = pv.get(p)
                    row["$path"] = path
                    tmp.write(json.dumps(row, ensure_ascii=False))
                    tmp.write("\n")
    spec_cols = {c: t for c, t in col_types}
    for p in part_cols:
        spec_cols[p] = "VARCHAR"
    spec_cols["$path"] = "VARCHAR"
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in spec_cols.items()) + "}"
    qualified = f'"{database}"."{name}"'
    con.execute(f"DROP TABLE IF EXISTS {qualified}")
    con.execute(
        f"CREATE TABLE {qualified} AS SELECT * FROM read_json('{tmp.name}', "
        f"format='newline_delimited', columns={columns}, maximum_object_size=67108864)"
    )
    os.unlink(tmp.name)
    ftable = f'"{database}"."__files_{name}"'
    con.execute(f"DROP TABLE IF EXISTS {ftable}")
    pcols = "".join(f', "{p}" VARCHAR' for p in part_cols)
    con.execute(f"CREATE TABLE {ftable} (path VARCHAR, size BIGINT{pcols})")
    for path, size, pv in sizes:
        marks = ", ".join("?" for _ in range(2 + len(part_cols)))
        con.execute(f"INSERT INTO {ftable} VALUES ({marks})",
                    [path, size] + [pv.get(p) for p in part_cols])
    return ftable
