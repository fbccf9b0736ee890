//! A minimal read-only reader of the SQLite 3 file format, enough for rpm's
//! `rpmdb.sqlite` (Fedora 33+, RHEL 9, Amazon Linux 2023, CBL-Mariner): the table
//! `Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)`, one header
//! blob per row.
//!
//! Why hand-written: dockward links no C library, which rules out `rusqlite` and
//! `libsqlite3-sys`, and the pure-Rust SQLite crates are whole database engines
//! (SQL parser, VM, pager, locking, journals) that are large, write-capable and
//! young. Reading one table of a file the image holds needs only the file format
//! (<https://www.sqlite.org/fileformat2.html>), and a small reader can be made to
//! fail cleanly on any byte it is given:
//!
//! - the 100-byte header: page size (1 means 65536), reserved bytes per page (the
//!   usable size is the page size less those), text encoding, the page count;
//! - `sqlite_schema` (formerly `sqlite_master`), the table b-tree rooted at page 1,
//!   gives the root page of table `Packages` and its `CREATE TABLE` text, from which
//!   the position of column `blob` is taken;
//! - table b-trees: interior pages (0x05: cells of a left child page and a rowid, and
//!   a right-most child) and leaf pages (0x0D: cells of payload size, rowid, the
//!   local part of the payload and, when it spills, the first overflow page);
//! - records: a header of serial types (varints), then the values; overflow pages
//!   hold a next-page number and `usable - 4` payload bytes each.
//!
//! Not read: the write-ahead log (`rpmdb.sqlite-wal`), index b-trees, free pages,
//! `WITHOUT ROWID` tables. Every page number is checked against the file, every
//! b-tree page may be visited once per walk and every overflow chain may not revisit
//! a page; overflow pages read in all are bounded by twice the page count. A
//! structural error stops the walk with one problem, keeping the rows read before it.

const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const LEAF_TABLE: u8 = 0x0d;
const INTERIOR_TABLE: u8 = 0x05;

/// True when the bytes start like an SQLite 3 database.
pub(crate) fn sniff(data: &[u8]) -> bool {
    data.starts_with(MAGIC)
}

/// Reads the `blob` column of every row of table `Packages`, in rowid order, handing
/// each to `on_blob`. Problems go to `problems`: a row that is not a record with a
/// blob is skipped with one; a file or b-tree that does not check out stops the read
/// with one.
pub(crate) fn read(data: &[u8], on_blob: &mut dyn FnMut(&[u8]), problems: &mut Vec<String>) {
    if let Err(e) = read_packages(data, on_blob, problems) {
        problems.push(e);
    }
}

fn read_packages(data: &[u8], on_blob: &mut dyn FnMut(&[u8]), problems: &mut Vec<String>) -> Result<(), String> {
    let mut db = Db::open(data, problems)?;
    let (root, sql) = db.find_table("Packages")?;
    let blob_column = sql.as_deref().and_then(|s| column_index(s, "blob"));
    let mut skipped = 0usize;
    db.walk(root, &mut |rowid, payload| {
        match record(payload) {
            Ok(values) => {
                let chosen = blob_column.and_then(|i| match values.get(i) {
                    Some(Value::Blob(b)) => Some(*b),
                    _ => None,
                });
                // Without a usable schema, the row's first blob is the header.
                let first = || values.iter().find_map(|v| if let Value::Blob(b) = v { Some(*b) } else { None });
                match chosen.or_else(first) {
                    Some(b) => on_blob(b),
                    None => {
                        skipped += 1;
                        if skipped <= 5 {
                            problems.push(format!("Packages row {rowid}: no blob column"));
                        }
                    }
                }
            }
            Err(e) => {
                skipped += 1;
                if skipped <= 5 {
                    problems.push(format!("Packages row {rowid}: {e}"));
                }
            }
        }
    })?;
    if skipped > 5 {
        problems.push(format!("{} more Packages rows skipped", skipped - 5));
    }
    Ok(())
}

struct Db<'a> {
    data: &'a [u8],
    page_size: usize,
    usable: usize,
    pages: u32,
    encoding: u32,
    /// Per page, the number of the overflow chain that last visited it.
    chain_mark: Vec<u32>,
    chain: u32,
    overflow_read: u64,
}

fn be16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// An SQLite varint at `at`: 1 to 9 bytes, big-endian, seven bits per byte with the
/// high bit set on all but the last, the ninth byte contributing all eight bits.
fn varint(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for i in 0..9 {
        let byte = *b.get(at + i)?;
        if i == 8 {
            return Some(((v << 8) | u64::from(byte), at + 9));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((v, at + i + 1));
        }
    }
    None
}

impl<'a> Db<'a> {
    fn open(data: &'a [u8], problems: &mut Vec<String>) -> Result<Self, String> {
        if data.len() < 100 || !sniff(data) {
            return Err("not an SQLite 3 database (no 'SQLite format 3' header)".into());
        }
        let page_size = match be16(data, 16) {
            1 => 65536,
            n => n,
        };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!("not a readable SQLite database: page size {page_size}"));
        }
        let (read_version, reserved) = (data[19], usize::from(data[20]));
        if read_version > 2 {
            return Err(format!("not a readable SQLite database: file format read version {read_version}"));
        }
        if data[21..24] != [64, 32, 32] {
            return Err(format!(
                "not a readable SQLite database: payload fractions {:?}, not 64, 32, 32",
                &data[21..24]
            ));
        }
        let usable = page_size - reserved;
        if usable < 480 {
            return Err(format!("not a readable SQLite database: {usable} usable bytes per page"));
        }
        let encoding = be32(data, 56);
        if encoding > 3 {
            return Err(format!("not a readable SQLite database: text encoding {encoding}"));
        }
        let in_file = (data.len() / page_size).min(u32::MAX as usize) as u32;
        if in_file == 0 {
            return Err(format!("truncated: {} bytes, less than one {page_size}-byte page", data.len()));
        }
        let mut pages = in_file;
        // The header's page count holds when it was written by a version that keeps
        // it (its "version-valid-for" equals the change counter).
        let (named, counter, valid_for) = (be32(data, 28), be32(data, 24), be32(data, 92));
        if named != 0 && counter == valid_for {
            if named > in_file {
                problems.push(format!(
                    "truncated: the header names {named} pages of {page_size} bytes, the file holds {in_file}"
                ));
            } else {
                pages = named;
            }
        }
        Ok(Db {
            data,
            page_size,
            usable,
            pages,
            encoding,
            chain_mark: vec![0; pages as usize + 1],
            chain: 0,
            overflow_read: 0,
        })
    }

    /// Page `n` (from 1), its usable part.
    fn page(&self, n: u32) -> Result<&'a [u8], String> {
        if n == 0 || n > self.pages {
            return Err(format!("page number {n} is outside the database's {} pages", self.pages));
        }
        let at = (n as usize - 1) * self.page_size;
        Ok(&self.data[at..at + self.usable])
    }

    /// The root page and `CREATE` text of table `name`, from `sqlite_schema`.
    fn find_table(&mut self, name: &str) -> Result<(u32, Option<String>), String> {
        let mut found = None;
        let mut bad_rows = 0usize;
        let encoding = self.encoding;
        let walked = self.walk(1, &mut |_, payload| {
            let Ok(values) = record(payload) else {
                bad_rows += 1;
                return;
            };
            let is = |i: usize, want: &str| {
                matches!(values.get(i), Some(Value::Text(t)) if decode(encoding, t).eq_ignore_ascii_case(want))
            };
            if found.is_none() && is(0, "table") && is(1, name) {
                let root = match values.get(3) {
                    Some(Value::Int(n)) => *n,
                    _ => 0,
                };
                let sql = match values.get(4) {
                    Some(Value::Text(t)) => Some(t.to_vec()),
                    _ => None,
                };
                found = Some((root, sql));
            }
        });
        if let Err(e) = walked {
            return Err(format!("not a readable SQLite database: the schema table: {e}"));
        }
        match found {
            Some((root, sql)) => {
                let root = u32::try_from(root)
                    .ok()
                    .filter(|r| *r >= 2)
                    .ok_or_else(|| format!("the schema gives table {name} root page {root}"))?;
                Ok((root, sql.map(|s| decode(self.encoding, &s))))
            }
            None if bad_rows > 0 => Err(format!("no table {name} in the schema ({bad_rows} schema rows unreadable)")),
            None => Err(format!("no table {name} in the schema: not an rpm database")),
        }
    }

    /// Walks the table b-tree at `root` in rowid order, handing each row's rowid and
    /// whole payload to `on_row`.
    fn walk(&mut self, root: u32, on_row: &mut dyn FnMut(i64, &[u8])) -> Result<(), String> {
        let mut seen = vec![false; self.pages as usize + 1];
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            let p = self.page(n)?;
            if std::mem::replace(&mut seen[n as usize], true) {
                return Err(format!("b-tree page {n} is reached twice (the page pointers form a cycle)"));
            }
            let h = if n == 1 { 100 } else { 0 };
            let kind = p[h];
            let header_len = match kind {
                INTERIOR_TABLE => 12,
                LEAF_TABLE => 8,
                _ => return Err(format!("page {n} is not a table b-tree page (type 0x{kind:02x})")),
            };
            let cells = be16(p, h + 3);
            let ptrs = h + header_len;
            if ptrs + 2 * cells > self.usable {
                return Err(format!("page {n} claims {cells} cells, more than the page holds"));
            }
            let usable = self.usable;
            let cell = |i: usize| -> Result<usize, String> {
                let at = be16(p, ptrs + 2 * i);
                if at < ptrs + 2 * cells || at >= usable {
                    return Err(format!("page {n}: cell {i} at offset {at} is outside the cell area"));
                }
                Ok(at)
            };
            if kind == INTERIOR_TABLE {
                // Pushed right to left, so the leftmost child is walked first.
                stack.push(be32(p, h + 8));
                for i in (0..cells).rev() {
                    let at = cell(i)?;
                    if at + 4 > self.usable {
                        return Err(format!("page {n}: cell {i} runs past the page"));
                    }
                    stack.push(be32(p, at));
                }
                continue;
            }
            for i in 0..cells {
                let at = cell(i)?;
                let (size, rowid, local, overflow) =
                    self.leaf_cell(p, at).map_err(|e| format!("page {n}, cell {i}: {e}"))?;
                if overflow == 0 {
                    on_row(rowid, local);
                } else {
                    let payload = self
                        .overflow(local, size, overflow)
                        .map_err(|e| format!("page {n}, cell {i} (row {rowid}): {e}"))?;
                    on_row(rowid, &payload);
                }
            }
        }
        Ok(())
    }

    /// A table leaf cell at `at`: total payload size, rowid, local payload and first
    /// overflow page (0 when the payload is all local).
    fn leaf_cell(&self, p: &'a [u8], at: usize) -> Result<(u64, i64, &'a [u8], u32), String> {
        let (size, at) = varint(p, at).ok_or("the payload size runs past the page")?;
        let (rowid, at) = varint(p, at).ok_or("the rowid runs past the page")?;
        // No payload is larger than the pages holding it.
        if size > u64::from(self.pages) * self.usable as u64 {
            return Err(format!("payload size {size} exceeds the database"));
        }
        let local = self.local_size(size);
        let end = at + local;
        if end > p.len() || (local < size as usize && end + 4 > p.len()) {
            return Err(format!("a {local}-byte local payload runs past the page"));
        }
        let overflow = if local < size as usize { be32(p, end) } else { 0 };
        if local < size as usize && overflow == 0 {
            return Err("the payload spills but names no overflow page".into());
        }
        Ok((size, rowid as i64, &p[at..end], overflow))
    }

    /// How much of a table leaf cell's payload of `size` bytes stays on the page.
    fn local_size(&self, size: u64) -> usize {
        let u = self.usable as u64;
        let max_local = u - 35;
        if size <= max_local {
            return size as usize;
        }
        let min_local = (u - 12) * 32 / 255 - 23;
        let k = min_local + (size - min_local) % (u - 4);
        (if k <= max_local { k } else { min_local }) as usize
    }

    fn overflow(&mut self, local: &[u8], size: u64, first: u32) -> Result<Vec<u8>, String> {
        self.chain += 1;
        let size = size as usize;
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(local);
        let mut n = first;
        while out.len() < size {
            if n == 0 {
                return Err(format!("the overflow chain ends after {} of {size} bytes", out.len()));
            }
            let p = self.page(n)?;
            let mark = &mut self.chain_mark[n as usize];
            if *mark == self.chain {
                return Err(format!("the overflow chain loops back to page {n}"));
            }
            *mark = self.chain;
            self.overflow_read += 1;
            if self.overflow_read > 2 * u64::from(self.pages) {
                return Err("more overflow pages read than the file holds: rows share their chains".into());
            }
            let take = (size - out.len()).min(self.usable - 4);
            out.extend_from_slice(&p[4..4 + take]);
            n = be32(p, 0);
        }
        Ok(out)
    }
}

/// Text in the database's encoding (1 UTF-8, 2 UTF-16LE, 3 UTF-16BE), lossy.
fn decode(encoding: u32, b: &[u8]) -> String {
    match encoding {
        2 | 3 => {
            let units = b.chunks_exact(2).map(|c| {
                if encoding == 2 {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
        }
        _ => String::from_utf8_lossy(b).into_owned(),
    }
}

/// One value of a record.
#[derive(Debug, PartialEq)]
enum Value<'a> {
    Null,
    Int(i64),
    Float,
    Blob(&'a [u8]),
    Text(&'a [u8]),
}

/// The values of a record: a header (its length, then one serial type per column),
/// then the values in order.
fn record(payload: &[u8]) -> Result<Vec<Value<'_>>, String> {
    let (header_len, mut at) = varint(payload, 0).ok_or("the record header length runs past the payload")?;
    let header_len = usize::try_from(header_len)
        .ok()
        .filter(|h| *h <= payload.len())
        .ok_or_else(|| format!("record header of {header_len} bytes in a {}-byte payload", payload.len()))?;
    let mut body = header_len;
    let mut values = Vec::new();
    while at < header_len {
        let (serial, next) = varint(&payload[..header_len], at).ok_or("a serial type runs past the record header")?;
        at = next;
        let len = match serial {
            0 | 8 | 9 => 0,
            1..=4 => serial as usize,
            5 => 6,
            6 | 7 => 8,
            10 | 11 => return Err(format!("reserved serial type {serial}")),
            n => ((n - 12) / 2) as usize,
        };
        let bytes = payload
            .get(body..body.saturating_add(len))
            .ok_or_else(|| format!("a {len}-byte value runs past the {}-byte payload", payload.len()))?;
        body += len;
        values.push(match serial {
            0 => Value::Null,
            8 => Value::Int(0),
            9 => Value::Int(1),
            1..=6 => {
                // Big-endian two's complement of 1, 2, 3, 4, 6 or 8 bytes.
                let mut v = if bytes[0] & 0x80 != 0 { -1i64 } else { 0 };
                for b in bytes {
                    v = (v << 8) | i64::from(*b);
                }
                Value::Int(v)
            }
            7 => Value::Float,
            n if n % 2 == 0 => Value::Blob(bytes),
            _ => Value::Text(bytes),
        });
    }
    Ok(values)
}

/// The position of column `name` in a `CREATE TABLE name (col type ..., ...)`
/// statement, table constraints excluded. `None` when the text does not parse.
fn column_index(sql: &str, name: &str) -> Option<usize> {
    let open = sql.find('(')?;
    let close = sql.rfind(')')?;
    let body = sql.get(open + 1..close)?;
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0usize);
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '[') => quote = Some(']'),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    for (i, part) in parts.iter().enumerate() {
        let part = part.trim_start();
        let word = match part.chars().next()? {
            q @ ('\'' | '"' | '`' | '[') => {
                let end = if q == '[' { ']' } else { q };
                let rest = &part[1..];
                &rest[..rest.find(end)?]
            }
            _ => part.split(|c: char| c.is_whitespace()).next()?,
        };
        let upper = word.to_ascii_uppercase();
        if matches!(upper.as_str(), "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN") {
            return None;
        }
        if word.eq_ignore_ascii_case(name) {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mariner() -> Vec<u8> {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus/vuln/rpmdb/pkg/testdata/cbl-mariner-2.0/rpmdb.sqlite"
        );
        std::fs::read(p).expect("shared corpus cbl-mariner-2.0/rpmdb.sqlite")
    }

    fn run(data: &[u8]) -> (Vec<Vec<u8>>, Vec<String>) {
        super::super::collect_blobs(read, data)
    }

    #[test]
    fn varints() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9], 0), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81], 0), None);
        assert_eq!(varint(&[], 0), None);
    }

    #[test]
    fn records() {
        // Header: length 5; NULL, int8, blob of 2, text of 1.
        let rec = [5, 0, 1, 16, 15, 0xfe, 0xaa, 0xbb, b'x'];
        assert_eq!(record(&rec).unwrap(), [Value::Null, Value::Int(-2), Value::Blob(&[0xaa, 0xbb]), Value::Text(b"x")]);
        assert!(record(&rec[..7]).unwrap_err().contains("runs past"));
        // A 24-bit integer and the constants.
        assert_eq!(record(&[4, 3, 8, 9, 0x01, 0x00, 0x00]).unwrap(), [Value::Int(65536), Value::Int(0), Value::Int(1)]);
        assert!(record(&[2, 10]).unwrap_err().contains("reserved"));
        assert!(record(&[0x7f]).unwrap_err().contains("record header of 127 bytes"));
    }

    #[test]
    fn column_positions() {
        let rpm = "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)";
        assert_eq!(column_index(rpm, "blob"), Some(1));
        assert_eq!(column_index("CREATE TABLE t(\"a b\" TEXT, [blob] BLOB)", "blob"), Some(1));
        assert_eq!(column_index("CREATE TABLE t(x DECIMAL(10, 2), `Blob`)", "blob"), Some(1));
        assert_eq!(column_index("CREATE TABLE t(x, PRIMARY KEY (x, blob))", "blob"), None);
        assert_eq!(column_index("CREATE TABLE t", "blob"), None);
        assert_eq!(column_index("CREATE TABLE t(x, 'blob)", "blob"), None);
    }

    #[test]
    fn reads_129_headers_in_rowid_order() {
        let data = mariner();
        assert!(sniff(&data));
        let (blobs, problems) = run(&data);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(blobs.len(), 129);
        let first = super::super::header::parse_header(&blobs[0]).unwrap();
        assert_eq!(first.name, "mariner-release");
        assert_eq!(blobs.iter().map(Vec::len).max(), Some(211_788));
    }

    /// Random bytes after a valid header: one warning.
    #[test]
    fn garbage_gives_one_warning() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut data: Vec<u8> = (0..65536)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect();
        // Magic alone: the rest of the header is garbage.
        data[..16].copy_from_slice(MAGIC);
        let (blobs, problems) = run(&data);
        assert!(blobs.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("not a readable SQLite database"), "{problems:?}");
        // A header that checks out (its page count cleared) over garbage pages.
        data[..100].copy_from_slice(&mariner()[..100]);
        data[28..32].fill(0);
        let (blobs, problems) = run(&data);
        assert!(blobs.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("not a readable SQLite database: the schema table"), "{problems:?}");
        // Too short for a header, or for a page.
        assert_eq!(run(&data[..50]).1.len(), 1);
        assert!(run(&data[..1000]).1[0].starts_with("truncated"));
    }

    /// The byte offset of page `n`.
    fn at(n: u32) -> usize {
        (n as usize - 1) * 4096
    }

    fn root_of_packages(data: &[u8]) -> u32 {
        let mut problems = Vec::new();
        let mut db = Db::open(data, &mut problems).unwrap();
        db.find_table("Packages").unwrap().0
    }

    #[test]
    fn a_page_pointer_cycle_is_one_warning() {
        let mut data = mariner();
        let root = root_of_packages(&data);
        assert_eq!(data[at(root)], INTERIOR_TABLE);
        // The root's right-most child: the root itself.
        let r = at(root) + 8;
        data[r..r + 4].copy_from_slice(&root.to_be_bytes());
        let start = std::time::Instant::now();
        let (blobs, problems) = run(&data);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(&format!("b-tree page {root} is reached twice")), "{problems:?}");
        // The rows left of the right-most child were read.
        assert!(!blobs.is_empty() && blobs.len() < 129);
        assert!(start.elapsed().as_secs() < 10);
    }

    #[test]
    fn an_overflow_cycle_is_one_warning() {
        let mut data = mariner();
        let root = root_of_packages(&data);
        let mut problems = Vec::new();
        let db = Db::open(&data, &mut problems).unwrap();
        // The first cell (in rowid order) whose payload takes two overflow pages or more.
        let mut rows_before = 0;
        let first = (0..be16(&data, at(root) + 3))
            .find_map(|child| {
                let leaf = at(be32(&data, at(root) + be16(&data, at(root) + 12 + 2 * child)));
                assert_eq!(data[leaf], LEAF_TABLE);
                (0..be16(&data, leaf + 3)).find_map(|cell| {
                    let c = leaf + be16(&data, leaf + 8 + 2 * cell);
                    let (size, i) = varint(&data, c).unwrap();
                    let (_, i) = varint(&data, i).unwrap();
                    let local = db.local_size(size);
                    if size - local as u64 > 4092 {
                        return Some(be32(&data, i + local));
                    }
                    rows_before += 1;
                    None
                })
            })
            .unwrap();
        // Its first overflow page: pointing to itself.
        assert_ne!(be32(&data, at(first)), 0);
        data[at(first)..at(first) + 4].copy_from_slice(&first.to_be_bytes());
        let (blobs, problems) = run(&data);
        assert_eq!(blobs.len(), rows_before);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(&format!("the overflow chain loops back to page {first}")), "{problems:?}");
    }

    #[test]
    fn a_truncated_file_keeps_the_rows_before_the_cut() {
        let data = mariner();
        let (blobs, problems) = run(&data[..data.len() / 2]);
        assert!(problems[0].starts_with("truncated: the header names 880 pages"), "{problems:?}");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].contains("outside the database's 440 pages"), "{problems:?}");
        assert!(blobs.len() < 129);
    }

    #[test]
    fn a_database_without_packages_is_one_warning() {
        let mut data = mariner();
        // Rename the table in the schema: "Packages" -> "Packagez" (in the schema leaf
        // and in a stale copy on page 1).
        let mut renamed = 0;
        for pos in 0..data.len() - 17 {
            if &data[pos..pos + 17] == b"tablePackagesPack" {
                data[pos + 12] = b'z';
                renamed += 1;
            }
        }
        assert_eq!(renamed, 2);
        let (blobs, problems) = run(&data);
        assert!(blobs.is_empty());
        assert_eq!(problems, ["no table Packages in the schema: not an rpm database"]);
    }

    #[test]
    fn mutated_files_never_panic() {
        let data = mariner();
        let mut seed = 0xdead_beef_cafe_f00du64;
        for _ in 0..40 {
            let mut d = data.clone();
            for _ in 0..6 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // The header, page 1, the Packages root and the first leaves.
                let at = (seed >> 8) as usize % (6 * 4096);
                d[at] = (seed >> 40) as u8;
            }
            let _ = run(&d);
        }
    }
}
