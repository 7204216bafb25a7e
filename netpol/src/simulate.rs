//! "Which observed flows would these policies block?" Each flow's endpoints are resolved
//! against the world and the connection is judged: allowed only when the source's egress AND
//! the destination's ingress admit its protocol and port. Flows are judged a chunk at a time,
//! in parallel, so a million of them stream through in bounded memory.

use crate::judge::{Judge, SideCheck};
use crate::resolve::{Resolved, Resolver};
use crate::world::World;
use palisade_probe::FlowRecord;
use rayon::prelude::*;
use serde::Serialize;

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

impl FlowVerdict {
    pub fn blocked(&self) -> bool {
        !self.blocked_by.is_empty()
    }
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

/// Judges flows against one world, a chunk at a time.
#[derive(Debug)]
pub struct Simulator<'w> {
    world: &'w World,
    judge: Judge<'w>,
    resolver: Resolver,
    ids: Vec<String>,
    pub summary: SimulationSummary,
}

impl<'w> Simulator<'w> {
    pub fn new(world: &'w World) -> Self {
        Self {
            world,
            judge: Judge::new(world),
            resolver: Resolver::new(world),
            ids: world.policies.iter().map(|p| p.id()).collect(),
            summary: SimulationSummary::default(),
        }
    }

    /// `namespace/name` of each policy, by index.
    pub fn policy_ids(&self) -> &[String] {
        &self.ids
    }

    /// Verdicts for `flows`, in order.
    pub fn judge(&mut self, flows: &[FlowRecord]) -> Vec<FlowVerdict> {
        self.check(flows)
            .iter()
            .map(|[egress, ingress]| self.verdict(egress, ingress))
            .collect()
    }

    /// Egress and ingress checks for `flows`, in order (policies by index); counted in the
    /// summary.
    pub fn check(&mut self, flows: &[FlowRecord]) -> Vec<[SideCheck; 2]> {
        let ends: Vec<(Resolved, Resolved)> = flows
            .iter()
            .map(|f| {
                let src = self.resolver.resolve(self.world, &f.src);
                (src, self.resolver.resolve(self.world, &f.dst))
            })
            .collect();
        let made = self.resolver.made();
        let checks: Vec<[SideCheck; 2]> = flows
            .par_iter()
            .zip(ends)
            .map(|(flow, (src, dst))| {
                let port = flow.dst.port.unwrap_or(0);
                self.judge.check(made, src, dst, flow.proto, port)
            })
            .collect();
        for [egress, ingress] in &checks {
            self.summary.flows += 1;
            if !(egress.allowed && ingress.allowed) {
                self.summary.blocked += 1;
            } else {
                self.summary.allowed += 1;
            }
        }
        checks
    }

    fn verdict(&self, egress: &SideCheck, ingress: &SideCheck) -> FlowVerdict {
        let mut blocked_by = Vec::new();
        if !egress.allowed {
            blocked_by.push("egress");
        }
        if !ingress.allowed {
            blocked_by.push("ingress");
        }
        let names = |side: &SideCheck| side.policies.iter().map(|&i| self.ids[i].clone()).collect();
        FlowVerdict {
            verdict: if blocked_by.is_empty() {
                "allowed"
            } else {
                "blocked"
            },
            blocked_by,
            policies: PoliciesByDirection {
                egress: names(egress),
                ingress: names(ingress),
            },
        }
    }
}

/// Judges every flow against the policies of `world`.
pub fn simulate(world: &World, flows: &[FlowRecord]) -> Simulation {
    let mut simulator = Simulator::new(world);
    let verdicts = simulator.judge(flows);
    Simulation {
        verdicts,
        summary: simulator.summary,
    }
}
