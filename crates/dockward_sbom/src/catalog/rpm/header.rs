//! The RPM header blob, as every rpm database stores it: the "header without lead"
//! (no 8-byte magic), all integers big-endian.
//!
//! ```text
//! il: u32          number of index entries
//! dl: u32          length of the data store
//! il × { tag: u32, type: u32, offset: u32, count: u32 }
//! dl bytes of data, the entries' values at their offsets
//! ```
//!
//! An installed header starts with a region entry (`HEADERIMMUTABLE`, tag 63): a BIN
//! entry whose 16 bytes in the data store are a trailer giving how many of the index
//! entries belong to the signed, immutable part. Entries rpm adds at install time
//! (the "dribble") come after the region and win over a region entry with the same
//! tag. Values are read only for the tags the inventory needs; every offset and count
//! is checked against the data store.

/// Tags read here (rpm's `rpmTag` numbers).
pub(crate) mod tag {
    pub const HEADERIMAGE: u32 = 61;
    pub const HEADERSIGNATURES: u32 = 62;
    pub const HEADERIMMUTABLE: u32 = 63;
    pub const NAME: u32 = 1000;
    pub const VERSION: u32 = 1001;
    pub const RELEASE: u32 = 1002;
    pub const EPOCH: u32 = 1003;
    pub const VENDOR: u32 = 1011;
    pub const LICENSE: u32 = 1014;
    pub const ARCH: u32 = 1022;
    pub const OLDFILENAMES: u32 = 1027;
    pub const SOURCERPM: u32 = 1044;
    pub const DIRINDEXES: u32 = 1116;
    pub const BASENAMES: u32 = 1117;
    pub const DIRNAMES: u32 = 1118;
    pub const MODULARITYLABEL: u32 = 5096;
}

/// Value types (rpm's `rpmTagType`).
mod ty {
    pub const INT32: u32 = 4;
    pub const STRING: u32 = 6;
    pub const BIN: u32 = 7;
    pub const STRING_ARRAY: u32 = 8;
    pub const I18NSTRING: u32 = 9;
}

/// rpm refuses headers with more index entries than this (`hdrchkTags`).
const MAX_INDEX_ENTRIES: u32 = 0xffff;
/// rpm refuses headers with a larger data store (`HEADER_DATA_MAX`).
const MAX_DATA_LEN: u32 = 0x0fff_ffff;

/// The fields of one installed package the inventory keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RpmHeader {
    pub name: String,
    pub version: String,
    /// Empty when the header has no RELEASE tag.
    pub release: String,
    pub epoch: Option<u32>,
    pub arch: Option<String>,
    pub license: Option<String>,
    pub vendor: Option<String>,
    /// `foo-1.2-3.src.rpm`.
    pub sourcerpm: Option<String>,
    pub modularitylabel: Option<String>,
    /// The files the package owns, relative to the root (no leading `/`), in header
    /// order.
    pub files: Vec<String>,
    /// Tags that could not be read (an optional value dropped, the file list dropped),
    /// each a sentence naming the tag.
    pub problems: Vec<String>,
}

/// Parses one header blob. `Err` when the blob is not a header or a tag the
/// package cannot do without (NAME, VERSION) is missing or unreadable.
pub fn parse_header(blob: &[u8]) -> Result<RpmHeader, String> {
    let mut budget = usize::MAX;
    parse_header_budget(blob, &mut budget)
}

/// [`parse_header`] with a byte budget for the file list: the paths (directory name
/// joined to base name) may add up to far more than the blob, so the caller bounds
/// their total across a database. A file list over the budget is dropped with a
/// problem; what it used is subtracted.
pub(crate) fn parse_header_budget(blob: &[u8], file_budget: &mut usize) -> Result<RpmHeader, String> {
    let h = Header::parse(blob)?;
    let mut out = RpmHeader::default();
    out.name = h.required_string(tag::NAME, "NAME")?;
    out.version = h.required_string(tag::VERSION, "VERSION")?;
    out.release = h.optional(h.string(tag::RELEASE), "RELEASE", &mut out.problems).unwrap_or_default();
    out.epoch = h.optional(h.int32(tag::EPOCH), "EPOCH", &mut out.problems).and_then(|v| v.first().copied());
    out.arch = h.optional(h.string(tag::ARCH), "ARCH", &mut out.problems);
    out.license = h.optional(h.string(tag::LICENSE), "LICENSE", &mut out.problems);
    out.vendor = h.optional(h.string(tag::VENDOR), "VENDOR", &mut out.problems);
    out.sourcerpm = h.optional(h.string(tag::SOURCERPM), "SOURCERPM", &mut out.problems);
    out.modularitylabel = h.optional(h.string(tag::MODULARITYLABEL), "MODULARITYLABEL", &mut out.problems);
    match h.files(blob.len(), file_budget) {
        Ok(files) => out.files = files,
        Err(e) => out.problems.push(format!("file list dropped: {e}")),
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    ty: u32,
    offset: u32,
    count: u32,
}

struct Header<'a> {
    /// In index order; a later entry with the same tag wins (the dribble after the
    /// region).
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Header<'a> {
    fn parse(blob: &'a [u8]) -> Result<Self, String> {
        let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
            return Err(format!("header blob of {} bytes is too short for its 8-byte preamble", blob.len()));
        };
        if il == 0 || il > MAX_INDEX_ENTRIES {
            return Err(format!("header claims {il} index entries (1 to {MAX_INDEX_ENTRIES} allowed)"));
        }
        if dl > MAX_DATA_LEN {
            return Err(format!("header claims a {dl}-byte data store (at most {MAX_DATA_LEN})"));
        }
        let index_end = 8 + il as usize * 16;
        let data_end = index_end + dl as usize;
        if data_end > blob.len() {
            return Err(format!(
                "header claims {il} index entries and {dl} data bytes ({data_end} bytes in all) but the blob has {}",
                blob.len()
            ));
        }
        let entries = blob[8..index_end]
            .chunks_exact(16)
            .map(|e| Entry {
                tag: u32::from_be_bytes([e[0], e[1], e[2], e[3]]),
                ty: u32::from_be_bytes([e[4], e[5], e[6], e[7]]),
                offset: u32::from_be_bytes([e[8], e[9], e[10], e[11]]),
                count: u32::from_be_bytes([e[12], e[13], e[14], e[15]]),
            })
            .collect::<Vec<_>>();
        let data = &blob[index_end..data_end];
        let h = Header { entries, data };
        h.check_region()?;
        Ok(h)
    }

    /// A region entry first must point at a 16-byte trailer inside the data store
    /// whose negative offset names a region of at most `il` entries. Nothing else is
    /// taken from it: the entries are read in index order either way.
    fn check_region(&self) -> Result<(), String> {
        let first = self.entries[0];
        if !matches!(first.tag, tag::HEADERIMAGE | tag::HEADERSIGNATURES | tag::HEADERIMMUTABLE) {
            return Ok(());
        }
        if first.ty != ty::BIN || first.count != 16 {
            return Err(format!(
                "region tag {} has type {} and count {} (expected BIN, 16)",
                first.tag, first.ty, first.count
            ));
        }
        let at = first.offset as usize;
        let trailer = self.data.get(at..at.saturating_add(16)).ok_or_else(|| {
            format!("region trailer at offset {at} lies past the {}-byte data store", self.data.len())
        })?;
        let neg = i32::from_be_bytes([trailer[8], trailer[9], trailer[10], trailer[11]]);
        let ril = neg.checked_neg().filter(|n| *n > 0 && n % 16 == 0).map(|n| n as usize / 16);
        match ril {
            Some(ril) if ril <= self.entries.len() => Ok(()),
            _ => Err(format!("region trailer gives offset {neg}, not minus 16 times an entry count")),
        }
    }

    fn find(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().rev().find(|e| e.tag == tag).copied()
    }

    /// The data from the entry's offset to the end of the store.
    fn tail(&self, e: Entry, name: &str) -> Result<&'a [u8], String> {
        self.data.get(e.offset as usize..).filter(|t| !t.is_empty()).ok_or_else(|| {
            format!("{name} offset {} lies past the end of the {}-byte data store", e.offset, self.data.len())
        })
    }

    fn required_string(&self, tag: u32, name: &str) -> Result<String, String> {
        match self.string(tag) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(format!("header has no {name} tag ({tag})")),
            Err(e) => Err(e),
        }
    }

    fn optional<T>(&self, r: Result<Option<T>, String>, name: &str, problems: &mut Vec<String>) -> Option<T> {
        r.unwrap_or_else(|e| {
            problems.push(format!("{name} dropped: {e}"));
            None
        })
    }

    /// A STRING or I18NSTRING (its first, default-locale value) or the first of a
    /// STRING_ARRAY. Lossy UTF-8: old headers may be Latin-1.
    fn string(&self, tag: u32) -> Result<Option<String>, String> {
        let Some(e) = self.find(tag) else { return Ok(None) };
        let name = tag_name(tag);
        if !matches!(e.ty, ty::STRING | ty::I18NSTRING | ty::STRING_ARRAY) {
            return Err(format!("{name} has type {}, not a string", e.ty));
        }
        if e.count == 0 {
            return Err(format!("{name} has count 0"));
        }
        let tail = self.tail(e, &name)?;
        let s = nul_terminated(tail).ok_or_else(|| format!("{name} at offset {} is not NUL-terminated", e.offset))?;
        Ok(Some(String::from_utf8_lossy(s).into_owned()))
    }

    fn string_array(&self, tag: u32) -> Result<Option<Vec<&'a [u8]>>, String> {
        let Some(e) = self.find(tag) else { return Ok(None) };
        let name = tag_name(tag);
        if !matches!(e.ty, ty::STRING_ARRAY | ty::I18NSTRING) {
            return Err(format!("{name} has type {}, not a string array", e.ty));
        }
        let mut rest = self.tail(e, &name)?;
        // Each string takes at least its NUL: a count beyond the bytes left is corrupt,
        // and checking it first bounds the allocation.
        if e.count as usize > rest.len() {
            return Err(format!("{name} claims {} strings in {} bytes", e.count, rest.len()));
        }
        let mut out = Vec::with_capacity(e.count as usize);
        for i in 0..e.count {
            let s = nul_terminated(rest)
                .ok_or_else(|| format!("{name} string {i} of {} runs past the data store", e.count))?;
            rest = &rest[s.len() + 1..];
            out.push(s);
        }
        Ok(Some(out))
    }

    fn int32(&self, tag: u32) -> Result<Option<Vec<u32>>, String> {
        let Some(e) = self.find(tag) else { return Ok(None) };
        let name = tag_name(tag);
        if e.ty != ty::INT32 {
            return Err(format!("{name} has type {}, not INT32", e.ty));
        }
        let tail = self.tail(e, &name)?;
        let len = (e.count as usize)
            .checked_mul(4)
            .filter(|n| *n <= tail.len())
            .ok_or_else(|| format!("{name} claims {} 4-byte values but {} bytes remain", e.count, tail.len()))?;
        Ok(Some(tail[..len].chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect()))
    }

    /// The file list: BASENAMES joined to DIRNAMES[DIRINDEXES[i]], or the old
    /// OLDFILENAMES. Paths are made root-relative. `blob_len` and `budget` bound the
    /// bytes the joined paths may take.
    fn files(&self, blob_len: usize, budget: &mut usize) -> Result<Vec<String>, String> {
        // Joined paths repeat directory names, so they may outgrow the blob; real
        // headers stay well under 8 times (each file also carries digests, sizes,
        // modes, users, ...). Beyond that the header is crafted.
        let per_header = blob_len.saturating_mul(8).saturating_add(64 * 1024);
        let limit = per_header.min(*budget);
        let why = if *budget < per_header { " (the file-list budget for the database is spent)" } else { "" };
        let mut used = 0usize;
        let mut out = Vec::new();
        let mut push = |path: Vec<u8>, out: &mut Vec<String>| -> Result<(), String> {
            let rel = trim_root(&path);
            if rel.is_empty() {
                return Ok(());
            }
            used = used.saturating_add(rel.len());
            if used > limit {
                return Err(format!("the paths add up to more than {limit} bytes{why}"));
            }
            out.push(String::from_utf8_lossy(rel).into_owned());
            Ok(())
        };
        if let Some(bases) = self.string_array(tag::BASENAMES)? {
            let dirs = self.string_array(tag::DIRNAMES)?.unwrap_or_default();
            let idx = self.int32(tag::DIRINDEXES)?.unwrap_or_default();
            if idx.len() != bases.len() {
                return Err(format!("{} BASENAMES but {} DIRINDEXES", bases.len(), idx.len()));
            }
            out.reserve(bases.len());
            for (i, (base, d)) in bases.iter().zip(&idx).enumerate() {
                let dir = dirs
                    .get(*d as usize)
                    .ok_or_else(|| format!("file {i}: DIRINDEXES value {d} is past the {} DIRNAMES", dirs.len()))?;
                let mut path = Vec::with_capacity(dir.len() + base.len());
                path.extend_from_slice(dir);
                path.extend_from_slice(base);
                push(path, &mut out)?;
            }
        } else if let Some(names) = self.string_array(tag::OLDFILENAMES)? {
            out.reserve(names.len());
            for n in names {
                push(n.to_vec(), &mut out)?;
            }
        }
        *budget = budget.saturating_sub(used);
        Ok(out)
    }
}

fn trim_root(path: &[u8]) -> &[u8] {
    let start = path.iter().position(|b| *b != b'/').unwrap_or(path.len());
    &path[start..]
}

fn nul_terminated(b: &[u8]) -> Option<&[u8]> {
    b.iter().position(|c| *c == 0).map(|n| &b[..n])
}

fn tag_name(t: u32) -> String {
    let name = match t {
        tag::NAME => "NAME",
        tag::VERSION => "VERSION",
        tag::RELEASE => "RELEASE",
        tag::EPOCH => "EPOCH",
        tag::VENDOR => "VENDOR",
        tag::LICENSE => "LICENSE",
        tag::ARCH => "ARCH",
        tag::OLDFILENAMES => "OLDFILENAMES",
        tag::SOURCERPM => "SOURCERPM",
        tag::DIRINDEXES => "DIRINDEXES",
        tag::BASENAMES => "BASENAMES",
        tag::DIRNAMES => "DIRNAMES",
        tag::MODULARITYLABEL => "MODULARITYLABEL",
        _ => return format!("tag {t}"),
    };
    format!("{name} ({t})")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a header blob from `(tag, type, count, value bytes)`; values are laid out
    /// in order, INT32 values aligned to 4.
    pub(crate) fn build(entries: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ty, count, value) in entries {
            if *ty == ty::INT32 {
                while data.len() % 4 != 0 {
                    data.push(0);
                }
            }
            index.extend_from_slice(&tag.to_be_bytes());
            index.extend_from_slice(&ty.to_be_bytes());
            index.extend_from_slice(&(data.len() as u32).to_be_bytes());
            index.extend_from_slice(&count.to_be_bytes());
            data.extend_from_slice(value);
        }
        let mut blob = Vec::new();
        blob.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        blob.extend_from_slice(&(data.len() as u32).to_be_bytes());
        blob.extend_from_slice(&index);
        blob.extend_from_slice(&data);
        blob
    }

    pub(crate) fn s(v: &str) -> (u32, Vec<u8>) {
        let mut b = v.as_bytes().to_vec();
        b.push(0);
        (ty::STRING, b)
    }

    fn string_entry(tag: u32, v: &str) -> (u32, u32, u32, Vec<u8>) {
        let (t, b) = s(v);
        (tag, t, 1, b)
    }

    fn array(tag: u32, vs: &[&str]) -> (u32, u32, u32, Vec<u8>) {
        let mut b = Vec::new();
        for v in vs {
            b.extend_from_slice(v.as_bytes());
            b.push(0);
        }
        (tag, ty::STRING_ARRAY, vs.len() as u32, b)
    }

    fn int32s(tag: u32, vs: &[u32]) -> (u32, u32, u32, Vec<u8>) {
        (tag, ty::INT32, vs.len() as u32, vs.iter().flat_map(|v| v.to_be_bytes()).collect())
    }

    fn blob_bin() -> Vec<u8> {
        let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/rpmdb/pkg/testdata/blob.bin");
        std::fs::read(p).expect("shared corpus blob.bin")
    }

    #[test]
    fn reads_the_fedora_blob() {
        let h = parse_header(&blob_bin()).unwrap();
        assert_eq!(h.name, "publicsuffix-list-dafsa");
        assert_eq!(h.version, "20210518");
        assert_eq!(h.release, "2.fc35");
        assert_eq!(h.epoch, None);
        assert_eq!(h.arch.as_deref(), Some("noarch"));
        assert_eq!(h.sourcerpm.as_deref(), Some("publicsuffix-list-20210518-2.fc35.src.rpm"));
        assert_eq!(h.license.as_deref(), Some("MPLv2.0"));
        assert_eq!(h.vendor.as_deref(), Some("Fedora Project"));
        // Its last DIRINDEXES value names a fifth directory of four: go-rpmdb's
        // InstalledFiles fails on it too (expected-blob.json).
        assert!(h.files.is_empty());
        assert_eq!(h.problems, ["file list dropped: file 3: DIRINDEXES value 4 is past the 4 DIRNAMES"]);
    }

    #[test]
    fn joins_the_file_list_and_reads_epoch() {
        let blob = build(&[
            string_entry(tag::NAME, "foo"),
            string_entry(tag::VERSION, "1.2"),
            string_entry(tag::RELEASE, "3.el9"),
            int32s(tag::EPOCH, &[2]),
            array(tag::BASENAMES, &["bin", "foo", "foo.conf"]),
            array(tag::DIRNAMES, &["/usr/", "/usr/bin/", "/etc/"]),
            int32s(tag::DIRINDEXES, &[0, 1, 2]),
        ]);
        let h = parse_header(&blob).unwrap();
        assert_eq!((h.name.as_str(), h.version.as_str(), h.release.as_str()), ("foo", "1.2", "3.el9"));
        assert_eq!(h.epoch, Some(2));
        assert_eq!(h.files, ["usr/bin", "usr/bin/foo", "etc/foo.conf"]);
        assert!(h.problems.is_empty());
    }

    #[test]
    fn old_file_names_are_read_when_there_are_no_basenames() {
        let blob = build(&[
            string_entry(tag::NAME, "old"),
            string_entry(tag::VERSION, "1"),
            array(tag::OLDFILENAMES, &["/", "/etc/old.conf"]),
        ]);
        let h = parse_header(&blob).unwrap();
        assert_eq!(h.files, ["etc/old.conf"]);
        assert_eq!(h.release, "");
    }

    #[test]
    fn a_later_entry_wins_over_an_earlier_one() {
        let blob = build(&[
            string_entry(tag::NAME, "foo"),
            string_entry(tag::VERSION, "1"),
            string_entry(tag::VENDOR, "first"),
            string_entry(tag::VENDOR, "second"),
        ]);
        assert_eq!(parse_header(&blob).unwrap().vendor.as_deref(), Some("second"));
    }

    /// The offset of index entry `i` in a blob.
    fn patch_offset(blob: &mut [u8], i: usize, offset: u32) {
        let at = 8 + i * 16 + 8;
        blob[at..at + 4].copy_from_slice(&offset.to_be_bytes());
    }

    fn entry_index(blob: &[u8], tag: u32) -> usize {
        let il = be32(blob, 0).unwrap() as usize;
        (0..il).find(|i| be32(blob, 8 + i * 16) == Some(tag)).unwrap()
    }

    #[test]
    fn an_offset_past_the_end_of_a_required_tag_is_an_error() {
        let mut blob = blob_bin();
        let i = entry_index(&blob, tag::NAME);
        patch_offset(&mut blob, i, 0x7fff_0000);
        let e = parse_header(&blob).unwrap_err();
        assert!(e.contains("NAME (1000) offset 2147418112 lies past the end"), "{e}");
    }

    #[test]
    fn an_offset_past_the_end_of_an_optional_tag_drops_that_tag() {
        let mut blob = blob_bin();
        let i = entry_index(&blob, tag::LICENSE);
        patch_offset(&mut blob, i, u32::MAX);
        let h = parse_header(&blob).unwrap();
        assert_eq!(h.name, "publicsuffix-list-dafsa");
        assert_eq!(h.license, None);
        assert_eq!(h.problems.len(), 2);
        assert_eq!(
            h.problems[0],
            "LICENSE dropped: LICENSE (1014) offset 4294967295 lies past the end of the 4144-byte data store"
        );
    }

    #[test]
    fn bad_preambles_are_errors() {
        assert!(parse_header(&[]).unwrap_err().contains("too short"));
        assert!(parse_header(&[0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err().contains("0 index entries"));
        // Counts that would need gigabytes.
        assert!(parse_header(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]).is_err());
        assert!(parse_header(&[0, 0, 0, 1, 0x0f, 0xff, 0xff, 0xff]).unwrap_err().contains("the blob has 8"));
        let blob = blob_bin();
        assert!(parse_header(&blob[..blob.len() - 1]).unwrap_err().contains("but the blob has"));
    }

    #[test]
    fn string_counts_and_indexes_are_checked() {
        // A count of strings larger than the bytes left.
        let mut bad_count = array(tag::BASENAMES, &["a"]);
        bad_count.2 = 1_000_000;
        let blob = build(&[string_entry(tag::NAME, "x"), string_entry(tag::VERSION, "1"), bad_count]);
        let h = parse_header(&blob).unwrap();
        assert!(h.files.is_empty());
        assert!(h.problems[0].contains("claims 1000000 strings"), "{:?}", h.problems);

        // A directory index past the directory names.
        let blob = build(&[
            string_entry(tag::NAME, "x"),
            string_entry(tag::VERSION, "1"),
            array(tag::BASENAMES, &["a"]),
            array(tag::DIRNAMES, &["/"]),
            int32s(tag::DIRINDEXES, &[7]),
        ]);
        let h = parse_header(&blob).unwrap();
        assert!(h.problems[0].contains("DIRINDEXES value 7"), "{:?}", h.problems);

        // An unterminated string at the end of the store.
        let mut blob = build(&[string_entry(tag::NAME, "x"), (tag::VERSION, ty::STRING, 1, b"1".to_vec())]);
        assert!(parse_header(&blob).unwrap_err().contains("not NUL-terminated"));
        // A wrong type.
        blob = build(&[string_entry(tag::NAME, "x"), int32s(tag::VERSION, &[1])]);
        assert!(parse_header(&blob).unwrap_err().contains("not a string"));
    }

    #[test]
    fn joined_paths_are_bounded() {
        // 10,000 one-byte base names under a 4 KiB directory name: 40 MB joined from a
        // 30 KB blob.
        let dir = format!("/{}/", "d".repeat(4096));
        let bases = vec!["f"; 10_000];
        let blob = build(&[
            string_entry(tag::NAME, "x"),
            string_entry(tag::VERSION, "1"),
            array(tag::BASENAMES, &bases),
            array(tag::DIRNAMES, &[&dir]),
            int32s(tag::DIRINDEXES, &vec![0; 10_000]),
        ]);
        let h = parse_header(&blob).unwrap();
        assert!(h.files.is_empty());
        assert!(h.problems[0].contains("the paths add up to more than"), "{:?}", h.problems);
    }

    #[test]
    fn a_region_trailer_out_of_the_store_is_an_error() {
        let mut trailer = Vec::new();
        trailer.extend_from_slice(&tag::HEADERIMMUTABLE.to_be_bytes());
        trailer.extend_from_slice(&ty::BIN.to_be_bytes());
        trailer.extend_from_slice(&(-48i32).to_be_bytes());
        trailer.extend_from_slice(&16u32.to_be_bytes());
        let entries = [
            (tag::HEADERIMMUTABLE, ty::BIN, 16, trailer),
            string_entry(tag::NAME, "x"),
            string_entry(tag::VERSION, "1"),
        ];
        let good = build(&entries);
        assert_eq!(parse_header(&good).unwrap().name, "x");
        let mut bad = good.clone();
        patch_offset(&mut bad, 0, 1 << 20);
        assert!(parse_header(&bad).unwrap_err().contains("region trailer"));
    }

    #[test]
    fn mutated_blobs_never_panic() {
        let blob = blob_bin();
        let il = be32(&blob, 0).unwrap() as usize;
        let mut seed = 0x0123_4567_89ab_cdefu64;
        for _ in 0..2000 {
            let mut b = blob.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // Mostly the preamble and the index entries.
                let at =
                    if seed & 1 == 0 { (seed >> 8) as usize % (8 + il * 16) } else { (seed >> 8) as usize % b.len() };
                b[at] = (seed >> 40) as u8;
            }
            let cut = (seed >> 20) as usize % (b.len() + 1);
            let _ = parse_header(&b);
            let _ = parse_header(&b[..cut]);
        }
    }
}
