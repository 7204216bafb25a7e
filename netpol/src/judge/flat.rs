//! Rules laid out for the judge: one array of rules (ports as ranges of one array of ports,
//! and what kinds of peers each holds), numbered direction by direction and namespace by
//! namespace, so the rules that can select one pod are one run of numbers.

use crate::policy::{Direction, Peer, Rule};
use crate::ports::PortRef;
use crate::world::World;
use palisade_probe::Proto;

/// One rule.
#[derive(Debug)]
pub struct FlatRule {
    pub policy: usize,
    pub direction: Direction,
    /// Index in the policy's rules of that direction.
    pub index: usize,
    /// No peers listed: every peer.
    pub any_peer: bool,
    pub has_block: bool,
    /// Range of `Rules::ports` (empty: every port).
    pub ports: (usize, usize),
}

/// One port entry: a range of a protocol, or a named port.
#[derive(Debug)]
pub struct FlatPort {
    pub proto: Proto,
    pub lo: u16,
    pub hi: u16,
    pub name: Option<Box<str>>,
}

/// Every rule of a world.
#[derive(Debug, Default)]
pub struct Rules {
    pub rules: Vec<FlatRule>,
    pub ports: Vec<FlatPort>,
    /// Per direction slot, per policy: (first rule number, count).
    pub of_policy: [Vec<(usize, usize)>; 2],
}

impl Rules {
    pub fn new(world: &World, directions: [Direction; 2]) -> Self {
        let mut order: Vec<usize> = (0..world.policies.len()).collect();
        order.sort_by(|&a, &b| {
            world.policies[a]
                .namespace
                .cmp(&world.policies[b].namespace)
        });
        let mut out = Rules {
            of_policy: [
                vec![(0, 0); world.policies.len()],
                vec![(0, 0); world.policies.len()],
            ],
            ..Rules::default()
        };
        for (slot, d) in directions.into_iter().enumerate() {
            for &p in &order {
                let list = world.policies[p].rules(d).unwrap_or_default();
                out.of_policy[slot][p] = (out.rules.len(), list.len());
                for (index, rule) in list.iter().enumerate() {
                    let from = out.ports.len();
                    out.ports.extend(rule.ports.iter().map(|spec| {
                        let (lo, hi, name) = match &spec.port {
                            None => (1, u16::MAX, None),
                            Some(PortRef::Number(n)) => (*n, spec.end_port.unwrap_or(*n), None),
                            Some(PortRef::Name(n)) => (0, 0, Some(n.clone().into_boxed_str())),
                        };
                        FlatPort {
                            proto: spec.proto,
                            lo,
                            hi,
                            name,
                        }
                    }));
                    out.rules.push(FlatRule {
                        policy: p,
                        direction: d,
                        index,
                        any_peer: rule.peers.is_empty(),
                        has_block: rule.peers.iter().any(|p| matches!(p, Peer::Block(_))),
                        ports: (from, out.ports.len()),
                    });
                }
            }
        }
        out
    }

    /// The rule's source.
    pub fn rule<'w>(&self, world: &'w World, id: usize) -> Option<&'w Rule> {
        let flat = self.rules.get(id)?;
        world.policies[flat.policy]
            .rules(flat.direction)?
            .get(flat.index)
    }
}
