//! Integration tests of palisade-netpol (one test binary for the crate).

mod semantics;
mod suggest;
mod suggest_props;
mod suggest_support;
