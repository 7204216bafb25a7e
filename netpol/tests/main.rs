//! Integration tests of palisade-netpol (one test binary for the crate).

mod semantics;
