//! RBAC questions answered offline on manifests: `palisade rbac who-can` (which subjects may make a
//! request, as `kubectl auth can-i` would answer for each) and `palisade rbac show` (what one
//! subject may do). Roles and bindings are read from the file set with their file and line, and
//! every answer carries its chain: subject ← binding → role → rule.
//!
//! Matching is the API server's RBAC authorizer's: verbs, API groups and resources match
//! themselves or `*`, a subresource also `*/<sub>`; resourceNames admit only requests naming one of
//! them (so never a top-level create or deletecollection); a Role, or a ClusterRole bound by a
//! RoleBinding, grants only in the binding's namespace and nothing on cluster-scoped resources.
//! The cluster-admin ClusterRole, which manifests never carry, grants everything.

mod model;
mod query;
mod render;
mod subject;

pub use model::{Binding, Located, Rbac, Role, Rule, SubjectRef};
pub use query::{Answer, Grant, Request, show, who_can};
pub use render::{render_answers, render_grants};
pub use subject::Subject;
