//! Palisade's manifest linter.
