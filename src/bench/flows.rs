//! `airc bench flows OUT RECORDS`: a VPC Flow Logs corpus in the S3 layout (`.log.gz` files
//! of the default format with their header line), for the memory and speed measurements of
//! conversations. Deterministic (a fixed xorshift seed), so two runs write the same files.
//!
//! Shape: `hosts` internal addresses (10.x) on as many interfaces talk to a pool of 20,000
//! external addresses and to each other over a day; a fifth of the records are replies (source
//! port 443/22/3306, destination an ephemeral port), 3 % are REJECTs from the internet. With
//! `--distinct` every record is its own conversation (a new ephemeral destination port each
//! time): the worst case for memory.

use std::io::Write;
use std::path::Path;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: enough spread for synthetic traffic, and no dependency for it.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
/// 2026-11-28T00:00:00Z.
const DAY: i64 = 1_795_824_000;

pub fn run(
    out: &Path,
    records: u64,
    per_file: u64,
    hosts: u64,
    distinct: bool,
) -> Result<(), String> {
    let dir = out.join("AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/28");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let hosts = hosts.clamp(1, 60_000);
    let per_file = per_file.max(1);
    let services: [u16; 6] = [443, 443, 443, 80, 22, 3306];
    let mut written = 0u64;
    let mut file_no = 0u64;
    let mut bytes_out = 0u64;
    while written < records {
        let n = per_file.min(records - written);
        let mut text = String::with_capacity(n as usize * 110 + HEADER.len());
        text.push_str(HEADER);
        // Each file covers its own slice of the day, in order.
        let start = DAY + (written * 86_400 / records.max(1)) as i64;
        for i in 0..n {
            let host = rng.below(hosts);
            let me = format!(
                "10.{}.{}.{}",
                1 + host / 65_536 % 200,
                host / 256 % 256,
                host % 256
            );
            let eni = format!("eni-{:017x}", 0x00c0_ffee_0000_0000_u64 + host);
            let ext = rng.below(20_000);
            let peer = format!(
                "{}.{}.{}.{}",
                3 + ext % 50,
                ext / 50 % 256,
                ext / 7 % 256,
                1 + ext % 250
            );
            let t = start + (i * 60 / per_file.max(1)) as i64 + rng.below(60) as i64;
            let service = services[rng.below(services.len() as u64) as usize];
            let ephemeral = if distinct {
                32_768 + ((written + i) % 28_000) as u16
            } else {
                32_768 + rng.below(28_000) as u16
            };
            let roll = rng.below(100);
            let bytes = 40 + rng.below(200_000);
            let packets = 1 + bytes / 1200;
            let line = if roll < 3 {
                format!(
                    "2 111122223333 {eni} {peer} {me} {ephemeral} {} 6 1 40 {t} {} REJECT OK\n",
                    1 + rng.below(1024),
                    t + 60
                )
            } else if roll < 23 {
                format!("2 111122223333 {eni} {peer} {me} {service} {ephemeral} 6 {packets} {bytes} {t} {} ACCEPT OK\n", t + 60)
            } else if distinct {
                format!("2 111122223333 {eni} {me} {peer} {service} {ephemeral} 6 {packets} {bytes} {t} {} ACCEPT OK\n", t + 60)
            } else {
                format!("2 111122223333 {eni} {me} {peer} {ephemeral} {service} 6 {packets} {bytes} {t} {} ACCEPT OK\n", t + 60)
            };
            text.push_str(&line);
        }
        let name = dir.join(format!(
            "111122223333_vpcflowlogs_us-east-1_fl-0c0ffee_20261128T{:02}{:02}Z_{file_no:08x}.log.gz",
            (start - DAY) / 3600 % 24,
            (start - DAY) / 60 % 60
        ));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        let data = gz.finish().map_err(|e| e.to_string())?;
        bytes_out += data.len() as u64;
        std::fs::write(&name, data).map_err(|e| format!("{}: {e}", name.display()))?;
        written += n;
        file_no += 1;
    }
    println!(
        "{written} flow records in {file_no} files under {} ({:.1} MB gzip)",
        out.display(),
        bytes_out as f64 / 1e6
    );
    Ok(())
}
