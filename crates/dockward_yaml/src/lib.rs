//! A lossless, spanned YAML tree for Compose files.
//!
//! [`parse`] turns YAML text into a [`Document`]: a tree of [`Node`]s where every node,
//! key, tag, comment and alias use site carries an exact byte [`TextRange`] into the
//! original text, scalars keep their source style and undecoded source range, and the
//! Compose-relevant YAML features are resolved the way Compose (go-yaml v3) resolves them:
//!
//! * aliases are expanded by deep copy, each copy remembering where it came from
//!   ([`AliasOrigin`]), under a [`Budget`] so that "billion laughs" files fail fast;
//! * merge keys (`<<: *base`) are applied, explicit keys winning, each merged entry
//!   remembering the `<<` entry it came through ([`Entry::merged_from`]);
//! * duplicate keys, extra documents and bad merges are reported as non-fatal
//!   [`Document::errors`] so a linter can still look at the rest of the file;
//! * tags (Compose's `!reset` and `!override`) and comments are kept.
//!
//! Scalars are never converted: `0755`, `yes` and `1_000` stay the text they are. The
//! typing helpers ([`Node::as_bool`], [`Node::as_i64`], [`Node::is_null`], ...) interpret
//! them on request, and tell the caller when YAML 1.1 and YAML 1.2 readers disagree.
//!
//! The events come from [`granit_parser`], a maintained, `unsafe`-free fork of
//! saphyr-parser that reports byte offsets, scalar styles, tags, anchors and comments.

#![warn(missing_docs)]

mod builder;
mod scalar;

use std::fmt;

pub use dockward_source::{TextRange, TextSize};

/// Limits that keep parsing bounded in time and memory on hostile input.
///
/// Alias expansion is where YAML can blow up: nine levels of ten aliases each describe
/// a billion nodes in a few hundred bytes. Every node that ends up in the tree, plus
/// every copy kept for an anchor so that later aliases can be expanded, counts against
/// [`Budget::max_nodes`]; parsing stops at the alias (or node) that crosses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Maximum number of nodes after alias expansion (keys, values and collection
    /// nodes each count as one), including the copies held for anchors.
    pub max_nodes: usize,
    /// Maximum nesting depth of collections after alias expansion; the root is at
    /// depth 1. This also bounds the recursion of the tree's `Clone` and `Drop`, so it
    /// must stay well below what the stack can hold (the default is 256).
    pub max_depth: usize,
    /// Maximum number of scalar-text bytes copied by alias expansion. Without it a
    /// single alias of a long string, used many times, would stay within `max_nodes`
    /// while needing gigabytes.
    pub max_alias_bytes: usize,
}

impl Default for Budget {
    fn default() -> Self {
        // Real Compose files have hundreds to a few thousand nodes. A node is about
        // 150 bytes plus its strings, so 250k nodes cap a hostile file at roughly
        // 40 MB and a few tens of milliseconds, with ample room for generated files.
        Self { max_nodes: 250_000, max_depth: 256, max_alias_bytes: 64 << 20 }
    }
}

/// An error with the byte range it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Where the problem is: the offending token, or the character where the scanner
    /// stopped (an empty range at the end of the text for unexpected EOF).
    pub range: TextRange,
    /// A human-readable, lowercase description without position (the range has it).
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// The first YAML document of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's root node; `None` for an empty file (or one with only comments).
    pub root: Option<Node>,
    /// Every comment up to the end of the first document, in source order.
    pub comments: Vec<Comment>,
    /// Problems that do not stop a YAML reader from building the tree but that Compose
    /// rejects or silently resolves: duplicate keys, a second document, merge keys whose
    /// value is not a mapping. In source order of detection.
    pub errors: Vec<YamlError>,
}

/// A YAML node: mapping, sequence or scalar, with its properties.
///
/// `range` covers the node's content as written, without its tag or anchor: a quoted
/// scalar includes its quotes; a block scalar runs from its `|`/`>` indicator to its last
/// non-blank character; a block collection runs from its first key or `-` to the end of
/// its last value; a flow collection from its opening to its closing bracket.
///
/// A node produced by an alias is a copy of the anchored node: its `range` (and those of
/// everything inside it) still point at the anchored definition, and [`Node::origin`]
/// (set on the copy's root only) records the alias use site.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// The node's content in the source (see the type's documentation).
    pub range: TextRange,
    /// The explicit tag, e.g. Compose's `!reset` or `!override`. Boxed, like
    /// `origin`: most nodes have neither, and a Compose file of 50,000 services has
    /// about 200,000 nodes (issue 19 #5).
    pub tag: Option<Box<Tag>>,
    /// The anchor name defined on this node (`&name`, without `&`). Not set on alias
    /// copies' roots, which carry [`Node::origin`] instead.
    pub anchor: Option<String>,
    /// Set when this node is the root of an alias expansion.
    pub origin: Option<Box<AliasOrigin>>,
}

/// The three kinds of YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A mapping, entries in source order (merged entries at the `<<` entry's place).
    Map(Vec<Entry>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A scalar.
    Scalar(Scalar),
}

/// One key/value pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, usually a scalar.
    pub key: Node,
    /// The value; an empty plain scalar when the source has none (`key:`).
    pub value: Node,
    /// For an entry that came from a merge key: the range of the `<<: ...` entry it came
    /// through (from `<<` to the end of its value, or of its alias use site).
    pub merged_from: Option<TextRange>,
}

/// A scalar's decoded text, style and source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The text after YAML decoding (escapes, line folding, block chomping) and
    /// nothing else: no type conversion. An absent value (`key:`) is the empty string.
    pub value: String,
    /// How the scalar was written.
    pub style: ScalarStyle,
    /// The undecoded source of the value: inside the quotes for quoted scalars, from
    /// the first content character to the last non-blank one for block scalars, the
    /// same as the node's range for plain scalars. Editing fixes replace this range.
    pub raw: TextRange,
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// `'single quoted'`.
    SingleQuoted,
    /// `"double quoted"`.
    DoubleQuoted,
    /// A `|` block.
    Literal,
    /// A `>` block.
    Folded,
}

/// An explicit tag.
///
/// Local tags such as `!reset` have handle `!` and suffix `reset`; core tags such as
/// `!!str` are resolved to handle `tag:yaml.org,2002:` and suffix `str`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// The resolved handle (prefix).
    pub handle: String,
    /// What follows the handle.
    pub suffix: String,
    /// The tag token as written, e.g. `!reset`.
    pub range: TextRange,
}

impl Tag {
    /// Whether this is the local tag `!name`, e.g. `tag.is_local("reset")`.
    pub fn is_local(&self, name: &str) -> bool {
        self.handle == "!" && self.suffix == name
    }

    /// Whether this is the core-schema tag `!!name`, e.g. `tag.is_core("str")`.
    pub fn is_core(&self, name: &str) -> bool {
        self.handle == CORE_TAG_PREFIX && self.suffix == name
    }
}

pub(crate) const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Where an alias copy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AliasOrigin {
    /// The `*name` use site.
    pub alias: TextRange,
    /// The `&name` definition token of the anchor the copy was made from.
    pub anchor: TextRange,
}

/// A comment, for `# dockward: ignore[...]` pragmas and the like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line, line break excluded.
    pub range: TextRange,
    /// The text after `#`, leading spaces included.
    pub text: String,
    /// Whether the comment follows content on its line (`image: x # like this`), as
    /// opposed to standing on its own line.
    pub trailing: bool,
}

/// Parses the first YAML document of `text` into a spanned tree.
///
/// Fatal problems (syntax errors, undefined aliases, a blown budget) are returned as
/// `Err` with the range of the offending text; non-fatal ones are in
/// [`Document::errors`]. Never panics, and runs in time and memory bounded by the text
/// length and `budget`.
pub fn parse(text: &str, budget: &Budget) -> Result<Document, YamlError> {
    builder::parse(text, budget)
}

/// Every YAML document of a stream (`---`-separated, as Kubernetes manifests are).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stream {
    /// The documents read, in order, each with its own anchors and [`Budget`].
    pub documents: Vec<StreamDocument>,
    /// The fatal error that stopped the stream (a syntax error, a blown budget); the
    /// document it occurred in is not in `documents`, the ones before it are.
    pub error: Option<YamlError>,
}

/// One document of a [`Stream`].
#[derive(Debug, Clone, PartialEq)]
pub struct StreamDocument {
    /// From the document's `---` (or its first token) to the end of its root node.
    pub range: TextRange,
    /// The tree, comments and non-fatal errors of this document alone.
    pub document: Document,
}

/// Parses every document of `text` (a multi-document stream), each with its own
/// anchors and node budget. A fatal error stops the stream: the documents before it
/// are returned with it. Never panics; bounded like [`parse`] per document, and by the
/// text length overall.
pub fn parse_stream(text: &str, budget: &Budget) -> Stream {
    builder::parse_stream(text, budget)
}

impl Node {
    /// The value under the scalar key `key` of a mapping (the first such entry if the
    /// key is duplicated). `None` for non-mappings.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry under the scalar key `key` of a mapping, to reach the key's range or
    /// [`Entry::merged_from`].
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.as_str() == Some(key))
    }

    /// The scalar's decoded text, whatever its style. `None` for collections.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.value.as_str())
    }

    /// The scalar, with its style and raw range.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A mapping's entries.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// A sequence's items.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Where this node is used in the source: the alias use site for an alias copy,
    /// otherwise its own range.
    pub fn site(&self) -> TextRange {
        self.origin.as_ref().map_or(self.range, |o| o.alias)
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let stream = parse_stream(text, &Budget::default());
        assert!(stream.error.is_none(), "{:?}", stream.error);
        stream
            .documents
            .iter()
            .map(|d| d.document.root.as_ref().map_or(String::new(), |r| text[r.range].to_owned()))
            .collect()
    }

    #[test]
    fn every_document_is_kept_with_exact_ranges() {
        let text = "a: 1\n---\nb: &x 2\nc: *x\n---\n# only a comment\n---\n- 3\n";
        assert_eq!(texts(text), ["a: 1", "b: &x 2\nc: *x", "", "- 3"]);
        let stream = parse_stream(text, &Budget::default());
        assert_eq!(&text[stream.documents[1].range], "---\nb: &x 2\nc: *x");
        assert_eq!(stream.documents[2].document.comments.len(), 1);
    }

    #[test]
    fn anchors_do_not_cross_documents() {
        let stream = parse_stream("a: &x 1\n---\nb: *x\n", &Budget::default());
        assert_eq!(stream.documents.len(), 1);
        assert!(stream.error.unwrap().message.contains("undefined alias"));
    }

    #[test]
    fn the_budget_is_per_document() {
        let budget = Budget { max_nodes: 5, ..Budget::default() };
        let stream = parse_stream("a: 1\nb: 2\n---\nc: 3\nd: 4\n", &budget);
        assert!(stream.error.is_none());
        assert_eq!(stream.documents.len(), 2);
        let stream = parse_stream("a: 1\n---\n[1, 2, 3, 4, 5, 6]\n", &budget);
        assert_eq!(stream.documents.len(), 1);
        assert!(stream.error.is_some());
    }

    #[test]
    fn a_syntax_error_keeps_the_documents_before_it() {
        let stream = parse_stream("a: 1\n---\nb: [\n", &Budget::default());
        assert_eq!(stream.documents.len(), 1);
        assert!(stream.error.is_some());
        assert!(parse_stream("", &Budget::default()).documents.is_empty());
    }
}
