//! Packed text columns. A value is stored as TEXT when compression does not pay,
//! else as a BLOB whose first byte says how it was compressed:
//!
//! * `1`: raw deflate (RFC 1951) of the UTF-8 text;
//! * `2`: raw deflate with the database's preset dictionary (`meta.zdict`).
//!
//! Readers bound the inflated size, so a damaged file gives an error, not a huge
//! allocation.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

pub const TAG_DEFLATE: u8 = 1;
pub const TAG_DEFLATE_DICT: u8 = 2;

/// No packed value inflates to more than this.
pub const MAX_UNPACKED: usize = 16 << 20;

/// Values shorter than this stay text: deflate cannot gain enough on them.
const MIN_PACK: usize = 48;

/// A column value: text as is, or a tagged compressed blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packed {
    Text(String),
    Blob(Vec<u8>),
}

fn deflate(text: &[u8], dict: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut c = Compress::new(Compression::best(), false);
    if let Some(dict) = dict {
        c.set_dictionary(dict).ok()?;
    }
    let mut out = Vec::with_capacity(text.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(c.total_in()).ok()?;
        let input = text.get(consumed..)?;
        if out.capacity() - out.len() < 64 {
            out.reserve(out.len().max(256));
        }
        match c.compress_vec(input, &mut out, FlushCompress::Finish).ok()? {
            Status::StreamEnd => return Some(out),
            Status::Ok | Status::BufError => {}
        }
    }
}

/// Packs `text`: compressed (with `dict` when given) if that saves at least an
/// eighth, else text.
pub fn pack(text: String, dict: Option<&[u8]>) -> Packed {
    if text.len() < MIN_PACK {
        return Packed::Text(text);
    }
    let tag = if dict.is_some() { TAG_DEFLATE_DICT } else { TAG_DEFLATE };
    match deflate(text.as_bytes(), dict) {
        Some(z) if z.len() + 1 + text.len() / 8 < text.len() => {
            let mut blob = Vec::with_capacity(z.len() + 1);
            blob.push(tag);
            blob.extend_from_slice(&z);
            Packed::Blob(blob)
        }
        _ => Packed::Text(text),
    }
}

/// The text of a packed blob. `dict` is the database's dictionary (needed for tag 2).
#[cfg(test)]
pub fn unpack(blob: &[u8], dict: &[u8]) -> Result<String, String> {
    unpack_with(&mut Decompress::new(false), blob, dict)
}

/// [`unpack`] with a decompressor the caller keeps: a fresh one allocates and clears
/// its window each time, which dominated lookups that return many packed columns.
pub fn unpack_with(d: &mut Decompress, blob: &[u8], dict: &[u8]) -> Result<String, String> {
    let (&tag, data) = blob.split_first().ok_or("empty packed value")?;
    d.reset(false);
    match tag {
        TAG_DEFLATE => {}
        TAG_DEFLATE_DICT => {
            if dict.is_empty() {
                return Err("packed value needs the dictionary, and the database has none".into());
            }
            d.set_dictionary(dict).map_err(|e| format!("dictionary: {e}"))?;
        }
        other => return Err(format!("unknown packing tag {other}")),
    }
    let mut out: Vec<u8> = Vec::with_capacity(data.len() * 4);
    loop {
        let consumed = usize::try_from(d.total_in()).map_err(|_| "size overflow")?;
        let input = data.get(consumed..).ok_or("inflate read past its input")?;
        if out.capacity() - out.len() < 256 {
            if out.len() >= MAX_UNPACKED {
                return Err(format!("packed value inflates to more than {MAX_UNPACKED} bytes"));
            }
            out.reserve(out.len().max(1024));
        }
        let before = (d.total_in(), d.total_out());
        match d.decompress_vec(input, &mut out, FlushDecompress::Finish).map_err(|e| format!("inflate: {e}"))? {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {
                if (d.total_in(), d.total_out()) == before && out.capacity() > out.len() {
                    return Err("packed value is truncated".into());
                }
            }
        }
    }
    String::from_utf8(out).map_err(|_| "packed value is not UTF-8".into())
}

/// A preset dictionary for reference URLs: the URL prefixes (up to the third path
/// segment) that occur at least `min_count` times, the most frequent last (deflate
/// reaches recent bytes with shorter distances), at most 32 KiB in all. Ties are
/// broken by the prefix so that the same input gives the same dictionary.
pub fn url_dictionary<'a>(urls: impl Iterator<Item = &'a str>, min_count: usize) -> Vec<u8> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for url in urls {
        // Prefixes ending at each `/` after the host, up to three path segments.
        let Some(scheme_end) = url.find("://") else { continue };
        let mut slashes = 0;
        for (i, b) in url.bytes().enumerate().skip(scheme_end + 3) {
            if b == b'/' {
                *counts.entry(&url[..=i]).or_default() += 1;
                slashes += 1;
                if slashes == 4 {
                    break;
                }
            }
        }
    }
    let mut common: Vec<(&str, usize)> = counts.into_iter().filter(|(_, n)| *n >= min_count).collect();
    // Most frequent first, to choose what fits; then reversed so that they end up last.
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut chosen: Vec<&str> = Vec::new();
    let mut size = 0;
    for (prefix, _) in common {
        if size + prefix.len() + 3 > 32 * 1024 - 262 {
            break;
        }
        size += prefix.len() + 3;
        chosen.push(prefix);
    }
    // A prefix of another chosen prefix is in the dictionary already, as a substring.
    let all = chosen.clone();
    chosen.retain(|p| !all.iter().any(|other| other.len() > p.len() && other.starts_with(p)));
    let mut dict = Vec::with_capacity(size);
    for prefix in chosen.iter().rev() {
        dict.extend_from_slice(b"\",\"");
        dict.extend_from_slice(prefix.as_bytes());
    }
    dict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let text: String = (0..200).map(|i| format!("\"1.{i}.0\",")).collect();
        let Packed::Blob(blob) = pack(text.clone(), None) else { panic!("should compress") };
        assert_eq!(blob[0], TAG_DEFLATE);
        assert_eq!(unpack(&blob, &[]).unwrap(), text);

        let urls = ["https://github.com/a/b/issues/1", "https://github.com/a/b/issues/2"];
        let dict = url_dictionary(urls.iter().copied(), 2);
        assert!(std::str::from_utf8(&dict).unwrap().contains("https://github.com/a/b/issues/"));
        let json = r#"["https://github.com/a/b/issues/3","https://github.com/a/b/issues/4","https://github.com/a/b/issues/5"]"#;
        match pack(json.to_string(), Some(&dict)) {
            Packed::Blob(blob) => {
                assert_eq!(blob[0], TAG_DEFLATE_DICT);
                assert_eq!(unpack(&blob, &dict).unwrap(), json);
                assert!(unpack(&blob, &[]).is_err());
            }
            Packed::Text(_) => panic!("should compress with the dictionary"),
        }
        assert_eq!(pack("short".into(), None), Packed::Text("short".into()));
    }

    #[test]
    fn damaged_blobs_are_errors() {
        let text: String = (0..500).map(|i| format!("{i},")).collect();
        let Packed::Blob(blob) = pack(text, None) else { panic!("should compress") };
        assert!(unpack(&blob[..blob.len() / 2], &[]).is_err());
        assert!(unpack(&[], &[]).is_err());
        assert!(unpack(&[9, 1, 2], &[]).is_err());
        let mut garbage = blob.clone();
        for b in garbage.iter_mut().skip(1) {
            *b ^= 0x5a;
        }
        assert!(unpack(&garbage, &[]).is_err());
    }
}
