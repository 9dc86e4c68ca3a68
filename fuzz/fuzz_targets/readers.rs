//! Fuzzes the format detector and every reader: raw bytes as a plain file, as a gzip member and
//! as a zip archive, through detection, the streaming document reader, every normalizer and the
//! store. Any panic is a bug; bad input must come back as a FileReport error.
#![no_main]

use airc::normalize::Options;
use airc::source::replay::{containers, read_bytes};
use airc::store::Store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let outputs = match mode % 3 {
        0 => vec![read_bytes("fuzz.json", body, "", Options::default())],
        1 => match containers::gunzip_bytes(body) {
            Ok(inner) => vec![read_bytes(
                "fuzz.json.gz",
                &inner,
                "gzip",
                Options::default(),
            )],
            Err(_) => vec![],
        },
        _ => match containers::zip_entries_from(std::io::Cursor::new(body)) {
            Ok(entries) => entries
                .into_iter()
                .filter_map(|(name, bytes)| {
                    bytes
                        .ok()
                        .map(|b| read_bytes(&name, &b, "zip", Options::default()))
                })
                .collect(),
            Err(_) => vec![],
        },
    };
    let mut store = Store::default();
    for out in outputs {
        for item in out.items {
            store.insert(item);
        }
    }
    store.finish();
});
