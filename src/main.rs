//! `palisade`: thin command-line dispatch.
fn main() {}
