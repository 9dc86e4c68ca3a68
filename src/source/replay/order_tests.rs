//! A load hands the store every file's records in the order the files were found, however the
//! reading threads finish: the same files make the same store, the same correlations and the
//! same stories on every run.

use super::*;
use serde_json::json;

fn record(file: usize, n: usize) -> serde_json::Value {
    json!({
        "eventVersion": "1.08",
        "eventTime": format!("2024-03-01T{:02}:{:02}:00Z", file % 24, n % 60),
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "eventID": format!("f{file:02}-{n:05}"),
        "recipientAccountId": "111122223333",
        "userIdentity": {"type": "IAMUser", "userName": "bert", "accountId": "111122223333"},
    })
}

#[test]
fn the_store_gets_files_in_path_order_however_the_threads_finish() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // The first files are the largest, so the threads reading later ones finish first.
    let sizes = [3000, 2000, 50, 50, 1200, 50, 50, 50, 900, 50, 50, 50];
    for (f, n) in sizes.iter().enumerate() {
        let body = json!({ "Records": (0..*n).map(|i| record(f, i)).collect::<Vec<_>>() });
        std::fs::write(dir.path().join(format!("{f:02}.json")), body.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..3 {
        let loaded = pool.install(|| {
            load(
                &[dir.path().to_path_buf()],
                Options::without_raw(),
                &Progress::default(),
            )
        });
        let ids: Vec<String> = loaded
            .store
            .signals()
            .iter()
            .map(|s| s.id.to_string())
            .collect();
        assert_eq!(ids.len(), sizes.iter().sum::<usize>());
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert!(ids == sorted, "signals out of file order: {:?}", &ids[..20]);
    }
}
