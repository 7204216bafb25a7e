//! What the linter keeps between its passes over a file set — objects evaluated and waiting
//! for their verdict, objects waiting for the inventory or for derived facts — and the metadata
//! of its own rule for suppression annotations it cannot honour.

use crate::InputError;
use crate::LintedObject;
use crate::objects::{ParsedFile, parse_file};
use crate::source::SourceFile;
use crate::yaml::Position;
use palisade_policies::{Finding, RuleMeta, SUPPRESSION_RULE, Severity, Suppression};
use serde_json::Value;

pub(super) fn suppression_rule() -> RuleMeta {
    RuleMeta {
        id: SUPPRESSION_RULE.into(),
        title: "Suppression annotation not honoured".into(),
        severity: Severity::Low,
        kinds: Vec::new(),
        subresources: Vec::new(),
        remediation: "Write the annotation as `palisade.dev/ignore: \"RULE-ID[,RULE-ID]: reason\"`; a reason is required.".into(),
        pss_level: None,
        since: None,
        package: "palisade.linter".into(),
        file: "builtin:linter".into(),
        builtin: true,
    }
}

/// An evaluated object waiting for its verdict, which needs every namespace's labels.
pub(super) struct Pending {
    pub(super) file: String,
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) namespace: String,
    pub(super) suppression: Option<Suppression>,
    pub(super) findings: Vec<Finding>,
    /// Where each finding's field is.
    pub(super) positions: Vec<Position>,
    /// Where the ignore annotation is (for a note that it is not honoured).
    pub(super) ignore_position: Position,
}

/// What the first pass keeps of a file.
pub(super) struct FirstPass {
    /// Every object of the file, as the report lists it.
    pub(super) linted: Vec<LintedObject>,
    pub(super) inventory: Vec<Value>,
    pub(super) skipped: Vec<usize>,
    /// The objects evaluated already.
    pub(super) pending: Vec<Pending>,
    /// The objects whose rules read the inventory.
    pub(super) deferred: Deferred,
    /// The objects the deriver wants, in order (until facts are derived).
    pub(super) world: Vec<Value>,
    /// Their derived facts, in order.
    pub(super) facts: Vec<Value>,
}

/// The objects of a file whose rules read the inventory, kept as the file's text and parsed again
/// for the second pass: a parsed document (values and positions) takes some twenty times the
/// memory of its text, and nearly every object waits for the inventory.
pub(super) struct Deferred {
    pub(super) name: String,
    /// The file, when some of its objects wait; which ones, one flag per object.
    waiting: Option<(SourceFile, Vec<bool>)>,
}

impl Deferred {
    pub(super) fn new(source: SourceFile, keep: Vec<bool>) -> Deferred {
        let waiting = keep.iter().any(|k| *k).then_some(keep);
        Deferred {
            name: source.name.clone(),
            waiting: waiting.map(|keep| (source, keep)),
        }
    }

    /// The file, parsed again, holding only the waiting objects.
    pub(super) fn parse(self) -> Result<ParsedFile, InputError> {
        match self.waiting {
            Some((source, keep)) => Ok(parse_file(&source)?.retain(&keep)),
            None => Ok(ParsedFile {
                name: self.name,
                docs: Vec::new(),
                objects: Vec::new(),
                skipped: Vec::new(),
            }),
        }
    }
}
