//! Palisade's NetworkPolicy tools. NetworkPolicy semantics exactly as Kubernetes defines them
//! (selectors, peers, ports, per-direction isolation, `policyTypes` defaulting), the world a
//! policy set is judged in, coverage of workloads, simulation of observed flows, and policies
//! synthesised from flows.

pub mod cidr;
pub mod coverage;
pub mod coverage_facts;
pub mod coverage_rules;
pub mod error;
pub mod evaluate;
pub mod flows;
pub mod judge;
pub mod labels;
pub mod pod_index;
pub mod policy;
pub mod ports;
pub mod resolve;
pub mod simulate;
pub mod suggest;
pub mod world;

pub use error::{FieldError, ModelError, NetpolError, Origin};
pub use evaluate::{Connectivity, Endpoint, Side};
pub use labels::{Labels, Selector};
pub use policy::{Direction, Peer, Policy, Rule};
pub use ports::{ConnSet, ContainerPort, PortRef, PortSpec};
pub use world::{Pod, Service, World};
