//! Files an attacker could have written, replayed with the real binary: decompression bombs
//! (gzip, a deflated zip entry, a `.gz` inside a zip) stay far below 1 GB of resident memory and
//! fail with a message naming the file and the limit; a device and a FIFO are reported at once
//! instead of read forever or waited on.
//!
//! One test function: the peak memory is read with getrusage(RUSAGE_CHILDREN), which covers
//! every child this process has waited for.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn inspect(args: &[&str]) -> (Output, Duration) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .env("AIRC_DATA_DIR", std::env::temp_dir())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (out, t.elapsed())
}

/// The largest resident set of any child waited for so far, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    assert_eq!(rc, 0);
    u.ru_maxrss as u64 * 1024
}

/// `members` gzip members of 1 MiB of `fill` each (MultiGzDecoder reads them as one stream):
/// 13,000 members are a 13 MB file that inflates to 13 GB.
fn gzip_bomb(prefix: &[u8], fill: u8, members: usize) -> Vec<u8> {
    let gz = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap_or_else(|e| panic!("{e}"));
        e.finish().unwrap_or_else(|e| panic!("{e}"))
    };
    let member = gz(&vec![fill; 1 << 20]);
    let mut out = gz(prefix);
    for _ in 0..members {
        out.extend_from_slice(&member);
    }
    out
}

/// A raw deflate stream of `{"Records":[` and `mib` MiB of spaces, built from one fully
/// flushed 1 MiB block repeated (no back-reference crosses a full flush, so the copies are
/// independent).
fn deflate_bomb(mib: usize) -> Vec<u8> {
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut out = Vec::with_capacity(1 << 16);
    c.compress_vec(b"{\"Records\":[", &mut out, flate2::FlushCompress::Full)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut block = Vec::with_capacity(1 << 16);
    c.compress_vec(
        &vec![b' '; 1 << 20],
        &mut block,
        flate2::FlushCompress::Full,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..mib {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&[0x03, 0x00]); // a final, empty fixed-Huffman block
    out
}

/// A zip archive with one entry, written by hand: `method` 8 (deflate) or 0 (stored). The CRC
/// is left 0: the reader must stop at the size limit long before it could check it.
fn zip_one(name: &str, method: u16, data: &[u8], declared: u32) -> Vec<u8> {
    let mut z = Vec::new();
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    le32(&mut z, 0x0403_4b50);
    for x in [20u16, 0, method, 0, 0x21] {
        le16(&mut z, x);
    }
    for x in [0u32, data.len() as u32, declared] {
        le32(&mut z, x);
    }
    le16(&mut z, name.len() as u16);
    le16(&mut z, 0);
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let cd = z.len() as u32;
    le32(&mut z, 0x0201_4b50);
    for x in [20u16, 20, 0, method, 0, 0x21] {
        le16(&mut z, x);
    }
    for x in [0u32, data.len() as u32, declared] {
        le32(&mut z, x);
    }
    for x in [name.len() as u16, 0, 0, 0, 0] {
        le16(&mut z, x);
    }
    le32(&mut z, 0);
    le32(&mut z, 0);
    z.extend_from_slice(name.as_bytes());
    let cd_len = z.len() as u32 - cd;
    le32(&mut z, 0x0605_4b50);
    for x in [0u16, 0, 1, 1] {
        le16(&mut z, x);
    }
    le32(&mut z, cd_len);
    le32(&mut z, cd);
    le16(&mut z, 0);
    z
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
    p.display().to_string()
}

#[test]
fn bombs_devices_and_fifos_cost_little_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 13 MB of gzip that inflates to 13 GB of zeros: fails at its first byte, with the default
    // limit.
    let zeros = write(d, "zeros.json.gz", &gzip_bomb(b"", 0, 13_000));
    let (out, _) = inspect(&["inspect", &zeros]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(
        t.contains("zeros.json.gz") && t.contains("1.0 GiB per file (--max-file-size)"),
        "{t}"
    );
    // JSON that never ends: stopped by the limit, which the report names.
    let spaces = write(
        d,
        "records.json.gz",
        &gzip_bomb(b"{\"Records\":[", b' ', 200),
    );
    let (out, _) = inspect(&["--max-file-size", "64M", "inspect", &spaces]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("records.json.gz")
            && t.contains("64.0 MiB limit")
            && t.contains("--max-file-size"),
        "{t}"
    );
    // A zip entry that inflates to 3 GiB of JSON that never ends, and a zip holding a gzip
    // bomb.
    let zip = write(
        d,
        "bomb.zip",
        &zip_one("CloudTrail.json", 8, &deflate_bomb(3072), 3 << 30),
    );
    let (out, _) = inspect(&["--max-file-size", "64M", "inspect", &zip]);
    let t = text(&out);
    assert!(
        t.contains("bomb.zip!CloudTrail.json") && t.contains("--max-file-size"),
        "{t}"
    );
    let inner = gzip_bomb(b"[", b' ', 200);
    let nested = write(
        d,
        "nested.zip",
        &zip_one("logs/a.json.gz", 0, &inner, inner.len() as u32),
    );
    let (out, _) = inspect(&["--max-file-size", "64M", "inspect", &nested]);
    let t = text(&out);
    assert!(
        t.contains("nested.zip!logs/a.json.gz") && t.contains("--max-file-size"),
        "{t}"
    );
    let peak = children_peak_rss();
    assert!(peak < 1 << 30, "peak resident memory {} MB", peak >> 20);
    // Not regular files: reported within a second, never read or waited on.
    let sub = d.join("logs");
    std::fs::create_dir(&sub).unwrap();
    let fifo = sub.join("pipe.json");
    let c = std::ffi::CString::new(fifo.display().to_string()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for (path, what) in [
        ("/dev/zero", "a device"),
        (fifo.to_str().unwrap_or(""), "a FIFO"),
    ] {
        let (out, took) = inspect(&["inspect", path]);
        let t = text(&out);
        assert!(took < Duration::from_secs(1), "{path}: {took:?}");
        assert_eq!(out.status.code(), Some(1), "{t}");
        assert!(t.contains(what) && t.contains("not a regular file"), "{t}");
    }
    // A folder holding a FIFO: walked past, the other files still read.
    std::fs::write(sub.join("ok.json"), br#"{"Records":[]}"#).unwrap();
    let (out, took) = inspect(&["inspect", sub.to_str().unwrap_or("")]);
    let t = text(&out);
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(
        t.contains("pipe.json") && t.contains("a FIFO") && t.contains("ok.json"),
        "{t}"
    );
}
