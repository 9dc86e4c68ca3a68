//! A small AWS for tests: one HTTP server on 127.0.0.1 that answers AWS Health (Smithy RPC v2
//! CBOR), GuardDuty (restJson1), CloudTrail (awsJson1.1, incl. Lake), STS (query) and a sliver
//! of S3 (restXml: bucket tags and public access block) exactly as
//! the Rust SDK calls them, from fixture data, with injected faults and a log of every request.
//! The service is told apart by the SigV4 signing name; the region comes from the same scope.
//!
//! HTTP is parsed with `httparse` over tokio sockets rather than with a server framework: the
//! SDK already pulls hyper in with client features, and a dev-dependency that switched on its
//! server features would rebuild the whole SDK stack for the tests.
#![allow(dead_code)]

pub mod findings;
pub mod findings_macie;
pub mod handlers;
mod recovery;
pub mod s3;
pub mod sts;
pub mod wire;
pub mod world;

use handlers::{fault_answer, Answer};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
pub use world::{Fault, FaultKind, Req, World};

pub struct FakeAws {
    pub url: String,
    pub world: Arc<Mutex<World>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeAws {
    /// Starts the server on a free port of 127.0.0.1 (its own thread and runtime).
    pub fn start(world: World) -> FakeAws {
        Self::start_on(world, 0)
    }

    pub fn start_on(world: World, port: u16) -> FakeAws {
        let world = Arc::new(Mutex::new(world));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let w = world.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("test server runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind(("127.0.0.1", port))
                    .await
                    .expect("bind 127.0.0.1");
                let _ = addr_tx.send(listener.local_addr().expect("local addr"));
                let serve = async {
                    loop {
                        let Ok((sock, _)) = listener.accept().await else {
                            continue;
                        };
                        tokio::spawn(connection(sock, w.clone()));
                    }
                };
                tokio::select! {
                    _ = serve => {}
                    _ = stop_rx => {}
                }
            });
        });
        let addr = addr_rx.recv().expect("server address");
        FakeAws {
            url: format!("http://{addr}"),
            world,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.world.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn fault(&self, f: Fault) {
        self.with(|w| w.faults.push(f));
    }

    pub fn clear_faults(&self) {
        self.with(|w| w.faults.clear());
    }

    pub fn requests(&self, service: &str, op: &str) -> Vec<Req> {
        self.with(|w| w.requests(service, op))
    }
}

impl Drop for FakeAws {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        if let Ok(httparse::Status::Complete(head)) = req.parse(buf) {
            let method = req.method?.to_string();
            let path = req.path?.to_string();
            let headers: Vec<(String, String)> = req
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_string(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < head + len {
                let mut chunk = [0u8; 16384];
                let n = sock.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = buf[head..head + len].to_vec();
            buf.drain(..head + len);
            return Some(Request {
                method,
                path,
                headers,
                body,
            });
        }
        let mut chunk = [0u8; 16384];
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn connection(mut sock: TcpStream, world: Arc<Mutex<World>>) {
    let mut buf = Vec::new();
    while let Some(req) = read_request(&mut sock, &mut buf).await {
        let answer = handle(&req, &world).await;
        let reason = match answer.status {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            429 => "Too Many Requests",
            _ => "Error",
        };
        let mut head = format!(
            "HTTP/1.1 {} {reason}\r\ncontent-length: {}\r\nx-amzn-requestid: fake\r\n",
            answer.status,
            answer.body.len()
        );
        for (k, v) in &answer.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if sock.write_all(head.as_bytes()).await.is_err()
            || sock.write_all(&answer.body).await.is_err()
        {
            return;
        }
    }
}

/// (access key, region, service) from `Credential=AKID/DATE/REGION/SERVICE/aws4_request`.
fn scope(req: &Request) -> (String, String, String) {
    let auth = req.header("authorization").unwrap_or("");
    let cred = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split(',').next())
        .unwrap_or("");
    let parts: Vec<&str> = cred.split('/').collect();
    let get = |i: usize| parts.get(i).map(|s| s.to_string()).unwrap_or_default();
    (get(0), get(2), get(3))
}

fn lock(world: &Arc<Mutex<World>>) -> std::sync::MutexGuard<'_, World> {
    world.lock().unwrap_or_else(|p| p.into_inner())
}

async fn handle(req: &Request, world: &Arc<Mutex<World>>) -> Answer {
    if let Some(cmd) = req.path.strip_prefix("/_fake/") {
        return control(cmd, &req.body, world);
    }
    let (key, region, mut service) = scope(req);
    if req.path.starts_with("/hook") {
        // A webhook receiver (chat tools and the like): any POST, answered 200 unless faulted.
        service = "webhook".into();
    }
    let (path, query) = req.path.split_once('?').unwrap_or((req.path.as_str(), ""));
    let (op, body): (String, Value) = match service.as_str() {
        "health" => (
            path.rsplit('/').next().unwrap_or("").to_string(),
            wire::parse_cbor(&req.body),
        ),
        "monitoring" => (
            path.rsplit('/').next().unwrap_or("").to_string(),
            wire::parse_cbor(&req.body),
        ),
        s if findings::SERVICES.contains(&s) => (
            findings::op(s, &req.method, path, req.header("x-amz-target")),
            serde_json::from_slice(&req.body).unwrap_or(Value::Null),
        ),
        "cloudtrail" => (
            req.header("x-amz-target")
                .and_then(|t| t.rsplit('.').next())
                .unwrap_or("")
                .to_string(),
            serde_json::from_slice(&req.body).unwrap_or(Value::Null),
        ),
        "sts" => (
            wire::form(&req.body)
                .into_iter()
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v)
                .unwrap_or_default(),
            Value::Null,
        ),
        "s3" => (s3::op(&req.method, query), Value::Null),
        _ => (
            path.to_string(),
            serde_json::from_slice(&req.body).unwrap_or(Value::Null),
        ),
    };
    // GuardDuty's operation comes from the route; resolve it first (without side effects on
    // a faulted request, the handler runs only when no fault applies).
    let gd_op = if service == "guardduty" {
        guardduty_op(&req.method, path)
    } else {
        op.clone()
    };
    let fault = lock(world).fault_for(&service, &gd_op, &region);
    let answer = match fault {
        Some(FaultKind::Delay(d)) => {
            tokio::time::sleep(d).await;
            None
        }
        Some(kind) if service == "s3" => Some(s3::fault(&kind)),
        Some(kind) => Some(fault_answer(&service, &kind)),
        None => None,
    };
    let answer = match answer {
        Some(a) => a,
        None => {
            let mut w = lock(world);
            match service.as_str() {
                "health" => handlers::health(&mut w, &op, &body),
                "cloudtrail" => handlers::cloudtrail(&mut w, &op, &region, &body),
                "sts" => sts::sts(&w, &req.body, &key).1,
                "s3" => s3::handle(&op),
                "guardduty" => {
                    handlers::guardduty(&mut w, &req.method, path, query, &region, &body).1
                }
                s if findings::SERVICES.contains(&s) => {
                    findings::handle(&mut w, s, &op, path, query, &body).unwrap_or(Answer {
                        status: 400,
                        headers: vec![],
                        body: Vec::new(),
                    })
                }
                "webhook" => Answer {
                    status: 200,
                    headers: vec![],
                    body: b"ok".to_vec(),
                },
                other => Answer {
                    status: 400,
                    headers: vec![],
                    body: format!("unsigned request or unknown service {other:?}").into_bytes(),
                },
            }
        }
    };
    lock(world).log.push(Req {
        service,
        op: gd_op,
        region,
        access_key: key,
        at: Instant::now(),
        body,
        status: answer.status,
    });
    answer
}

fn guardduty_op(method: &str, path: &str) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        ("GET", ["detector"]) => "ListDetectors",
        ("POST", ["detector", _, "findings"]) => "ListFindings",
        ("POST", ["detector", _, "findings", "get"]) => "GetFindings",
        ("POST", ["detector", _, "findings", "archive"]) => "ArchiveFindings",
        ("POST", ["detector", _, "findings", "unarchive"]) => "UnarchiveFindings",
        ("POST", ["detector", _, "findings", "feedback"]) => "UpdateFindingsFeedback",
        ("POST", ["detector"]) => "CreateDetector",
        ("GET", ["detector", _]) => "GetDetector",
        ("POST", ["detector", _]) => "UpdateDetector",
        _ => "Unknown",
    }
    .to_string()
}

/// `POST /_fake/fault` `{"service","kind","op","region","times","delay_ms"}` and
/// `POST /_fake/clear`: fault injection by hand (examples/fake_aws.rs).
fn control(cmd: &str, body: &[u8], world: &Arc<Mutex<World>>) -> Answer {
    let ok = |msg: &str| Answer {
        status: 200,
        headers: vec![("content-type", "text/plain".into())],
        body: format!("{msg}\n").into_bytes(),
    };
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match cmd {
        "clear" => {
            lock(world).faults.clear();
            ok("faults cleared")
        }
        "fault" => {
            let kind = match v["kind"].as_str().unwrap_or("") {
                "throttle" => FaultKind::Throttle,
                "500" => FaultKind::Status500,
                "expired" => FaultKind::ExpiredToken,
                "denied" => FaultKind::AccessDenied,
                "subscription" => FaultKind::SubscriptionRequired,
                "delay" => FaultKind::Delay(std::time::Duration::from_millis(
                    v["delay_ms"].as_u64().unwrap_or(5000),
                )),
                other => {
                    return Answer {
                        status: 400,
                        headers: vec![],
                        body: format!("unknown fault kind {other:?}\n").into_bytes(),
                    }
                }
            };
            let mut f = Fault::new(v["service"].as_str().unwrap_or(""), kind);
            f.op = v["op"].as_str().map(String::from);
            f.region = v["region"].as_str().map(String::from);
            f.remaining = v["times"].as_u64().map(|n| n as usize);
            lock(world).faults.push(f);
            ok("fault added")
        }
        _ => Answer {
            status: 404,
            headers: vec![],
            body: b"unknown control command\n".to_vec(),
        },
    }
}
