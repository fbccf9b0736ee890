//! The host files read as text: `/etc/group`, audit rules, `mountinfo`.

use dockward_source::{TextRange, TextSize};

fn tr(start: usize, end: usize) -> TextRange {
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

/// Lines with their byte offsets, without terminators.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    text.split_inclusive('\n').map(move |l| {
        let at = pos;
        pos += l.len();
        (at, l.trim_end_matches(['\n', '\r']))
    })
}

/// A group's entry in `/etc/group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEntry {
    pub gid: Option<u32>,
    /// The whole line.
    pub line: TextRange,
    /// Member user names with their ranges.
    pub members: Vec<(String, TextRange)>,
}

/// The entry of group `name` (`name:x:gid:user1,user2`).
pub fn group_entry(text: &str, name: &str) -> Option<GroupEntry> {
    for (at, line) in lines(text) {
        let mut fields = line.splitn(4, ':');
        if fields.next() != Some(name) {
            continue;
        }
        let _password = fields.next();
        let gid = fields.next().and_then(|g| g.trim().parse().ok());
        let mut members = Vec::new();
        if let Some(list) = fields.next() {
            let mut off = at + line.len() - list.len();
            for m in list.split(',') {
                let lead = m.len() - m.trim_start().len();
                let name = m.trim();
                if !name.is_empty() {
                    members.push((name.to_string(), tr(off + lead, off + lead + name.len())));
                }
                off += m.len() + 1;
            }
        }
        return Some(GroupEntry { gid, line: tr(at, at + line.len()), members });
    }
    None
}

/// A path an audit rule watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditWatch {
    pub path: String,
    pub range: TextRange,
}

/// The paths audit rules watch: `-w PATH ...` and `-a always,exit ... -F path=PATH` /
/// `-F dir=DIR`. Deletions (`-W`, `-d`) and comments are skipped.
pub fn audit_watches(text: &str) -> Vec<AuditWatch> {
    let mut out = Vec::new();
    for (at, line) in lines(text) {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let words: Vec<(usize, &str)> = line
            .split(' ')
            .scan(at, |pos, w| {
                let start = *pos;
                *pos += w.len() + 1;
                Some((start, w))
            })
            .filter(|(_, w)| !w.is_empty())
            .collect();
        let Some((_, first)) = words.first() else { continue };
        match *first {
            "-w" => {
                if let Some((s, p)) = words.get(1) {
                    out.push(AuditWatch { path: p.to_string(), range: tr(*s, s + p.len()) });
                }
            }
            "-a" | "-A" => {
                let adds = words.get(1).is_some_and(|(_, a)| a.split(',').any(|x| x == "always"));
                if !adds {
                    continue;
                }
                for pair in words.windows(2) {
                    let [(_, flag), (s, field)] = pair else { continue };
                    if *flag != "-F" {
                        continue;
                    }
                    for key in ["path=", "dir="] {
                        if let Some(p) = field.strip_prefix(key) {
                            let start = s + key.len();
                            out.push(AuditWatch { path: p.to_string(), range: tr(start, start + p.len()) });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Mount points in a `mountinfo` file (field 5), with octal escapes (`\040`) decoded.
pub fn mount_points(text: &str) -> Vec<(String, TextRange)> {
    let mut out = Vec::new();
    for (at, line) in lines(text) {
        let mut pos = at;
        let mut fields = Vec::new();
        for f in line.split(' ') {
            fields.push((pos, f));
            pos += f.len() + 1;
        }
        if let Some((s, mp)) = fields.get(4) {
            if mp.starts_with('/') {
                out.push((unescape_octal(mp), tr(*s, s + mp.len())));
            }
        }
    }
    out
}

fn unescape_octal(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_members_with_ranges() {
        let t = "root:x:0:\ndocker:x:998:alice, bob\n";
        let g = group_entry(t, "docker").unwrap();
        assert_eq!(g.gid, Some(998));
        let names: Vec<_> = g.members.iter().map(|(n, r)| (n.as_str(), &t[*r])).collect();
        assert_eq!(names, [("alice", "alice"), ("bob", "bob")]);
        assert!(group_entry(t, "root").unwrap().members.is_empty());
        assert!(group_entry(t, "dock").is_none());
    }

    #[test]
    fn audit_forms() {
        let t = "# -w /etc/shadow\n-w /usr/bin/dockerd -k docker\n-a always,exit -F path=/usr/bin/runc -F perm=x -k docker\n-a exit,always -F dir=/var/lib/docker -k d\n-a never,exit -F path=/etc/docker\n-W /etc/x\n";
        let w: Vec<_> = audit_watches(t).into_iter().map(|w| (w.path.clone(), t[w.range].to_string())).collect();
        assert_eq!(
            w,
            [
                ("/usr/bin/dockerd".to_string(), "/usr/bin/dockerd".to_string()),
                ("/usr/bin/runc".into(), "/usr/bin/runc".into()),
                ("/var/lib/docker".into(), "/var/lib/docker".into()),
            ]
        );
    }

    #[test]
    fn mountinfo_points() {
        let t = "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n30 22 8:2 / /var/lib/docker rw - xfs /dev/sdb1 rw\n31 22 0:5 / /mnt/a\\040b rw - tmpfs t rw\n";
        let m: Vec<_> = mount_points(t).into_iter().map(|(p, _)| p).collect();
        assert_eq!(m, ["/", "/var/lib/docker", "/mnt/a b"]);
    }
}
