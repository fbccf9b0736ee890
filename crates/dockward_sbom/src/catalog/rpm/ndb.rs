//! rpm's own "ndb" package database (`Packages.db`, SUSE 15 and openSUSE). All
//! integers little-endian; the file is made of 16-byte blocks.
//!
//! ```text
//! header (32 bytes)   'RpmP', version (0), generation, slot pages, next package index
//! slots (16 bytes)    'Slot', package index (0: free), block offset, block count
//!                     filling the rest of the slot pages (4096 bytes each)
//! blob at block offset × 16:
//!                     'BlbS', package index, generation, length, then `length` bytes
//!                     of header blob, padding, and a 12-byte tail (checksum, length,
//!                     'BlbE') at the end of the blocks
//! ```
//!
//! Every offset is checked against the file; a slot or blob that does not check out
//! is skipped with a problem, and the others are still read.

const HEADER_LEN: usize = 32;
const SLOT_LEN: usize = 16;
const SLOT_PAGE: usize = 4096;
const BLOCK: u64 = 16;
const BLOB_HEAD: usize = 16;
const BLOB_TAIL: usize = 12;

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// True when the bytes start like an ndb database.
pub(crate) fn sniff(data: &[u8]) -> bool {
    data.starts_with(b"RpmP")
}

/// Reads every header blob, in slot order, handing each to `on_blob`; problems (each
/// naming the slot or package) go to `problems`.
pub(crate) fn read(data: &[u8], on_blob: &mut dyn FnMut(&[u8]), problems: &mut Vec<String>) {
    if data.len() < HEADER_LEN {
        problems.push(format!("{} bytes: too short for an ndb header", data.len()));
        return;
    }
    if !sniff(data) {
        problems.push(format!("not an ndb database (magic {:02x?})", &data[..4]));
        return;
    }
    let version = le32(data, 4);
    if version != 0 {
        problems.push(format!("ndb version {version} (only 0 is known)"));
        return;
    }
    let slot_pages = le32(data, 12);
    let slot_end = (slot_pages as usize).saturating_mul(SLOT_PAGE);
    if slot_pages == 0 {
        problems.push("the ndb header names no slot pages".into());
        return;
    }
    if slot_end > data.len() {
        problems.push(format!(
            "truncated: the header names {slot_pages} slot pages ({slot_end} bytes), the file has {}",
            data.len()
        ));
    }
    // The slots, up to the end of the slot pages or the first entry without the
    // magic; the blobs come after them.
    let mut slots = Vec::new();
    let mut slots_end = slot_end.min(data.len());
    for (n, at) in (HEADER_LEN..slots_end).step_by(SLOT_LEN).enumerate() {
        let Some(slot) = data.get(at..at + SLOT_LEN) else { break };
        if &slot[..4] != b"Slot" {
            problems.push(format!("slot {n} at byte {at} has no 'Slot' magic: the slots after it are not read"));
            slots_end = at;
            break;
        }
        let (pkg, blkoff, blkcnt) = (le32(slot, 4), le32(slot, 8), le32(slot, 12));
        if pkg != 0 {
            slots.push((pkg, blkoff, blkcnt));
        }
    }
    let mut past_end = Vec::new();
    for (pkg, blkoff, blkcnt) in slots {
        let start = u64::from(blkoff) * BLOCK;
        let len = u64::from(blkcnt) * BLOCK;
        if start < slots_end as u64 || len < (BLOB_HEAD + BLOB_TAIL) as u64 {
            problems.push(format!(
                "package {pkg}: its blob (block {blkoff}, {blkcnt} blocks) overlaps the slots or is too small"
            ));
            continue;
        }
        if start + len > data.len() as u64 {
            past_end.push(pkg);
            continue;
        }
        let blob = &data[start as usize..(start + len) as usize];
        let (magic, idx, blob_len) = (&blob[..4], le32(blob, 4), le32(blob, 12) as usize);
        if magic != b"BlbS" || idx != pkg {
            problems.push(format!(
                "package {pkg}: block {blkoff} does not start its blob (magic {:02x?}, package {idx})",
                magic
            ));
            continue;
        }
        if blob_len > blob.len() - BLOB_HEAD - BLOB_TAIL {
            problems.push(format!("package {pkg}: blob length {blob_len} exceeds its {blkcnt} blocks"));
            continue;
        }
        on_blob(&blob[BLOB_HEAD..BLOB_HEAD + blob_len]);
    }
    if !past_end.is_empty() {
        let shown = past_end.iter().take(10).map(|p| p.to_string()).collect::<Vec<_>>().join(", ");
        let more = if past_end.len() > 10 { ", ..." } else { "" };
        problems.push(format!(
            "truncated: the blobs of {} packages ({shown}{more}) lie past the end of the {}-byte file",
            past_end.len(),
            data.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sle15() -> Vec<u8> {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus/vuln/rpmdb/pkg/testdata/sle15-bci/Packages.db"
        );
        std::fs::read(p).expect("shared corpus sle15-bci/Packages.db")
    }

    fn run(data: &[u8]) -> (Vec<Vec<u8>>, Vec<String>) {
        super::super::collect_blobs(read, data)
    }

    #[test]
    fn reads_35_headers() {
        let (blobs, problems) = run(&sle15());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(blobs.len(), 35);
        let first = super::super::header::parse_header(&blobs[0]).unwrap();
        assert_eq!(first.name, "system-user-root");
    }

    #[test]
    fn a_truncated_file_keeps_the_blobs_before_the_cut() {
        let data = sle15();
        let (blobs, problems) = run(&data[..600_000]);
        assert!(!blobs.is_empty() && blobs.len() < 35);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with(&format!("truncated: the blobs of {} packages", 35 - blobs.len())));
        for cut in [0, 4, 31, 32, 100, 4095, 4096, 4100] {
            let (blobs, problems) = run(&data[..cut]);
            assert!(!problems.is_empty(), "cut at {cut}");
            assert!(blobs.len() <= 1);
        }
    }

    #[test]
    fn bad_slots_and_blobs_are_skipped() {
        let mut data = sle15();
        // Slot 0 (package 1): its block offset into the slot area.
        data[32 + 8..32 + 12].copy_from_slice(&1u32.to_le_bytes());
        // Slot 1 (package 2): a block count far past the file.
        data[48 + 12..48 + 16].copy_from_slice(&u32::MAX.to_le_bytes());
        // Slot 2 (package 3): its blob's length beyond its blocks.
        let blob3 = le32(&data, 64 + 8) as usize * 16;
        data[blob3 + 12..blob3 + 16].copy_from_slice(&u32::MAX.to_le_bytes());
        // Slot 3 (package 4): the blob names another package.
        let blob4 = le32(&data, 80 + 8) as usize * 16;
        data[blob4 + 4..blob4 + 8].copy_from_slice(&9u32.to_le_bytes());
        let (blobs, problems) = run(&data);
        assert_eq!(blobs.len(), 31);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("overlaps the slots"));
        assert!(problems[1].contains("blob length 4294967295"));
        assert!(problems[2].contains("package 9"));
        assert!(problems[3].starts_with("truncated: the blobs of 1 packages (2)"));

        let mut data = sle15();
        data[32 + 16 * 5] = b'X';
        let (blobs, problems) = run(&data);
        assert_eq!(blobs.len(), 5);
        assert!(problems[0].starts_with("slot 5 at byte 112 has no 'Slot' magic"));

        let mut data = sle15();
        data[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        let (blobs, problems) = run(&data);
        assert!(problems[0].starts_with("truncated: the header names 4294967295 slot pages"));
        // The first entry without the magic (the first blob) ends the slots.
        assert!(problems[1].starts_with("slot 254 at byte 4096 has no 'Slot' magic"), "{problems:?}");
        assert_eq!(problems.len(), 2);
        assert_eq!(blobs.len(), 35);
    }

    #[test]
    fn other_files_are_refused() {
        assert!(run(b"SQLite format 3\0 and more bytes than thirty-two").1[0].starts_with("not an ndb database"));
        let mut v1 = sle15();
        v1[4] = 1;
        assert_eq!(run(&v1).1, ["ndb version 1 (only 0 is known)"]);
    }

    #[test]
    fn mutated_files_never_panic() {
        let data = sle15()[..300_000].to_vec();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200 {
            let mut d = data.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // Mostly the slots and blob headers.
                let at = if seed & 1 == 0 { (seed >> 8) as usize % 4096 } else { (seed >> 8) as usize % d.len() };
                d[at] = (seed >> 40) as u8;
            }
            let _ = run(&d);
        }
    }
}
