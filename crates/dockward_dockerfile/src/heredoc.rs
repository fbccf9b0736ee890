//! Heredoc markers on an instruction line, found the way BuildKit's
//! `heredocsFromLine` finds them: split the whole line into shell words (quotes and
//! `\` escapes kept), and take every word matching `^(\d*)<<(-?)([^<]*)$` whose rest
//! is exactly one word once unquoted.

use crate::semantic::expand::{expand_env, NoEnv};

/// A heredoc opener found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The word, as offsets into the line.
    pub start: usize,
    pub end: usize,
    /// The unquoted delimiter.
    pub name: String,
    pub strip_tabs: bool,
    pub expand: bool,
    pub fd: Option<u32>,
}

/// Splits `line` into words as BuildKit's lexer does with raw quotes and raw escapes
/// (the escape is always `\` here, as in BuildKit). `None` if a quote is not closed:
/// BuildKit then finds no heredoc on the line at all.
fn shell_words(line: &str) -> Option<Vec<(usize, usize)>> {
    let bytes = line.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    let mut start: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && crate::lines::is_space_byte(b) {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
            i += 1;
            continue;
        }
        if b >= 0x80 {
            // Non-ASCII: only Unicode whitespace separates.
            let c = line[i..].chars().next()?;
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    words.push((s, i));
                }
            } else if start.is_none() {
                start = Some(i);
            }
            i += c.len_utf8();
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        match b {
            b'\\' => {
                i += 1;
                if i < bytes.len() {
                    i += line[i..].chars().next().map_or(1, char::len_utf8);
                }
            }
            b'\'' => {
                let close = memchr::memchr(b'\'', &bytes[i + 1..])?;
                i += close + 2;
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return None,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') if matches!(bytes.get(i + 1), Some(b'"' | b'$' | b'\\')) => i += 2,
                        Some(_) => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    if let Some(s) = start {
        words.push((s, bytes.len()));
    }
    Some(words)
}

/// The heredoc markers of `line`, in order.
pub(crate) fn find_markers(line: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    if memchr::memmem::find(line.as_bytes(), b"<<").is_none() {
        return out;
    }
    let Some(words) = shell_words(line) else { return out };
    for (start, end) in words {
        let word = &line[start..end];
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = word[digits..].strip_prefix("<<") else { continue };
        let (strip_tabs, rest) = match after.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, after),
        };
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let name = expand_env(rest, '\\', &NoEnv, true);
        if name.value.is_empty() || !name.errors.is_empty() {
            continue;
        }
        let fd = if digits > 0 { word[..digits].parse().ok() } else { None };
        out.push(Marker { start, end, name: name.value, strip_tabs, expand: !name.quoted, fd });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        let m = find_markers("RUN <<EOF");
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].start, m[0].end, m[0].name.as_str(), m[0].expand, m[0].strip_tabs),
            (4, 9, "EOF", true, false)
        );
        let m = find_markers("RUN <<-\"A\" cat 3<<'B' > x");
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].name.as_str(), m[0].expand, m[0].strip_tabs), ("A", false, true));
        assert_eq!((m[1].name.as_str(), m[1].expand, m[1].fd), ("B", false, Some(3)));
        assert!(find_markers("RUN echo \"<<EOF\"").is_empty());
        assert!(find_markers("RUN cat <<< hi").is_empty());
        assert!(find_markers("RUN cat << EOF").is_empty());
        assert!(find_markers("RUN echo 'unterminated <<EOF").is_empty());
        assert!(find_markers("RUN echo $((1<<2))").is_empty());
        assert!(find_markers("RUN cat <<\"\"").is_empty());
        let m = find_markers("COPY <<EOF1 <<EOF2 /dest/");
        assert_eq!(m.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), vec!["EOF1", "EOF2"]);
    }
}
