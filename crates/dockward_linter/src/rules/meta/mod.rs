pub mod invalid_suppression;
pub mod syntax_error;
pub mod unreadable_file;
pub mod unused_suppression;
