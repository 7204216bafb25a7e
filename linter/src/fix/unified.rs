//! Unified diffs of fixed files, for `lint --fix --diff`.

use similar::TextDiff;

/// The unified diff (three lines of context) that turns `before` into `after`, with `name` in
/// both headers; empty when they are equal.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_added_lines_with_context() {
        let diff = unified_diff("p.yaml", "a: 1\nb: 2\n", "a: 1\nb: 2\nc: 3\n");
        assert_eq!(
            diff,
            "--- p.yaml\n+++ p.yaml\n@@ -1,2 +1,3 @@\n a: 1\n b: 2\n+c: 3\n"
        );
        assert_eq!(unified_diff("p.yaml", "a", "a"), "");
    }
}
