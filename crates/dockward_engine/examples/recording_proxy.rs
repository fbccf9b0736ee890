//! `recording_proxy LISTEN_SOCKET UPSTREAM_SOCKET`: forwards to the daemon and prints
//! `METHOD TARGET` per request on stdout. Used by `bench/audit.sh` to count API calls.
//! Stops on stdin EOF.

use std::io::Read;
use std::path::Path;

use dockward_engine::recording_proxy::RecordingProxy;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: recording_proxy LISTEN_SOCKET UPSTREAM_SOCKET");
        std::process::exit(2);
    }
    let proxy = match RecordingProxy::start(Path::new(&args[1]), Path::new(&args[2])) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("recording_proxy: {}: {e}", args[1]);
            std::process::exit(2);
        }
    };
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    for r in proxy.requests() {
        println!("{} {}", r.method, r.target);
    }
}
