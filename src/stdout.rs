//! Standard output for the commands that write to it (`lint`, `netpol`, `rules`, `test`,
//! `flows import`, `certs generate`). When the reader goes away (`palisade lint … | head -1`),
//! the rest of the output is dropped quietly and the command still ends with the exit code it
//! would have had — its verdict, as ripgrep does — rather than with an input error.

use std::io::{self, Write};

/// Stdout on which a closed reader (EPIPE, `BrokenPipe`) ends the output: that write and every
/// later one succeed without writing anything.
#[derive(Debug)]
pub struct Stdout {
    inner: io::StdoutLock<'static>,
    closed: bool,
}

impl Stdout {
    /// Locked standard output; wrap it in a `BufWriter` for many small writes.
    pub fn lock() -> Self {
        Stdout {
            inner: io::stdout().lock(),
            closed: false,
        }
    }

    fn ended<T>(&mut self, result: io::Result<T>, nothing: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(nothing)
            }
            other => other,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.ended(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.ended(result, ())
    }
}

/// Whether `err` is a write to a stdout whose reader went away (for output written by code
/// that does not use [`Stdout`]).
pub fn closed_reader(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_is_found_anywhere_in_the_chain() {
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::new(pipe).context("cannot write to stdout");
        assert!(closed_reader(&err));
        let other = anyhow::Error::new(io::Error::from(io::ErrorKind::NotFound));
        assert!(!closed_reader(&other.context("reading x.yaml")));
        assert!(!closed_reader(&anyhow::anyhow!("broken pipe")));
    }
}
