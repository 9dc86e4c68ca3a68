"""Where the fake Athena finds a table's files and how it reads their rows, as Athena would from
the table's definition.

Files: the fake serves one bucket (`--trail-bucket`) from one directory (`--trail`); a file at
DIR/a/b/c is s3://BUCKET/a/b/c. A table with partition projection reads the files its
`storage.location.template` places in a partition: each `${name}` of the template is matched
(an enum's values, a date in its projection format), and a partition whose value the projection
does not list does not exist for Athena, so its files are not read.

Rows, by the table's ROW FORMAT:
  - DELIMITED FIELDS TERMINATED BY ' ' (VPC Flow Logs): one line a row, fields by position,
    `skip.header.line.count` lines skipped at the top of each file, a field a numeric column
    cannot read (`-`) NULL, missing fields NULL;
  - SERDE RegexSerDe (S3 server access logs): the whole line must match `input.regex`
    (otherwise every column is NULL), each group a column;
  - SERDE JsonSerDe without CloudTrail's input format (Route 53 Resolver query logs): one JSON
    document a line, keys matched in any case.
"""
import gzip
import json
import os
import re

from sqlglot import exp

NUMERIC = {
    exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.SMALLINT,
    exp.DataType.Type.TINYINT,
}
DATE_FORMATS = {"yyyy/MM/dd": r"\d{4}/\d{2}/\d{2}", "yyyy-MM-dd": r"\d{4}-\d{2}-\d{2}"}


def template_regex(template, props, bucket):
    """A regex over s3://bucket/key for the template, with one named group per partition; None
    when the template is not in the bucket."""
    prefix = f"s3://{bucket}/"
    if not template or not template.startswith(prefix):
        return None
    out, pos = "^", 0
    for m in re.finditer(r"\$\{([A-Za-z0-9_]+)\}", template):
        out += re.escape(template[pos:m.start()])
        name = m.group(1).lower()
        kind = props.get(f"projection.{name}.type", "")
        if kind == "date":
            fmt = props.get(f"projection.{name}.format", "yyyy/MM/dd")
            pat = DATE_FORMATS.get(fmt, r"[^/]+")
        else:
            pat = r"[^/]+"
        out += f"(?P<{name}>{pat})"
        pos = m.end()
    out += re.escape(template[pos:].rstrip("/")) + "/"
    return re.compile(out)


def projected(path_values, props):
    """Whether every enum partition's value is one the projection lists."""
    for name, value in path_values.items():
        if props.get(f"projection.{name}.type") == "enum":
            allowed = props.get(f"projection.{name}.values", "").split(",")
            if value not in allowed:
                return False
    return True


def files(root, bucket, template, props):
    """(path, {partition: value}) of every file the table's partitions hold."""
    rx = template_regex(template, props, bucket)
    if rx is None:
        return []
    out = []
    for dirpath, _, names in os.walk(root):
        for f in sorted(names):
            path = os.path.join(dirpath, f)
            key = os.path.relpath(path, root).replace(os.sep, "/")
            m = rx.match(f"s3://{bucket}/{key}")
            if not m:
                continue
            values = {k: v for k, v in m.groupdict().items()}
            if projected(values, props):
                out.append((path, values))
    out.sort()
    return out


def text_lines(path):
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace").splitlines()


def cell(value, ty):
    """A field's text as the column's type reads it: a number column NULL where it holds none."""
    if value is None:
        return None
    if ty.this in NUMERIC:
        try:
            return int(value)
        except ValueError:
            return None
    return value


def delimited_rows(path, cols, sep, skip):
    for line in text_lines(path)[skip:]:
        if not line.strip():
            continue
        fields = line.split(sep)
        yield {c: cell(fields[i] if i < len(fields) else None, t) for i, (c, t) in enumerate(cols)}


def regex_rows(path, cols, regex, skip):
    rx = re.compile(regex)
    for line in text_lines(path)[skip:]:
        if not line.strip():
            continue
        m = rx.fullmatch(line)
        groups = m.groups() if m else [None] * len(cols)
        yield {c: cell(groups[i] if i < len(groups) else None, t) for i, (c, t) in enumerate(cols)}


def json_rows(path, cols, serde, skip):
    for line in text_lines(path)[skip:]:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            yield {c: None for c, _ in cols}
            continue
        lower = {k.lower(): v for k, v in rec.items()} if isinstance(rec, dict) else {}
        yield {c: cell(lower.get(c), t) if t.this in NUMERIC else serde(lower.get(c), t)
               for c, t in cols}
