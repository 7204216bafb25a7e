//! Where tests find the public test data kept beside the repository (`../shared/fixtures`, see its
//! `SOURCES.md`). A user's clone usually lacks it: tests then skip with a printed reason. CI sets
//! `PALISADE_REQUIRE_FIXTURES=1`, and a missing folder is then a failure, never a silent skip.
//! `PALISADE_FIXTURES` points at another copy.

use std::path::{Path, PathBuf};

/// Environment variable that turns a missing fixture folder into a test failure.
pub const REQUIRE_ENV: &str = "PALISADE_REQUIRE_FIXTURES";

/// The fixture folder `sub` (e.g. `pod-security-admission`), or `None` after printing why the
/// caller skips. Panics when it is missing and [`REQUIRE_ENV`] is `1`.
pub fn dir(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PALISADE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // `shared/` sits beside the repository, which holds this crate.
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(Path::new("..").join("..").join("shared").join("fixtures"))
        });
    let required = std::env::var(REQUIRE_ENV).as_deref() == Ok("1");
    find(&root, sub, required)
}

/// `root/sub` when it is a folder; else `None`, or a panic when the fixtures are `required`.
fn find(root: &Path, sub: &str, required: bool) -> Option<PathBuf> {
    let path = root.join(sub);
    if path.is_dir() {
        return Some(path);
    }
    let why = format!("fixtures {sub} not found at {}", path.display());
    assert!(!required, "{why}, and {REQUIRE_ENV}=1");
    println!("skipped: {why} (they live beside the repository, see SOURCES.md there)");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_skipped_only_when_not_required() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(find(root, "src", true), Some(root.join("src")));
        assert_eq!(find(root, "no-such-fixtures", false), None);
        let required = std::panic::catch_unwind(|| find(root, "no-such-fixtures", true));
        assert!(required.is_err(), "a required, missing folder did not fail");
    }
}
