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
use build::{
    DnsRule, PolicyPlan, dns_servers, duration_text, is_cluster_dns, is_dns, policy_name, rules,
    windows,
};
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
            let text = out
                .entry(p.namespace.clone())
                .or_insert_with(|| render::file_header(&p.namespace));
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
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for c in all {
            seen.extend([c.src.namespace(), c.dst.namespace()].into_iter().flatten());
        }
        seen.into_iter().map(str::to_owned).collect()
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
    let mut policies = Vec::new();
    let notes = suggest_each(manifest, all, chosen, opts, &mut |p| {
        policies.push(p);
        Ok(())
    })
    .unwrap_or_default();
    Suggestion { policies, notes }
}

/// The chosen connections each party takes part in: as destination (its ingress) and as
/// source (its egress), by party id.
struct ByParty<'a> {
    ingress: Vec<Vec<&'a Connection>>,
    egress: Vec<Vec<&'a Connection>>,
    party: Vec<Option<&'a Party>>,
}

impl<'a> ByParty<'a> {
    fn new(conns: &[&'a Connection]) -> Self {
        let len = conns
            .iter()
            .map(|c| c.src_id.max(c.dst_id) as usize + 1)
            .max()
            .unwrap_or(0);
        let mut out = Self {
            ingress: vec![Vec::new(); len],
            egress: vec![Vec::new(); len],
            party: vec![None; len],
        };
        for c in conns {
            out.ingress[c.dst_id as usize].push(c);
            out.egress[c.src_id as usize].push(c);
            out.party[c.dst_id as usize] = Some(&c.dst);
            out.party[c.src_id as usize] = Some(&c.src);
        }
        out
    }
}

/// [`suggest`], handing each policy to `emit` as soon as it is made (namespace by namespace,
/// in the order [`Suggestion::files`] writes them), so a caller that writes them out holds
/// one policy at a time. Returns the notes.
pub fn suggest_each(
    manifest: &[(String, String)],
    all: &[Connection],
    chosen: &[bool],
    opts: &SuggestOptions,
    emit: &mut dyn FnMut(PolicyPlan) -> std::io::Result<()>,
) -> std::io::Result<Vec<String>> {
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
    let mut notes = Vec::new();
    let window_of = |key: &(String, String)| windows.get(key).map_or(0, |(a, b)| b - a);
    let by_party = ByParty::new(&conns);

    // Targets: workloads seen in chosen connections, by namespace.
    let mut targets: BTreeMap<&str, Vec<(&Party, usize)>> = BTreeMap::new();
    for (id, party) in by_party.party.iter().enumerate() {
        if let Some(party) = party
            && let Some(ns) = party.namespace().filter(|ns| spaces.contains(*ns))
        {
            targets.entry(ns).or_default().push((party, id));
        }
    }
    let mut by_ns: BTreeMap<&str, (Vec<&Connection>, Vec<&Connection>)> = BTreeMap::new();
    if opts.scope == Scope::Namespace {
        for c in &conns {
            if let Some(ns) = c.dst.namespace() {
                by_ns.entry(ns).or_default().0.push(c);
            }
            if let Some(ns) = c.src.namespace() {
                by_ns.entry(ns).or_default().1.push(c);
            }
        }
    }
    for ns in &spaces {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        match opts.scope {
            Scope::Workload => {
                let mut in_ns = targets.remove(ns.as_str()).unwrap_or_default();
                in_ns.sort();
                for (party, id) in in_ns {
                    let plan = workload_policy(
                        party,
                        (&by_party.ingress[id], &by_party.egress[id]),
                        opts,
                        dns.as_ref(),
                        window_of,
                        min_ms,
                        &mut taken,
                        &mut notes,
                    );
                    if let Some(plan) = plan {
                        emit(plan)?;
                    }
                }
            }
            Scope::Namespace => {
                let (ingress, egress) = by_ns.remove(ns.as_str()).unwrap_or_default();
                if !ingress.is_empty() || !egress.is_empty() {
                    emit(PolicyPlan {
                        namespace: ns.clone(),
                        name: policy_name(opts, ns, &mut taken),
                        workload: None,
                        about: vec![format!("every pod of namespace {ns}: the flows observed")],
                        target: None,
                        ingress: Some(rules(
                            ns,
                            &ingress,
                            |c| &c.src,
                            (dns.is_some() && ingress.iter().any(|c| is_dns(c)))
                                .then(DnsRule::from_everyone),
                            opts.allow_dns,
                        )),
                        egress: Some(rules(
                            ns,
                            &egress,
                            |c| &c.dst,
                            dns.as_ref().map(|d| DnsRule::to(d, ns)),
                            opts.allow_dns,
                        )),
                    })?;
                }
            }
        }
        if opts.default_deny
            && let Some(plan) = window::default_deny(
                ns,
                manifest,
                &windows,
                min_ms,
                opts,
                dns.as_ref(),
                &mut taken,
                &mut notes,
            )
        {
            emit(plan)?;
        }
    }
    window::unobserved(manifest, &windows, &mut notes);
    Ok(notes)
}

/// The policy of one workload (None, with a note, when it has no labels to be selected by
/// or is not among `opts.only`).
#[allow(clippy::too_many_arguments)]
fn workload_policy(
    party: &Party,
    (ingress, egress): (&[&Connection], &[&Connection]),
    opts: &SuggestOptions,
    dns: Option<&build::DnsServers>,
    window_of: impl Fn(&(String, String)) -> i64,
    min_ms: i64,
    taken: &mut BTreeSet<String>,
    notes: &mut Vec<String>,
) -> Option<PolicyPlan> {
    let Party::Pods {
        namespace,
        workload,
        selector,
        in_manifests,
    } = party
    else {
        return None;
    };
    let key = (namespace.clone(), workload.clone());
    let wanted = match &opts.only {
        Some(only) => *only.get(&key)?,
        None => Wanted {
            ingress: true,
            egress: true,
        },
    };
    if selector.is_empty() {
        notes.push(format!(
            "{party}: no labels to select its pods by; it gets no policy"
        ));
        return None;
    }
    let window = window_of(&key);
    let mut about = vec![format!(
        "{party}: flows observed over {}",
        duration_text(window)
    )];
    if !in_manifests {
        about.push("(known from the flows only, not from the manifests)".into());
    }
    if window < min_ms {
        notes.push(format!(
            "{party}: observed for {} only (--min-window {}); traffic it has not shown yet is not allowed",
            duration_text(window),
            duration_text(min_ms)
        ));
    }
    Some(PolicyPlan {
        namespace: namespace.clone(),
        name: policy_name(opts, workload, taken),
        workload: Some(workload.clone()),
        about,
        target: Some(selector.clone()),
        ingress: wanted.ingress.then(|| {
            let dns = (dns.is_some() && is_cluster_dns(party)).then(DnsRule::from_everyone);
            rules(namespace, ingress, |c| &c.src, dns, opts.allow_dns)
        }),
        egress: wanted.egress.then(|| {
            let dns = dns.map(|d| DnsRule::to(d, namespace));
            rules(namespace, egress, |c| &c.dst, dns, opts.allow_dns)
        }),
    })
}
