//! Variable scopes, build args and the stage graph.

use std::collections::BTreeMap;

use dockward_dockerfile::parse;
use dockward_dockerfile::semantic::{ImageRef, Model, RefKind, Target, VarKind};

fn model(text: &str) -> Model {
    model_with(text, &[])
}

fn model_with(text: &str, args: &[(&str, &str)]) -> Model {
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let args: BTreeMap<String, String> = args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Model::build(&df, &args)
}

fn base(m: &Model, stage: usize) -> String {
    m.stages[stage].base_name.as_ref().unwrap().value.value.clone()
}

#[test]
fn global_args_in_from_and_build_arg_override() {
    let t = "ARG TAG=3.19\nARG IMG=alpine:${TAG}\nFROM ${IMG} AS base\nFROM $IMG\n";
    let m = model(t);
    assert_eq!(base(&m, 0), "alpine:3.19");
    assert_eq!(
        m.stages[0].base,
        Target::Image(ImageRef { registry: None, repository: "alpine".into(), tag: Some("3.19".into()), digest: None })
    );
    // The second FROM names the image, not the stage (no stage is called alpine:3.19).
    assert!(matches!(m.stages[1].base, Target::Image(_)));
    assert_eq!(m.global_args.len(), 2);

    let m = model_with(t, &[("TAG", "3.20")]);
    assert_eq!(base(&m, 0), "alpine:3.20");
    assert!(m.global_args[0].from_build_arg);
    // A build arg overrides the default of the ARG that uses it.
    let m = model_with(t, &[("IMG", "debian")]);
    assert_eq!(base(&m, 0), "debian");
    // Undeclared build args are not visible.
    let m = model_with("FROM img:${NOPE}\n", &[("NOPE", "x")]);
    assert_eq!(base(&m, 0), "img:");
}

#[test]
fn unresolved_variables() {
    let m = model("ARG TAG\nFROM img:${TAG}\nFROM img:${TAG:-latest}\nFROM img:$UNDECLARED\n");
    let b0 = &m.stages[0].base_name.as_ref().unwrap().value;
    assert_eq!(b0.value, "img:");
    assert_eq!(b0.unresolved, vec!["TAG"]);
    assert!(!b0.is_resolved());
    let b1 = &m.stages[1].base_name.as_ref().unwrap().value;
    assert_eq!(b1.value, "img:latest");
    assert!(b1.is_resolved());
    let b2 = &m.stages[2].base_name.as_ref().unwrap().value;
    assert_eq!(b2.unresolved, vec!["UNDECLARED"]);
}

#[test]
fn global_args_are_not_visible_in_stages_unless_redeclared() {
    let t = "ARG V=1\nFROM a\nRUN echo\nARG V\nRUN echo\nARG W=$V-x\n";
    let m = model(t);
    let e = m.expand_at(2, "$V");
    assert_eq!(e.value, "");
    assert_eq!(e.unresolved, vec!["V"]);
    assert_eq!(m.expand_at(4, "$V").value, "1");
    assert_eq!(m.expand_at(5, "$V").value, "1");
    assert_eq!(m.variable_at(6, "W").unwrap().value.as_deref(), Some("1-x"));
    // The FROM itself sees the global scope.
    assert_eq!(m.expand_at(1, "$V").value, "1");
    // Build args win over the global default for the redeclared ARG too.
    let m = model_with(t, &[("V", "9")]);
    assert_eq!(m.expand_at(4, "$V").value, "9");
}

#[test]
fn env_wins_over_arg_and_pairs_see_the_scope_before_the_instruction() {
    let t = "FROM a\nARG X=1\nENV X=2\nARG X=3\nRUN echo\nENV A=1\nENV A=2 B=$A\nARG P=p Q=${P}q\nRUN echo\n";
    let m = model(t);
    assert_eq!(m.expand_at(4, "$X").value, "2");
    let b = m.variable_at(8, "B").unwrap();
    assert_eq!(b.value.as_deref(), Some("1"));
    assert_eq!(b.kind, VarKind::Env);
    assert_eq!(m.expand_at(8, "$A").value, "2");
    // ARG pairs are processed in order.
    assert_eq!(m.expand_at(8, "$Q").value, "pq");
}

#[test]
fn arg_without_value_is_unresolved_and_taints_env() {
    let t = "FROM a\nARG VERSION\nENV APP_VERSION=v${VERSION}\nRUN echo\n";
    let m = model(t);
    let e = m.expand_at(3, "${APP_VERSION}");
    assert_eq!(e.value, "v");
    assert_eq!(e.unresolved, vec!["VERSION"]);
    let m = model_with(t, &[("VERSION", "1.0")]);
    let e = m.expand_at(3, "${APP_VERSION}");
    assert_eq!(e.value, "v1.0");
    assert!(e.is_resolved());
}

#[test]
fn quotes_in_values() {
    let t = "FROM a\nENV A=\"x y\" B='$A' C=\"$A\"\nRUN echo\n";
    let m = model(t);
    assert_eq!(m.expand_at(2, "$A").value, "x y");
    assert_eq!(m.expand_at(2, "$B").value, "$A");
    assert_eq!(m.expand_at(2, "$C").value, "");
    // Quote failures that BuildKit only reports when it runs the instruction.
    let df = parse("FROM a\nENV A='unterminated\n");
    let m = Model::build(&df, &BTreeMap::new());
    assert_eq!(m.variable_at(2, "A").unwrap().value.as_deref(), Some("unterminated"));
    assert!(!m.expand_at(1, "'unterminated").errors.is_empty());
}

#[test]
fn env_is_inherited_from_a_base_stage() {
    let t = "FROM alpine AS base\nENV PREFIX=/opt\nARG NOTINHERITED=1\nUSER app\nWORKDIR $PREFIX\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nFROM base AS app\nWORKDIR app\nRUN echo\nFROM alpine\n";
    let m = model(t);
    assert_eq!(m.stages[1].base, Target::Stage(0));
    assert_eq!(m.stages[1].base_stage, Some(0));
    assert_eq!(m.expand_at(8, "$PREFIX/x").value, "/opt/x");
    assert_eq!(m.expand_at(8, "$NOTINHERITED").value, "");
    // Settings at the end of each stage.
    assert_eq!(m.stages[0].user.as_ref().unwrap().value.value, "app");
    assert_eq!(m.stages[0].workdir.as_ref().unwrap().value.value, "/opt");
    assert_eq!(m.stages[1].user.as_ref().unwrap().value.value, "app");
    assert_eq!(m.stages[1].workdir.as_ref().unwrap().value.value, "/opt/app");
    assert_eq!(m.stages[1].shell.as_ref().unwrap().0, vec!["/bin/ash", "-eo", "pipefail", "-c"]);
    assert!(m.stages[2].user.is_none());
    assert_eq!(m.ancestry(1), vec![1, 0]);
    let m = model("FROM a\nWORKDIR /srv//x/\nWORKDIR ../y/./z\n");
    assert_eq!(m.stages[0].workdir.as_ref().unwrap().value.value, "/srv/y/z");
}

#[test]
fn stage_graph() {
    let t = "\
FROM golang:1.22 AS Build
RUN --mount=type=cache,target=/root/.cache go build
FROM build AS test
COPY --from=BUILD /out /out
COPY --from=0 /a /a
COPY --from=nginx:1.25 /etc/nginx /etc/nginx
COPY --from=final /x /x
COPY --from=test /y /y
RUN --mount=type=bind,from=build,target=/src --mount=type=cache,target=/c make
FROM scratch AS final
COPY --from=test /bin/app /app
";
    let m = model(t);
    assert_eq!(m.stages.len(), 3);
    assert_eq!(m.stages[0].name.as_deref(), Some("build"));
    assert_eq!(m.stages[1].base, Target::Stage(0));
    assert_eq!(m.stages[2].base, Target::Scratch);
    let refs = &m.stages[1].refs;
    let targets: Vec<&Target> = refs.iter().map(|r| &r.target).collect();
    assert_eq!(targets[0], &Target::Stage(0));
    assert_eq!(targets[1], &Target::Stage(0));
    match targets[2] {
        Target::Image(i) => assert_eq!((i.repository.as_str(), i.tag.as_deref()), ("nginx", Some("1.25"))),
        other => panic!("{other:?}"),
    }
    assert_eq!(targets[3], &Target::LaterStage(2));
    assert_eq!(targets[4], &Target::LaterStage(1), "own stage");
    assert_eq!(refs[5].kind, RefKind::MountFrom);
    assert_eq!(targets[5], &Target::Stage(0));
    assert_eq!(&t[refs[5].name.range], "build");
    assert_eq!(&t[refs[0].name.range], "BUILD");
    assert_eq!(m.stages[2].refs[0].target, Target::Stage(1));
    assert_eq!(m.reachable_from(2), vec![0, 1, 2]);
    assert_eq!(m.stage_of(3), Some(1));
    assert_eq!(m.stage_of(2), Some(1));
}

#[test]
fn platform_flag() {
    let t = "FROM --platform=$BUILDPLATFORM golang AS build\nFROM --platform=linux/arm64 alpine\n";
    let m = model(t);
    let p = m.stages[0].platform.as_ref().unwrap();
    assert_eq!(p.value.unresolved, vec!["BUILDPLATFORM"]);
    assert_eq!(&t[p.range], "$BUILDPLATFORM");
    assert_eq!(m.stages[1].platform.as_ref().unwrap().value.value, "linux/arm64");
    let m = model_with(t, &[("BUILDPLATFORM", "linux/amd64")]);
    assert_eq!(m.stages[0].platform.as_ref().unwrap().value.value, "linux/amd64");
}

#[test]
fn expand_range_at_joins_continuations() {
    let t = "FROM a\nENV BASE=/srv\nWORKDIR ${BASE}/\\\napp\n";
    let df = parse(t);
    let m = Model::build(&df, &BTreeMap::new());
    let r = match &df.instructions[2].args {
        dockward_dockerfile::Args::Text(x) => x.range,
        other => panic!("{other:?}"),
    };
    assert_eq!(m.expand_range_at(2, t, r).value, "/srv/app");
    assert_eq!(m.stages[0].workdir.as_ref().unwrap().value.value, "/srv/app");
}

#[test]
fn escape_directive_applies_to_expansion() {
    let t = "# escape=`\nFROM a\nENV P=C:\\x`$HOME Q=\"a`\"b\"\nRUN echo\n";
    let m = model(t);
    assert_eq!(m.expand_at(2, "$P").value, "C:\\x$HOME");
    assert_eq!(m.expand_at(2, "$Q").value, "a\"b");
}
