//! The subject `rbac show` asks about, parsed from the command line, and which binding subjects
//! name it (directly, or through a group it is in).

use super::model::SubjectRef;
use serde::Serialize;

/// Who is asked about in `rbac show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Subject {
    ServiceAccount { namespace: String, name: String },
    User { name: String },
    Group { name: String },
}

impl std::str::FromStr for Subject {
    type Err = String;

    fn from_str(s: &str) -> Result<Subject, String> {
        let bad = || {
            format!(
                "bad SUBJECT `{s}`: expected serviceaccount:NS:NAME, system:serviceaccount:NS:NAME, user:NAME or group:NAME"
            )
        };
        let sa = s
            .strip_prefix("system:serviceaccount:")
            .or_else(|| s.strip_prefix("serviceaccount:"));
        if let Some(rest) = sa {
            return match rest.split_once(':') {
                Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains(':') => {
                    Ok(Subject::ServiceAccount {
                        namespace: ns.into(),
                        name: name.into(),
                    })
                }
                _ => Err(bad()),
            };
        }
        match s.split_once(':') {
            Some(("user", name)) if !name.is_empty() => Ok(Subject::User { name: name.into() }),
            Some(("group", name)) if !name.is_empty() => Ok(Subject::Group { name: name.into() }),
            _ => Err(bad()),
        }
    }
}

impl Subject {
    /// Whether a binding's subject names this subject, directly or through a group it is in
    /// (every service account is in system:serviceaccounts, system:serviceaccounts:NS and, like
    /// every user, system:authenticated).
    pub(super) fn named_by(&self, s: &SubjectRef) -> bool {
        match (self, s.kind.as_str()) {
            (Subject::ServiceAccount { namespace, name }, "ServiceAccount") => {
                s.namespace.as_deref() == Some(namespace.as_str()) && &s.name == name
            }
            (Subject::ServiceAccount { namespace, name }, "User") => {
                s.name == format!("system:serviceaccount:{namespace}:{name}")
            }
            (Subject::ServiceAccount { namespace, .. }, "Group") => {
                s.name == "system:serviceaccounts"
                    || s.name == format!("system:serviceaccounts:{namespace}")
                    || s.name == "system:authenticated"
            }
            (Subject::User { name }, "User") => &s.name == name,
            (Subject::User { .. }, "Group") => s.name == "system:authenticated",
            (Subject::Group { name }, "Group") => &s.name == name,
            _ => false,
        }
    }
}
