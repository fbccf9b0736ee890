//! Loading real and hostile Compose files.

use std::path::{Path, PathBuf};

use dockward_compose::{load_project, LoadOptions, ProblemKind, Project, ProjectFile};
use dockward_spec::{ContainerSpec, MountKind};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

fn options(env: &[(&str, &str)]) -> LoadOptions {
    LoadOptions {
        environment: Some(env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
        ..Default::default()
    }
}

fn load_text(dir: &Path, files: &[(&str, &str)], env: &[(&str, &str)]) -> Project {
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    load_project(&[ProjectFile::new(dir.join(files[0].0))], &options(env))
}

fn spec<'a>(specs: &'a [ContainerSpec], name: &str) -> &'a ContainerSpec {
    specs.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no service {name}"))
}

fn text_at(loc: &dockward_diagnostics::Location) -> String {
    match (loc.file(), loc.range()) {
        (Some(f), Some(r)) => f.text()[r].to_string(),
        _ => format!("<{}>", loc.name()),
    }
}

fn compose_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            compose_files(&p, out);
        } else {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if (name.ends_with(".yaml") || name.ends_with(".yml")) && name.contains("compose") {
                out.push(p);
            }
        }
    }
}

/// Files docker compose refuses on their own: cycles, files that are only meant to be
/// reached through a remote loader or a project directory.
fn expected_failure(path: &Path) -> Option<ProblemKind> {
    let s = path.to_string_lossy();
    if s.ends_with("compose-include-cycle.yaml") {
        Some(ProblemKind::Include)
    } else if s.contains("/remote/cycle/") || s.contains("/remote/nested/compose.yaml") {
        Some(ProblemKind::Extends)
    } else if s.contains("compose-depends-on-self") || s.ends_with("compose-depends-on-cycle.yaml") {
        Some(ProblemKind::DependsOn)
    } else if s.ends_with("compose-depends-on-profile-no-cycle.yaml") {
        // compose-go's test disables a service with profiles before checking; the
        // file itself, as docker compose loads it, has the same cycle.
        Some(ProblemKind::DependsOn)
    } else if s.ends_with("include/dir/compose.yaml") {
        Some(ProblemKind::EnvFile)
    } else {
        None
    }
}

#[test]
fn every_corpus_compose_file_loads_or_fails_clearly() {
    let mut files = Vec::new();
    compose_files(Path::new(CORPUS), &mut files);
    files.sort();
    assert!(files.len() >= 60, "corpus has {} compose files", files.len());
    let mut services = 0;
    for path in &files {
        let project = load_project(&[ProjectFile::new(path)], &options(&[]));
        let (specs, spec_problems) = project.container_specs();
        let problems: Vec<_> = project.problems.iter().chain(&spec_problems).collect();
        services += specs.len();
        match expected_failure(path) {
            Some(kind) => assert!(
                problems.iter().any(|p| p.kind == kind && p.at.span().is_some()),
                "{}: expected a {kind:?} problem with a position, got {problems:?}",
                path.display()
            ),
            None => assert!(
                problems.is_empty(),
                "{}: {:?}",
                path.display(),
                problems.iter().map(|p| (p.kind, p.message.clone(), p.at.span())).collect::<Vec<_>>()
            ),
        }
    }
    assert!(services > 100, "only {services} services");
}

#[test]
fn awesome_compose_service_is_fully_normalised() {
    let path = Path::new(CORPUS).join("awesome-compose/nginx-golang-mysql/compose.yaml");
    let project = load_project(&[ProjectFile::new(&path)], &options(&[]));
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let names: Vec<_> = specs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["backend", "db", "proxy"]);
    let db = spec(&specs, "db");
    assert_eq!(db.image.as_ref().unwrap().value, "mariadb:10-focal");
    assert_eq!(text_at(&db.origin), "db");
    assert!(db.secrets.iter().any(|s| s.value == "db-password"));
    let proxy = spec(&specs, "proxy");
    assert_eq!(proxy.ports.len(), 1);
    assert_eq!(proxy.ports[0].host_port.as_ref().unwrap().value, "80");
    assert!(proxy.ports[0].host_ip.is_none());
    let backend = spec(&specs, "backend");
    let build = backend.build.as_ref().unwrap();
    assert!(build.dockerfile_path.as_ref().unwrap().ends_with("backend/Dockerfile"));
    // The backend's final stage is `FROM scratch` without USER: root, and known.
    let cfg = backend.image_config.as_ref().unwrap();
    assert!(matches!(cfg.user, Some(None)), "{:?}", cfg.user);
}

#[test]
fn provenance_of_aliases_and_variables() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "x-base: &base\n  image: app:1\n  privileged: true\nservices:\n  web:\n    <<: *base\n    ports:\n      - \"${PORT}:80\"\n      - 127.0.0.1:9000:9000/udp\n    mem_limit: 512m\n    deploy:\n      resources:\n        limits: {cpus: '0.5', pids: 100}\n      restart_policy:\n        condition: any\n        max_attempts: 3\n    volumes:\n      - ./data:/data:ro,rshared\n      - /var/run/docker.sock:/var/run/docker.sock\n      - cache:/cache\n    environment:\n      - TOKEN=abc\n    profiles: [debug]\n";
    let project = load_text(dir.path(), &[("compose.yaml", compose), (".env", "# ports\nPORT=8080\n")], &[]);
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let web = spec(&specs, "web");
    let privileged = web.privileged.as_ref().unwrap();
    assert!(privileged.value);
    // Used through the merge key; the definition is a related location.
    assert_eq!(text_at(&privileged.at), "<<: *base");
    assert!(privileged.via.iter().any(|v| text_at(&v.location) == "true"), "{:?}", privileged.via);
    let port = &web.ports[0];
    assert_eq!(port.host_port.as_ref().unwrap().value, "8080");
    assert_eq!(text_at(&port.at), "\"${PORT}:80\"");
    let via = &port.host_port.as_ref().unwrap().via;
    assert!(via.iter().any(|v| v.note == "`${PORT}` from .env" && text_at(&v.location) == "PORT"), "{via:?}");
    let udp = &web.ports[1];
    assert_eq!(text_at(&udp.host_ip.as_ref().unwrap().at), "127.0.0.1");
    assert_eq!(text_at(&udp.container_port.at), "9000");
    assert_eq!(udp.protocol, "udp");
    assert_eq!(web.resources.memory.as_ref().unwrap().value, 512 << 20);
    assert_eq!(web.resources.cpus.as_ref().unwrap().value, 0.5);
    assert_eq!(web.resources.pids_limit.as_ref().unwrap().value, 100);
    let restart = web.restart.as_ref().unwrap();
    assert_eq!((restart.policy.value.as_str(), restart.max_retries.as_ref().unwrap().value), ("always", 3));
    let data = &web.mounts[0];
    assert_eq!(data.kind, MountKind::Bind);
    assert!(data.is_read_only());
    assert_eq!(text_at(&data.propagation.as_ref().unwrap().at), "rshared");
    assert_eq!(text_at(&web.mounts[1].source.as_ref().unwrap().at), "/var/run/docker.sock");
    assert_eq!(web.mounts[2].kind, MountKind::Volume);
    assert_eq!(text_at(&web.env[0].value.as_ref().unwrap().at), "abc");
    assert_eq!(web.profiles, ["debug"]);
    let ip = web.insert_point.as_ref().unwrap();
    assert_eq!(ip.indent, "    ");
    assert_eq!(ip.offset, dockward_source::TextSize::from(compose.len() as u32));
}

#[test]
fn overrides_and_extends_merge() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), "services:\n  web:\n    image: a:1\n    cap_add: [NET_ADMIN]\n")
        .unwrap();
    std::fs::write(
        dir.path().join("compose.override.yaml"),
        "services:\n  web:\n    image: a:2\n    cap_add: !reset []\n  job:\n    extends:\n      file: common.yaml\n      service: base\n    user: app\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("common.yaml"), "services:\n  base:\n    image: job:1\n    read_only: true\n")
        .unwrap();
    let files: Vec<_> = dockward_compose::project_files_in(dir.path()).into_iter().map(ProjectFile::new).collect();
    assert_eq!(files.len(), 2);
    let project = load_project(&files, &options(&[]));
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let web = spec(&specs, "web");
    assert_eq!(web.image.as_ref().unwrap().value, "a:2");
    assert!(web.cap_add.is_empty());
    let job = spec(&specs, "job");
    assert_eq!(job.image.as_ref().unwrap().value, "job:1");
    assert!(job.image.as_ref().unwrap().at.name().ends_with("common.yaml"));
    assert!(job.read_only.as_ref().unwrap().value);
    assert_eq!(job.user.as_ref().unwrap().value, "app");
}

#[test]
fn hostile_input_gives_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, ProblemKind)> = vec![
        ("tabs.yaml", b"services:\n\tweb:\n\t\timage: a\n".to_vec(), ProblemKind::Syntax),
        ("invalid.yaml", b"services: [a, b\n".to_vec(), ProblemKind::Syntax),
        ("seq.yaml", b"- a\n- b\n".to_vec(), ProblemKind::Schema),
        ("scalar.yaml", b"just text\n".to_vec(), ProblemKind::Schema),
        ("utf8.yaml", b"services:\n  web:\n    image: \xff\n".to_vec(), ProblemKind::Unreadable),
        ("binary.yaml", b"services:\0\n".to_vec(), ProblemKind::Unreadable),
        ("types.yaml", b"services:\n  web:\n    ports: 80\n    privileged: [1]\n".to_vec(), ProblemKind::Schema),
    ];
    for (name, bytes, kind) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let project = load_project(&[ProjectFile::new(&path)], &options(&[]));
        let p = project.problems.iter().find(|p| p.kind == kind);
        let p = p.unwrap_or_else(|| panic!("{name}: no {kind:?} in {:?}", project.problems));
        if kind != ProblemKind::Unreadable || name == "utf8.yaml" {
            assert!(p.at.span().is_some(), "{name}: no position");
        }
        let _ = project.container_specs();
    }
    let tabs = dir.path().join("tabs.yaml");
    let project = load_project(&[ProjectFile::new(&tabs)], &options(&[]));
    assert!(project.problems[0].message.contains("tabs"), "{}", project.problems[0].message);
}

#[test]
fn alias_bombs_deep_nesting_and_huge_files_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        bomb.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let deep = format!("services: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let mut huge = String::from("services:\n");
    for i in 0..20_000 {
        huge.push_str(&format!("  s{i}:\n    image: app:{i}\n"));
    }
    for (name, text, kind) in [
        ("bomb.yaml", bomb, Some(ProblemKind::Syntax)),
        ("deep.yaml", deep, Some(ProblemKind::Syntax)),
        ("huge.yaml", huge, None),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let project = load_project(&[ProjectFile::new(&path)], &options(&[]));
        match kind {
            Some(kind) => {
                let p = project.problems.iter().find(|p| p.kind == kind);
                assert!(p.is_some_and(|p| p.at.span().is_some()), "{name}: {:?}", project.problems);
            }
            None => {
                assert!(project.problems.is_empty(), "{name}: {:?}", project.problems.first());
                assert_eq!(project.container_specs().0.len(), 20_000);
            }
        }
    }
}

#[test]
fn explicit_env_file_replaces_dot_env() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), "services:\n  web:\n    image: app:${TAG:-none}\n").unwrap();
    std::fs::write(dir.path().join(".env"), "TAG=dotenv\n").unwrap();
    std::fs::write(dir.path().join("prod.env"), "TAG=prod\n").unwrap();
    let file = [ProjectFile::new(dir.path().join("compose.yaml"))];
    let image = |p: &Project| p.container_specs().0[0].image.as_ref().unwrap().value.clone();
    assert_eq!(image(&load_project(&file, &options(&[]))), "app:dotenv");
    let with_file = LoadOptions { env_files: vec![dir.path().join("prod.env")], ..options(&[]) };
    assert_eq!(image(&load_project(&file, &with_file)), "app:prod");
    // The environment wins over env files.
    assert_eq!(image(&load_project(&file, &options(&[("TAG", "env")]))), "app:env");
}

#[test]
fn include_conflicts_and_extension_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let project = load_text(
        dir.path(),
        &[
            ("compose.yaml", "include:\n  - lib/db.yaml\nx-note: \"echo $(date)\"\nservices:\n  db:\n    image: mine:1\n  web:\n    image: w:1\n"),
            ("lib/db.yaml", "services:\n  db:\n    image: theirs:1\n  cache:\n    image: redis:7\n"),
        ],
        &[],
    );
    // `x-` blocks are not interpolated; the conflict names both definitions.
    let kinds: Vec<_> = project.problems.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [ProblemKind::Include], "{:?}", project.problems);
    let p = &project.problems[0];
    assert!(p.message.contains("`services.db`"), "{}", p.message);
    assert_eq!(text_at(&p.at), "db");
    assert!(p.related.iter().any(|r| r.location.name().ends_with("lib/db.yaml")));
    let (specs, _) = project.container_specs();
    let names: Vec<_> = specs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["db", "web", "cache"]);
    assert_eq!(spec(&specs, "db").image.as_ref().unwrap().value, "mine:1");
}

#[test]
fn long_syntax_ports_keep_their_host_address() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  web:\n    image: x:1\n    ports:\n      - target: 80\n        published: \"127.0.0.1:8080\"\n      - target: 443\n        host_ip: 127.0.0.1\n        published: 8443\n      - target: 53\n        published: \"[::1]:53\"\n        protocol: udp\n      - target: 81\n        published: 0.0.0.0:81\n      - target: 82\n        published: \"82\"\n      - target: 83\n        host_ip: 10.0.0.1\n        published: \"127.0.0.1:83\"\n      - target: 84\n";
    let project = load_text(dir.path(), &[("compose.yaml", compose)], &[]);
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let web = spec(&specs, "web");
    let got: Vec<(Option<String>, Option<String>, String)> = web
        .ports
        .iter()
        .map(|p| {
            (
                p.host_ip.as_ref().map(|v| text_at(&v.at)),
                p.host_port.as_ref().map(|v| text_at(&v.at)),
                p.container_port.value.clone(),
            )
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        [
            (s("127.0.0.1"), s("8080"), "80".to_string()),
            (s("127.0.0.1"), s("8443"), "443".to_string()),
            (s("::1"), s("53"), "53".to_string()),
            (s("0.0.0.0"), s("81"), "81".to_string()),
            (None, s("\"82\""), "82".to_string()),
            // An explicit host_ip wins over an address in `published`.
            (s("10.0.0.1"), s("83"), "83".to_string()),
            (None, None, "84".to_string()),
        ]
    );
    // Values and places agree: the address and the port each point at their own text.
    assert_eq!(web.ports[0].host_ip.as_ref().unwrap().value, "127.0.0.1");
    assert_eq!(web.ports[0].host_port.as_ref().unwrap().value, "8080");
}

#[test]
fn deploy_restart_policy_wins_over_restart() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  both:\n    image: x:1\n    restart: always\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 9\n  plain:\n    image: x:1\n    restart: on-failure:3\n  only_deploy:\n    image: x:1\n    deploy:\n      restart_policy:\n        condition: none\n  no_condition:\n    image: x:1\n    restart: unless-stopped\n    deploy:\n      restart_policy:\n        max_attempts: 2\n  any:\n    image: x:1\n    restart: \"no\"\n    deploy:\n      restart_policy: {condition: any}\n  deploy_without_policy:\n    image: x:1\n    restart: always\n    deploy:\n      resources: {}\n";
    let project = load_text(dir.path(), &[("compose.yaml", compose)], &[]);
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let got = |name: &str| {
        let r = spec(&specs, name).restart.as_ref().unwrap();
        (r.policy.value.clone(), text_at(&r.policy.at), r.max_retries.as_ref().map(|m| (m.value, text_at(&m.at))))
    };
    assert_eq!(got("both"), ("on-failure".into(), "on-failure".into(), Some((9, "9".into()))));
    assert_eq!(got("plain"), ("on-failure".into(), "on-failure:3".into(), Some((3, "on-failure:3".into()))));
    assert_eq!(got("only_deploy"), ("no".into(), "none".into(), None));
    // Compose hands the engine an empty condition: no restarts, whatever `restart` says.
    let (policy, at, retries) = got("no_condition");
    assert_eq!((policy.as_str(), retries), ("no", Some((2, "2".into()))));
    assert!(at.contains("max_attempts: 2"), "{at}");
    assert_eq!(got("any").0, "always");
    assert_eq!(got("deploy_without_policy").0, "always");
}

#[test]
fn deploy_resource_limits_win_over_service_keys() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  both:\n    image: x:1\n    mem_limit: 1g\n    cpus: 2\n    pids_limit: 500\n    mem_reservation: 1g\n    deploy:\n      resources:\n        limits: {memory: 256m, cpus: '0.5', pids: 50}\n        reservations: {memory: 128m}\n  service_only:\n    image: x:1\n    mem_limit: 1g\n    pids_limit: 500\n";
    let project = load_text(dir.path(), &[("compose.yaml", compose)], &[]);
    let (specs, _) = project.container_specs();
    let r = &spec(&specs, "both").resources;
    assert_eq!(r.memory.as_ref().map(|m| (m.value, text_at(&m.at))), Some((256 << 20, "256m".into())));
    assert_eq!(r.cpus.as_ref().map(|c| c.value), Some(0.5));
    assert_eq!(r.pids_limit.as_ref().map(|p| p.value), Some(50));
    assert_eq!(r.memory_reservation.as_ref().map(|m| m.value), Some(128 << 20));
    let r = &spec(&specs, "service_only").resources;
    assert_eq!(r.memory.as_ref().map(|m| m.value), Some(1 << 30));
    assert_eq!(r.pids_limit.as_ref().map(|p| p.value), Some(500));
}

#[test]
fn local_volumes_that_bind_a_host_path_are_binds() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  web:\n    image: x:1\n    volumes:\n      - etc:/host/etc:ro\n      - type: volume\n        source: sock\n        target: /var/run/docker.sock\n      - plain:/data\n      - ext:/ext\n      - nfs:/nfs\n      - rodev:/rodev\nvolumes:\n  etc:\n    driver_opts: {type: none, o: bind, device: /etc}\n  sock:\n    driver: local\n    driver_opts:\n      type: none\n      o: rbind\n      device: /var/run/docker.sock\n  plain: {}\n  ext:\n    external: true\n    driver_opts: {o: bind, device: /srv}\n  nfs:\n    driver_opts: {type: nfs, o: \"addr=10.0.0.1,rw\", device: \":/export\"}\n  rodev:\n    driver_opts: {type: none, o: \"bind,ro\", device: /srv/ro}\n";
    let project = load_text(dir.path(), &[("compose.yaml", compose)], &[]);
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let m = &spec(&specs, "web").mounts;
    let got: Vec<(MountKind, String, String, bool)> = m
        .iter()
        .map(|m| {
            let src = m.source.as_ref().unwrap();
            (m.kind, src.value.clone(), text_at(&src.at), m.is_read_only())
        })
        .collect();
    let b = |v: &str, at: &str, ro| (MountKind::Bind, v.to_string(), at.to_string(), ro);
    let v = |n: &str| (MountKind::Volume, n.to_string(), n.to_string(), false);
    assert_eq!(
        got,
        [
            b("/etc", "etc", true),
            b("/var/run/docker.sock", "sock", false),
            v("plain"),
            v("ext"),
            v("nfs"),
            b("/srv/ro", "rodev", true),
        ]
    );
    let via = &m[0].source.as_ref().unwrap().via;
    assert_eq!(via.len(), 1);
    assert_eq!(text_at(&via[0].location), "/etc");
    assert!(via[0].note.contains("volume `etc`"), "{}", via[0].note);
}

#[test]
fn interpolated_scalars_stay_strings_except_where_compose_casts() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  web:\n    image: x:${TAG:-1}\n    platform: ${PLATFORM:-}\n    user: ${UID:-1000}\n    container_name: ${NAME:-123}\n    hostname: ${HOST:-true}\n    working_dir: ${WD:-null}\n    privileged: ${PRIV:-false}\n    use_api_socket: ${SOCK:-false}\n    environment:\n      EMPTY: ${NOTHING:-}\n    depends_on:\n      db:\n        condition: service_started\n        required: ${REQ:-false}\n    networks:\n      default:\n        priority: ${PRIO:-10}\n    ports:\n      - target: ${PORT:-80}\n        published: ${PUB:-8080}\n  db:\n    image: db:1\n";
    let project = load_text(dir.path(), &[("compose.yaml", compose)], &[]);
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let web = spec(&specs, "web");
    assert_eq!(web.user.as_ref().unwrap().value, "1000");
    let empty = web.env.iter().find(|e| e.name.value == "EMPTY").unwrap();
    assert_eq!(empty.value.as_ref().map(|v| v.value.as_str()), Some(""));
    // An empty interpolated setting is unset, as it is to Docker.
    let compose =
        "services:\n  web:\n    image: x:1\n    user: ${U:-}\n    network_mode: ${NM:-}\n    restart: ${R:-}\n    command: ${CMD:-}\n";
    let dir = tempfile::tempdir().unwrap();
    let project = load_text(dir.path(), &[("compose.yaml", compose)], &[]);
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    let (specs, _) = project.container_specs();
    let web = spec(&specs, "web");
    assert!(web.user.is_none() && web.network_mode.is_none() && web.restart.is_none() && web.command.is_none());
}

#[test]
fn literal_wrong_types_and_failed_casts_are_still_schema_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Without interpolation a plain number is a number; at a cast path an
    // interpolated value is cast, and a non-boolean stays what the schema rejects.
    let compose = "services:\n  web:\n    image: x:1\n    user: 1000\n    platform: null\n    use_api_socket: ${SOCK:-maybe}\n    depends_on:\n      db: {condition: service_started, required: \"${REQ:-}\"}\n  db:\n    image: db:1\n";
    let project = load_text(dir.path(), &[("compose.yaml", compose)], &[]);
    let schema: Vec<String> =
        project.problems.iter().filter(|p| p.kind == ProblemKind::Schema).map(|p| text_at(&p.at)).collect();
    // (A `oneOf` failure is reported at the `depends_on` entry.)
    let depends = "db: {condition: service_started, required: \"${REQ:-}\"}";
    assert_eq!(schema, ["1000", "null", "${SOCK:-maybe}", depends], "{:?}", project.problems);
}
