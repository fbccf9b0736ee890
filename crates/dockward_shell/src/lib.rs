//! A word-level shell tokenizer for `RUN` instructions.
//!
//! Written by hand because the maintained shell parsers are either GPL (yash-syntax),
//! heavy and C-built (tree-sitter-bash), or do not keep byte spans for every word.
//! Rules need simple commands with argv words and spans, joined by operators; they do
//! not need a full shell grammar. Constructs we do not model (`$(...)`, backticks,
//! `case` subjects and patterns) stay inside opaque words or are skipped, so nothing
//! is misread as a command.

mod lexer;
mod parser;
mod script;

pub use lexer::MAX_NESTING;
pub use parser::tokenize;
pub use script::{Command, CompactString, Operator, Redirect, Script, ThinVec, Word};
