//! Builds the [`Node`] tree from granit-parser's event stream.
//!
//! The builder is iterative (an explicit stack of open collections), so input nesting
//! never turns into Rust recursion; the parser's own nesting limits are set to the
//! depth budget, and alias copies are checked against it too, which keeps the only
//! recursion left (`Clone`/`Drop` of the finished tree) shallow.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use dockward_source::LineIndex;
use granit_parser::{options, ErrorKind, Event, Marker, Parser, Placement, ScanError, Span};

use crate::{
    AliasOrigin, Budget, Comment, Document, Entry, Node, NodeKind, Scalar, ScalarStyle, Stream, StreamDocument, Tag,
    TextRange, TextSize, YamlError, CORE_TAG_PREFIX,
};

pub(crate) fn parse(text: &str, budget: &Budget) -> Result<Document, YamlError> {
    // `TextRange` is 32-bit; refuse rather than wrap offsets.
    if u32::try_from(text.len()).is_err() {
        return Err(YamlError {
            range: TextRange::empty(TextSize::from(0)),
            message: "file too large for YAML parsing (4 GiB or more)".to_owned(),
        });
    }
    let mut builder = Builder::new(text, *budget);
    builder.run()?;
    let mut comments = builder.comments;
    // The parser emits a header's trailing comment after the block scalar it belongs
    // to, so events are not quite in source order.
    comments.sort_by_key(|c| c.range.start());
    Ok(Document { root: builder.root, comments, errors: builder.errors })
}

pub(crate) fn parse_stream(text: &str, budget: &Budget) -> Stream {
    if u32::try_from(text.len()).is_err() {
        return Stream {
            documents: Vec::new(),
            error: Some(YamlError {
                range: TextRange::empty(TextSize::from(0)),
                message: "file too large for YAML parsing (4 GiB or more)".to_owned(),
            }),
        };
    }
    let mut builder = Builder::new(text, *budget);
    builder.stream = Some(Vec::new());
    let error = builder.run().err();
    // What was built of the document the error stopped is dropped with it; the
    // documents before it stand.
    if error.is_none() {
        builder.finish_document();
    }
    Stream { documents: builder.stream.take().unwrap_or_default(), error }
}

/// A finished node waiting to be attached to its parent, with what the budget needs
/// to know about it should it be anchored and aliased later.
struct Done {
    node: Node,
    /// Nodes in the subtree, itself included.
    size: usize,
    /// Collection nesting levels in the subtree: 0 for a scalar.
    height: usize,
    /// Scalar-text bytes in the subtree.
    bytes: usize,
    /// The anchor defined on the node, 0 for none (granit-parser's convention).
    anchor_id: usize,
}

/// An open collection.
struct Frame {
    flow: bool,
    children: Children,
    start: TextSize,
    /// Furthest end of a child's use site, which is where a block collection ends.
    end: TextSize,
    tag: Option<Tag>,
    anchor_id: usize,
    anchor: Option<String>,
    size: usize,
    height: usize,
    bytes: usize,
}

enum Children {
    Seq(Vec<Node>),
    /// Entries so far, and a key waiting for its value.
    Map(Vec<Entry>, Option<Node>),
}

enum AnchorSlot {
    /// The anchored collection is still open: an alias to it would contain itself.
    Open,
    Done(Box<Done>),
}

struct Builder<'t> {
    text: &'t str,
    budget: Budget,
    frames: Vec<Frame>,
    pending: Option<Done>,
    root: Option<Node>,
    anchors: HashMap<usize, AnchorSlot>,
    /// `&name` token of each anchor id.
    anchor_sites: HashMap<usize, TextRange>,
    nodes: usize,
    copied_bytes: usize,
    /// End of the last node or structure event, where the search for a block scalar's
    /// `|`/`>` indicator starts (the parser's span starts at the content).
    cursor: usize,
    comments: Vec<Comment>,
    errors: Vec<YamlError>,
    /// Built on the first error message that needs a line and column.
    line_index: Option<LineIndex>,
    /// Set by [`parse_stream`]: every document is kept, each with its own anchors and
    /// budget, instead of stopping at the second.
    stream: Option<Vec<StreamDocument>>,
    /// Where the current document started (its `---`, or its first token).
    document_start: Option<TextSize>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, budget: Budget) -> Self {
        Self {
            text,
            budget,
            frames: Vec::new(),
            pending: None,
            root: None,
            anchors: HashMap::new(),
            anchor_sites: HashMap::new(),
            nodes: 0,
            copied_bytes: 0,
            cursor: 0,
            comments: Vec::new(),
            errors: Vec::new(),
            line_index: None,
            stream: None,
            document_start: None,
        }
    }

    /// Moves the finished document into the stream and resets what is per document.
    fn finish_document(&mut self) {
        let Some(stream) = self.stream.as_mut() else { return };
        let Some(start) = self.document_start.take() else { return };
        let mut comments = std::mem::take(&mut self.comments);
        comments.sort_by_key(|c| c.range.start());
        let end = self.root.as_ref().map_or(start, |r| r.range.end()).max(start);
        stream.push(StreamDocument {
            range: TextRange::new(start, end),
            document: Document { root: self.root.take(), comments, errors: std::mem::take(&mut self.errors) },
        });
        self.anchors.clear();
        self.anchor_sites.clear();
        self.nodes = 0;
        self.copied_bytes = 0;
    }

    fn run(&mut self) -> Result<(), YamlError> {
        let depth = self.budget.max_depth;
        let options = options! {
            // Anchor names and `&name` ranges, for `Node::anchor` and `AliasOrigin`.
            emit_anchor_events: true,
            // Lets us report an undefined alias with its `*name` range.
            emit_unresolved_aliases: true,
            flow_nesting_limit: depth,
            block_nesting_limit: depth,
            // The default (96) rejects more than 96 comment lines between a key and
            // its nested value, e.g. commented-out services right under `services:`.
            // Buffered comments are bounded by the text length anyway.
            max_buffered_comment_events: usize::MAX,
        };
        let mut documents = 0usize;
        for next in Parser::new_from_str_with_options(self.text, options) {
            let (event, span) = next.map_err(|e| self.scan_error(&e))?;
            let range = self.range(&span);
            let mut structural = true;
            let is_map = matches!(event, Event::MappingStart(..));
            match event {
                Event::StreamStart | Event::StreamEnd => {}
                Event::DocumentStart(..) if self.stream.is_some() => {
                    documents += 1;
                    self.finish_document();
                    self.document_start = Some(range.start());
                }
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        // Compose reads the first document only; later ones are noise
                        // (or a mistake) and are not even checked for syntax.
                        self.errors.push(YamlError {
                            range,
                            message: "a second YAML document starts here; only the first one is used".to_owned(),
                        });
                        break;
                    }
                }
                Event::DocumentEnd => self.flush()?,
                Event::Comment(text, placement) => {
                    structural = false;
                    self.comments.push(Comment {
                        range,
                        text: text.into_owned(),
                        trailing: matches!(placement, Placement::Right),
                    });
                }
                Event::Anchor(id, name) => {
                    structural = false;
                    self.anchor_sites.insert(id, range);
                    // The event follows the node it belongs to: a finished scalar or
                    // a collection that has just been opened.
                    if let Some(done) = self.pending.as_mut().filter(|d| d.anchor_id == id) {
                        done.node.anchor = Some(name.into_owned());
                    } else if let Some(frame) = self.frames.last_mut().filter(|f| f.anchor_id == id) {
                        frame.anchor = Some(name.into_owned());
                    }
                }
                Event::Alias(id) => {
                    self.flush()?;
                    self.alias(id, range)?;
                }
                Event::UnresolvedAlias(name) => {
                    return Err(YamlError { range, message: format!("undefined alias `*{name}`") });
                }
                Event::Scalar(value, style, anchor_id, tag) => {
                    self.flush()?;
                    self.count_node(range)?;
                    let tag = tag.map(|t| self.tag(&t, &span, range));
                    let (node, bytes) = self.scalar(value, style, range, tag);
                    self.pending = Some(Done { node, size: 1, height: 0, bytes, anchor_id });
                }
                Event::SequenceStart(style, anchor_id, tag) | Event::MappingStart(style, anchor_id, tag) => {
                    self.flush()?;
                    self.count_node(range)?;
                    if self.frames.len() >= self.budget.max_depth {
                        return Err(self.depth_error(range));
                    }
                    let tag = tag.map(|t| self.tag(&t, &span, range));
                    if anchor_id != 0 {
                        self.anchors.insert(anchor_id, AnchorSlot::Open);
                    }
                    self.frames.push(Frame {
                        flow: style == granit_parser::StructureStyle::Flow,
                        children: if is_map { Children::Map(Vec::new(), None) } else { Children::Seq(Vec::new()) },
                        start: range.start(),
                        end: range.end(),
                        tag,
                        anchor_id,
                        anchor: None,
                        size: 1,
                        height: 0,
                        bytes: 0,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    self.flush()?;
                    self.close(range);
                }
                // `Event` is non-exhaustive; a future metadata event carries no node.
                _ => structural = false,
            }
            if structural {
                self.cursor = self.cursor.max(usize::from(range.end()));
            }
        }
        self.flush()
    }

    /// Attaches the pending node to its parent (or makes it the root), keeping a copy
    /// for its anchor if it has one.
    fn flush(&mut self) -> Result<(), YamlError> {
        let Some(done) = self.pending.take() else { return Ok(()) };
        if done.anchor_id != 0 {
            // The copy is real memory, so it is paid for like an alias expansion.
            self.charge(done.size, done.bytes, done.node.range)?;
            let copy = Done {
                node: done.node.clone(),
                size: done.size,
                height: done.height,
                bytes: done.bytes,
                anchor_id: done.anchor_id,
            };
            self.anchors.insert(done.anchor_id, AnchorSlot::Done(Box::new(copy)));
        }
        match self.frames.last_mut() {
            Some(frame) => {
                frame.end = frame.end.max(done.node.site().end());
                frame.size += done.size;
                frame.height = frame.height.max(done.height);
                frame.bytes += done.bytes;
                match &mut frame.children {
                    Children::Seq(items) => items.push(done.node),
                    Children::Map(entries, key) => match key.take() {
                        Some(key) => entries.push(Entry { key, value: done.node, merged_from: None }),
                        None => *key = Some(done.node),
                    },
                }
            }
            // A second root cannot happen in one document; keep the first if it did.
            None => {
                if self.root.is_none() {
                    self.root = Some(done.node);
                }
            }
        }
        Ok(())
    }

    fn close(&mut self, end_range: TextRange) {
        let Some(frame) = self.frames.pop() else { return };
        let end = if frame.flow { end_range.end() } else { frame.end };
        let range = TextRange::new(frame.start, end.max(frame.start));
        let kind = match frame.children {
            // Kept at their length: a list grown by doubling is up to half unused, and
            // the tree lives as long as its file's check (issue 19 #5).
            Children::Seq(mut items) => {
                items.shrink_to_fit();
                NodeKind::Seq(items)
            }
            // The parser always pairs keys with values (an empty scalar if need be).
            Children::Map(entries, _) => {
                let mut entries = self.finish_map(entries);
                entries.shrink_to_fit();
                NodeKind::Map(entries)
            }
        };
        let node = Node { kind, range, tag: frame.tag.map(Box::new), anchor: frame.anchor, origin: None };
        self.pending = Some(Done {
            node,
            size: frame.size,
            height: frame.height + 1,
            bytes: frame.bytes,
            anchor_id: frame.anchor_id,
        });
    }

    fn alias(&mut self, id: usize, site: TextRange) -> Result<(), YamlError> {
        let name = &self.text[site];
        let (size, height, bytes) = match self.anchors.get(&id) {
            Some(AnchorSlot::Done(def)) => (def.size, def.height, def.bytes),
            Some(AnchorSlot::Open) => {
                return Err(YamlError {
                    range: site,
                    message: format!("alias `{name}` is used inside the node it refers to"),
                });
            }
            None => {
                return Err(YamlError { range: site, message: format!("undefined alias `{name}`") });
            }
        };
        if self.frames.len() + height > self.budget.max_depth {
            return Err(self.depth_error(site));
        }
        // Pay first, copy second: the copy is what takes time and memory.
        self.charge(size, bytes, site)?;
        let mut node = match self.anchors.get(&id) {
            Some(AnchorSlot::Done(def)) => def.node.clone(),
            // Checked above; an error is still better than a panic.
            _ => return Err(YamlError { range: site, message: format!("undefined alias `{name}`") }),
        };
        node.anchor = None;
        let anchor = self.anchor_sites.get(&id).copied().unwrap_or(node.range);
        node.origin = Some(Box::new(AliasOrigin { alias: site, anchor }));
        self.pending = Some(Done { node, size, height, bytes, anchor_id: 0 });
        Ok(())
    }

    /// Accounts for a copy of `size` nodes and `bytes` scalar bytes, checking the
    /// budget *before* anything is cloned so a billion-laughs file stops at the first
    /// alias that would cross it.
    fn charge(&mut self, size: usize, bytes: usize, at: TextRange) -> Result<(), YamlError> {
        let nodes = self.nodes.saturating_add(size);
        if nodes > self.budget.max_nodes {
            return Err(YamlError {
                range: at,
                message: format!(
                    "alias expansion exceeds the budget of {} nodes (a \"billion laughs\" file?)",
                    self.budget.max_nodes
                ),
            });
        }
        let copied = self.copied_bytes.saturating_add(bytes);
        if copied > self.budget.max_alias_bytes {
            return Err(YamlError {
                range: at,
                message: format!("alias expansion exceeds the budget of {} copied bytes", self.budget.max_alias_bytes),
            });
        }
        self.nodes = nodes;
        self.copied_bytes = copied;
        Ok(())
    }

    fn count_node(&mut self, at: TextRange) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > self.budget.max_nodes {
            return Err(YamlError {
                range: at,
                message: format!("document has more than {} nodes", self.budget.max_nodes),
            });
        }
        Ok(())
    }

    fn depth_error(&self, at: TextRange) -> YamlError {
        YamlError { range: at, message: format!("collections nested deeper than {} levels", self.budget.max_depth) }
    }

    fn scalar(
        &self,
        value: Cow<'_, str>,
        style: granit_parser::ScalarStyle,
        span: TextRange,
        tag: Option<Tag>,
    ) -> (Node, usize) {
        use granit_parser::ScalarStyle as S;
        let (start, end) = (usize::from(span.start()), usize::from(span.end()));
        let (style, range, raw) = match style {
            S::Plain => (ScalarStyle::Plain, span, span),
            S::SingleQuoted | S::DoubleQuoted => {
                let style =
                    if style == S::SingleQuoted { ScalarStyle::SingleQuoted } else { ScalarStyle::DoubleQuoted };
                // The span includes both quotes, which are single ASCII bytes.
                let raw = if end - start >= 2 { self.range_of(start + 1, end - 1) } else { span };
                (style, span, raw)
            }
            S::Literal | S::Folded => {
                let style = if style == S::Literal { ScalarStyle::Literal } else { ScalarStyle::Folded };
                // The parser's span runs from the first content character through the
                // blank lines and indentation that follow; stop at the last non-blank.
                let content = &self.text[start..end];
                let content_end = start + content.trim_end_matches([' ', '\t', '\r', '\n']).len();
                match self.block_header(self.cursor, start) {
                    Some((indicator, header_end)) => {
                        // An empty block scalar's span sits on the next token.
                        let raw = if content_end > start && start >= header_end {
                            self.range_of(start, content_end)
                        } else {
                            self.range_of(header_end, header_end)
                        };
                        (style, self.range_of(indicator, raw.end().into()), raw)
                    }
                    None => {
                        let raw = self.range_of(start, content_end);
                        (style, raw, raw)
                    }
                }
            }
        };
        // The parser reports an absent value (`key:`) as `~`; the source has nothing.
        let value = if style == ScalarStyle::Plain && range.is_empty() { String::new() } else { value.into_owned() };
        let bytes = value.len();
        let node = Node {
            kind: NodeKind::Scalar(Scalar { value, style, raw }),
            range,
            tag: tag.map(Box::new),
            anchor: None,
            origin: None,
        };
        (node, bytes)
    }

    /// Finds a block scalar's `|`/`>` indicator between the previous event's end and
    /// the content start: only separators (`:`, `-`, `?`, blanks), properties (`&a`,
    /// `!tag`) and comments can lie there. Returns the indicator's offset and the end of
    /// its chomping/indentation modifiers.
    fn block_header(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let to = to.min(bytes.len());
        let mut i = from;
        while i < to {
            match bytes[i] {
                b'|' | b'>' => {
                    let mut j = i + 1;
                    while j < bytes.len() && matches!(bytes[j], b'0'..=b'9' | b'+' | b'-') {
                        j += 1;
                    }
                    return Some((i, j));
                }
                b'#' => {
                    while i < to && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'&' | b'!' => {
                    while i < to && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        None
    }

    fn tag(&self, tag: &granit_parser::Tag, span: &Span, node: TextRange) -> Tag {
        let range = match span.tag_span() {
            Some(t) => self.range_of(self.offset(&t.start), self.offset(&t.end)),
            None => {
                let at = span.tag_start().map_or(usize::from(node.start()), |m| self.offset(&m));
                self.range_of(at, at)
            }
        };
        Tag { handle: tag.handle().to_owned(), suffix: tag.suffix().to_owned(), range }
    }

    /// Turns the key/value list of a finished mapping into entries: applies merge keys
    /// and reports duplicate keys.
    fn finish_map(&mut self, pairs: Vec<Entry>) -> Vec<Entry> {
        let has_merge = pairs.iter().any(|e| is_merge_key(&e.key));
        if !has_merge && pairs.len() <= SMALL_MAP {
            // Most Compose mappings are small: compare keys pairwise, no hashing.
            for (i, entry) in pairs.iter().enumerate() {
                let Some(name) = entry.key.as_str() else { continue };
                if let Some(first) = pairs[..i].iter().find(|e| e.key.as_str() == Some(name)) {
                    let error = self.duplicate_key(name, entry.key.site(), first.key.site());
                    self.errors.push(error);
                }
            }
            return pairs;
        }

        // Which merged entries to take: (pair, item of a merged sequence or NO_ITEM,
        // entry), in order. Computed on borrows, then applied by moving.
        const NO_ITEM: usize = usize::MAX;
        let mut plan: Vec<(usize, usize, usize)> = Vec::new();
        let mut bad_merges = Vec::new();
        let mut duplicates = Vec::new();
        {
            let mut explicit: HashMap<&str, TextRange> = HashMap::with_capacity(pairs.len());
            for key in pairs.iter().map(|e| &e.key).filter(|k| !is_merge_key(k)) {
                let Some(name) = key.as_str() else { continue };
                if let Some(first) = explicit.get(name) {
                    duplicates.push((key.site(), name.to_owned(), *first));
                } else {
                    explicit.insert(name, key.site());
                }
            }
            // Explicit keys win wherever they are; among merged maps the first wins.
            let mut merged: HashSet<&str> = HashSet::new();
            for (p, Entry { key, value, .. }) in pairs.iter().enumerate() {
                if !is_merge_key(key) {
                    continue;
                }
                match &value.kind {
                    NodeKind::Map(entries) => {
                        plan.extend(take_merged(entries, &explicit, &mut merged).into_iter().map(|e| (p, NO_ITEM, e)))
                    }
                    NodeKind::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            match &item.kind {
                                NodeKind::Map(entries) => plan.extend(
                                    take_merged(entries, &explicit, &mut merged).into_iter().map(|e| (p, i, e)),
                                ),
                                _ => bad_merges.push(item.site()),
                            }
                        }
                    }
                    NodeKind::Scalar(_) => bad_merges.push(value.site()),
                }
            }
        }
        for (at, name, first) in duplicates {
            let error = self.duplicate_key(&name, at, first);
            self.errors.push(error);
        }
        for at in bad_merges {
            self.errors.push(YamlError {
                range: at,
                message: "a merge key `<<` takes a mapping or a sequence of mappings; this value is ignored".to_owned(),
            });
        }
        if !has_merge {
            return pairs;
        }

        let mut entries = Vec::with_capacity(pairs.len() + plan.len());
        let mut plan = plan.into_iter().peekable();
        for (p, entry) in pairs.into_iter().enumerate() {
            if !is_merge_key(&entry.key) {
                entries.push(entry);
                continue;
            }
            let Entry { key, value, .. } = entry;
            let site = TextRange::new(key.range.start(), value.site().end().max(key.range.start()));
            let mut take_from = |item: usize, source: Vec<Entry>, out: &mut Vec<Entry>| {
                for (e, entry) in source.into_iter().enumerate() {
                    if plan.next_if(|&(pp, ii, ee)| (pp, ii, ee) == (p, item, e)).is_some() {
                        out.push(Entry { merged_from: Some(site), ..entry });
                    }
                }
            };
            match value.kind {
                NodeKind::Map(source) => take_from(NO_ITEM, source, &mut entries),
                NodeKind::Seq(items) => {
                    for (i, item) in items.into_iter().enumerate() {
                        if let NodeKind::Map(source) = item.kind {
                            take_from(i, source, &mut entries);
                        }
                    }
                }
                NodeKind::Scalar(_) => {}
            }
        }
        entries
    }

    fn duplicate_key(&mut self, name: &str, at: TextRange, first: TextRange) -> YamlError {
        let first = self.position(first);
        YamlError { range: at, message: format!("duplicate key `{name}` (first defined at {first})") }
    }

    fn position(&mut self, range: TextRange) -> String {
        let text = self.text;
        let index = self.line_index.get_or_insert_with(|| LineIndex::new(text));
        let pos = index.position(text, range.start());
        format!("line {}, column {}", pos.line, pos.column)
    }

    fn scan_error(&self, error: &ScanError) -> YamlError {
        let at = self.offset(error.marker());
        // Point at the character the scanner stopped on (nothing at the end of text).
        let len = self.text[at..].chars().next().map_or(0, char::len_utf8);
        let message = match error.kind() {
            ErrorKind::RecursionLimitExceeded => {
                format!("collections nested deeper than {} levels", self.budget.max_depth)
            }
            _ => {
                let info = error.info();
                if info.is_empty() {
                    format!("{:?}", error.kind())
                } else {
                    info
                }
            }
        };
        let mut range = self.range_of(at, at + len);
        if matches!(error.kind(), ErrorKind::TabInBlockIndentation | ErrorKind::TabInIndentation) {
            // The scanner stops after the indentation; point at the tabs in it.
            let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
            let indent = &self.text[line_start..at];
            if indent.bytes().all(|b| b == b' ' || b == b'\t') {
                if let (Some(first), Some(last)) = (indent.find('\t'), indent.rfind('\t')) {
                    range = self.range_of(line_start + first, line_start + last + 1);
                }
            }
        }
        YamlError { range, message }
    }

    fn range(&self, span: &Span) -> TextRange {
        self.range_of(self.offset(&span.start), self.offset(&span.end))
    }

    /// A byte offset of a marker, clamped into the text and onto a char boundary so
    /// that slicing with it can never panic.
    fn offset(&self, marker: &Marker) -> usize {
        let at = match marker.byte_offset() {
            Some(at) => at,
            // `&str` input always has byte offsets; count characters just in case.
            None => self.text.char_indices().nth(marker.index()).map_or(self.text.len(), |(i, _)| i),
        };
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn range_of(&self, start: usize, end: usize) -> TextRange {
        // Both are at most `text.len()`, checked to fit in u32 by `parse`.
        let start = TextSize::from(start.min(self.text.len()) as u32);
        let end = TextSize::from(end.min(self.text.len()) as u32);
        TextRange::new(start, end.max(start))
    }
}

/// The entries of a merged mapping not overridden by an explicit key or an earlier
/// merged mapping (explicit keys win wherever they are; among merged maps the first
/// wins). Complex keys cannot be compared and are always taken.
fn take_merged<'a>(
    entries: &'a [Entry],
    explicit: &HashMap<&str, TextRange>,
    merged: &mut HashSet<&'a str>,
) -> Vec<usize> {
    let mut taken = Vec::new();
    for (e, entry) in entries.iter().enumerate() {
        match entry.key.as_str() {
            Some(name) if explicit.contains_key(name) || !merged.insert(name) => {}
            _ => taken.push(e),
        }
    }
    taken
}

/// Up to this many entries, duplicate keys are found by pairwise comparison.
const SMALL_MAP: usize = 16;

/// `<<` as a merge key: plain and untagged (YAML 1.1 / go-yaml), or tagged `!!merge`.
/// A quoted `"<<"` is an ordinary key.
fn is_merge_key(key: &Node) -> bool {
    let NodeKind::Scalar(s) = &key.kind else { return false };
    s.value == "<<"
        && match &key.tag {
            None => s.style == ScalarStyle::Plain,
            Some(tag) => tag.handle == CORE_TAG_PREFIX && tag.suffix == "merge",
        }
}
