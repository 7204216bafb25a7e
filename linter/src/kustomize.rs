//! Kustomize patch files found in a directory walk. A patch (`patches: [{path: …}]`,
//! `patchesStrategicMerge: [file]`, `patchesJson6902: [{path: …}]`) is a fragment of an object —
//! a Deployment patch that sets only `args` reads as a whole Deployment with no securityContext
//! — so judging it would be a false alarm on every kustomize repository. The walk leaves out the
//! files a `kustomization.yaml` (`.yml`, `Kustomization`) of the tree names as patches, and says
//! which; the rendered output (`kustomize build DIR | palisade lint -`) is where they are judged.

use std::path::{Component, Path, PathBuf};

const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The patch files named by the kustomization file directly in `dir`, if any (lexically
/// normalised: `dir/../x.yaml` is `x.yaml` beside `dir`). A kustomization that cannot be read or
/// parsed names none: it is itself linted and reported.
pub(crate) fn patch_files(dir: &Path) -> Vec<PathBuf> {
    let Some(text) = KUSTOMIZATION_FILES
        .iter()
        .find_map(|name| std::fs::read_to_string(dir.join(name)).ok())
    else {
        return Vec::new();
    };
    let Ok(documents) = crate::yaml::parse_documents(&text) else {
        return Vec::new();
    };
    let mut named = Vec::new();
    for doc in &documents {
        let value = &doc.value;
        for key in ["patches", "patchesJson6902"] {
            for entry in value[key].as_array().into_iter().flatten() {
                named.extend(entry["path"].as_str());
            }
        }
        for entry in value["patchesStrategicMerge"]
            .as_array()
            .into_iter()
            .flatten()
        {
            // An entry is a file name, or an inline patch (YAML text, so it has a newline).
            named.extend(entry.as_str().filter(|s| !s.contains('\n')));
        }
    }
    named.into_iter().map(|p| normalise(&dir.join(p))).collect()
}

/// `path` with `.` dropped and `..` applied, without touching the file system.
pub(crate) fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_files_of_every_form_and_inline_patches_left_out() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let base = dir.path().join("overlay");
        std::fs::create_dir_all(&base).unwrap_or_else(|e| panic!("{e}"));
        let text = "resources: [../base]\npatches:\n  - path: deploy-patch.yaml\n  - patch: |-\n      kind: Deployment\n      metadata: {name: x}\npatchesStrategicMerge:\n  - ./sm.yaml\n  - |-\n    kind: Service\n    metadata: {name: y}\npatchesJson6902:\n  - target: {kind: Deployment, name: x}\n    path: ../shared/json.yaml\n";
        std::fs::write(base.join("kustomization.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
        let found = patch_files(&base);
        assert_eq!(
            found,
            [
                base.join("deploy-patch.yaml"),
                dir.path().join("shared/json.yaml"),
                base.join("sm.yaml"),
            ]
        );
        assert!(patch_files(dir.path()).is_empty());
    }

    #[test]
    fn normalise_is_lexical() {
        assert_eq!(
            normalise(Path::new("a/./b/../c.yaml")),
            PathBuf::from("a/c.yaml")
        );
        assert_eq!(
            normalise(Path::new("../x.yaml")),
            PathBuf::from("../x.yaml")
        );
    }
}
