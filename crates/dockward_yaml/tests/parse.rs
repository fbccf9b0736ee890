//! Behaviour of the YAML tree: spans, aliases, merges, errors, budgets.

use std::time::{Duration, Instant};

use dockward_yaml::{parse, Budget, Document, Node, NodeKind, ScalarStyle, TextRange, YamlError};

fn doc(text: &str) -> Document {
    match parse(text, &Budget::default()) {
        Ok(doc) => doc,
        Err(e) => panic!("{text:?} failed: {} at {:?} ({:?})", e.message, e.range, slice(text, e.range)),
    }
}

fn root(text: &str) -> Node {
    let d = doc(text);
    assert!(d.errors.is_empty(), "unexpected errors: {:?}", d.errors);
    d.root.expect("a root node")
}

fn err(text: &str) -> YamlError {
    match parse(text, &Budget::default()) {
        Ok(d) => panic!("{text:?} parsed: {d:?}"),
        Err(e) => e,
    }
}

fn slice(text: &str, range: TextRange) -> &str {
    &text[range]
}

fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    path.iter().fold(node, |n, key| match key.parse::<usize>() {
        Ok(i) => &n.as_seq().unwrap_or_else(|| panic!("not a seq at {key}"))[i],
        Err(_) => n.get(key).unwrap_or_else(|| panic!("no key {key}")),
    })
}

#[test]
fn non_ascii_before_nodes_keeps_byte_spans() {
    let text = "name: \"é😀\"\nimage: nginx\nlabel: ünï # cömment 😀\nk😀: v\n";
    let r = root(text);
    let name = r.get("name").unwrap();
    assert_eq!(slice(text, name.range), "\"é😀\"");
    assert_eq!(name.as_str(), Some("é😀"));
    let raw = name.as_scalar().unwrap().raw;
    assert_eq!(slice(text, raw), "é😀");
    assert_eq!(slice(text, r.get("image").unwrap().range), "nginx");
    assert_eq!(slice(text, r.get("label").unwrap().range), "ünï");
    let entries = r.as_map().unwrap();
    assert_eq!(slice(text, entries[1].key.range), "image");
    assert_eq!(slice(text, entries[3].key.range), "k😀");
    assert_eq!(slice(text, entries[3].value.range), "v");
    let d = doc(text);
    assert_eq!(d.comments.len(), 1);
    assert_eq!(slice(text, d.comments[0].range), "# cömment 😀");
    assert_eq!(d.comments[0].text, " cömment 😀");
    assert!(d.comments[0].trailing);
    assert_eq!(slice(text, r.range), text.trim_end());
}

#[test]
fn scalar_styles_and_ranges() {
    let text = "\
plain: hello world
single: 'it''s'
double: \"a\\tb\"
multi: first
  second
lit: |
  line one
  line two

fold: >-
  a
  b
keep: |+2 # header comment
    x

empty: |
key_only:
quoted_empty: ''
last: z
";
    let r = root(text);
    let check = |key: &str, range: &str, raw: &str, value: &str, style: ScalarStyle| {
        let n = r.get(key).unwrap();
        let s = n.as_scalar().unwrap();
        assert_eq!(slice(text, n.range), range, "{key} range");
        assert_eq!(slice(text, s.raw), raw, "{key} raw");
        assert_eq!(s.value, value, "{key} value");
        assert_eq!(s.style, style, "{key} style");
    };
    check("plain", "hello world", "hello world", "hello world", ScalarStyle::Plain);
    check("single", "'it''s'", "it''s", "it's", ScalarStyle::SingleQuoted);
    check("double", "\"a\\tb\"", "a\\tb", "a\tb", ScalarStyle::DoubleQuoted);
    check("multi", "first\n  second", "first\n  second", "first second", ScalarStyle::Plain);
    check("lit", "|\n  line one\n  line two", "line one\n  line two", "line one\nline two\n", ScalarStyle::Literal);
    check("fold", ">-\n  a\n  b", "a\n  b", "a b", ScalarStyle::Folded);
    check("keep", "|+2 # header comment\n    x", "  x", "  x\n\n", ScalarStyle::Literal);
    check("empty", "|", "", "", ScalarStyle::Literal);
    check("key_only", "", "", "", ScalarStyle::Plain);
    check("quoted_empty", "''", "", "", ScalarStyle::SingleQuoted);
    assert!(r.get("key_only").unwrap().is_null());
    assert!(!r.get("quoted_empty").unwrap().is_null());
    let d = doc(text);
    assert_eq!(d.comments.len(), 1);
    assert_eq!(slice(text, d.comments[0].range), "# header comment");
}

#[test]
fn block_scalar_in_sequence_with_properties() {
    let text = "items:\n  - |\n    one\n  - &a !t >\n    two\n  - *a\n";
    let r = root(text);
    let items = r.get("items").unwrap();
    assert_eq!(slice(text, items.range), "- |\n    one\n  - &a !t >\n    two\n  - *a");
    let items = items.as_seq().unwrap();
    assert_eq!(slice(text, items[0].range), "|\n    one");
    assert_eq!(slice(text, items[1].range), ">\n    two");
    assert_eq!(items[1].anchor.as_deref(), Some("a"));
    assert_eq!(slice(text, items[1].tag.as_ref().unwrap().range), "!t");
    assert_eq!(items[2].as_str(), Some("two\n"));
    assert_eq!(slice(text, items[2].origin.as_deref().unwrap().alias), "*a");
    assert_eq!(slice(text, items[2].origin.as_deref().unwrap().anchor), "&a");
    assert_eq!(slice(text, items[2].range), ">\n    two");
}

#[test]
fn flow_and_block_collections() {
    let text = "\
services:
  web:
    ports: [\"80:80\", 443]
    env: {A: 1, B: two}
    command:
      - sh
      - -c
x: y
";
    let r = root(text);
    assert_eq!(slice(text, r.range), text.trim_end());
    let web = at(&r, &["services", "web"]);
    assert_eq!(slice(text, web.range), &text[text.find("ports").unwrap()..text.find("\nx:").unwrap()]);
    let ports = web.get("ports").unwrap();
    assert_eq!(slice(text, ports.range), "[\"80:80\", 443]");
    assert_eq!(ports.as_seq().unwrap()[1].as_i64(), Some(443));
    assert_eq!(slice(text, web.get("env").unwrap().range), "{A: 1, B: two}");
    assert_eq!(at(&r, &["services", "web", "env", "B"]).as_str(), Some("two"));
    let command = web.get("command").unwrap();
    assert_eq!(slice(text, command.range), "- sh\n      - -c");
    assert_eq!(slice(text, command.as_seq().unwrap()[1].range), "-c");
    let key = &web.as_map().unwrap()[2].key;
    assert_eq!(slice(text, key.range), "command");
}

#[test]
fn tags_are_kept() {
    let text = "a: !reset []\nb: !override\n  k: v\nc: !reset null\nd: !!str 123\n";
    let r = root(text);
    let a = r.get("a").unwrap();
    let tag = a.tag.as_ref().unwrap();
    assert!(tag.is_local("reset"));
    assert_eq!((tag.handle.as_str(), tag.suffix.as_str()), ("!", "reset"));
    assert_eq!(slice(text, tag.range), "!reset");
    assert_eq!(slice(text, a.range), "[]");
    let b = r.get("b").unwrap();
    assert!(b.tag.as_ref().unwrap().is_local("override"));
    assert_eq!(slice(text, b.range), "k: v");
    assert!(r.get("c").unwrap().tag.as_ref().unwrap().is_local("reset"));
    let d = r.get("d").unwrap();
    assert!(d.tag.as_ref().unwrap().is_core("str"));
    assert_eq!(d.as_i64(), None, "!!str is never an int");

    // compose-go's extends/reset.yaml ends like this, without a newline.
    let text = "services:\n  base:\n    command: !reset";
    let r = root(text);
    let command = at(&r, &["services", "base", "command"]);
    assert!(command.tag.as_ref().unwrap().is_local("reset"));
    assert_eq!(slice(text, command.tag.as_ref().unwrap().range), "!reset");
    assert_eq!(command.as_str(), Some(""));
    // A custom tag takes the scalar out of the core schema: empty, not null.
    assert!(!command.is_null());
}

#[test]
fn scalar_typing_follows_compose() {
    let text = "\
t: true
T: TRUE
f: False
q: \"true\"
y: yes
o: off
mode: 0755
mode12: 0o755
hex: 0x1F
dec: 1_000
neg: -12
flt: 1.5
n1: ~
n2: null
n3:
s: hello
";
    let r = root(text);
    let g = |k: &str| r.get(k).unwrap();
    assert_eq!(g("t").as_bool(), Some(true));
    assert_eq!(g("T").as_bool(), Some(true));
    assert_eq!(g("f").as_bool(), Some(false));
    assert_eq!(g("q").as_bool(), None, "quoted is a string");
    assert_eq!(g("y").as_bool(), None, "YAML 1.1 only");
    assert_eq!(g("y").yaml11_bool(), Some(true));
    assert_eq!(g("o").yaml11_bool(), Some(false));
    assert_eq!(g("t").yaml11_bool(), None);
    assert_eq!(g("q").yaml11_bool(), None);
    assert_eq!(g("mode").as_str(), Some("0755"), "values stay raw");
    assert_eq!(g("mode").as_i64(), Some(0o755), "go-yaml v3 reads a leading zero as octal");
    assert!(g("mode").is_legacy_octal());
    assert!(!g("mode12").is_legacy_octal());
    assert_eq!(g("mode12").as_i64(), Some(0o755));
    assert_eq!(g("hex").as_i64(), Some(31));
    assert_eq!(g("dec").as_i64(), Some(1000));
    assert_eq!(g("neg").as_i64(), Some(-12));
    assert_eq!(g("flt").as_i64(), None);
    assert!(g("n1").is_null() && g("n2").is_null() && g("n3").is_null());
    assert!(!g("s").is_null());
    assert_eq!(g("s").as_bool(), None);
}

#[test]
fn aliases_are_copied_with_origin() {
    let text = "x-env: &env\n  A: 1\n  B: 2\nsvc:\n  environment: *env\n  other: *env\n";
    let r = root(text);
    let def = r.get("x-env").unwrap();
    assert_eq!(def.anchor.as_deref(), Some("env"));
    let env = at(&r, &["svc", "environment"]);
    assert_eq!(env.get("B").unwrap().as_str(), Some("2"));
    assert_eq!(env.range, def.range, "a copy keeps the definition's range");
    assert_eq!(env.anchor, None);
    let origin = env.origin.as_deref().unwrap();
    assert_eq!(slice(text, origin.alias), "*env");
    assert_eq!(origin.alias.start(), TextRange::at(text.find("*env").unwrap().try_into().unwrap(), 0.into()).start());
    assert_eq!(slice(text, origin.anchor), "&env");
    assert_eq!(env.site(), origin.alias);
    let other = at(&r, &["svc", "other"]).origin.as_deref().unwrap();
    assert_eq!(slice(text, other.alias), "*env");
    assert_ne!(other.alias, origin.alias);
    // The mapping containing alias values ends at the last alias use site.
    assert_eq!(slice(text, r.get("svc").unwrap().range), "environment: *env\n  other: *env");
}

#[test]
fn scalar_alias_and_redefined_anchor() {
    let text = "a: &x one\nb: *x\nc: &x two\nd: *x\n";
    let r = root(text);
    assert_eq!(r.get("b").unwrap().as_str(), Some("one"));
    assert_eq!(r.get("d").unwrap().as_str(), Some("two"), "aliases see the latest definition");
    assert_eq!(slice(text, r.get("d").unwrap().origin.as_deref().unwrap().anchor), "&x");
    assert_eq!(r.get("d").unwrap().origin.as_deref().unwrap().anchor.start(), 19.into());
}

#[test]
fn undefined_alias_is_an_error_at_the_alias() {
    let text = "a: 1\nb: *nope\n";
    let e = err(text);
    assert_eq!(slice(text, e.range), "*nope");
    assert!(e.message.contains("undefined alias"), "{}", e.message);
}

#[test]
fn recursive_alias_is_an_error() {
    let text = "a: &x [1, *x]\n";
    let e = err(text);
    assert_eq!(slice(text, e.range), "*x");
}

#[test]
fn billion_laughs_fails_fast_on_budget() {
    let mut text =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 10].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let started = Instant::now();
    let e = err(&text);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert!(e.message.contains("budget"), "{}", e.message);
    assert!(slice(&text, e.range).starts_with('*'), "points at an alias: {:?}", slice(&text, e.range));

    // A small budget stops earlier, at an alias, without having built anything big.
    let budget = Budget { max_nodes: 1000, ..Budget::default() };
    let e = parse(&text, &budget).unwrap_err();
    // Levels a and b (and their anchor copies) fit; the seventh `*b` in c does not.
    assert_eq!(slice(&text, e.range), "*b");
    let c_line = text.find("\nc:").unwrap();
    assert!(usize::from(e.range.start()) > c_line);
}

#[test]
fn long_string_alias_bomb_hits_byte_budget() {
    let big = "x".repeat(1 << 20);
    let refs = vec!["*s"; 100].join(", ");
    let text = format!("s: &s {big}\nl: [{refs}]\n");
    let budget = Budget { max_alias_bytes: 10 << 20, ..Budget::default() };
    let e = parse(&text, &budget).unwrap_err();
    assert!(e.message.contains("bytes"), "{}", e.message);
    assert_eq!(slice(&text, e.range), "*s");
}

#[test]
fn deep_flow_nesting_errors_without_overflow() {
    let text = "[".repeat(100_000);
    let e = err(&text);
    assert!(e.message.contains("nested deeper"), "{}", e.message);
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    err(&text);
    let text = "{a: ".repeat(100_000);
    err(&text);
}

#[test]
fn deep_block_nesting_errors() {
    let text: String = (0..2000).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect();
    let e = err(&text);
    assert!(e.message.contains("nested deeper"), "{}", e.message);
    let text: String = (0..2000).map(|i| format!("{}-\n", "  ".repeat(i))).collect();
    err(&text);
}

#[test]
fn depth_budget_covers_alias_expansion() {
    // Each anchor is shallow where it is written, but nests the previous one.
    let mut text = String::from("a0: &a0 [[[[[[[[[[x]]]]]]]]]]\n");
    for i in 1..60 {
        text.push_str(&format!("a{i}: &a{i} [[[[[[[[[[*a{}]]]]]]]]]]\n", i - 1));
    }
    let e = err(&text);
    assert!(e.message.contains("nested deeper"), "{}", e.message);
    assert!(slice(&text, e.range).starts_with("*a"));
}

#[test]
fn node_budget_without_aliases() {
    let text = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
    let budget = Budget { max_nodes: 5, ..Budget::default() };
    let e = parse(text, &budget).unwrap_err();
    assert!(e.message.contains("more than 5 nodes"), "{}", e.message);
    assert_eq!(slice(text, e.range), "5");
}

#[test]
fn tab_indentation_is_an_error() {
    let text = "services:\n\tweb: {}\n";
    let e = err(text);
    assert_eq!(e.range, TextRange::new(10.into(), 11.into()));
    assert_eq!(slice(text, e.range), "\t");
    assert!(e.message.contains("tab"), "{}", e.message);
    // The scanner stops after the indentation; the error still points at the tab.
    let text = "a:\n\t  b: 1\n";
    let e = err(text);
    assert_eq!(e.range, TextRange::new(3.into(), 4.into()));
}

#[test]
fn unterminated_quote_is_an_error_at_the_quote() {
    let text = "a: é\nb: \"abc\nc: d\n";
    let e = err(text);
    assert_eq!(slice(text, e.range), "\"");
    assert_eq!(e.range.start(), (text.find('"').unwrap() as u32).into());
    assert!(e.message.contains("quote"), "{}", e.message);
}

#[test]
fn syntax_errors_have_ranges_in_text() {
    for text in
        ["a: [1, 2\n", "a: b: c\n", "- a\nb: 1\n", "a: {\n", "? [\n", "a: *\n", "!<\n", "%YAML 9.9\n---\n", "a: 'x\n"]
    {
        let e = err(text);
        assert!(usize::from(e.range.end()) <= text.len(), "{text:?}");
        assert!(text.is_char_boundary(e.range.start().into()) && text.is_char_boundary(e.range.end().into()));
        assert!(!e.message.is_empty());
    }
}

#[test]
fn duplicate_keys_are_reported_not_fatal() {
    let text = "a: 1\nb: 2\na: 3\n";
    let d = doc(text);
    assert_eq!(d.errors.len(), 1);
    let e = &d.errors[0];
    assert_eq!(e.range, TextRange::new(10.into(), 11.into()));
    assert!(e.message.contains("duplicate key `a`") && e.message.contains("line 1, column 1"), "{}", e.message);
    let r = d.root.unwrap();
    assert_eq!(r.as_map().unwrap().len(), 3, "both entries are kept");
    assert_eq!(r.get("a").unwrap().as_str(), Some("1"), "get finds the first");
    // Quoted and plain spellings of the same text are the same key.
    let d = doc("\"x\": 1\nx: 2\n");
    assert_eq!(d.errors.len(), 1);
}

#[test]
fn duplicate_keys_in_large_maps() {
    // Past the small-map fast path, with a merge in the same mapping.
    let mut text = String::from("base: &b {k3: merged, extra: merged}\nm:\n  <<: *b\n");
    for i in 0..40 {
        text.push_str(&format!("  k{i}: {i}\n"));
    }
    text.push_str("  k7: again\n");
    let d = doc(&text);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert_eq!(slice(&text, d.errors[0].range), "k7");
    assert!(d.errors[0].message.contains("line 11, column 3"), "{}", d.errors[0].message);
    let m = d.root.as_ref().unwrap().get("m").unwrap();
    assert_eq!(m.get("k3").unwrap().as_str(), Some("3"));
    assert_eq!(m.get("extra").unwrap().as_str(), Some("merged"));
    assert_eq!(m.as_map().unwrap().len(), 42);
}

#[test]
fn merge_keys_explicit_wins_regardless_of_order() {
    let text = "\
base: &base
  image: base
  restart: always
  user: root
svc:
  image: mine
  <<: *base
  user: app
";
    let r = root(text);
    let svc = r.get("svc").unwrap();
    let entries = svc.as_map().unwrap();
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str().unwrap()).collect();
    assert_eq!(keys, ["image", "restart", "user"]);
    assert_eq!(svc.get("image").unwrap().as_str(), Some("mine"));
    assert_eq!(svc.get("user").unwrap().as_str(), Some("app"));
    let restart = svc.entry("restart").unwrap();
    assert_eq!(restart.value.as_str(), Some("always"));
    assert_eq!(slice(text, restart.merged_from.unwrap()), "<<: *base");
    assert_eq!(slice(text, restart.key.range), "restart", "merged keys point at their definition");
    assert!(svc.entry("image").unwrap().merged_from.is_none());
    assert!(doc(text).errors.is_empty(), "merged keys are not duplicates");
}

#[test]
fn merge_sequence_earlier_maps_win() {
    let text = "\
a: &a {x: a, y: a}
b: &b {y: b, z: b}
c:
  <<: [*a, *b, {w: inline}]
  x: own
";
    let r = root(text);
    let c = r.get("c").unwrap();
    let got: Vec<_> =
        c.as_map().unwrap().iter().map(|e| (e.key.as_str().unwrap(), e.value.as_str().unwrap())).collect();
    assert_eq!(got, [("y", "a"), ("z", "b"), ("w", "inline"), ("x", "own")]);
    let y = c.entry("y").unwrap();
    assert_eq!(slice(text, y.merged_from.unwrap()), "<<: [*a, *b, {w: inline}]");
    assert_eq!(slice(text, c.range), "<<: [*a, *b, {w: inline}]\n  x: own");
}

#[test]
fn merge_of_non_map_is_an_error() {
    let text = "s: &s hello\nm:\n  <<: *s\n  k: v\nn:\n  <<: [{a: 1}, 2]\n";
    let d = doc(text);
    assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    assert_eq!(slice(text, d.errors[0].range), "*s");
    assert_eq!(slice(text, d.errors[1].range), "2");
    let r = d.root.unwrap();
    assert_eq!(r.get("m").unwrap().as_map().unwrap().len(), 1);
    assert_eq!(at(&r, &["n", "a"]).as_str(), Some("1"));
    assert!(r.get("m").unwrap().get("<<").is_none());
}

#[test]
fn quoted_merge_key_is_an_ordinary_key() {
    let r = root("a: &a {x: 1}\nb:\n  \"<<\": *a\n");
    let b = r.get("b").unwrap();
    assert!(b.get("<<").is_some());
    assert!(b.get("x").is_none());
}

#[test]
fn nested_merges_chain() {
    let text = "\
x-a: &a {p: 1}
x-b: &b
  <<: *a
  q: 2
svc:
  <<: *b
  r: 3
";
    let r = root(text);
    let svc = r.get("svc").unwrap();
    assert_eq!(svc.get("p").unwrap().as_str(), Some("1"));
    assert_eq!(svc.get("q").unwrap().as_str(), Some("2"));
    assert_eq!(slice(text, svc.entry("p").unwrap().merged_from.unwrap()), "<<: *b");
}

#[test]
fn comments_are_collected_in_order() {
    let text = "# top\nservices: # trailing\n  # above web\n  web:\n    image: x # dockward: ignore[DW001]\n# last\n";
    let d = doc(text);
    let got: Vec<_> = d.comments.iter().map(|c| (slice(text, c.range), c.trailing)).collect();
    assert_eq!(
        got,
        [
            ("# top", false),
            ("# trailing", true),
            ("# above web", false),
            ("# dockward: ignore[DW001]", true),
            ("# last", false)
        ]
    );
}

#[test]
fn long_comment_blocks_are_fine() {
    let text: String = (0..500).map(|i| format!("# line {i}\n")).collect::<String>() + "a: 1\n";
    let d = doc(&text);
    assert_eq!(d.comments.len(), 500);
    assert!(d.root.is_some());
    // Between a key and its value the parser buffers them while looking ahead.
    let block: String = (0..500).map(|i| format!("  # web{i}:\n")).collect();
    let text = format!("services:\n{block}  web:\n    image: x\n");
    let d = doc(&text);
    assert_eq!(d.comments.len(), 500);
    assert!(d.root.unwrap().get("services").unwrap().get("web").is_some());
}

#[test]
fn multiple_documents_first_wins() {
    let text = "a: 1\n---\nb: 2\n---\nc: [\n";
    let d = doc(text);
    assert_eq!(d.errors.len(), 1);
    assert_eq!(slice(text, d.errors[0].range), "---");
    assert!(d.root.unwrap().get("a").is_some());
    let d = doc("---\na: 1\n...\n");
    assert!(d.errors.is_empty());
}

#[test]
fn empty_inputs() {
    for text in ["", "\n", "# only a comment\n", "---\n", "---\n...\n"] {
        let d = doc(text);
        assert!(d.errors.is_empty(), "{text:?}");
        assert!(d.root.as_ref().is_none_or(Node::is_null), "{text:?}: {:?}", d.root);
    }
    let r = root("hello");
    assert_eq!(r.as_str(), Some("hello"));
    assert_eq!(r.range, TextRange::new(0.into(), 5.into()));
}

#[test]
fn crlf_line_endings() {
    let text = "a: 1\r\nb:\r\n  - x\r\nc: |\r\n  t\r\n";
    let r = root(text);
    assert_eq!(slice(text, r.get("b").unwrap().range), "- x");
    assert_eq!(slice(text, r.get("c").unwrap().range), "|\r\n  t");
    assert_eq!(r.get("c").unwrap().as_str(), Some("t\n"));
}

#[test]
fn complex_keys_do_not_break_maps() {
    let r = root("? [a, b]\n: v\n? {k: 1}\n: w\n");
    let entries = r.as_map().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(matches!(entries[0].key.kind, NodeKind::Seq(_)));
}

#[test]
fn fuzzish_inputs_never_panic() {
    // Every prefix of a feature-rich file, and a few byte-level mutations of it.
    let text = "\
x-base: &base {image: \"é\", <<: {k: v}}
services:
  web: &w
    <<: [*base]
    ports: ['80:80', !reset []]
    cmd: |+
      run 😀
  db: *w
# end
";
    let budget = Budget::default();
    for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
        let _ = parse(&text[..end], &budget);
    }
    let specials =
        ["[", "]", "{", "}", ":", "-", "\t", "'", "\"", "*", "&", "!", "|", ">", "#", "\n", "? ", ",", "<<: "];
    for (i, _) in text.char_indices() {
        for s in specials {
            let mut t = text.to_owned();
            t.insert_str(i, s);
            if let Ok(d) = parse(&t, &budget) {
                if let Some(root) = &d.root {
                    assert_ranges_within(&t, root);
                }
            }
        }
    }
}

fn assert_ranges_within(text: &str, node: &Node) {
    let ok = |r: TextRange| {
        usize::from(r.end()) <= text.len()
            && text.is_char_boundary(r.start().into())
            && text.is_char_boundary(r.end().into())
    };
    assert!(ok(node.range));
    match &node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                assert_ranges_within(text, &e.key);
                assert_ranges_within(text, &e.value);
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| assert_ranges_within(text, n)),
        NodeKind::Scalar(s) => assert!(ok(s.raw)),
    }
}
