//! What the `dockward guard` subcommands run, so the binary needs no tokio: `serve` (the
//! runtime, the socket, socket activation), `install` (the unit files and daemon.json
//! snippet, printed) and `check-request` (one decision, offline).

use std::path::{Path, PathBuf};

use crate::decide::{judge, Decision, Knowledge};
use crate::policy::Policy;
use crate::protocol::AuthzRequest;
use crate::server::{bind, serve, Guard, ServeOptions};

/// The plugin name dockerd is configured with: the socket's file name without `.sock`.
pub fn plugin_name(socket: &Path) -> String {
    let file = socket.file_name().and_then(|f| f.to_str()).unwrap_or("dockward-guard");
    file.strip_suffix(".sock").unwrap_or(file).to_string()
}

/// Runs the plugin until SIGTERM/SIGINT. A socket passed by systemd (`LISTEN_FDS`) is
/// used when there is one; otherwise `options.socket` is bound.
pub fn run_serve(options: ServeOptions) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let guard = Guard::new(&options)?;
        let mut inherited = listenfd::ListenFd::from_env();
        let listener = match inherited.take_unix_listener(0).map_err(|e| format!("LISTEN_FDS: {e}"))? {
            Some(std_listener) => {
                std_listener.set_nonblocking(true).map_err(|e| e.to_string())?;
                eprintln!("dockward guard: serving the socket systemd passed");
                tokio::net::UnixListener::from_std(std_listener).map_err(|e| e.to_string())?
            }
            None => {
                let listener = bind(&options.socket).map_err(|e| format!("{}: {e}", options.socket.display()))?;
                eprintln!(
                    "dockward guard: serving {} (plugin name `{}`)",
                    options.socket.display(),
                    plugin_name(&options.socket)
                );
                listener
            }
        };
        let bound = options.socket.clone();
        let result = serve(guard, listener, options.self_test).await.map_err(|e| e.to_string());
        // A socket this process bound is removed (dockerd then fails fast on "plugin not
        // found" rather than waiting on a dead socket); systemd's stays.
        if std::env::var_os("LISTEN_FDS").is_none() {
            let _ = std::fs::remove_file(&bound);
        }
        result
    })
}

/// One decision for an AuthZReq call read from a file, with no daemon.
pub fn check_request(text: &str, policy: &Policy) -> Result<Decision, String> {
    let call: AuthzRequest = serde_json::from_str(text).map_err(|e| format!("not an AuthZReq call: {e}"))?;
    Ok(judge(&call, policy, &Knowledge::default(), &()))
}

/// What `dockward guard install` prints.
pub struct InstallPlan {
    pub socket: PathBuf,
    pub config: PathBuf,
    pub binary: PathBuf,
}

impl InstallPlan {
    pub fn render(&self) -> String {
        let name = plugin_name(&self.socket);
        let socket = self.socket.display();
        let config = self.config.display();
        let binary = self.binary.display();
        format!(
            r#"# dockward guard: nothing below is written for you. Review, then install:
#   /etc/systemd/system/{name}.socket, /etc/systemd/system/{name}.service,
#   /etc/systemd/system/docker.service.d/{name}.conf, and merge the daemon.json snippet;
#   systemctl daemon-reload && systemctl enable --now {name}.socket && systemctl restart docker
# dockerd refuses to start, and a `systemctl reload docker` is fatal, while the plugin's
# socket is missing: the socket unit keeps it in place whether or not the guard runs.

# ---- /etc/systemd/system/{name}.socket
[Unit]
Description=dockward guard (Docker authorization plugin) socket
Before=docker.service

[Socket]
ListenStream={socket}
SocketMode=0600
SocketUser=root
SocketGroup=root
RemoveOnStop=false

[Install]
WantedBy=sockets.target

# ---- /etc/systemd/system/{name}.service
[Unit]
Description=dockward guard (Docker authorization plugin)
Documentation=https://github.com/dockward/dockward/blob/main/docs/guard.md
Requires={name}.socket
After={name}.socket
Before=docker.service

[Service]
ExecStart={binary} guard serve --socket {socket} --config {config} --docker-host unix:///var/run/docker.sock
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=1s
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
LogsDirectory=dockward

[Install]
WantedBy=multi-user.target

# ---- /etc/systemd/system/docker.service.d/{name}.conf
[Unit]
Wants={name}.socket
After={name}.socket

# ---- /etc/docker/daemon.json (merge into the existing object)
{{
  "authorization-plugins": ["{name}"]
}}
"#
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugin_name_is_the_socket_name() {
        assert_eq!(plugin_name(Path::new("/run/docker/plugins/dockward-guard.sock")), "dockward-guard");
        assert_eq!(plugin_name(Path::new("/run/docker/plugins/x/x.sock")), "x");
    }

    #[test]
    fn install_prints_units_ordered_before_docker_and_the_snippet() {
        let text = InstallPlan {
            socket: "/run/docker/plugins/dockward-guard.sock".into(),
            config: "/etc/dockward/dockward.toml".into(),
            binary: "/usr/local/bin/dockward".into(),
        }
        .render();
        assert!(text.contains("ListenStream=/run/docker/plugins/dockward-guard.sock"));
        assert!(text.contains("Restart=on-failure"));
        assert_eq!(text.matches("Before=docker.service").count(), 2);
        assert!(text.contains("\"authorization-plugins\": [\"dockward-guard\"]"));
        let snippet = &text[text.rfind("{\n").unwrap()..];
        let parsed: serde_json::Value = serde_json::from_str(snippet.trim()).unwrap();
        assert_eq!(parsed["authorization-plugins"][0], "dockward-guard");
    }
}
