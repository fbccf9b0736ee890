//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`,
//! `$$` for a literal `$`; defaults and alternatives are interpolated themselves, so
//! they nest (`${A:-${B:-x}}`).

/// The interpolated text and the variables it read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interpolated {
    pub text: String,
    /// Each `${...}` / `$VAR` expression that read a variable: the variable name, the
    /// expression as written (for messages) and whether the variable was set.
    pub used: Vec<Used>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Used {
    pub name: String,
    pub expression: String,
    pub set: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `${VAR:?msg}` / `${VAR?msg}` with the variable missing.
    Required,
    /// A `$` that starts no valid expression, or an unclosed `${`.
    Invalid,
}

/// An interpolation failure at a byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterpolationError {
    pub kind: ErrorKind,
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// Interpolates `text` the way docker compose does: a `$` that starts no expression is
/// an error.
pub fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Interpolated, InterpolationError> {
    let mut out = Interpolated::default();
    run(text, 0, lookup, true, &mut out)?;
    Ok(out)
}

/// Like [`interpolate`] but keeps a stray `$` as written (dotenv values).
pub fn interpolate_lenient(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Interpolated, InterpolationError> {
    let mut out = Interpolated::default();
    run(text, 0, lookup, false, &mut out)?;
    Ok(out)
}

fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

fn is_name(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

fn run(
    text: &str,
    base: usize,
    lookup: &dyn Fn(&str) -> Option<String>,
    strict: bool,
    out: &mut Interpolated,
) -> Result<(), InterpolationError> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut lit = 0;
    while let Some(p) = memchr_dollar(&bytes[i..]) {
        let d = i + p;
        out.text.push_str(&text[lit..d]);
        match bytes.get(d + 1) {
            Some(b'$') => {
                out.text.push('$');
                i = d + 2;
            }
            Some(&b) if is_name_start(b) => {
                let mut e = d + 1;
                while e < bytes.len() && is_name(bytes[e]) {
                    e += 1;
                }
                let name = &text[d + 1..e];
                let value = lookup(name);
                out.used.push(Used { name: name.into(), expression: text[d..e].into(), set: value.is_some() });
                out.text.push_str(value.as_deref().unwrap_or(""));
                i = e;
            }
            Some(b'{') => {
                let close = matching_brace(bytes, d + 2).ok_or_else(|| InterpolationError {
                    kind: ErrorKind::Invalid,
                    offset: base + d,
                    len: text.len() - d,
                    message: format!("invalid interpolation format: `{}` is not closed", &text[d..]),
                })?;
                braced(text, d, close, base, lookup, strict, out)?;
                i = close + 1;
            }
            _ if !strict => {
                out.text.push('$');
                i = d + 1;
            }
            _ => {
                let end =
                    text[d..].find(|c: char| c.is_whitespace() || c == '\'' || c == '"').map_or(text.len(), |w| d + w);
                return Err(InterpolationError {
                    kind: ErrorKind::Invalid,
                    offset: base + d,
                    len: (end - d).max(1),
                    message: format!(
                        "invalid interpolation format: `{}` (write `$$` for a literal `$`)",
                        &text[d..end]
                    ),
                });
            }
        }
        lit = i;
    }
    out.text.push_str(&text[lit..]);
    Ok(())
}

fn memchr_dollar(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'$')
}

/// The index of the `}` closing a `${` whose content starts at `from`, nested `${`
/// counted.
fn matching_brace(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn braced(
    text: &str,
    d: usize,
    close: usize,
    base: usize,
    lookup: &dyn Fn(&str) -> Option<String>,
    strict: bool,
    out: &mut Interpolated,
) -> Result<(), InterpolationError> {
    let inner = &text[d + 2..close];
    let bytes = inner.as_bytes();
    let invalid = || InterpolationError {
        kind: ErrorKind::Invalid,
        offset: base + d,
        len: close + 1 - d,
        message: format!("invalid interpolation format: `{}`", &text[d..=close]),
    };
    if bytes.is_empty() || !is_name_start(bytes[0]) {
        return Err(invalid());
    }
    let mut n = 1;
    while n < bytes.len() && is_name(bytes[n]) {
        n += 1;
    }
    let name = &inner[..n];
    let rest = &inner[n..];
    let value = lookup(name);
    out.used.push(Used { name: name.into(), expression: text[d..=close].into(), set: value.is_some() });
    let (op, arg) = if let Some(a) = rest.strip_prefix(":-") {
        (":-", a)
    } else if let Some(a) = rest.strip_prefix(":?") {
        (":?", a)
    } else if let Some(a) = rest.strip_prefix(":+") {
        (":+", a)
    } else if let Some(a) = rest.strip_prefix('-') {
        ("-", a)
    } else if let Some(a) = rest.strip_prefix('?') {
        ("?", a)
    } else if let Some(a) = rest.strip_prefix('+') {
        ("+", a)
    } else if rest.is_empty() {
        ("", "")
    } else {
        return Err(invalid());
    };
    let arg_base = base + d + 2 + n + op.len();
    let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
    let set = value.is_some();
    match op {
        "" => out.text.push_str(value.as_deref().unwrap_or("")),
        ":-" | "-" => {
            let use_default = if op == ":-" { !non_empty } else { !set };
            if use_default {
                run(arg, arg_base, lookup, strict, out)?;
            } else {
                out.text.push_str(value.as_deref().unwrap_or(""));
            }
        }
        ":+" | "+" => {
            let use_alt = if op == ":+" { non_empty } else { set };
            if use_alt {
                run(arg, arg_base, lookup, strict, out)?;
            }
        }
        _ => {
            let missing = if op == ":?" { !non_empty } else { !set };
            if missing {
                let mut msg = Interpolated::default();
                run(arg, arg_base, lookup, false, &mut msg)?;
                let detail = if msg.text.is_empty() { String::new() } else { format!(": {}", msg.text) };
                return Err(InterpolationError {
                    kind: ErrorKind::Required,
                    offset: base + d,
                    len: close + 1 - d,
                    message: format!("required variable `{name}` is missing a value{detail}"),
                });
            }
            out.text.push_str(value.as_deref().unwrap_or(""));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            "PORT" => Some("8080".into()),
            _ => None,
        }
    }

    fn i(text: &str) -> String {
        interpolate(text, &env).unwrap().text
    }

    #[test]
    fn every_form() {
        assert_eq!(i("$SET ${SET} $$SET ${SET}x"), "v v $SET vx");
        assert_eq!(i("${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}"), "d d  d");
        assert_eq!(i("${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${UNSET+alt}"), "alt  alt ");
        assert_eq!(i("${SET:?boom} ${EMPTY?boom}"), "v ");
        assert_eq!(i("${UNSET:-${ALSO:-${PORT}}}"), "8080");
        assert_eq!(i("$UNSET-x"), "-x");
        assert_eq!(i("no vars"), "no vars");
    }

    #[test]
    fn records_the_variables_read() {
        let r = interpolate("${PORT}:80 ${NOPE:-1}", &env).unwrap();
        let names: Vec<_> = r.used.iter().map(|u| (u.name.as_str(), u.set)).collect();
        assert_eq!(names, [("PORT", true), ("NOPE", false)]);
        assert_eq!(r.used[0].expression, "${PORT}");
    }

    #[test]
    fn errors_with_offsets() {
        let e = interpolate("a ${UNSET:?set it} b", &env).unwrap_err();
        assert_eq!((e.kind, e.offset, e.len), (ErrorKind::Required, 2, 16));
        assert!(e.message.contains("UNSET") && e.message.contains("set it"));
        let e = interpolate("x ${EMPTY:?}", &env).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Required);
        let e = interpolate("echo $(date)", &env).unwrap_err();
        assert_eq!((e.kind, e.offset), (ErrorKind::Invalid, 5));
        assert_eq!(interpolate("${", &env).unwrap_err().kind, ErrorKind::Invalid);
        assert_eq!(interpolate("${1x}", &env).unwrap_err().kind, ErrorKind::Invalid);
        assert_eq!(interpolate("${A*b}", &env).unwrap_err().kind, ErrorKind::Invalid);
        assert_eq!(interpolate_lenient("a $ b", &env).unwrap().text, "a $ b");
    }
}
