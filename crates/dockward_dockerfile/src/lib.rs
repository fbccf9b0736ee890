//! A BuildKit-compatible Dockerfile parser with exact byte spans.
//!
//! Hand-written: the crates available either stop at the first error, drop comments,
//! or keep no spans for ENV/LABEL pairs and shell text (see docs/architecture.md).
//!
//! [`parse`] follows BuildKit's `frontend/dockerfile/parser` (line joining, parser
//! directives, flags, JSON/shell forms, heredocs) and never fails: errors are
//! collected and parsing goes on with the next instruction. [`dump_buildkit`] prints
//! the tree as BuildKit's parser tests do. [`semantic`] adds variable expansion and
//! the stage graph.

#![warn(missing_docs)]

pub mod ast;
mod dump;
mod flags;
mod heredoc;
mod json;
mod lines;
mod parser;
pub mod semantic;
mod words;

pub use ast::*;
pub use dump::dump_buildkit;
pub use flags::{flag_errors, flags_of, FlagKind};
pub use lines::logical_text;

/// Parses a Dockerfile. Never fails: syntax errors are in [`Dockerfile::errors`].
///
/// ```
/// let df = dockward_dockerfile::parse("FROM alpine:3.20 AS base\nRUN apk add curl\n");
/// assert!(df.errors.is_empty());
/// assert_eq!(df.instructions.len(), 2);
/// assert_eq!(df.stages[0].name.as_ref().unwrap().value, "base");
/// ```
pub fn parse(text: &str) -> Dockerfile {
    let mut df = parser::parse(text);
    df.source = text.into();
    df
}

/// [`parse`] of a text the caller already shares (a `SourceFile`'s): the tree keeps
/// it without a copy of its own.
pub fn parse_shared(text: &std::sync::Arc<str>) -> Dockerfile {
    let mut df = parser::parse(text);
    df.source = std::sync::Arc::clone(text);
    df
}
