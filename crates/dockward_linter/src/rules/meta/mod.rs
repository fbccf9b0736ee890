pub mod invalid_suppression;
pub mod not_a_daemon_config;
pub mod run_line_not_judged;
pub mod syntax_error;
pub mod unreadable_file;
pub mod unused_suppression;
