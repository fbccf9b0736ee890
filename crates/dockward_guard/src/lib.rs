//! `dockward guard`: a Docker authorization plugin that judges container creates (and
//! updates, execs, services, plugin and swarm changes) with dockward's container rules,
//! before the daemon acts on them. See docs/guard.md.
//!
//! - [`route`]: the request URI, normalised, -> an endpoint class;
//! - [`protocol`]: the plugin protocol's messages and the request body;
//! - [`policy`]: the `[guard]` section of `dockward.toml`;
//! - [`decide`]: decision = f(mode, policy, findings, user, endpoint), pure;
//! - [`outcome`]: what a request did (AuthZRes): the container it created or changed;
//! - [`server`]: the plugin socket (tokio + hyper), SIGHUP reloads, decision records;
//! - [`daemon`]: the guard's own requests to the daemon (its `/info`, image lookups, the
//!   start-up self-test).
//!
//! Only this crate, `dockward_engine` and `dockward_sinks` know tokio.

pub mod cli;
pub mod daemon;
pub mod decide;
pub mod outcome;
pub mod policy;
pub mod protocol;
pub mod record;
pub mod route;
pub mod server;
