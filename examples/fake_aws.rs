//! The tests' fake AWS, standalone, serving the demo scenario: try the live console without an
//! account, and inject faults by hand.
//!
//! ```text
//! cargo run --example fake_aws -- 4599
//! AWS_ACCESS_KEY_ID=AKIAFAKE AWS_SECRET_ACCESS_KEY=fake \
//!   airc --endpoint-url http://127.0.0.1:4599 --region us-east-1
//! curl -d '{"service":"guardduty","kind":"throttle"}' http://127.0.0.1:4599/_fake/fault
//! curl -X POST http://127.0.0.1:4599/_fake/clear
//! ```

#[path = "../tests/support/fake_aws/mod.rs"]
mod fake_aws;

fn main() {
    let port = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(4599);
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let server = fake_aws::FakeAws::start_on(fake_aws::World::demo(&assets), port);
    println!("fake AWS (demo scenario) on {}", server.url);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
