//! palisade-certs integration tests, in one test binary.

mod chain;
mod managed;
mod patch;
