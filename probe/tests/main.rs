//! The probe's integration tests, in one test binary (one link instead of one per file).

mod conntrack_parse;
mod import;
mod netns;
