//! Deterministic identifiers: the same image always gets the same document ids.

use sha2::{Digest, Sha256};

use crate::model::Inventory;

/// What identifies an inventory's content: the image id when there is one (it is the
/// digest of the config, which names every layer), else the name and the packages.
fn identity(inventories: &[Inventory]) -> Vec<u8> {
    let mut h = Sha256::new();
    for inv in inventories {
        match &inv.image_id {
            Some(id) => h.update(id.as_bytes()),
            None => {
                h.update(inv.name.as_bytes());
                for p in &inv.packages {
                    h.update(p.purl.as_bytes());
                    h.update(p.location.as_bytes());
                    h.update([0]);
                }
            }
        }
        h.update([0xff]);
    }
    h.finalize().to_vec()
}

/// A UUID (RFC 9562 version 8: custom, hash-based) derived from the inventories.
pub fn document_uuid(inventories: &[Inventory]) -> String {
    let d = identity(inventories);
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// A short stable hash of a string, for element ids.
pub(crate) fn short_hash(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d[..8].iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample;

    #[test]
    fn uuid_is_stable_and_well_formed() {
        let inv = sample::inventory();
        let a = document_uuid(std::slice::from_ref(&inv));
        assert_eq!(a, document_uuid(std::slice::from_ref(&inv)));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8", "version 8");
        let mut other = inv.clone();
        other.image_id = Some("sha256:ffff".into());
        assert_ne!(a, document_uuid(&[other]));
    }
}
