//! The file-access rule: which files a scenario may read.
//!
//! Scenario files come from strangers (shared by mail, checked out of a
//! repository, run on a cluster), so a scenario is untrusted input. A
//! scenario, and every file it extends or reads, may read only
//!
//! - **regular files** (not folders, FIFOs, sockets or devices such as
//!   `/dev/zero` or `/dev/stdin`, which would hang or never end),
//! - **inside the folder tree of the scenario named on the command line**
//!   (or of `--root DIR`, which widens it), checked **after** every symlink
//!   is resolved, so `extends = "../../etc/passwd"` or a link pointing out of
//!   the folder is refused before anything is read,
//! - **of at most [`MAX_FILE_BYTES`]** (16 MiB), checked on the open file.
//!
//! The rule lives here, in one place: the disk [`Store`](super::Store) calls
//! [`Access::read`] for every file, so files a scenario reads later (data
//! tables) obey it by going through the same store. Errors name the file and
//! the rule, never the refused file's content: only files that were read as
//! scenarios are ever quoted.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The largest file a scenario may read: 16 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The longest chain of `extends` (a variant of a variant of ...).
pub const MAX_EXTENDS_DEPTH: usize = 64;

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// The file lies outside the allowed folders once symlinks are resolved:
    /// `extends = "../../etc/passwd"`, `extends = "/proc/self/environ"`.
    Outside {
        /// The folders a scenario may read from, as named on the command
        /// line (the scenario's folder, `--root`).
        roots: Vec<PathBuf>,
    },
    /// Not a regular file: `extends = "/dev/zero"`, a FIFO, a folder.
    NotAFile { what: &'static str },
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge { bytes: u64 },
    /// Not UTF-8 text.
    NotText,
    /// The file could not be opened or read (missing, no permission).
    Io(io::Error),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Outside { roots } => {
                let roots: Vec<String> =
                    roots.iter().map(|r| format!("`{}`", r.display())).collect();
                write!(
                    f,
                    "it is outside the folder tree {} (symlinks resolved)",
                    roots.join(" or ")
                )
            }
            Refusal::NotAFile { what } => write!(f, "it is {what}, not a regular file"),
            Refusal::TooLarge { bytes } => write!(
                f,
                "it is {bytes} bytes, larger than the limit of {MAX_FILE_BYTES} bytes (16 MiB)"
            ),
            Refusal::NotText => f.write_str("it is not UTF-8 text"),
            Refusal::Io(e) => write!(f, "{e}"),
        }
    }
}

impl Refusal {
    /// How to fix it, in one sentence.
    pub fn help(&self) -> &'static str {
        match self {
            Refusal::Outside { .. } => {
                "a scenario may read only files inside the folder of the scenario named on the command line; move the file there, or widen the folder with --root DIR"
            }
            Refusal::NotAFile { .. } => "name a scenario file (.toml) saved on disk",
            Refusal::TooLarge { .. } => {
                "a scenario file this large is not a scenario; check the path"
            }
            Refusal::NotText => {
                "save it as UTF-8 (most editors offer this under \"Save with encoding\")"
            }
            Refusal::Io(_) => "check the path",
        }
    }
}

/// The folders a scenario may read from, symlinks resolved.
#[derive(Clone, Debug)]
pub struct Access {
    /// Canonical: symlinks resolved.
    roots: Vec<PathBuf>,
    /// As named on the command line, for messages.
    shown: Vec<PathBuf>,
}

impl Access {
    /// The rule for the scenario `top` (as named on the command line): its
    /// folder tree, and `extra` (`--root DIR`) when given.
    pub fn for_scenario(top: &Path, extra: Option<&Path>) -> Access {
        let folder = match top.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // The top file's own folder, after its symlinks: a link to a
        // scenario elsewhere reads beside its target.
        let own = std::fs::canonicalize(top)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .or_else(|| std::fs::canonicalize(&folder).ok())
            .unwrap_or_else(|| folder.clone());
        let mut roots = vec![own];
        let mut shown = vec![folder];
        if let Some(extra) = extra {
            roots.push(std::fs::canonicalize(extra).unwrap_or_else(|_| extra.to_path_buf()));
            shown.push(extra.to_path_buf());
        }
        Access { roots, shown }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Read `path` as text if the rule allows it.
    pub fn read(&self, path: &Path) -> Result<String, Refusal> {
        let resolved = std::fs::canonicalize(path).map_err(Refusal::Io)?;
        if !self.roots.iter().any(|root| resolved.starts_with(root)) {
            return Err(Refusal::Outside {
                roots: self.shown.clone(),
            });
        }
        let file = open_nonblocking(&resolved).map_err(Refusal::Io)?;
        let meta = file.metadata().map_err(Refusal::Io)?;
        if !meta.is_file() {
            return Err(Refusal::NotAFile {
                what: kind_of(&meta),
            });
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Refusal::TooLarge { bytes: meta.len() });
        }
        // The file may grow after the check: read one byte past the limit
        // to notice, never more.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(Refusal::Io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Refusal::TooLarge {
                bytes: bytes.len() as u64,
            });
        }
        String::from_utf8(bytes).map_err(|_| Refusal::NotText)
    }
}

/// Open without blocking: opening a FIFO with no writer would wait forever.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_and_refuses_outside_devices_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("models");
        std::fs::create_dir(&inner).unwrap();
        let top = inner.join("a.toml");
        std::fs::write(&top, "x = 1").unwrap();
        std::fs::write(dir.path().join("outside.toml"), "secret").unwrap();
        let access = Access::for_scenario(&top, None);
        assert_eq!(access.read(&top).unwrap(), "x = 1");
        assert!(matches!(
            access.read(&inner.join("../outside.toml")),
            Err(Refusal::Outside { .. })
        ));
        // --root widens the rule.
        let wide = Access::for_scenario(&top, Some(dir.path()));
        assert_eq!(wide.read(&inner.join("../outside.toml")).unwrap(), "secret");
        assert!(matches!(
            wide.read(Path::new("/dev/zero")),
            Err(Refusal::Outside { .. })
        ));
        let big = inner.join("big.toml");
        let f = File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(matches!(access.read(&big), Err(Refusal::TooLarge { .. })));
        assert!(matches!(access.read(&inner), Err(Refusal::NotAFile { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_resolved_before_the_check_and_fifos_do_not_hang() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("models");
        std::fs::create_dir(&inner).unwrap();
        let top = inner.join("a.toml");
        std::fs::write(&top, "x = 1").unwrap();
        std::fs::write(dir.path().join("outside.toml"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.toml"), inner.join("link.toml"))
            .unwrap();
        let access = Access::for_scenario(&top, None);
        assert!(matches!(
            access.read(&inner.join("link.toml")),
            Err(Refusal::Outside { .. })
        ));
        let fifo = inner.join("pipe.toml");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path and a mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(access.read(&fifo), Err(Refusal::NotAFile { .. })));
    }
}
