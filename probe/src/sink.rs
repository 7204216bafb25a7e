//! Flow records as JSON lines, to stdout or to a file rotated by size: when the file would
//! pass `max_bytes` it is renamed `FILE.1` (older ones shift to `FILE.2`… up to `keep`) and a
//! new `FILE` is started.

use crate::error::SinkError;
use crate::record::FlowRecord;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Default size at which `--output` files rotate.
pub const DEFAULT_ROTATE_BYTES: u64 = 64 * 1024 * 1024;
/// Default number of rotated files kept.
pub const DEFAULT_ROTATE_KEEP: usize = 3;

/// Where flow records go.
#[derive(Debug)]
pub enum JsonLinesSink {
    Stdout,
    File(RotatingFile),
}

impl JsonLinesSink {
    /// A sink for `--output FILE`, or stdout when `None`.
    pub fn open(path: Option<&Path>, max_bytes: u64, keep: usize) -> Result<Self, SinkError> {
        match path {
            None => Ok(Self::Stdout),
            Some(path) => Ok(Self::File(RotatingFile::open(path, max_bytes, keep)?)),
        }
    }

    /// Writes records, one JSON object per line, and flushes.
    pub fn write(&mut self, records: &[FlowRecord]) -> Result<(), SinkError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut text = Vec::with_capacity(records.len() * 256);
        for record in records {
            serde_json::to_writer(&mut text, record)?;
            text.push(b'\n');
        }
        match self {
            Self::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(&text)
                    .and_then(|()| out.flush())
                    .map_err(SinkError::Stdout)
            }
            Self::File(file) => file.write(&text),
        }
    }
}

/// A size-rotated output file.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    writer: BufWriter<File>,
    written: u64,
    max_bytes: u64,
    keep: usize,
}

impl RotatingFile {
    /// Opens (appending to) `path`.
    pub fn open(path: &Path, max_bytes: u64, keep: usize) -> Result<Self, SinkError> {
        let file = append(path)?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Self {
            path: path.to_owned(),
            writer: BufWriter::new(file),
            written,
            max_bytes,
            keep,
        })
    }

    fn write(&mut self, text: &[u8]) -> Result<(), SinkError> {
        if self.written > 0 && self.written + text.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.writer
            .write_all(text)
            .and_then(|()| self.writer.flush())
            .map_err(|source| SinkError::File {
                path: self.path.clone(),
                source,
            })?;
        self.written += text.len() as u64;
        Ok(())
    }

    fn rotate(&mut self) -> Result<(), SinkError> {
        let error = |source| SinkError::File {
            path: self.path.clone(),
            source,
        };
        self.writer.flush().map_err(error)?;
        if self.keep == 0 {
            std::fs::remove_file(&self.path).map_err(error)?;
        } else {
            for n in (1..self.keep).rev() {
                let from = numbered(&self.path, n);
                if from.exists() {
                    std::fs::rename(&from, numbered(&self.path, n + 1)).map_err(error)?;
                }
            }
            std::fs::rename(&self.path, numbered(&self.path, 1)).map_err(error)?;
        }
        self.writer = BufWriter::new(append(&self.path)?);
        self.written = 0;
        Ok(())
    }
}

fn numbered(path: &Path, n: usize) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

fn append(path: &Path) -> Result<File, SinkError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|source| SinkError::File {
            path: path.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Endpoint, Proto};

    fn record(n: u64) -> FlowRecord {
        FlowRecord {
            ts: "t".into(),
            node: "n".into(),
            proto: Proto::Udp,
            src: Endpoint::default(),
            dst: Endpoint::default(),
            count: n,
            first_seen: "f".into(),
            last_seen: "l".into(),
        }
    }

    #[test]
    fn files_rotate_by_size_and_keep_the_newest() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("flows.jsonl");
        let mut sink = JsonLinesSink::open(Some(&path), 200, 2).unwrap_or_else(|e| panic!("{e}"));
        for n in 0..10 {
            sink.write(&[record(n)]).unwrap_or_else(|e| panic!("{e}"));
        }
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        assert!(read(&path).contains("\"count\":9"));
        assert!(!read(&numbered(&path, 1)).is_empty());
        assert!(!read(&numbered(&path, 2)).is_empty());
        assert!(!numbered(&path, 3).exists());
        assert!(read(&path).len() <= 200);
    }
}
