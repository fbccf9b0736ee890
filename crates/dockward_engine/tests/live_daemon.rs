//! Normalisation against the real daemon: containers created with each insecure and
//! hardened setting are read back through the Engine API and checked field by field,
//! with the API field each value came from.

mod support;

use std::collections::HashMap;
use std::sync::Arc;

use dockward_engine::{read_endpoints, AuditOptions, Endpoint, HostSnapshot, ReadOptions};
use dockward_spec::{ContainerSpec, MountKind};
use support::Fixture;

fn read_labelled(fx: &Fixture) -> HostSnapshot {
    let label = fx.run_id.clone();
    let select =
        Arc::new(move |_: &str, labels: &HashMap<String, String>, _: &str| labels.get("dockward.test") == Some(&label));
    let endpoint = Endpoint {
        label: "local".into(),
        host: "unix:///var/run/docker.sock".into(),
        tls: None,
        skip_tls_verify: false,
    };
    let options = AuditOptions {
        read: ReadOptions { concurrency: 4, select: Some(select), progress: None },
        ..Default::default()
    };
    read_endpoints(&[endpoint], &options).pop().unwrap().expect("the local daemon is readable")
}

fn spec<'a>(s: &'a HostSnapshot, name: &str) -> &'a ContainerSpec {
    s.containers.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name} not read"))
}

fn at<T>(v: &dockward_spec::Val<T>) -> String {
    v.at.to_string()
}

#[test]
fn live_containers_normalise_field_by_field() {
    let mut fx = Fixture::new();
    let base = fx.base_image();
    let app = fx.build_image(
        "app",
        &format!("FROM {base}\nARG DB_PASSWORD\nRUN echo built > /built\nENV API_TOKEN=t0ken-abc123\nUSER 1000\nHEALTHCHECK CMD true\n"),
        &["DB_PASSWORD=hunter2hunter2"],
    );
    let net = fx.network("net", &["--driver", "bridge", "--opt", "com.docker.network.bridge.enable_icc=false"]);

    let insecure = fx.create(
        "insecure",
        &[
            "--privileged",
            "--network",
            "host",
            "--pid",
            "host",
            "--ipc",
            "host",
            "--uts",
            "host",
            "--cap-add",
            "SYS_ADMIN",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-v",
            "/etc:/host-etc:ro",
            "-e",
            "DB_PASSWORD=s3cret-value",
            "-u",
            "0",
            &base,
            "sleep",
            "1000",
        ],
    );
    let ports = fx.create(
        "ports",
        &["-p", "0.0.0.0::80", "-p", "127.0.0.1:18089:81/udp", "--restart", "on-failure:3", &base, "sleep", "1000"],
    );
    let hardened = fx.create(
        "hardened",
        &[
            "--read-only",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges:true",
            "--memory",
            "64m",
            "--cpus",
            "0.5",
            "--pids-limit",
            "100",
            "--user",
            "1000:1000",
            "--tmpfs",
            "/tmp:rw,noexec",
            "--network",
            &net,
            "--init",
            "--ulimit",
            "nofile=1024:2048",
            "--log-opt",
            "max-size=1m",
            "--health-cmd",
            "true",
            &app,
            "sleep",
            "1000",
        ],
    );
    fx.start(&ports);

    let snap = read_labelled(&fx);
    let names: Vec<&str> = snap.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, [hardened.as_str(), insecure.as_str(), ports.as_str()], "sorted, only this run's containers");
    assert!(snap.notes.is_empty(), "{:?}", snap.notes);

    // Insecure.
    let s = spec(&snap, &insecure);
    let p = s.privileged.as_ref().unwrap();
    assert!(p.value);
    assert_eq!(at(p), format!("container/{insecure}/HostConfig.Privileged"));
    for (field, want, path) in [
        (&s.network_mode, "host", "HostConfig.NetworkMode"),
        (&s.pid, "host", "HostConfig.PidMode"),
        (&s.ipc, "host", "HostConfig.IpcMode"),
        (&s.uts, "host", "HostConfig.UTSMode"),
        (&s.user, "0", "Config.User"),
    ] {
        let v = field.as_ref().unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!((v.value.as_str(), at(v)), (want, format!("container/{insecure}/{path}")));
    }
    // The CLI sends (and the API keeps) the `CAP_` form; the value is kept as the API has it.
    assert_eq!(s.cap_add.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["CAP_SYS_ADMIN"]);
    assert_eq!(at(&s.cap_add[0]), format!("container/{insecure}/HostConfig.CapAdd[0]"));
    let sock = s.mounts.iter().find(|m| m.target.value == "/var/run/docker.sock").expect("socket mount");
    assert_eq!(sock.kind, MountKind::Bind);
    assert_eq!(sock.source.as_ref().unwrap().value, "/var/run/docker.sock");
    assert!(!sock.is_read_only());
    let etc = s.mounts.iter().find(|m| m.target.value == "/host-etc").expect("/etc mount");
    assert!(etc.is_read_only());
    assert!(at(etc.read_only.as_ref().unwrap()).ends_with(".RW"));
    assert!(s.resources.memory.is_none() && s.resources.cpus.is_none() && s.resources.pids_limit.is_none());
    let secret = s.env.iter().find(|e| e.name.value == "DB_PASSWORD").unwrap();
    assert_eq!(secret.value.as_ref().unwrap().value, "s3cret-value");
    assert!(s.networks.iter().any(|n| n.value == "host"));
    let img = s.image_config.as_ref().expect("image config from the base image");
    assert_eq!(img.user.as_ref().map(|u| u.is_none()), Some(true), "imported image has no USER");
    assert_eq!(img.has_healthcheck, Some(false));

    // Published ports on the default bridge.
    let s = spec(&snap, &ports);
    let tcp = s.ports.iter().find(|p| p.container_port.value == "80").unwrap();
    assert_eq!(tcp.host_ip.as_ref().unwrap().value, "0.0.0.0");
    assert!(tcp.host_port.is_none(), "ephemeral host port");
    assert_eq!(tcp.protocol, "tcp");
    assert_eq!(tcp.at.to_string(), format!("container/{ports}/HostConfig.PortBindings.80/tcp[0]"));
    let udp = s.ports.iter().find(|p| p.container_port.value == "81").unwrap();
    assert_eq!((udp.host_ip.as_ref().unwrap().value.as_str(), udp.protocol.as_str()), ("127.0.0.1", "udp"));
    assert_eq!(udp.host_port.as_ref().unwrap().value, "18089");
    let restart = s.restart.as_ref().unwrap();
    assert_eq!((restart.policy.value.as_str(), restart.max_retries.as_ref().map(|m| m.value)), ("on-failure", Some(3)));
    assert_eq!(
        s.networks.iter().map(at).collect::<Vec<_>>(),
        [format!("container/{ports}/NetworkSettings.Networks.bridge")]
    );
    assert!(s.user.is_none(), "no user: the image's (root) applies");

    // Hardened.
    let s = spec(&snap, &hardened);
    assert_eq!(s.read_only.as_ref().map(|r| r.value), Some(true));
    assert_eq!(s.cap_drop.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["ALL"]);
    let opts: Vec<(&str, &str)> = s.security_options().map(|(_, k, v)| (k, v)).collect();
    assert_eq!(opts, [("no-new-privileges", "true")]);
    let mem = s.resources.memory.as_ref().unwrap();
    assert_eq!((mem.value, at(mem)), (64 * 1024 * 1024, format!("container/{hardened}/HostConfig.Memory")));
    let cpus = s.resources.cpus.as_ref().unwrap();
    assert_eq!((cpus.value, at(cpus)), (0.5, format!("container/{hardened}/HostConfig.NanoCpus")));
    assert_eq!(s.resources.pids_limit.as_ref().map(|p| p.value), Some(100));
    assert_eq!(s.user.as_ref().map(|u| u.value.as_str()), Some("1000:1000"));
    let tmp = s.mounts.iter().find(|m| m.kind == MountKind::Tmpfs).expect("tmpfs");
    assert_eq!((tmp.target.value.as_str(), tmp.is_read_only()), ("/tmp", false));
    assert_eq!(tmp.at.to_string(), format!("container/{hardened}/HostConfig.Tmpfs./tmp"));
    assert_eq!(s.networks.iter().map(|n| n.value.as_str()).collect::<Vec<_>>(), [net.as_str()]);
    assert_eq!(s.init.as_ref().map(|i| i.value), Some(true));
    let ul = &s.resources.ulimits[0];
    assert_eq!((ul.name.value.as_str(), ul.soft, ul.hard), ("nofile", Some(1024), Some(2048)));
    let log = s.logging.as_ref().unwrap();
    assert!(log.options.iter().any(|(k, v)| k.value == "max-size" && v.value == "1m"));
    let hc = s.healthcheck.as_ref().unwrap();
    assert_eq!(hc.test.as_ref().unwrap().value, ["CMD-SHELL", "true"]);
    assert!(!hc.is_disabled());
    let img = s.image_config.as_ref().unwrap();
    assert_eq!(img.user.as_ref().unwrap().as_ref().map(|u| u.value.as_str()), Some("1000"));
    assert_eq!(img.has_healthcheck, Some(true));
    assert_eq!(img.from.to_string(), format!("image/{app}/Config"));

    // The image view: env, history (oldest first) with the recorded build argument.
    let view = snap.images.iter().find(|i| i.name == app).expect("app image read");
    assert!(view.env.iter().any(|e| e.name.value == "API_TOKEN"));
    assert!(view.history.iter().any(|h| h.created_by.value.contains("|1 DB_PASSWORD=")));
    assert_eq!(view.used_by, std::slice::from_ref(&hardened));
    assert_eq!(view.user.as_ref().map(|u| u.value.as_str()), Some("1000"));

    // Networks: our bridge with ICC off, attached by the hardened container.
    let nv = snap.networks.iter().find(|n| n.name == net).unwrap();
    assert_eq!(nv.option("com.docker.network.bridge.enable_icc").map(|v| v.value.as_str()), Some("false"));
    assert_eq!(
        nv.attached.iter().map(at).collect::<Vec<_>>(),
        [format!("container/{hardened}/NetworkSettings.Networks.{net}")]
    );
    let bridge = snap.networks.iter().find(|n| n.is_default_bridge()).expect("default bridge");
    assert!(bridge.attached.iter().any(|a| a.at.name() == format!("container/{ports}")));

    // The engine.
    assert!(snap.engine.version.as_ref().is_some_and(|v| !v.value.is_empty()));
    assert_eq!(snap.engine.api_version.as_deref(), Some(docker_api_version().as_str()));
    assert_eq!(snap.defaults.seccomp_default, Some(snap.engine.security_option("seccomp").is_some()));
    assert!(snap.engine.containers_total >= 3);
}

fn docker_api_version() -> String {
    support::docker(&["version", "--format", "{{.Server.APIVersion}}"])
}

/// What carries `label` on the daemon: containers, networks, images.
fn left_with_label(label: &str) -> Vec<String> {
    let filter = format!("label={label}");
    let mut left = Vec::new();
    for args in [&["ps", "-aq"][..], &["network", "ls", "-q"], &["images", "-q"]] {
        let mut all = args.to_vec();
        all.extend(["--filter", &filter]);
        left.extend(support::docker(&all).lines().map(|l| format!("{args:?} {l}")));
    }
    left
}

// issue 13 #30: a test that fails halfway leaves none of its containers, networks or
// images behind, including a container its own `docker run` made outside the fixture.
#[test]
fn a_failing_test_leaves_nothing_behind() {
    let label = std::sync::Mutex::new(String::new());
    let result = std::panic::catch_unwind(|| {
        let mut fx = Fixture::new();
        *label.lock().unwrap() = fx.label();
        let base = fx.base_image();
        let app = fx.build_image("app", &format!("FROM {base}\nRUN echo x > /x\n"), &[]);
        fx.create("made", &[&app, "true"]);
        fx.network("net", &[]);
        support::docker(&["create", "--label", &fx.label(), &base, "true"]);
        assert!(left_with_label(&fx.label()).len() >= 5, "{:?}", left_with_label(&fx.label()));
        panic!("the test fails here");
    });
    assert!(result.is_err());
    let label = label.into_inner().unwrap();
    assert!(!label.is_empty());
    assert_eq!(left_with_label(&label), Vec::<String>::new());
}

// issue 13 #30: a container that cannot start stops the test with docker's reason, and
// is removed with the rest.
#[test]
fn a_container_that_cannot_start_is_reported_and_removed() {
    let label = std::sync::Mutex::new(String::new());
    let result = std::panic::catch_unwind(|| {
        let mut fx = Fixture::new();
        *label.lock().unwrap() = fx.label();
        let base = fx.base_image();
        let broken = fx.create("broken", &[&base, "/no/such/program"]);
        fx.start(&broken);
    });
    let message = result.unwrap_err().downcast::<String>().map(|m| *m).unwrap_or_default();
    assert!(message.starts_with("docker start dw-") && message.contains("failed: "), "{message}");
    assert_eq!(left_with_label(&label.into_inner().unwrap()), Vec::<String>::new());
}

// issue 13 #30: when the engine cannot start containers at all, one sentence says so.
#[test]
fn an_engine_that_cannot_start_containers_is_named_as_the_environment() {
    let network = "Error response from daemon: failed to create endpoint dw-1-x on network bridge: failed to add \
                   the host (veth1) <=> sandbox (veth2) pair interfaces: operation not supported\nError: failed to \
                   start containers: dw-1-x\n";
    let m = support::start_failure_message("dw-1-x", network);
    assert!(m.starts_with("this environment's Docker engine cannot start a container on its default network"), "{m}");
    assert_eq!(m.lines().count(), 1, "{m}");
    assert!(m.contains("failed to create endpoint"), "{m}");
    let own = "Error response from daemon: failed to create task for container: exec: \"/no/such\": stat /no/such: \
               no such file or directory: unknown\n";
    let m = support::start_failure_message("dw-1-y", own);
    assert!(m.starts_with("docker start dw-1-y failed: Error response from daemon"), "{m}");
}
