//! Roles and bindings read from parsed manifests, each with the file and line it is defined at.

use crate::objects::ParsedFile;
use serde::Serialize;
use serde_json::Value;

/// Where an object (or one of its rules) is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    pub file: String,
    pub line: usize,
}

/// One policy rule of a role.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub index: usize,
    pub line: usize,
    #[serde(rename = "apiGroups")]
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    #[serde(rename = "resourceNames", skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
}

/// A Role or ClusterRole.
#[derive(Debug, Clone)]
pub struct Role {
    pub kind: String,
    /// The namespace of a Role (`default` when the manifest leaves it out).
    pub namespace: Option<String>,
    pub name: String,
    pub at: Located,
    pub rules: Vec<Rule>,
}

/// A subject as a binding names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SubjectRef {
    pub kind: String,
    pub name: String,
    /// A ServiceAccount's namespace (a RoleBinding's own when the subject leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone)]
pub struct Binding {
    pub kind: String,
    /// The namespace of a RoleBinding (`default` when the manifest leaves it out).
    pub namespace: Option<String>,
    pub name: String,
    pub at: Located,
    pub role_kind: String,
    pub role_name: String,
    pub subjects: Vec<SubjectRef>,
}

/// The RBAC objects of a file set.
#[derive(Debug, Clone, Default)]
pub struct Rbac {
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    let items = v.get(key).and_then(Value::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

impl Rbac {
    /// Adds the roles and bindings of one parsed file.
    pub fn add(&mut self, file: &ParsedFile) {
        for obj in &file.objects {
            let Some(value) = file.value(obj) else {
                continue;
            };
            let kind = text(value, "kind").unwrap_or_default();
            let meta = value.get("metadata").cloned().unwrap_or(Value::Null);
            let name = text(&meta, "name").unwrap_or_default();
            let namespaced = kind == "Role" || kind == "RoleBinding";
            let namespace =
                namespaced.then(|| text(&meta, "namespace").unwrap_or_else(|| "default".into()));
            let at = |pointer: &str| Located {
                file: file.name.clone(),
                line: file.locate(obj, pointer).line,
            };
            match kind.as_str() {
                "Role" | "ClusterRole" => {
                    let rules = value.get("rules").and_then(Value::as_array);
                    let rules = rules
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .map(|(index, r)| Rule {
                            index,
                            line: at(&format!("/rules/{index}")).line,
                            api_groups: strings(r, "apiGroups"),
                            resources: strings(r, "resources"),
                            verbs: strings(r, "verbs"),
                            resource_names: strings(r, "resourceNames"),
                        })
                        .collect();
                    self.roles.push(Role {
                        kind,
                        namespace,
                        name,
                        at: at(""),
                        rules,
                    });
                }
                "RoleBinding" | "ClusterRoleBinding" => {
                    let role_ref = value.get("roleRef").cloned().unwrap_or(Value::Null);
                    let subjects = value.get("subjects").and_then(Value::as_array);
                    let subjects = subjects
                        .into_iter()
                        .flatten()
                        .map(|s| {
                            let kind = text(s, "kind").unwrap_or_default();
                            let ns = text(s, "namespace").filter(|n| !n.is_empty());
                            SubjectRef {
                                namespace: (kind == "ServiceAccount")
                                    .then(|| ns.or_else(|| namespace.clone()))
                                    .flatten(),
                                kind,
                                name: text(s, "name").unwrap_or_default(),
                            }
                        })
                        .collect();
                    self.bindings.push(Binding {
                        kind,
                        namespace,
                        name,
                        at: at(""),
                        role_kind: text(&role_ref, "kind").unwrap_or_default(),
                        role_name: text(&role_ref, "name").unwrap_or_default(),
                        subjects,
                    });
                }
                _ => {}
            }
        }
    }

    /// The role a binding refers to: a Role in the binding's namespace, or a ClusterRole.
    pub fn role_of(&self, b: &Binding) -> Option<&Role> {
        self.roles.iter().find(|r| {
            r.kind == b.role_kind
                && r.name == b.role_name
                && (r.kind == "ClusterRole" || r.namespace == b.namespace)
        })
    }
}
