//! The linter's integration tests, in one test binary (one link instead of one per file).

mod config;
mod fix;
mod judged;
mod large_inventory;
mod passes;
mod report;
mod yaml;
