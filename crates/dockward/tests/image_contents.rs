//! `dockward audit --image-contents` and `dockward check image.tar` against the real
//! daemon: an image whose layers hold a setuid file, an empty root password, duplicate
//! uids, a `.git` directory, an `.env` with a token, and an SSH key (generated here) added in one layer
//! and deleted in the next.

#[path = "../../dockward_engine/tests/support/mod.rs"]
mod fixture;
#[path = "support/report.rs"]
mod report;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use dockward_engine::recording_proxy::RecordingProxy;
use fixture::Fixture;
use report::findings;
use serde_json::Value;

fn dockward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("run dockward")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// The rootfs of the first layer; returns the token written into `/app/.env`.
fn write_rootfs(root: &Path, run_id: &str) -> (String, String) {
    for d in ["bin", "etc", "usr/bin", "app/.git", "root/.ssh"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::copy(fixture::BUSYBOX, root.join("bin/busybox")).unwrap();
    for applet in ["sh", "rm"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(applet)).unwrap();
    }
    std::fs::write(root.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0:spare root:/root:/bin/sh\n")
        .unwrap();
    std::fs::write(root.join("etc/shadow"), "root::19000:0:99999:7:::\ntoor:!:19000:0:99999:7:::\n").unwrap();
    std::fs::write(root.join("etc/group"), "root:x:0:\n").unwrap();
    std::fs::write(root.join("usr/bin/helper"), "#!/bin/sh\nid\n").unwrap();
    std::fs::set_permissions(root.join("usr/bin/helper"), std::fs::Permissions::from_mode(0o4755)).unwrap();
    std::fs::write(root.join("app/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let token = format!("tok-{run_id}-Zq8");
    std::fs::write(root.join("app/.env"), format!("PORT=8080\nAPI_TOKEN={token}\n")).unwrap();
    // A key-shaped file with a body made here (no ssh-keygen needed on the machine).
    let key_body = generated_key_body(run_id);
    let key_text = format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{key_body}\n-----END OPENSSH PRIVATE KEY-----\n");
    std::fs::write(root.join("root/.ssh/id_ed25519"), key_text).unwrap();
    std::fs::set_permissions(root.join("root/.ssh/id_ed25519"), std::fs::Permissions::from_mode(0o600)).unwrap();
    (token, key_body)
}

/// 64 base64 characters from a xorshift seeded by the run id and the clock.
fn generated_key_body(run_id: &str) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let mut x = run_id.bytes().fold(nanos | 1, |h, b| h.rotate_left(5) ^ u64::from(b));
    (0..64)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            B64[(x % 64) as usize] as char
        })
        .collect()
}

fn expected(scope: &str) -> Vec<(String, String)> {
    let at = |code: &str, path: &str| (code.to_string(), format!("{scope}/{path}"));
    vec![
        at("IM011", "layers[0]/app/.git"),
        at("IM012", "layers[0]/app/.env"),
        at("IM010", "layers[0]/etc/passwd"),
        at("IM009", "layers[0]/etc/shadow"),
        at("IM013", "layers[0]/root/.ssh/id_ed25519"),
        at("IM008", "layers[0]/usr/bin/helper"),
    ]
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

#[test]
fn real_daemon_image_contents_and_saved_archive() {
    let mut fx = Fixture::new();
    let root = fx.dir.path().join("contents-rootfs");
    let (token, key_body) = write_rootfs(&root, &fx.run_id);
    let base = fx.import_rootfs(&root, "contents-base");
    let app = fx.build_image("contents", &format!("FROM {base}\nRUN rm /root/.ssh/id_ed25519\n"), &[]);
    fx.create("contents", &[&app, "sh"]);

    // The audit, through a recording proxy: read-only, one export per image in use.
    let sock = fx.dir.path().join("contents-proxy.sock");
    let proxy = RecordingProxy::start(&sock, Path::new("/var/run/docker.sock")).unwrap();
    let host = format!("unix://{}", sock.display());
    let label = fx.label();
    let audit = |extra: &[&str]| {
        let mut args = vec![
            "audit",
            "--isolated",
            "--host",
            &host,
            "--label",
            &label,
            "--select",
            "IM008,IM009,IM010,IM011,IM012,IM013,IM014",
        ];
        args.extend_from_slice(extra);
        dockward(&args)
    };
    let out = audit(&["--image-contents", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(sorted(findings(&out)), sorted(expected(&format!("image/{app}"))), "{}", text(&out));
    let requests = proxy.requests();
    let writes: Vec<_> = requests.iter().filter(|r| r.method != "GET" && r.method != "HEAD").collect();
    assert!(writes.is_empty(), "non-read requests: {writes:?}");
    let exports: Vec<_> = requests.iter().filter(|r| r.target.ends_with("/get")).collect();
    let app_id = fixture::docker(&["image", "inspect", "--format", "{{.Id}}", &app]);
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert!(exports[0].target.contains(&app_id), "{exports:?}");

    // Without the flag, no export and no contents finding.
    let before = proxy.requests().len();
    let out = audit(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!proxy.requests()[before..].iter().any(|r| r.target.ends_with("/get")));

    // No format prints the token or the key.
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = audit(&["--image-contents", "--format", format]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {all}");
        assert!(all.contains("id_ed25519"), "{format}: {all}");
        assert!(!all.contains(&token) && !all.contains(&key_body), "{format} leaks a secret");
    }

    // The same image saved to a file, checked as an archive (given, and found in a walk).
    let dir = fx.dir.path().join("saved");
    std::fs::create_dir_all(&dir).unwrap();
    let tar = dir.join("app.tar");
    let saved = Command::new("docker").args(["save", "-o"]).arg(&tar).arg(&app).status().unwrap();
    assert!(saved.success());
    std::fs::write(dir.join("other.tar"), b"not an image").unwrap();
    let tar_s = tar.display().to_string();
    let out = dockward(&["check", "--isolated", "--format", "json", "--select", "IM", &tar_s]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(sorted(findings(&out)), sorted(expected(&format!("image/{app}"))), "{}", text(&out));
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = dockward(&["check", "--isolated", "--format", format, "--select", "IM", &tar_s]);
        let all = text(&out);
        assert!(all.contains("id_ed25519"), "{format}: {all}");
        assert!(!all.contains(&token) && !all.contains(&key_body), "{format} leaks a secret");
    }
    let dir_s = dir.display().to_string();
    let out = dockward(&["check", "--isolated", "--format", "json", "--select", "IM", &dir_s]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1, "only the image archive is claimed: {v}");
    assert!(!text(&out).contains(&token));
}
