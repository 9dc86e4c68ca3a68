//! Fuzzes the format detector and every reader: raw bytes as a plain file, as a gzip member and
//! as a zip archive, through detection, the streaming document reader, every normalizer and the
//! store. Any panic is a bug; bad input must come back as a FileReport error.
#![no_main]

use airc::normalize::Options;
use airc::source::replay::{read_bytes, read_reader, read_zip};
use airc::store::Store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let outputs = match mode % 3 {
        0 => vec![read_bytes("fuzz.json", body, "", Options::default())],
        1 => vec![read_reader(
            "fuzz.json.gz",
            flate2::read::MultiGzDecoder::new(body),
            "gzip",
            Options::default(),
        )],
        _ => read_zip("fuzz.zip", std::io::Cursor::new(body), Options::default()).unwrap_or_default(),
    };
    let mut store = Store::default();
    for out in outputs {
        for item in out.items {
            store.insert(item);
        }
    }
    store.finish();
});
