//! From a file's text to the Kubernetes objects in it: YAML documents with positions, `List`
//! expansion, and the checks that turn unlintable input (templates, non-object documents) into
//! errors naming the line.

use crate::yaml::{Document, Position, parse_documents};
use crate::{InputError, SourceFile};
use serde_json::Value;

/// One Kubernetes object: document `doc` of its file, at JSON pointer `prefix` inside it
/// (`""`, or `/items/3` for an item of a `List`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub doc: usize,
    pub prefix: String,
}

/// A parsed file and the objects found in it.
#[derive(Debug)]
pub struct ParsedFile {
    pub name: String,
    pub docs: Vec<Document>,
    pub objects: Vec<ObjectRef>,
    /// Documents that are mappings but not Kubernetes objects (no `apiVersion`/`kind`), by line.
    pub skipped: Vec<usize>,
}

impl ParsedFile {
    /// The object's JSON value.
    pub fn value(&self, obj: &ObjectRef) -> Option<&Value> {
        let doc = self.docs.get(obj.doc)?;
        if obj.prefix.is_empty() {
            Some(&doc.value)
        } else {
            doc.value.pointer(&obj.prefix)
        }
    }

    /// The same file keeping only the objects whose flag in `keep` (one per object) is set, and
    /// the documents they are in.
    pub fn retain(self, keep: &[bool]) -> ParsedFile {
        let mut docs = Vec::new();
        let mut objects = Vec::new();
        let mut moved: Vec<Option<usize>> = vec![None; self.docs.len()];
        let mut old_docs: Vec<Option<Document>> = self.docs.into_iter().map(Some).collect();
        let kept = self.objects.into_iter().zip(keep).filter(|(_, k)| **k);
        for (obj, _) in kept {
            let Some(slot) = moved.get_mut(obj.doc) else {
                continue;
            };
            let doc = match *slot {
                Some(i) => i,
                None => {
                    let Some(d) = old_docs.get_mut(obj.doc).and_then(Option::take) else {
                        continue;
                    };
                    docs.push(d);
                    *slot = Some(docs.len() - 1);
                    docs.len() - 1
                }
            };
            objects.push(ObjectRef {
                doc,
                prefix: obj.prefix,
            });
        }
        ParsedFile {
            name: self.name,
            docs,
            objects,
            skipped: Vec::new(),
        }
    }

    /// File position of `pointer` inside the object (nearest existing ancestor if absent).
    pub fn locate(&self, obj: &ObjectRef, pointer: &str) -> Position {
        match self.docs.get(obj.doc) {
            Some(doc) => doc.locate(&format!("{}{}", obj.prefix, pointer)),
            None => Position { line: 1, column: 1 },
        }
    }
}

/// Parses a file and finds its objects.
pub fn parse_file(source: &SourceFile) -> Result<ParsedFile, InputError> {
    let docs = parse_documents(&source.text).map_err(|e| match template_line(&source.text) {
        Some(line) => InputError::at(
            &source.name,
            line,
            1,
            "unrendered template (`{{ … }}`); render it first, e.g. `helm template … | palisade lint -` or `kustomize build … | palisade lint -`",
        ),
        None => InputError::at(&source.name, e.line, e.column, format!("YAML syntax error: {}", e.message)),
    })?;
    let mut objects = Vec::new();
    let mut skipped = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        collect(
            &source.name,
            doc,
            i,
            "",
            &doc.value,
            &mut objects,
            &mut skipped,
        )?;
    }
    Ok(ParsedFile {
        name: source.name.clone(),
        docs,
        objects,
        skipped,
    })
}

fn collect(
    file: &str,
    doc: &Document,
    index: usize,
    prefix: &str,
    value: &Value,
    objects: &mut Vec<ObjectRef>,
    skipped: &mut Vec<usize>,
) -> Result<(), InputError> {
    let pos = doc.locate(prefix);
    let Value::Object(map) = value else {
        let what = match value {
            Value::Array(_) => "a list",
            Value::String(_) => "a string",
            Value::Null => "null",
            _ => "a scalar",
        };
        return Err(InputError::at(
            file,
            pos.line,
            pos.column,
            format!(
                "expected a Kubernetes object (a mapping with apiVersion and kind), found {what}"
            ),
        ));
    };
    let kind = map.get("kind").and_then(Value::as_str);
    let api_version = map.get("apiVersion").and_then(Value::as_str);
    let (Some(kind), Some(_)) = (kind, api_version) else {
        skipped.push(pos.line);
        return Ok(());
    };
    if kind.ends_with("List")
        && let Some(Value::Array(items)) = map.get("items")
    {
        for (i, item) in items.iter().enumerate() {
            let p = format!("{prefix}/items/{i}");
            collect(file, doc, index, &p, item, objects, skipped)?;
        }
        return Ok(());
    }
    objects.push(ObjectRef {
        doc: index,
        prefix: prefix.to_string(),
    });
    Ok(())
}

/// For a file that failed to parse: the first line with a template action (`{{`), if any.
/// Valid YAML may hold `{{` inside strings (alert templates), so this is asked only after an error.
fn template_line(text: &str) -> Option<usize> {
    text.lines().position(|l| l.contains("{{")).map(|i| i + 1)
}
