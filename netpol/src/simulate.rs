//! "Which observed flows would these policies block?" Each flow's endpoints are resolved
//! against the world and the connection is judged: allowed only when the source's egress AND
//! the destination's ingress admit its protocol and port. Pairs are judged once and cached.

use crate::evaluate::{Connectivity, Endpoint};
use crate::policy::Direction;
use crate::resolve::{Resolved, Resolver};
use crate::world::World;
use palisade_probe::FlowRecord;
use serde::Serialize;
use std::collections::HashMap;

/// The verdict on one flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowVerdict {
    /// `allowed` or `blocked`.
    pub verdict: &'static str,
    /// The directions that drop it (`egress`, `ingress`).
    pub blocked_by: Vec<&'static str>,
    /// Per direction that isolates an endpoint: the policies that admit the flow, or, when
    /// that direction drops it, the policies that isolate the endpoint.
    pub policies: PoliciesByDirection,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PoliciesByDirection {
    pub egress: Vec<String>,
    pub ingress: Vec<String>,
}

/// Totals of a simulation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimulationSummary {
    pub flows: usize,
    pub allowed: usize,
    pub blocked: usize,
}

/// Verdicts, one per flow in input order.
#[derive(Debug, Clone, Default)]
pub struct Simulation {
    pub verdicts: Vec<FlowVerdict>,
    pub summary: SimulationSummary,
}

/// Judges every flow against the policies of `world`.
pub fn simulate(world: World, flows: &[FlowRecord]) -> Simulation {
    let mut resolver = Resolver::new(world);
    let ends: Vec<(Resolved, Resolved)> = flows
        .iter()
        .map(|f| (resolver.resolve(&f.src).0, resolver.resolve(&f.dst).0))
        .collect();
    let world = resolver.world();
    let mut cache: HashMap<(Resolved, Resolved), Connectivity> = HashMap::new();
    let mut out = Simulation::default();
    for (flow, (src, dst)) in flows.iter().zip(ends) {
        let conn = cache
            .entry((src, dst))
            .or_insert_with(|| world.connectivity(&endpoint(world, src), &endpoint(world, dst)));
        let port = flow.dst.port.unwrap_or(0);
        let blocked = conn.blocked_by(flow.proto, port);
        let names = |side: &crate::evaluate::Side, direction: Direction| -> Vec<String> {
            if !side.isolated {
                return Vec::new();
            }
            let ids: Vec<usize> = if blocked.contains(&direction) {
                side.selecting.clone()
            } else {
                side.allowing(flow.proto, port).collect()
            };
            ids.iter().map(|&i| world.policies[i].id()).collect()
        };
        let verdict = FlowVerdict {
            verdict: if blocked.is_empty() {
                "allowed"
            } else {
                "blocked"
            },
            blocked_by: blocked.iter().map(|d| d.as_str()).collect(),
            policies: PoliciesByDirection {
                egress: names(&conn.egress, Direction::Egress),
                ingress: names(&conn.ingress, Direction::Ingress),
            },
        };
        out.summary.flows += 1;
        if blocked.is_empty() {
            out.summary.allowed += 1;
        } else {
            out.summary.blocked += 1;
        }
        out.verdicts.push(verdict);
    }
    out
}

fn endpoint(world: &World, at: Resolved) -> Endpoint<'_> {
    match at {
        Resolved::Pod(i, ip) => Endpoint::Pod {
            pod: &world.pods[i],
            ip,
        },
        Resolved::External(ip) => Endpoint::External(ip),
    }
}
