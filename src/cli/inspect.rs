//! `airc inspect PATH...`: what files hold, as text or one JSON object. Exit 1 when a file failed.

use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(paths: &[PathBuf], json: bool) -> ExitCode {
    let report = crate::inspect::run(paths);
    if json {
        println!("{}", crate::safe_text::json(&report.to_json()));
    } else {
        print!("{}", report.to_text());
    }
    if report.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
