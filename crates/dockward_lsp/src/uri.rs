//! `file:` URIs and paths, through the `url` crate (percent-encoding, hosts, Windows
//! drive letters).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path of a `file:` URI; `None` for any other scheme (`untitled:`).
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    Uri::from_str(url.as_str()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let uri: Uri = "file:///srv/my%20app/Docker%C3%A9file".parse().unwrap();
        let path = to_path(&uri).unwrap();
        assert_eq!(path, PathBuf::from("/srv/my app/Dockeréfile"));
        assert_eq!(from_path(&path).unwrap(), uri);
        assert_eq!(to_path(&"untitled:Untitled-1".parse().unwrap()), None);
    }
}
