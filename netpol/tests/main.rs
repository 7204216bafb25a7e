//! Integration tests of palisade-netpol (one test binary for the crate).

mod cyclonus;
mod fixtures;
mod handmade;
mod judge;
mod npguard;
mod npguard_lines;
mod npguard_model;
mod semantics;
mod suggest;
mod suggest_choices;
mod suggest_props;
mod suggest_support;
