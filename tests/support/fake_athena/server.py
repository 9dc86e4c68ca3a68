"""A fake Amazon Athena (and the sliver of S3 its results live in) for airc's tests.

Speaks Athena's awsJson1.1 protocol as the Rust SDK calls it: StartQueryExecution,
GetQueryExecution (state and running statistics), GetQueryResults (pages, the header row
first), StopQueryExecution, GetWorkGroup. Each query runs for real: the Athena (Trino) SQL is
transpiled to DuckDB by sqlglot and executed over tables built from the same files a replay
reads: a `cloudtrail` table from the start, and any table a CREATE EXTERNAL TABLE makes (the
CloudTrail, VPC Flow Logs, S3 access log and Resolver query log tables of `airc athena ddl`),
its files found by its partition projection and read as its SerDe reads them (tables.py,
layouts.py). The result is written as Athena writes it, a CSV object in the output location,
which S3 GetObject (path style) serves.

As Athena's cost guard would, a query of a partitioned table without a predicate on its day
partition (the one projected as a date) FAILS. Bytes scanned are the sizes of the files in the
partitions the query's partition predicates select.

Faults (POST /_fake/fault, JSON): {"kind": "throttle", "op": "StartQueryExecution", "count": 2},
{"kind": "fail", "reason": "..."} (the next query FAILS with that reason), {"kind": "slow",
"seconds": 30, "scan_bytes_per_sec": 1e10} (the next query runs that long, its scan growing),
{"kind": "queued", "seconds": 2}. POST /_fake/clear drops them; GET /_fake/requests lists every
call (operation and body).

It sits beside the Rust fake AWS (tests/support/fake_aws) instead of inside it: the two engines
it needs, DuckDB and sqlglot, are Python packages (sqlglot has no Rust counterpart), and a Rust
server would have had to start Python for every query anyway.

Usage: server.py --trail DIR [--port 0] [--repeat N]; prints `listening on 127.0.0.1:PORT`.
DIR is the bucket `--trail-bucket` (default airc-trail): DIR/a/b is s3://airc-trail/a/b.
"""
import argparse
import csv
import io
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import duckdb
import sqlglot
from sqlglot import exp

import tables

STATE = threading.Lock()


class Fake:
    def __init__(self, trail, trail_bucket, output, repeat):
        self.trail = trail
        self.trail_bucket = trail_bucket
        self.output = output
        self.repeat = repeat
        self.con = duckdb.connect()
        self.tables = {}  # (db, name) -> files table
        self.queries = {}
        self.objects = {}  # (bucket, key) -> bytes
        self.faults = []
        self.requests = []
        self.reuse = {}  # (sql, db) -> query id

    # -- tables ---------------------------------------------------------------------------
    def create_table(self, ddl, default_db):
        spec = tables.parse_ddl(ddl)
        db = spec["db"] or default_db
        prefix = f"s3://{self.trail_bucket}/"
        location = spec["template"] or spec["location"]
        if not location or not location.startswith(prefix):
            raise tables.DdlError(f"the location {location!r} is not in the trail bucket {prefix}")
        cur = self.con.cursor()
        ftable = tables.load(cur, db, spec, self.trail, self.trail_bucket, self.repeat)
        parts = [p.lower() for p in spec["parts"]]
        # The partitions projected as dates: a query must name one (the cost guard).
        dated = [p for p in parts if spec["props"].get(f"projection.{p}.type") == "date"]
        if not dated and "timestamp" in parts:
            dated = ["timestamp"]
        self.tables[(db.lower(), spec["name"].lower())] = (ftable, parts, dated)

    # -- faults ---------------------------------------------------------------------------
    def take_fault(self, op, kinds):
        with STATE:
            for f in self.faults:
                if f.get("kind") in kinds and f.get("op", op) == op and f.get("count", 1) > 0:
                    f["count"] = f.get("count", 1) - 1
                    return dict(f)
        return None

    # -- queries --------------------------------------------------------------------------
    def start(self, body):
        sql = body.get("QueryString", "")
        db = (body.get("QueryExecutionContext") or {}).get("Database", "default")
        wg = body.get("WorkGroup", "primary")
        out = (body.get("ResultConfiguration") or {}).get("OutputLocation") or self.output
        qid = str(uuid.uuid4())
        q = {
            "id": qid, "sql": sql, "db": db, "wg": wg, "out": out.rstrip("/") + "/" + qid + ".csv",
            "state": "QUEUED", "reason": None, "error": None, "submitted": time.time(),
            "completed": None, "scanned": 0, "rows": None, "columns": None, "reused": False,
            "stop": threading.Event(),
        }
        reuse = (body.get("ResultReuseConfiguration") or {}).get("ResultReuseByAgeConfiguration") or {}
        with STATE:
            self.queries[qid] = q
            prev = self.queries.get(self.reuse.get((sql, db)))
        max_age = reuse.get("MaxAgeInMinutes", 60) * 60
        if reuse.get("Enabled") and prev and prev["state"] == "SUCCEEDED" and time.time() - prev["completed"] <= max_age:
            q.update(state="SUCCEEDED", rows=prev["rows"], columns=prev["columns"], reused=True,
                     completed=time.time())
            self.write_csv(q)
            return qid
        threading.Thread(target=self.run, args=(q,), daemon=True).start()
        return qid

    def finish(self, q, state, reason=None, error=None):
        with STATE:
            if q["state"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                return
            q.update(state=state, reason=reason, error=error, completed=time.time())

    def run(self, q):
        queued = self.take_fault("StartQueryExecution", {"queued"})
        if queued:
            q["stop"].wait(queued.get("seconds", 1))
        with STATE:
            if q["state"] == "QUEUED":
                q["state"] = "RUNNING"
        try:
            self.execute(q)
        except tables.DdlError as e:
            self.finish(q, "FAILED", str(e), "USER")
        except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as e:
            self.finish(q, "FAILED", f"SYNTAX_ERROR: line 1:1: {str(e).splitlines()[0]}", "USER")
        except duckdb.Error as e:
            self.finish(q, "FAILED", f"SYNTAX_ERROR: {str(e).splitlines()[0]}", "USER")
        except Exception as e:  # a bug in the fake: say so rather than hang the client
            self.finish(q, "FAILED", f"INTERNAL_ERROR_QUERY_ENGINE: {e!r}", "SYSTEM")

    def execute(self, q):
        fail = self.take_fault("StartQueryExecution", {"fail"})
        if fail:
            return self.finish(q, "FAILED", fail.get("reason", "failed (injected)"), "USER")
        sql = q["sql"].strip().rstrip(";")
        if sql.upper().startswith("CREATE EXTERNAL TABLE"):
            self.create_table(sql, q["db"])
            q["rows"], q["columns"] = [], []
            self.write_csv(q)
            return self.finish(q, "SUCCEEDED")
        tree = sqlglot.parse_one(sql, read="trino")
        total = self.guard_and_scan(tree, q["db"])
        slow = self.take_fault("StartQueryExecution", {"slow"})
        if slow:
            rate, t0 = slow.get("scan_bytes_per_sec", 0), time.time()
            while time.time() - t0 < slow.get("seconds", 1):
                q["scanned"] = int(rate * (time.time() - t0)) if rate else q["scanned"]
                if q["stop"].wait(0.05):
                    return
        cur = self.con.cursor()
        cur.execute(f'SET schema = \'{q["db"]}\'')
        res = cur.execute(tree.sql("duckdb"))
        columns = [d[0] for d in res.description] if res.description else []
        rows = [[None if v is None else str(v) for v in r] for r in res.fetchall()]
        if q["stop"].is_set():
            return
        q["scanned"] = max(q["scanned"], total)
        q["rows"], q["columns"] = rows, columns
        self.write_csv(q)
        with STATE:
            self.reuse[(q["sql"], q["db"])] = q["id"]
        self.finish(q, "SUCCEEDED")

    def guard_and_scan(self, tree, db):
        """Refuses a partitioned table read without its day; returns the bytes of the files in
        the partitions the WHERE's partition-only conjuncts select."""
        total = 0
        for t in tree.find_all(exp.Table):
            key = ((t.db or db).lower(), t.name.lower())
            if key not in self.tables:
                raise tables.DdlError(f"TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.{key[0]}.{key[1]}' does not exist")
            ftable, parts, dated = self.tables[key]
            select = t.find_ancestor(exp.Select)
            where = select.args.get("where") if select else None
            conj = list(where.this.flatten()) if where and isinstance(where.this, exp.And) else ([where.this] if where else [])
            only_parts = [c for c in conj if c.find(exp.Column) and all(col.name.lower() in parts for col in c.find_all(exp.Column))]
            named = {col.name.lower() for c in only_parts for col in c.find_all(exp.Column)}
            if dated and not named.intersection(dated):
                raise tables.DdlError(
                    "COST_GUARD: the query reads every partition of "
                    f"{key[0]}.{key[1]}: constrain {' or '.join(repr(d) for d in dated)} (and its other partitions) in its WHERE clause")
            cond = " AND ".join(c.sql("duckdb") for c in only_parts) or "TRUE"
            total += self.con.cursor().execute(f"SELECT coalesce(sum(size), 0) FROM {ftable} WHERE {cond}").fetchone()[0]
        return total

    def write_csv(self, q):
        buf = io.StringIO()
        def line(vals):
            buf.write(",".join("" if v is None else '"' + v.replace('"', '""') + '"' for v in vals))
            buf.write("\n")
        if q["columns"]:
            line(q["columns"])
        for r in q["rows"]:
            line(r)
        bucket, _, key = q["out"][len("s3://"):].partition("/")
        with STATE:
            self.objects[(bucket, key)] = buf.getvalue().encode("utf-8")

    def stop(self, qid):
        q = self.queries.get(qid)
        if q is None:
            raise KeyError(qid)
        q["stop"].set()
        self.finish(q, "CANCELLED", "Query was cancelled by user")

    def execution(self, q):
        now = time.time()
        end = q["completed"] or now
        status = {"State": q["state"], "SubmissionDateTime": q["submitted"]}
        if q["completed"]:
            status["CompletionDateTime"] = q["completed"]
        if q["reason"]:
            status["StateChangeReason"] = q["reason"]
        if q["error"]:
            status["AthenaError"] = {"ErrorCategory": 2 if q["error"] == "USER" else 1,
                                     "ErrorType": 1000, "Retryable": False, "ErrorMessage": q["reason"]}
        ms = int((end - q["submitted"]) * 1000)
        return {
            "QueryExecutionId": q["id"], "Query": q["sql"],
            "StatementType": "DDL" if q["sql"].lstrip().upper().startswith("CREATE") else "DML",
            "ResultConfiguration": {"OutputLocation": q["out"]},
            "QueryExecutionContext": {"Database": q["db"], "Catalog": "AwsDataCatalog"},
            "Status": status,
            "Statistics": {"EngineExecutionTimeInMillis": ms, "DataScannedInBytes": q["scanned"],
                           "TotalExecutionTimeInMillis": ms, "QueryQueueTimeInMillis": 0,
                           "ResultReuseInformation": {"ReusedPreviousResult": q["reused"]}},
            "WorkGroup": q["wg"],
            "EngineVersion": {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"},
        }

    def results(self, body):
        q = self.queries.get(body.get("QueryExecutionId"))
        if q is None:
            raise KeyError(body.get("QueryExecutionId"))
        if q["state"] != "SUCCEEDED":
            raise ValueError(f"Query has not yet finished. Current state: {q['state']}")
        start = int(body.get("NextToken") or 0)
        size = min(int(body.get("MaxResults") or 1000), 1000)
        rows = []
        if start == 0 and q["columns"]:
            rows.append(q["columns"])
            size -= 1
        chunk = q["rows"][start:start + size]
        rows += chunk
        out = {
            "UpdateCount": 0,
            "ResultSet": {
                "Rows": [{"Data": [{} if v is None else {"VarCharValue": v} for v in r]} for r in rows],
                "ResultSetMetadata": {"ColumnInfo": [
                    {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": c, "Label": c,
                     "Type": "varchar", "Precision": 2147483647, "Scale": 0, "Nullable": "UNKNOWN",
                     "CaseSensitive": True} for c in q["columns"] or []]},
            },
        }
        if start + len(chunk) < len(q["rows"]):
            out["NextToken"] = str(start + len(chunk))
        return out


def handler_for(fake):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, body, ctype="application/x-amz-json-1.1", headers=()):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def error(self, status, typ, msg, extra=None):
            body = {"__type": typ, "Message": msg}
            body.update(extra or {})
            self.reply(status, body)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/_fake/requests":
                with STATE:
                    return self.reply(200, list(fake.requests), "application/json")
            if path == "/_fake/ready":
                return self.reply(200, {"ok": True}, "application/json")
            return self.s3_get()

        do_HEAD = do_GET

        def s3_get(self):
            bucket, _, key = unquote(urlsplit(self.path).path.lstrip("/")).partition("/")
            with STATE:
                fake.requests.append({"op": "s3:GetObject", "body": {"Bucket": bucket, "Key": key}})
                data = fake.objects.get((bucket, key))
            if data is None:
                xml = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                       f"<Message>The specified key does not exist.</Message><Key>{key}</Key></Error>").encode()
                return self.reply(404, xml, "application/xml")
            self.reply(200, data, "text/csv", [("ETag", '"fake"')])

        def do_POST(self):
            path = urlsplit(self.path).path
            raw = self.body()
            if path == "/_fake/fault":
                with STATE:
                    fake.faults.append(json.loads(raw or b"{}"))
                return self.reply(200, {"ok": True}, "application/json")
            if path == "/_fake/clear":
                with STATE:
                    fake.faults.clear()
                    fake.requests.clear()
                return self.reply(200, {"ok": True}, "application/json")
            target = self.headers.get("X-Amz-Target", "")
            op = target.rpartition(".")[2]
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self.error(400, "SerializationException", "body is not JSON")
            with STATE:
                fake.requests.append({"op": op, "body": body})
            if fake.take_fault(op, {"throttle"}):
                return self.error(400, "TooManyRequestsException", "Rate exceeded",
                                  {"Reason": "CONCURRENT_QUERY_LIMIT_EXCEEDED"})
            try:
                if op == "StartQueryExecution":
                    return self.reply(200, {"QueryExecutionId": fake.start(body)})
                if op == "GetQueryExecution":
                    q = fake.queries.get(body.get("QueryExecutionId"))
                    if q is None:
                        raise KeyError(body.get("QueryExecutionId"))
                    return self.reply(200, {"QueryExecution": fake.execution(q)})
                if op == "GetQueryResults":
                    return self.reply(200, fake.results(body))
                if op == "StopQueryExecution":
                    fake.stop(body.get("QueryExecutionId"))
                    return self.reply(200, {})
                if op == "GetWorkGroup":
                    name = body.get("WorkGroup", "primary")
                    if name not in ("primary", "airc"):
                        return self.error(400, "InvalidRequestException", f"WorkGroup {name} is not found.")
                    return self.reply(200, {"WorkGroup": {
                        "Name": name, "State": "ENABLED", "CreationTime": 1600000000.0,
                        "Configuration": {"ResultConfiguration": {"OutputLocation": fake.output},
                                          "EnforceWorkGroupConfiguration": False,
                                          "PublishCloudWatchMetricsEnabled": False,
                                          "RequesterPaysEnabled": False,
                                          "EngineVersion": {"SelectedEngineVersion": "AUTO",
                                                            "EffectiveEngineVersion": "Athena engine version 3"}}}})
            except KeyError as e:
                return self.error(400, "InvalidRequestException", f"QueryExecution {e.args[0]} was not found")
            except ValueError as e:
                return self.error(400, "InvalidRequestException", str(e))
            return self.error(400, "UnknownOperationException", f"the fake Athena has no {op!r}")

        do_PUT = do_POST

    return H


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trail", required=True, help="a directory of CloudTrail log files")
    ap.add_argument("--trail-bucket", default="airc-trail")
    ap.add_argument("--output", default="s3://airc-results/athena/")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="each record this many times (benchmarks)")
    ap.add_argument("--no-default-table", action="store_true")
    a = ap.parse_args()
    fake = Fake(a.trail, a.trail_bucket, a.output, a.repeat)
    if not a.no_default_table:
        fake.create_table(tables.DOCUMENTED_DDL, "default")
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), handler_for(fake))
    srv.daemon_threads = True
    print(f"listening on 127.0.0.1:{srv.server_address[1]}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
