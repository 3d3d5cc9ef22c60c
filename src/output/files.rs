//! The one place that writes result files.
//!
//! Every file is written to a temporary name in the same directory and then
//! renamed over the target, so a run that fails or is interrupted leaves the
//! previous results whole: a reader sees either the old file or the new one.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically (temporary file + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_name(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// A results directory; created on first use.
#[derive(Clone, Debug)]
pub struct OutputDir {
    pub path: PathBuf,
}

impl OutputDir {
    pub fn create(path: PathBuf) -> io::Result<OutputDir> {
        fs::create_dir_all(&path).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display()))
        })?;
        Ok(OutputDir { path })
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let path = self.path.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        write_atomic(&path, bytes)?;
        Ok(path)
    }
}

/// Streams per-run rows to a temporary file; `commit` renames it into place,
/// dropping it without `commit` removes it.
pub struct RunsWriter {
    target: PathBuf,
    tmp: PathBuf,
    writer: Option<csv::Writer<BufWriter<File>>>,
}

impl RunsWriter {
    pub fn create(target: PathBuf, header: &[String]) -> io::Result<RunsWriter> {
        let tmp = temp_name(&target);
        let file = File::create(&tmp).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write {}: {e}", target.display()))
        })?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer.write_record(header).map_err(io::Error::other)?;
        Ok(RunsWriter {
            target,
            tmp,
            writer: Some(writer),
        })
    }

    pub fn row(&mut self, cells: &[String]) -> io::Result<()> {
        match self.writer.as_mut() {
            Some(w) => w.write_record(cells).map_err(io::Error::other),
            None => Ok(()),
        }
    }

    pub fn commit(mut self) -> io::Result<PathBuf> {
        if let Some(w) = self.writer.take() {
            let inner = w
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            let file = inner
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            file.sync_all()?;
        }
        fs::rename(&self.tmp, &self.target)?;
        Ok(self.target.clone())
    }
}

impl Drop for RunsWriter {
    fn drop(&mut self) {
        if self.writer.is_some() {
            self.writer = None;
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        // no temporary files left behind
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn runs_writer_leaves_old_file_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.csv");
        fs::write(&path, "previous").unwrap();
        {
            let mut w = RunsWriter::create(path.clone(), &["run".into()]).unwrap();
            w.row(&["1".into()]).unwrap();
            // dropped: the run failed
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "previous");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut w = RunsWriter::create(path.clone(), &["run".into()]).unwrap();
        w.row(&["1".into()]).unwrap();
        w.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "run\n1\n");
    }
}
