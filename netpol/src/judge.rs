//! Judging one flow — a protocol and port between two resolved endpoints — fast enough for
//! millions of flows. Rules are numbered so that those of one namespace and direction are
//! contiguous; per pod we keep a bitset of the rules its selecting policies hold (`sel`) and
//! a bitset of the rules whose peers match it (`matched`, built from a label index). A side
//! of a flow is then the AND of two short bit runs, and only the rules left have their ports
//! checked. The answer is the one `World::connectivity` gives for that port (tested).

mod flat;

use crate::evaluate::Endpoint;
use crate::pod_index::{PodIndex, PodSet};
use crate::policy::{Direction, Peer, Policy, Rule};
use crate::ports::ContainerPort;
use crate::resolve::Resolved;
use crate::world::{Pod, World};
use flat::{FlatRule, Rules};
use palisade_probe::Proto;
use rayon::prelude::*;
use std::net::IpAddr;

const DIRECTIONS: [Direction; 2] = [Direction::Egress, Direction::Ingress];

fn slot(direction: Direction) -> usize {
    match direction {
        Direction::Egress => 0,
        Direction::Ingress => 1,
    }
}

/// One direction's answer for one flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideCheck {
    /// Some policy selects the endpoint for this direction.
    pub isolated: bool,
    pub allowed: bool,
    /// When allowed: the policies admitting the flow; when dropped: those isolating the
    /// endpoint (indices into `World::policies`).
    pub policies: Vec<usize>,
}

impl SideCheck {
    fn open() -> Self {
        Self {
            isolated: false,
            allowed: true,
            policies: Vec::new(),
        }
    }
}

/// Precomputed selection and peer matching for a world.
#[derive(Debug)]
pub struct Judge<'w> {
    world: &'w World,
    rules: Rules,
    /// Per direction, per pod: the policies selecting it.
    selecting: [Vec<Vec<usize>>; 2],
    /// Per direction, per pod: first word and the bits of the rules of its selecting policies.
    sel: [Vec<(usize, Vec<u64>)>; 2],
    /// Per pod, a row of `stride` words: rules with no peers, or whose pod peers match it.
    matched: Vec<u64>,
    /// Rules holding an ipBlock peer, and rules with no peers.
    blocks: Vec<u64>,
    open: Vec<u64>,
    stride: usize,
}

impl<'w> Judge<'w> {
    pub fn new(world: &'w World) -> Self {
        let rules = Rules::new(world, DIRECTIONS);
        let n = rules.rules.len();
        let stride = n.div_ceil(64);
        let selecting = DIRECTIONS.map(|d| {
            world
                .pods
                .par_iter()
                .map(|pod| world.selecting(pod, d))
                .collect::<Vec<_>>()
        });
        let sel = [0, 1].map(|s| {
            selecting[s]
                .iter()
                .map(|policies| {
                    let ids = policies.iter().flat_map(|&p| {
                        let (base, len) = rules.of_policy[s][p];
                        base..base + len
                    });
                    bit_run(ids)
                })
                .collect()
        });
        let index = PodIndex::new(world);
        let sets: Vec<PodSet> = rules
            .rules
            .par_iter()
            .enumerate()
            .map(|(id, flat)| match rules.rule(world, id) {
                Some(rule) if !flat.any_peer => {
                    pod_set(world, &index, &world.policies[flat.policy], rule)
                }
                _ => PodSet::full(world.pods.len()),
            })
            .collect();
        let mut matched = vec![0u64; stride * world.pods.len()];
        for (r, set) in sets.iter().enumerate() {
            for i in set.iter() {
                if let Some(w) = matched.get_mut(i * stride + r / 64) {
                    *w |= 1 << (r % 64);
                }
            }
        }
        let mask = |want: fn(&FlatRule) -> bool| {
            let mut words = vec![0u64; stride];
            for (r, flat) in rules.rules.iter().enumerate() {
                if want(flat) {
                    words[r / 64] |= 1 << (r % 64);
                }
            }
            words
        };
        Self {
            world,
            blocks: mask(|f| f.has_block),
            open: mask(|f| f.any_peer),
            rules,
            selecting,
            sel,
            matched,
            stride,
        }
    }

    /// Egress of `src` and ingress of `dst` for `proto`/`port`; `made` holds the pods that
    /// `Resolved::Made` indexes.
    pub fn check(
        &self,
        made: &[Pod],
        src: Resolved,
        dst: Resolved,
        proto: Proto,
        port: u16,
    ) -> [SideCheck; 2] {
        let dst_ports = match dst {
            Resolved::Pod(i, _) => Some(self.world.pods[i].ports.as_slice()),
            Resolved::Made(i, _) => Some(made[i].ports.as_slice()),
            Resolved::External(_) => None,
        };
        let flow = Flow {
            proto,
            port,
            dst_ports,
            made,
        };
        [
            self.side(&flow, src, dst, Direction::Egress),
            self.side(&flow, dst, src, Direction::Ingress),
        ]
    }

    fn side(&self, flow: &Flow<'_>, this: Resolved, other: Resolved, d: Direction) -> SideCheck {
        let (allowing, selecting) = match this {
            Resolved::Pod(i, _) => {
                let selecting = &self.selecting[slot(d)][i];
                if selecting.is_empty() {
                    return SideCheck::open();
                }
                let allowing = self.allowing_fast(flow, i, d, other);
                let selecting = if allowing.is_empty() {
                    selecting.clone()
                } else {
                    Vec::new()
                };
                (allowing, selecting)
            }
            Resolved::Made(i, _) => {
                let selecting = self.world.selecting(&flow.made[i], d);
                if selecting.is_empty() {
                    return SideCheck::open();
                }
                let ids = selecting.iter().flat_map(|&p| {
                    let (base, len) = self.rules.of_policy[slot(d)][p];
                    base..base + len
                });
                let ids: Vec<(usize, bool)> = ids.map(|id| (id, false)).collect();
                (self.allowing(flow, &ids, other), selecting)
            }
            Resolved::External(_) => return SideCheck::open(),
        };
        let allowed = !allowing.is_empty();
        SideCheck {
            isolated: true,
            allowed,
            policies: if allowed { allowing } else { selecting },
        }
    }

    /// Policies admitting the flow on the side of world pod `i`.
    fn allowing_fast(
        &self,
        flow: &Flow<'_>,
        i: usize,
        d: Direction,
        other: Resolved,
    ) -> Vec<usize> {
        let (w0, bits) = &self.sel[slot(d)][i];
        let row = match other {
            Resolved::Pod(j, _) => self.matched.get(j * self.stride..(j + 1) * self.stride),
            _ => None,
        };
        let mut candidates = Vec::new();
        for (k, &selected) in bits.iter().enumerate() {
            let w = w0 + k;
            // Rules sure to match the peer, and rules that need a closer look.
            let (sure, check) = match (other, row) {
                (Resolved::Pod(..), Some(row)) => {
                    let m = row.get(w).copied().unwrap_or(0);
                    (
                        selected & m,
                        selected & !m & self.blocks.get(w).copied().unwrap_or(0),
                    )
                }
                (Resolved::External(_), _) => (
                    selected & self.open.get(w).copied().unwrap_or(0),
                    selected & self.blocks.get(w).copied().unwrap_or(0),
                ),
                _ => (0, selected),
            };
            let mut all = sure | check;
            while all != 0 {
                let bit = all.trailing_zeros() as usize;
                all &= all - 1;
                candidates.push((w * 64 + bit, sure >> bit & 1 == 1));
            }
        }
        self.allowing(flow, &candidates, other)
    }

    /// Policies owning a rule among `ids` (ascending; with `true`: its peers surely match)
    /// whose ports admit the flow and whose peers match `other`.
    fn allowing(&self, flow: &Flow<'_>, ids: &[(usize, bool)], other: Resolved) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &(id, sure) in ids {
            let Some(rule) = self.rules.rules.get(id) else {
                continue;
            };
            if out.last() == Some(&rule.policy) || !self.ports_match(rule, flow) {
                continue;
            }
            if sure || rule.any_peer || self.peers_match(id, other, flow) {
                out.push(rule.policy);
            }
        }
        out
    }

    fn ports_match(&self, rule: &FlatRule, flow: &Flow<'_>) -> bool {
        let ports = &self.rules.ports[rule.ports.0..rule.ports.1];
        ports.is_empty()
            || ports.iter().any(|fp| {
                fp.proto == flow.proto
                    && match &fp.name {
                        None => fp.lo <= flow.port && flow.port <= fp.hi,
                        Some(name) => flow.dst_ports.unwrap_or_default().iter().any(|cp| {
                            cp.proto == flow.proto
                                && cp.port == flow.port
                                && cp.name.as_deref() == Some(&**name)
                        }),
                    }
            })
    }

    /// Whether rule `id` matches peer `other`, rule by rule (the slow path).
    fn peers_match(&self, id: usize, other: Resolved, flow: &Flow<'_>) -> bool {
        let (Some(flat), Some(rule)) = (self.rules.rules.get(id), self.rules.rule(self.world, id))
        else {
            return false;
        };
        if flat.any_peer {
            return true;
        }
        let policy = &self.world.policies[flat.policy];
        let block = |ip: IpAddr| {
            rule.peers
                .iter()
                .any(|peer| matches!(peer, Peer::Block(b) if b.contains(ip)))
        };
        match other {
            Resolved::Pod(i, ip) => {
                self.matched
                    .get(i * self.stride + id / 64)
                    .is_some_and(|w| w >> (id % 64) & 1 == 1)
                    || match ip {
                        Some(ip) => block(ip),
                        // As `World::peer_matches`: a pod with no known address is only in a
                        // block of a whole address family without exceptions.
                        None if self.world.pods[i].ips.is_empty() => rule.peers.iter().any(|peer| {
                            matches!(peer, Peer::Block(b) if b.cidr.prefix() == 0 && b.except.is_empty())
                        }),
                        None => self.world.pods[i].ips.iter().any(|a| block(*a)),
                    }
            }
            Resolved::Made(i, ip) => {
                let end = Endpoint::Pod {
                    pod: &flow.made[i],
                    ip,
                };
                rule.peers
                    .iter()
                    .any(|peer| self.world.peer_matches(policy, peer, &end))
            }
            Resolved::External(ip) => ip.is_some_and(block),
        }
    }
}

/// The ids as bits: the first word's index and the words from it to the last id.
fn bit_run(ids: impl Iterator<Item = usize>) -> (usize, Vec<u64>) {
    let ids: Vec<usize> = ids.collect();
    let (Some(&lo), Some(&hi)) = (ids.iter().min(), ids.iter().max()) else {
        return (0, Vec::new());
    };
    let w0 = lo / 64;
    let mut words = vec![0u64; hi / 64 - w0 + 1];
    for id in ids {
        words[id / 64 - w0] |= 1 << (id % 64);
    }
    (w0, words)
}

/// The world's pods matched by the rule's pod peers.
fn pod_set(world: &World, index: &PodIndex, policy: &Policy, rule: &Rule) -> PodSet {
    let mut out = PodSet::empty(world.pods.len());
    for peer in &rule.peers {
        let Peer::Pods { pods, namespaces } = peer else {
            continue;
        };
        let mut set = match namespaces {
            None => index.in_namespaces(|ns| ns == policy.namespace),
            Some(sel) => index.in_namespaces(|ns| sel.matches(&world.namespace_labels(ns))),
        };
        if let Some(sel) = pods {
            set.and(&index.matching(sel));
        }
        set.and(&index.selectable());
        out.or(&set);
    }
    out
}

/// What a rule's ports are checked against.
struct Flow<'a> {
    proto: Proto,
    port: u16,
    dst_ports: Option<&'a [ContainerPort]>,
    made: &'a [Pod],
}
