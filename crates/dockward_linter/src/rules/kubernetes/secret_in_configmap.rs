use dockward_k8s::Object;
use dockward_source::{TextRange, TextSize};
use dockward_yaml::{Node, ScalarStyle};

use super::{KubernetesContext, KubernetesRule};
use crate::declare_rule;
use crate::secrets::{find_credentials, judge_variable};

declare_rule! {
    /// ## What it does
    /// Reports credentials in a ConfigMap's `data`: a key named like a secret
    /// (`DB_PASSWORD`, `api_key`) with a literal value, a token in a known format
    /// (GitHub, AWS, Slack, Stripe, GitLab), a private key block, or a password in a
    /// URL, also inside file-like values (`application.properties: |` with
    /// `db.password=...` lines). The secret is masked in every output.
    ///
    /// ## Why is this bad?
    /// ConfigMaps are not confidential: anyone allowed to read them (far more
    /// subjects than can read Secrets), every `kubectl describe` and most GitOps
    /// tools show their values, and they are not encrypted at rest.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: app}
    /// data:
    ///   DB_PASSWORD: s3cr3t-Pa55
    /// ```
    ///
    /// ## How to fix
    /// Move the value into a Secret (or an external secret store) and reference it
    /// with `secretKeyRef` or a mounted volume; rotate the credential, it has leaked.
    ///
    /// ## References
    /// - Kubernetes documentation, "ConfigMaps": "ConfigMap does not provide secrecy
    ///   or encryption"
    pub struct SecretInConfigmap;
    code = "KS010", name = "secret-in-configmap", severity = Error,
    category = Security, target = Kubernetes, fix = None,
    summary = "A ConfigMap holds a credential",
    aliases = ["sensitiveConfigmapContent", "KSV-01010", "KSV01010", "KSV-0109", "KSV109", "C-0012"],
    practices = ["a-no-hardcoded-secrets", "a-secret-manager"],
}

/// One credential found in a ConfigMap.
struct Finding {
    key: String,
    /// Where the finding points (the value).
    at: TextRange,
    /// The secret itself, masked in every output (none for placeholders).
    secret: Option<TextRange>,
    why: String,
    placeholder: bool,
}

impl KubernetesRule for SecretInConfigmap {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut KubernetesContext<'_>) {
        for object in cx.objects {
            for f in findings(object) {
                let message = format!("{} key `{}` {}", object.display_name(), f.key, f.why);
                let d = cx.report(&Self::META, object, f.at, message);
                d.help(
                    "ConfigMaps are readable by many and never encrypted: move the value into a Secret and rotate it",
                );
                if let Some(secret) = f.secret {
                    d.mark_secret(secret);
                }
                if f.placeholder {
                    d.lower_severity();
                }
            }
        }
    }
}

/// The secret ranges of every ConfigMap of a scan (file name, range), whether or not
/// the rule is enabled: every finding whose snippet shows one must mask it.
pub(crate) fn configmap_secrets(objects: &[Object]) -> Vec<(String, TextRange)> {
    objects
        .iter()
        .flat_map(|o| findings(o).into_iter().filter_map(|f| Some((o.file.name().to_string(), f.secret?))))
        .collect()
}

fn findings(object: &Object) -> Vec<Finding> {
    let mut out = Vec::new();
    if object.kind != "ConfigMap" {
        return out;
    }
    let Some(data) = object.root.get("data").and_then(Node::as_map) else { return out };
    let text = object.file.text();
    for entry in data {
        let (Some(key), Some(value)) = (entry.key.as_str(), entry.value.as_str()) else { continue };
        if value.contains('\n') {
            // A file: its `key=value` / `key: value` lines, and tokens anywhere.
            let mut seen = Vec::new();
            for line in value.lines() {
                let Some((k, v)) = line.split_once('=').or_else(|| line.split_once(": ")) else { continue };
                let (k, v) = (k.trim(), v.trim());
                if k.is_empty() || k.contains(char::is_whitespace) || v.is_empty() {
                    continue;
                }
                if let Some(j) = judge_variable(k.rsplit(['.', '/']).next().unwrap_or(k), v) {
                    let secret = locate(text, &entry.value, v);
                    seen.push(v.to_string());
                    out.push(Finding {
                        key: format!("{key}` line `{k}"),
                        at: secret.unwrap_or(entry.value.range),
                        secret: (!j.placeholder).then(|| secret.unwrap_or(entry.value.range)),
                        why: j.why,
                        placeholder: j.placeholder,
                    });
                }
            }
            for c in find_credentials(value).into_iter().filter(|c| !c.placeholder) {
                let found = &value[c.range.clone()];
                if seen.iter().any(|s| s.contains(found)) {
                    continue;
                }
                let secret = locate(text, &entry.value, found).unwrap_or(entry.value.range);
                out.push(Finding {
                    key: key.to_string(),
                    at: secret,
                    secret: Some(secret),
                    why: format!("holds {}", c.kind),
                    placeholder: false,
                });
            }
            continue;
        }
        let Some(j) = judge_variable(key, value) else { continue };
        let whole = value_range(&entry.value);
        let secret = if j.parts_only {
            find_credentials(value).first().and_then(|c| locate(text, &entry.value, &value[c.range.clone()]))
        } else {
            Some(whole)
        };
        out.push(Finding {
            key: key.to_string(),
            at: entry.value.range,
            secret: (!j.placeholder).then(|| secret.unwrap_or(whole)),
            why: j.why,
            placeholder: j.placeholder,
        });
    }
    out
}

/// The range of a scalar's text without its quotes.
fn value_range(node: &Node) -> TextRange {
    node.as_scalar().map_or(node.range, |s| if s.style == ScalarStyle::Plain { node.range } else { s.raw })
}

/// Where `needle` (a piece of the decoded value) is written in the source of `node`:
/// the first occurrence inside the scalar's raw text. `None` when escapes or folding
/// make it appear differently.
fn locate(text: &str, node: &Node, needle: &str) -> Option<TextRange> {
    if needle.is_empty() {
        return None;
    }
    let raw = node.as_scalar()?.raw;
    let source = text.get(usize::from(raw.start())..usize::from(raw.end()))?;
    let at = source.find(needle)?;
    let start = raw.start() + TextSize::from(at as u32);
    Some(TextRange::at(start, TextSize::from(needle.len() as u32)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;
    use dockward_diagnostics::Severity;

    fn configmap(data: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n{data}")
    }

    #[test]
    fn secret_named_keys_with_literal_values() {
        let text = configmap("  DB_PASSWORD: \"s3cr3t-Pa55\"\n  LOG_LEVEL: debug\n  PASSWORD_FILE: /run/secrets/db\n");
        let found = run(&SecretInConfigmap, &[("cm.yaml", &text)], None);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].redactions[0]], "s3cr3t-Pa55");
        assert!(found[0].message.contains("`DB_PASSWORD`"));
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn tokens_and_url_passwords_in_files() {
        let text = configmap(
            "  app.properties: |\n    db.url=jdbc:postgresql://db/app\n    db.password=hunter2-Xy9\n    greeting=hello\n  ci: |\n    export T=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n  DATABASE_URL: postgres://app:Sup3rS3cret@db/app\n",
        );
        let found = run(&SecretInConfigmap, &[("cm.yaml", &text)], None);
        let secrets: Vec<_> = found.iter().map(|d| &text[d.redactions[0]]).collect();
        assert_eq!(secrets, ["hunter2-Xy9", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "Sup3rS3cret"]);
    }

    #[test]
    fn placeholders_are_lower_and_unmasked_and_secrets_elsewhere_ignored() {
        let text = configmap("  API_TOKEN: changeme\n");
        let found = run(&SecretInConfigmap, &[("cm.yaml", &text)], None);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].redactions.is_empty());
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  DB_PASSWORD: s3cr3t-Pa55\n";
        assert!(run(&SecretInConfigmap, &[("s.yaml", secret)], None).is_empty());
        assert!(run(&SecretInConfigmap, &[("cm.yaml", &configmap("  mode: fast\n"))], None).is_empty());
    }

    #[test]
    fn the_secrets_are_known_even_with_the_rule_off() {
        let text = configmap("  DB_PASSWORD: s3cr3t-Pa55\n");
        let read = dockward_k8s::objects_in(
            &dockward_source::SourceFile::new("cm.yaml", None, text.as_str()),
            &dockward_yaml::Budget::default(),
        );
        let secrets = configmap_secrets(&read.objects);
        assert_eq!(&text[secrets[0].1], "s3cr3t-Pa55");
    }
}
