//! Telling streams apart by their first bytes: gzip, zstd, tar, JSON.

use std::io::{self, Cursor, Read};

/// How a layer (or the whole archive) is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Compression {
    None,
    Gzip,
}

/// What the first bytes of a stream say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Gzip,
    Zstd,
    Tar,
    Json,
    Empty,
    Unknown,
}

pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
pub(crate) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Bytes looked at before deciding.
pub(crate) const HEAD_LEN: usize = 512;

pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    if head.is_empty() {
        Sniffed::Empty
    } else if head.starts_with(&GZIP_MAGIC) {
        Sniffed::Gzip
    } else if head.starts_with(&ZSTD_MAGIC) {
        Sniffed::Zstd
    } else if looks_like_tar(head) {
        Sniffed::Tar
    } else if matches!(head.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'[')) {
        Sniffed::Json
    } else {
        Sniffed::Unknown
    }
}

/// A first tar header: the `ustar` magic, or a valid header checksum; an all-zero block
/// is an empty archive (its end marker).
pub(crate) fn looks_like_tar(head: &[u8]) -> bool {
    if head.len() < HEAD_LEN {
        return false;
    }
    let block = &head[..HEAD_LEN];
    if block.iter().all(|&b| b == 0) {
        return true;
    }
    if &block[257..262] == b"ustar" {
        return true;
    }
    let field = std::str::from_utf8(&block[148..156]).unwrap_or("");
    let Ok(stored) = u32::from_str_radix(field.trim_matches(|c: char| c == '\0' || c == ' '), 8) else {
        return false;
    };
    let sum: u32 =
        block.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) }).sum();
    sum == stored
}

/// A stream with its first bytes put back.
pub(crate) type Peeked<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Reads up to `n` bytes (fewer only at the end of the stream) and gives back a reader
/// that yields them again, followed by the rest.
pub(crate) fn peek<R: Read>(mut r: R, n: usize) -> io::Result<(Vec<u8>, Peeked<R>)> {
    let mut head = Vec::with_capacity(n);
    (&mut r).take(n as u64).read_to_end(&mut head)?;
    let copy = head.clone();
    Ok((copy, Cursor::new(head).chain(r)))
}

/// True when a stream starts like a `docker save` archive: a tar (or gzip-compressed
/// tar) whose first member is one a docker-archive or OCI layout holds (`blobs/`,
/// `oci-layout`, `index.json`, `manifest.json`, `repositories`, `<64 hex>/...`,
/// `<64 hex>.json`). Reads at most a few KiB; any other `.tar` is not claimed.
pub fn looks_like_image_archive(r: impl Read) -> bool {
    let Ok((head, rest)) = peek(r, 64 * 1024) else { return false };
    let block = match sniff(&head) {
        Sniffed::Gzip => {
            let mut out = Vec::new();
            let _ = flate2::read::GzDecoder::new(rest).take(HEAD_LEN as u64).read_to_end(&mut out);
            out
        }
        _ => head,
    };
    if !looks_like_tar(&block) || block.iter().all(|&b| b == 0) {
        return false;
    }
    let name_end = block[..100].iter().position(|&b| b == 0).unwrap_or(100);
    let prefix_end = block[345..500].iter().position(|&b| b == 0).unwrap_or(155);
    let name = String::from_utf8_lossy(&block[..name_end]);
    let prefix = String::from_utf8_lossy(&block[345..345 + prefix_end]);
    let full = if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
    is_archive_member_name(full.trim_start_matches("./"))
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A top-level name of a docker-save or OCI-layout archive. PAX headers (`PaxHeaders`,
/// `././@PaxHeader`) say nothing, so they count too when Docker writes them first.
fn is_archive_member_name(name: &str) -> bool {
    let first = name.split('/').next().unwrap_or("");
    matches!(first, "blobs" | "oci-layout" | "index.json" | "manifest.json" | "repositories")
        || is_hex64(first)
        || first.strip_suffix(".json").is_some_and(is_hex64)
        || name.starts_with("PaxHeaders")
        || name.contains("@PaxHeader")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_with(name: &str) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_ustar();
        h.set_size(2);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, &b"{}"[..]).unwrap();
        b.into_inner().unwrap()
    }

    #[test]
    fn sniffs_magic_bytes() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Sniffed::Gzip);
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Sniffed::Zstd);
        assert_eq!(sniff(b"  {\"a\":1}"), Sniffed::Json);
        assert_eq!(sniff(&tar_with("x")), Sniffed::Tar);
        assert_eq!(sniff(&[0u8; 1024]), Sniffed::Tar);
        assert_eq!(sniff(b""), Sniffed::Empty);
        assert_eq!(sniff(b"hello"), Sniffed::Unknown);
    }

    #[test]
    fn tar_checksum_is_enough_without_the_ustar_magic() {
        let mut t = tar_with("x");
        t[257..263].copy_from_slice(b"\0\0\0\0\0\0");
        let sum: u32 =
            t[..512].iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) }).sum();
        t[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert!(looks_like_tar(&t));
        t[0] = b'y';
        assert!(!looks_like_tar(&t));
    }

    #[test]
    fn claims_only_archives_that_start_like_docker_save() {
        let hex = "a".repeat(64);
        for yes in
            ["manifest.json", "blobs/sha256/abc", "oci-layout", &format!("{hex}/layer.tar"), &format!("{hex}.json")]
        {
            assert!(looks_like_image_archive(&tar_with(yes)[..]), "{yes}");
        }
        for no in ["src/main.rs", "backup/etc/passwd", "abc/layer.tar"] {
            assert!(!looks_like_image_archive(&tar_with(no)[..]), "{no}");
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar_with("index.json")).unwrap();
        assert!(looks_like_image_archive(&gz.finish().unwrap()[..]));
        assert!(!looks_like_image_archive(&b"not a tar"[..]));
        assert!(!looks_like_image_archive(&[0u8; 1024][..]));
    }
}
