//! NetworkPolicies synthesised from observed flows: flows are resolved against the manifests
//! and aggregated into connections ([`aggregate`]), chosen ([`select`]), and made into one
//! policy per workload or per namespace ([`build`]), written as commented YAML ([`render`]).
//! Every chosen flow is allowed by the result (the source's egress and the destination's
//! ingress); anything not observed is not.

pub mod aggregate;
pub mod build;
pub mod party;
pub mod render;
pub mod select;
pub mod window;

use crate::cidr::Cidr;
use crate::world::World;
use aggregate::Connection;
use build::{PolicyPlan, dns_servers, duration_text, policy_name, rules, windows};
use palisade_probe::FlowRecord;
use party::Party;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// One policy per workload, or one for all pods of each namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Workload,
    Namespace,
}

/// Directions wanted for a workload (`lint --fix --flows` asks only for the missing ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    pub ingress: bool,
    pub egress: bool,
}

/// How to synthesise.
#[derive(Debug, Clone)]
pub struct SuggestOptions {
    pub scope: Scope,
    /// Allow cluster DNS (UDP and TCP 53) in every egress policy.
    pub allow_dns: bool,
    /// External addresses inside one of these become the block.
    pub external_cidrs: Vec<Cidr>,
    /// Add a default-deny policy to each namespace whose workloads were all observed for at
    /// least `min_window` (or every namespace, with `force`).
    pub default_deny: bool,
    pub force: bool,
    pub min_window: Duration,
    /// Prefix of policy names.
    pub name_prefix: String,
    /// Only these workloads (`(namespace, Kind/name)`), in these directions.
    pub only: Option<BTreeMap<(String, String), Wanted>>,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        Self {
            scope: Scope::Workload,
            allow_dns: true,
            external_cidrs: Vec::new(),
            default_deny: false,
            force: false,
            min_window: Duration::from_secs(24 * 3600),
            name_prefix: "palisade-".into(),
            only: None,
        }
    }
}

/// The policies suggested, and what the user should know about them.
#[derive(Debug, Clone, Default)]
pub struct Suggestion {
    pub policies: Vec<PolicyPlan>,
    /// Notes for stderr: short observation windows, workloads left without a policy.
    pub notes: Vec<String>,
}

impl Suggestion {
    /// One YAML text per namespace: the policies as documents, each preceded by `---`.
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        for p in &self.policies {
            let text = out.entry(p.namespace.clone()).or_insert_with(|| {
                format!(
                    "# NetworkPolicies for namespace {}, suggested from observed flows by\n# `palisade netpol suggest`. Each rule names the flows it allows.\n",
                    p.namespace
                )
            });
            text.push_str("---\n");
            text.push_str(&render::policy(p));
        }
        out
    }
}

/// Workloads of the manifests that policies can select: `(namespace, Kind/name)`.
pub fn manifest_workloads(world: &World) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = world
        .pods
        .iter()
        .filter(|p| !p.host_network)
        .map(|p| (p.namespace.clone(), p.workload()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Aggregates `flows` against `world` and suggests policies for all of them.
pub fn suggest_all(
    world: &World,
    flows: &[FlowRecord],
    opts: &SuggestOptions,
) -> (aggregate::Aggregate, Suggestion) {
    let agg = aggregate::aggregate(world, flows, &opts.external_cidrs);
    let chosen = vec![true; agg.connections.len()];
    let suggestion = suggest(&manifest_workloads(world), &agg.connections, &chosen, opts);
    (agg, suggestion)
}

/// Namespaces that get policies: those of the workloads in the manifests (`manifest`), or,
/// when there are none, every namespace the connections name.
fn namespaces(manifest: &[(String, String)], all: &[Connection]) -> BTreeSet<String> {
    if manifest.is_empty() {
        all.iter()
            .flat_map(|c| [c.src.namespace(), c.dst.namespace()])
            .flatten()
            .map(str::to_owned)
            .collect()
    } else {
        manifest.iter().map(|(ns, _)| ns.clone()).collect()
    }
}

/// Suggests policies for the `chosen` connections of `all`. `manifest` lists the workloads
/// read from manifests (`(namespace, Kind/name)`, host-network ones left out).
pub fn suggest(
    manifest: &[(String, String)],
    all: &[Connection],
    chosen: &[bool],
    opts: &SuggestOptions,
) -> Suggestion {
    let conns: Vec<&Connection> = all
        .iter()
        .zip(chosen.iter().chain(std::iter::repeat(&false)))
        .filter(|(_, keep)| **keep)
        .map(|(c, _)| c)
        .collect();
    let spaces = namespaces(manifest, all);
    let dns = opts.allow_dns.then(|| dns_servers(all));
    let windows = windows(all);
    let min_ms = i64::try_from(opts.min_window.as_millis()).unwrap_or(i64::MAX);
    let mut out = Suggestion::default();
    let window_of = |key: &(String, String)| windows.get(key).map_or(0, |(a, b)| b - a);

    // Targets: workloads seen in chosen connections, in the namespaces that get policies.
    let mut targets: BTreeSet<&Party> = BTreeSet::new();
    for c in &conns {
        for p in [&c.src, &c.dst] {
            if p.namespace().is_some_and(|ns| spaces.contains(ns)) {
                targets.insert(p);
            }
        }
    }
    let mut taken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    match opts.scope {
        Scope::Workload => {
            for party in targets {
                let Party::Pods {
                    namespace,
                    workload,
                    selector,
                    in_manifests,
                } = party
                else {
                    continue;
                };
                let key = (namespace.clone(), workload.clone());
                let wanted = match &opts.only {
                    Some(only) => match only.get(&key) {
                        Some(w) => *w,
                        None => continue,
                    },
                    None => Wanted {
                        ingress: true,
                        egress: true,
                    },
                };
                if selector.is_empty() {
                    out.notes.push(format!(
                        "{party}: no labels to select its pods by; it gets no policy"
                    ));
                    continue;
                }
                let ingress: Vec<&Connection> =
                    conns.iter().copied().filter(|c| &c.dst == party).collect();
                let egress: Vec<&Connection> =
                    conns.iter().copied().filter(|c| &c.src == party).collect();
                let window = window_of(&key);
                let mut about = vec![format!(
                    "{party}: flows observed over {}",
                    duration_text(window)
                )];
                if !in_manifests {
                    about.push("(known from the flows only, not from the manifests)".into());
                }
                if window < min_ms {
                    out.notes.push(format!(
                        "{party}: observed for {} only (--min-window {}); traffic it has not shown yet is not allowed",
                        duration_text(window),
                        duration_text(min_ms)
                    ));
                }
                let names = taken.entry(namespace.clone()).or_default();
                out.policies.push(PolicyPlan {
                    namespace: namespace.clone(),
                    name: policy_name(opts, workload, names),
                    workload: Some(workload.clone()),
                    about,
                    target: Some(selector.clone()),
                    ingress: wanted
                        .ingress
                        .then(|| rules(namespace, &ingress, |c| &c.src, None, opts.allow_dns)),
                    egress: wanted.egress.then(|| {
                        rules(namespace, &egress, |c| &c.dst, dns.as_ref(), opts.allow_dns)
                    }),
                });
            }
        }
        Scope::Namespace => {
            for ns in &spaces {
                let in_ns = |p: &Party| p.namespace() == Some(ns.as_str());
                let ingress: Vec<&Connection> =
                    conns.iter().copied().filter(|c| in_ns(&c.dst)).collect();
                let egress: Vec<&Connection> =
                    conns.iter().copied().filter(|c| in_ns(&c.src)).collect();
                if ingress.is_empty() && egress.is_empty() {
                    continue;
                }
                let names = taken.entry(ns.clone()).or_default();
                out.policies.push(PolicyPlan {
                    namespace: ns.clone(),
                    name: policy_name(opts, ns, names),
                    workload: None,
                    about: vec![format!("every pod of namespace {ns}: the flows observed")],
                    target: None,
                    ingress: Some(rules(ns, &ingress, |c| &c.src, None, opts.allow_dns)),
                    egress: Some(rules(ns, &egress, |c| &c.dst, dns.as_ref(), opts.allow_dns)),
                });
            }
        }
    }
    window::unobserved(manifest, &windows, &mut out);
    if opts.default_deny {
        window::default_deny(
            &spaces,
            manifest,
            &windows,
            min_ms,
            opts,
            dns.as_ref(),
            &mut taken,
            &mut out,
        );
    }
    out
}
