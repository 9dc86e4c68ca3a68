//! `airc watch` under sustained load, through the library with a feed the test drives: 1,000
//! signals a second for 30 seconds, each routed to a working webhook and to one that accepts
//! connections and never answers. Every signal reaches the working webhook within 2 s of its
//! arrival: a stuck notifier holds up only itself, and routing never waits for a quiet moment.

use airc::feed::Feed;
use airc::normalize::{normalize_record, Normalized, Options};
use airc::watch::{Out, WatchOptions, WatchSource};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A webhook receiver: each POST's `id` and when it arrived.
fn receiver() -> (String, Arc<Mutex<HashMap<String, Instant>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook/good", l.local_addr().unwrap());
    let got: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let g = got.clone();
    std::thread::spawn(move || {
        for stream in l.incoming().flatten() {
            let g = g.clone();
            std::thread::spawn(move || {
                let mut s = stream;
                let mut buf: Vec<u8> = Vec::new();
                let mut chunk = [0u8; 8192];
                // Requests one after another on the connection (the client keeps it alive):
                // headers, then as much body as Content-Length says.
                loop {
                    let end = buf.windows(4).position(|w| w == b"\r\n\r\n");
                    if let Some(end) = end {
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        let len = head
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            let body: serde_json::Value =
                                serde_json::from_slice(&buf[end + 4..end + 4 + len])
                                    .unwrap_or_default();
                            if let Some(id) = body["id"].as_str() {
                                g.lock().unwrap().insert(id.to_string(), Instant::now());
                            }
                            buf.drain(..end + 4 + len);
                            if s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                                .is_err()
                            {
                                return;
                            }
                            continue;
                        }
                    }
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    (url, got)
}

/// Accepts connections and never answers (a black hole).
fn black_hole() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook/hole", l.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    url
}

fn event(n: usize) -> Normalized {
    let v = serde_json::json!({"eventVersion":"1.08","eventID":format!("load-{n:06}"),
        "eventTime":"2026-11-28T00:00:00Z","eventSource":"ec2.amazonaws.com",
        "eventName":"DescribeInstances","awsRegion":"us-east-1","recipientAccountId":"111122223333",
        "sourceIPAddress":format!("198.51.{}.{}", n / 250 % 250, n % 250),
        "userIdentity":{"type":"IAMUser","accountId":"111122223333","userName":format!("user{n}")}});
    normalize_record(v, &Options::default()).unwrap().1
}

#[test]
fn every_target_gets_each_signal_within_2s_while_another_is_black_holed() {
    const RATE: usize = 1000;
    const SECONDS: usize = 30;
    let (good, got) = receiver();
    let hole = black_hole();
    let data = tempfile::tempdir().unwrap();
    let rules = airc::rules::Rules::parse(
        &format!(
            "[targets.good]\nnotify = [{{ webhook = \"{good}\" }}]\n\
             [targets.hole]\nnotify = [{{ webhook = \"{hole}\", timeout = \"5s\" }}]\n\
             [[rule]]\nname = \"all\"\nmatch = {{ source = \"cloudtrail\" }}\nroute = [\"good\", \"hole\"]\n"
        ),
        "test",
        None,
    )
    .unwrap();
    let (feed_tx, feed_rx) = tokio::sync::mpsc::unbounded_channel();
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let opts = WatchOptions {
        source: WatchSource::Feed(feed_rx),
        rules,
        once: true,
        dry_run: false,
        aws: (
            None,
            Some("us-east-1".into()),
            Some("http://127.0.0.1:9".into()),
        ),
        read_only: false,
        data_dir: data.path().to_path_buf(),
        attempts: 1,
        backoff: Duration::from_millis(10),
        out: Out::channel(out_tx),
    };
    let watch = rt.spawn(airc::watch::run(opts));
    let lines = rt.spawn(async move {
        let mut n = 0usize;
        let mut good_failures: Vec<serde_json::Value> = Vec::new();
        while let Some(l) = out_rx.recv().await {
            n += 1;
            if l["event"] == "delivery" && l["target"] == "good" && l["ok"] != true {
                good_failures.push(l);
            }
        }
        (n, good_failures)
    });
    // Paced in batches of 50 every 50 ms; each signal's arrival is when its batch is sent.
    let mut sent: HashMap<String, Instant> = HashMap::new();
    let start = Instant::now();
    let batch = RATE / 20;
    for b in 0..(RATE * SECONDS / batch) {
        let due = start + Duration::from_millis(50 * b as u64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let items: Vec<Normalized> = (b * batch..(b + 1) * batch).map(event).collect();
        let now = Instant::now();
        for i in &items {
            if let Normalized::Signal(s) = i {
                sent.insert(s.id.to_string(), now);
            }
        }
        feed_tx.send(Feed::Items(items)).unwrap();
    }
    let fed = start.elapsed();
    drop(feed_tx);
    let code = rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(60), watch).await })
        .expect("the watch ends once the feed has ended")
        .unwrap()
        .unwrap();
    let got = got.lock().unwrap().clone();
    let mut worst = Duration::ZERO;
    let mut missing = 0;
    for (id, at) in &sent {
        match got.get(id) {
            Some(r) => worst = worst.max(r.saturating_duration_since(*at)),
            None => missing += 1,
        }
    }
    let (lines, good_failures) = rt.block_on(lines).unwrap();
    eprintln!(
        "fed {} signals in {fed:?}; the working webhook got {} (worst {worst:?} after arrival); \
         {lines} output lines",
        sent.len(),
        got.len()
    );
    assert_eq!(
        code, 1,
        "the black hole's deliveries failed (timed out or turned away)"
    );
    assert_eq!(
        missing,
        0,
        "every signal reached the working webhook; {} failed, first: {:?}",
        good_failures.len(),
        good_failures.first()
    );
    assert!(worst <= Duration::from_secs(2), "worst {worst:?}");
}
