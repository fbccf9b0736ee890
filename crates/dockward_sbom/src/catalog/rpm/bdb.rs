//! Berkeley DB hash databases: rpm's `Packages` up to RHEL 8, CentOS, Amazon Linux 2.
//!
//! Only what rpm writes is read. Page 0 is the hash metadata page (magic `0x061561`
//! in either byte order, which gives the file's byte order; the page size; the last
//! page number). Every other page starts with the 26-byte generic header
//!
//! ```text
//! 0 lsn[8]  8 pgno  12 prev_pgno  16 next_pgno  20 entries:u16  22 hf_offset:u16
//! 24 level:u8  25 type:u8
//! ```
//!
//! Hash pages (type 13, or 2 for the old unsorted kind) follow it with `entries`
//! u16 offsets of their items, in key, value pairs. An item's first byte is its kind:
//! `H_KEYDATA` (1, the bytes inline, up to the previous item) or `H_OFFPAGE` (3: three
//! unused bytes, the first overflow page, the total length). A header blob is almost
//! always too large for a hash page, so it sits in a chain of overflow pages (type 7)
//! each holding `hf_offset` bytes after its header, linked by `next_pgno`.
//!
//! Pages are scanned in file order rather than through the hash buckets: every key,
//! value pair is on some hash page, and a linear scan cannot loop. Overflow chains
//! can: each is walked with a visited mark, and the overflow pages read across all
//! chains are bounded by the page count.

const HASH_MAGIC: u32 = 0x0006_1561;
const BTREE_MAGIC: u32 = 0x0005_3162;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_DUPLICATE: u8 = 2;
const H_OFFPAGE: u8 = 3;
const H_OFFDUP: u8 = 4;
const PAGE_HEADER: usize = 26;
/// The metadata fields read here all lie in the first 72 bytes (the generic part).
const META_LEN: usize = 72;

#[derive(Clone, Copy)]
struct Order {
    big: bool,
}

impl Order {
    fn u32(self, b: &[u8], at: usize) -> u32 {
        let s = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        if self.big {
            u32::from_be_bytes(s)
        } else {
            u32::from_le_bytes(s)
        }
    }

    fn u16(self, b: &[u8], at: usize) -> u16 {
        let s = [b[at], b[at + 1]];
        if self.big {
            u16::from_be_bytes(s)
        } else {
            u16::from_le_bytes(s)
        }
    }
}

/// True when the bytes start like a Berkeley DB hash database (either byte order).
pub(crate) fn sniff(data: &[u8]) -> bool {
    data.len() >= 16 && {
        let m = [data[12], data[13], data[14], data[15]];
        u32::from_le_bytes(m) == HASH_MAGIC || u32::from_be_bytes(m) == HASH_MAGIC
    }
}

struct Db<'a> {
    data: &'a [u8],
    order: Order,
    page_size: usize,
    /// Pages present in the file (and named by the metadata).
    pages: u32,
    /// Per page, the number of the chain that last visited it.
    visited: Vec<u32>,
    chain: u32,
    /// Overflow pages read so far across all chains.
    overflow_read: u64,
}

impl<'a> Db<'a> {
    fn page(&self, pgno: u32) -> &'a [u8] {
        let at = pgno as usize * self.page_size;
        &self.data[at..at + self.page_size]
    }

    /// The bytes of an overflow chain of `len` bytes starting at `first`.
    fn overflow(&mut self, first: u32, len: u32) -> Result<Vec<u8>, String> {
        self.chain += 1;
        let len = len as usize;
        let mut out = Vec::with_capacity(len.min(self.data.len()));
        let mut pgno = first;
        while out.len() < len {
            if pgno == 0 {
                return Err(format!("the chain ends after {} of its {len} bytes", out.len()));
            }
            if pgno >= self.pages {
                return Err(format!("the chain points to page {pgno}, past the last page {}", self.pages - 1));
            }
            let seen = &mut self.visited[pgno as usize];
            if *seen == self.chain {
                return Err(format!("the chain loops back to page {pgno}"));
            }
            *seen = self.chain;
            self.overflow_read += 1;
            if self.overflow_read > 2 * u64::from(self.pages) {
                return Err("more overflow pages read than the file holds: entries share their chains".into());
            }
            let p = self.page(pgno);
            if p[25] != P_OVERFLOW {
                return Err(format!("page {pgno} in the chain is not an overflow page (type {})", p[25]));
            }
            let on_page = usize::from(self.order.u16(p, 22));
            if PAGE_HEADER + on_page > self.page_size {
                return Err(format!("overflow page {pgno} claims {on_page} bytes, more than the page holds"));
            }
            let take = on_page.min(len - out.len());
            out.extend_from_slice(&p[PAGE_HEADER..PAGE_HEADER + take]);
            pgno = self.order.u32(p, 16);
        }
        Ok(out)
    }
}

/// Reads every header blob of a hash database, in page order, handing each to
/// `on_blob`. Problems (each naming the page) go to `problems`; what was read before
/// a problem is kept.
pub(crate) fn read(data: &[u8], on_blob: &mut dyn FnMut(&[u8]), problems: &mut Vec<String>) {
    if data.len() < META_LEN {
        problems.push(format!("{} bytes: too short for a Berkeley DB metadata page", data.len()));
        return;
    }
    let magic = [data[12], data[13], data[14], data[15]];
    let order = if u32::from_le_bytes(magic) == HASH_MAGIC {
        Order { big: false }
    } else if u32::from_be_bytes(magic) == HASH_MAGIC {
        Order { big: true }
    } else if u32::from_le_bytes(magic) == BTREE_MAGIC || u32::from_be_bytes(magic) == BTREE_MAGIC {
        problems.push("a Berkeley DB btree database, not the hash kind rpm writes".into());
        return;
    } else {
        problems.push(format!("not a Berkeley DB hash database (magic {:02x?})", magic));
        return;
    };
    let version = order.u32(data, 16);
    let page_size = order.u32(data, 20) as usize;
    let (encrypt, page_type, last_pgno) = (data[24], data[25], order.u32(data, 32));
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        problems.push(format!("Berkeley DB page size {page_size} is not a power of two from 512 to 65536"));
        return;
    }
    if encrypt != 0 {
        problems.push("the Berkeley DB database is encrypted".into());
        return;
    }
    if page_type != P_HASHMETA {
        problems.push(format!("page 0 is not a hash metadata page (type {page_type})"));
        return;
    }
    if !(8..=10).contains(&version) {
        // The page layout read here has not changed across the versions rpm used;
        // read on, but say so.
        problems.push(format!("Berkeley DB hash version {version} (8 to 10 known): read as version 9"));
    }
    let in_file = data.len() / page_size;
    let named = u64::from(last_pgno) + 1;
    if (in_file as u64) < named {
        problems.push(format!(
            "truncated: the metadata names {named} pages of {page_size} bytes, the file holds {in_file} whole pages"
        ));
    }
    let pages = named.min(in_file as u64) as u32;
    let mut db = Db { data, order, page_size, pages, visited: vec![0; pages as usize], chain: 0, overflow_read: 0 };
    let mut skipped_dups = 0usize;
    for pgno in 1..pages {
        let p = db.page(pgno);
        if p[25] != P_HASH && p[25] != P_HASH_UNSORTED {
            continue;
        }
        let entries = usize::from(order.u16(p, 20));
        let index_end = PAGE_HEADER + 2 * entries;
        if index_end > page_size {
            problems.push(format!("hash page {pgno} claims {entries} entries, more than the page holds"));
            continue;
        }
        let offset = |i: usize| usize::from(order.u16(p, PAGE_HEADER + 2 * i));
        // Items are packed from the end of the page down: item i ends where item i-1
        // starts.
        let item = |i: usize| -> Option<&[u8]> {
            let start = offset(i);
            let end = if i == 0 { page_size } else { offset(i - 1) };
            (start >= index_end && start < end && end <= page_size).then(|| &p[start..end])
        };
        for pair in 0..entries / 2 {
            let (k, v) = (2 * pair, 2 * pair + 1);
            let (Some(key), Some(value)) = (item(k), item(v)) else {
                problems.push(format!("hash page {pgno}: item {k} or {v} lies outside the page; rest of page skipped"));
                break;
            };
            match value[0] {
                H_OFFPAGE => {
                    if value.len() < 12 {
                        problems.push(format!("hash page {pgno}: item {v} is too short for an off-page reference"));
                        continue;
                    }
                    let (first, len) = (order.u32(value, 4), order.u32(value, 8));
                    match db.overflow(first, len) {
                        Ok(blob) => on_blob(&blob),
                        Err(e) => {
                            problems.push(format!(
                                "hash page {pgno}: the value of item {v} (overflow from page {first}): {e}"
                            ));
                            if db.overflow_read > 2 * u64::from(pages) {
                                return;
                            }
                        }
                    }
                }
                H_KEYDATA => {
                    // rpm keeps a record with key 0 holding its next header number;
                    // every other value is a header small enough to sit inline.
                    let key = &key[1..];
                    let counter = key.len() == 4 && key.iter().all(|b| *b == 0);
                    if !counter {
                        on_blob(&value[1..]);
                    }
                }
                H_DUPLICATE | H_OFFDUP => skipped_dups += 1,
                other => {
                    problems.push(format!("hash page {pgno}: item {v} has unknown kind {other}"));
                }
            }
        }
    }
    if skipped_dups > 0 {
        problems.push(format!("{skipped_dups} duplicate-key entries skipped (rpm does not write them)"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn libuuid() -> Vec<u8> {
        let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/rpmdb/pkg/testdata/libuuid/Packages");
        std::fs::read(p).expect("shared corpus libuuid/Packages")
    }

    fn run(data: &[u8]) -> (Vec<Vec<u8>>, Vec<String>) {
        super::super::collect_blobs(read, data)
    }

    #[test]
    fn reads_the_one_header_of_libuuid() {
        let data = libuuid();
        assert!(sniff(&data));
        let (blobs, problems) = run(&data);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(blobs.len(), 1);
        assert_eq!(blobs[0].len(), 80880);
        let h = super::super::header::parse_header(&blobs[0]).unwrap();
        assert_eq!(h.name, "libuuid");
    }

    /// The same database with every integer byte-swapped, as a big-endian machine
    /// writes it.
    #[test]
    fn reads_a_big_endian_database() {
        let mut data = libuuid();
        let ps = 4096;
        let swap32 = |d: &mut [u8], at: usize| d[at..at + 4].reverse();
        let swap16 = |d: &mut [u8], at: usize| d[at..at + 2].reverse();
        for at in [12, 16, 20, 32] {
            swap32(&mut data, at);
        }
        for pg in 1..data.len() / ps {
            let base = pg * ps;
            for at in [8, 12, 16] {
                swap32(&mut data, base + at);
            }
            let entries = u16::from_le_bytes([data[base + 20], data[base + 21]]) as usize;
            let ty = data[base + 25];
            if ty == P_HASH {
                for i in 0..entries {
                    let at = base + PAGE_HEADER + 2 * i;
                    let off = u16::from_le_bytes([data[at], data[at + 1]]) as usize;
                    if data[base + off] == H_OFFPAGE {
                        swap32(&mut data, base + off + 4);
                        swap32(&mut data, base + off + 8);
                    }
                    swap16(&mut data, at);
                }
            }
            swap16(&mut data, base + 20);
            swap16(&mut data, base + 22);
        }
        let (blobs, problems) = run(&data);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(blobs.len(), 1);
        assert_eq!(blobs, run(&libuuid()).0);
    }

    #[test]
    fn a_truncated_file_is_a_warning_and_no_panic() {
        let data = libuuid();
        for cut in [0, 10, 71, 72, 4095, 4096, 8192, 12288 + 100, 50_000, data.len() - 1] {
            let (blobs, problems) = run(&data[..cut]);
            assert!(blobs.is_empty(), "cut at {cut}");
            assert!(!problems.is_empty(), "cut at {cut}");
        }
        let (_, problems) = run(&data[..50_000]);
        assert!(problems[0].starts_with("truncated: the metadata names 23 pages"), "{problems:?}");
        assert!(problems[1].contains("past the last page 11"), "{problems:?}");
    }

    #[test]
    fn an_overflow_chain_that_loops_is_a_warning() {
        let mut data = libuuid();
        // Page 10's next page: back to page 5.
        data[10 * 4096 + 16..10 * 4096 + 20].copy_from_slice(&5u32.to_le_bytes());
        let start = std::time::Instant::now();
        let (blobs, problems) = run(&data);
        assert!(blobs.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("the chain loops back to page 5"), "{problems:?}");
        assert!(start.elapsed().as_secs() < 10);

        // A page pointing to itself.
        let mut data = libuuid();
        data[7 * 4096 + 16..7 * 4096 + 20].copy_from_slice(&7u32.to_le_bytes());
        let (_, problems) = run(&data);
        assert!(problems[0].contains("loops back to page 7"), "{problems:?}");
    }

    #[test]
    fn shared_chains_are_bounded() {
        // A hash page whose 100 pairs all point at the same 20-page chain.
        let data = libuuid();
        let ps = 4096;
        let mut db = data.clone();
        let page = &mut db[2 * ps..3 * ps];
        let pairs = 100usize;
        page[20..22].copy_from_slice(&((2 * pairs) as u16).to_le_bytes());
        let mut at = ps;
        for i in 0..2 * pairs {
            let len = if i % 2 == 0 { 5 } else { 12 };
            at -= len;
            page[PAGE_HEADER + 2 * i..PAGE_HEADER + 2 * i + 2].copy_from_slice(&(at as u16).to_le_bytes());
            if i % 2 == 0 {
                page[at] = H_KEYDATA;
                page[at + 1..at + 5].copy_from_slice(&(i as u32 + 1).to_le_bytes());
            } else {
                page[at] = H_OFFPAGE;
                page[at + 4..at + 8].copy_from_slice(&3u32.to_le_bytes());
                page[at + 8..at + 12].copy_from_slice(&80880u32.to_le_bytes());
            }
        }
        let (blobs, problems) = run(&db);
        // 23 pages: two full readings of the 20-page chain fit in 46 overflow pages.
        assert_eq!(blobs.len(), 2);
        assert!(problems.last().unwrap().contains("entries share their chains"), "{problems:?}");
    }

    #[test]
    fn other_files_are_refused() {
        assert!(!sniff(b"SQLite format 3\0"));
        let (_, p) = run(&[0u8; 4096]);
        assert!(p[0].starts_with("not a Berkeley DB hash database"), "{p:?}");
        let mut btree = libuuid();
        btree[12..16].copy_from_slice(&BTREE_MAGIC.to_le_bytes());
        assert!(run(&btree).1[0].contains("btree"));
        let mut bad_size = libuuid();
        bad_size[20..24].copy_from_slice(&3000u32.to_le_bytes());
        assert!(run(&bad_size).1[0].contains("page size 3000"));
    }

    #[test]
    fn mutated_files_never_panic() {
        let data = libuuid();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300 {
            let mut d = data.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed % d.len() as u64) as usize;
                // Bias the damage towards the page headers and hash items.
                let at = if seed & 1 == 0 { at / 4096 * 4096 + (at % 32) } else { at };
                d[at] = (seed >> 32) as u8;
            }
            let _ = run(&d);
        }
    }
}
