//! The one place that writes result files.
//!
//! A command's results appear **at once or not at all**. [`OutputDir`]
//! writes every file of a command into a new staging folder beside the
//! target (`output/.NAME.polsim-new-PID`), and [`OutputDir::commit`] swaps it
//! in by one rename (an atomic exchange on Linux), keeping the old folder
//! whole until that instant. A run that fails, is interrupted or is killed
//! leaves the previous results as they were, never a mix of old and new.
//!
//! - **Lock.** A folder has one writer at a time: `create` takes an
//!   exclusive `flock` on `.NAME.polsim-lock` beside it (released by the
//!   kernel if the process dies), and a second writer stops at once with a
//!   message naming the folder and the process holding it.
//! - **What a folder holds.** `.polsim-files` lists which command wrote
//!   which file. A new result set replaces the previous files of the same
//!   command (so a chart of a variable since removed disappears) and keeps
//!   everything else: another command's files (`graph` writes into a run's
//!   folder) and the folders of sweeps and sensitivity analyses nested in
//!   it, carried into the new folder as hard links. polsim never replaces a
//!   folder holding files it did not write (`--out ~/Documents`): it refuses.
//! - **Durable before visible.** Every file is flushed to the disk
//!   (`fsync`) before the swap, so a power loss after it cannot leave
//!   empty or cut files where the previous results were. The flushes run
//!   on a thread of their own ([`Syncer`]) while the command goes on
//!   computing and writing; `commit` waits for the last one.
//! - **Temporaries.** SIGINT, SIGTERM and SIGHUP remove the staging folders
//!   of the running process ([`clean_up_on_signals`]); the staging folders
//!   of a killed run (SIGKILL, power loss) are removed by the next command
//!   that writes the same folder, once it holds the lock.
//! - **The previous result set** is moved aside after the swap
//!   (`.NAME.polsim-old-PID`) and removed by the next command that writes
//!   the folder, on a thread of its own while that command computes,
//!   rather than before this one exits: deleting a run's charts and
//!   reports took 0.16 s on an ext4 file system mounted with `discard`
//!   (each freed block trimmed), most of a default run. A set larger than
//!   [`SET_ASIDE_BYTES`] is removed at once, so no folder holds two large
//!   result sets for long.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};
use std::thread::JoinHandle;

/// The file in a results folder that says which command wrote which file.
pub const MANIFEST: &str = ".polsim-files";

/// Files and folders polsim writes; a folder holding only these (and no
/// manifest) was written by a polsim from before the manifest existed.
const KNOWN_NAMES: [&str; 17] = [
    "summary.csv",
    "summary.json",
    "timeseries.csv",
    "runs.csv",
    "report.html",
    "report.md",
    "compare.csv",
    "compare.json",
    "compare.html",
    "compare.md",
    "sweep.csv",
    "sweep.json",
    "sensitivity.csv",
    "sensitivity.json",
    "graph.dot",
    "graph.svg",
    "charts",
];

/// Write `bytes` to `path` atomically (temporary file + rename); for single
/// files outside a results folder (`polsim init`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
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

// ------------------------------------------------------------ signals

/// Staging and old folders and lock files of this process, removed on
/// SIGINT/SIGTERM.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(path: &Path) {
    if let Ok(mut list) = TEMPORARIES.lock() {
        list.push(path.to_path_buf());
    }
}

fn unregister(path: &Path) {
    if let Ok(mut list) = TEMPORARIES.lock() {
        list.retain(|p| p != path);
    }
}

/// On SIGINT, SIGTERM or SIGHUP, remove this process's temporary folders,
/// then die of the signal as if it had not been caught (exit status 130 for
/// Ctrl-C in a shell). Call once, from `main`; the handler runs on its own
/// thread, so it may take locks and touch files.
pub fn clean_up_on_signals() -> io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held to the end: a commit in progress finishes its
                    // swap first, and none starts after this.
                    let list = TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner());
                    for path in list.iter() {
                        if fs::remove_dir_all(path).is_err() {
                            let _ = fs::remove_file(path);
                        }
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            })?;
    }
    Ok(())
}

// ------------------------------------------------------------ the lock

/// An exclusive lock on a results folder, held while the command runs.
#[derive(Debug)]
struct FolderLock {
    path: PathBuf,
    #[allow(dead_code)] // held for its lock; closing it releases the lock
    file: File,
}

impl FolderLock {
    fn acquire(path: PathBuf, folder: &Path) -> io::Result<FolderLock> {
        loop {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot lock {}: {e}", folder.display()))
                })?;
            if !try_lock(&file)? {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "another polsim process".to_string()
                } else {
                    format!("another polsim process (process id {holder})")
                };
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "{} is being written by {who}; wait for it to finish, or write elsewhere with --out DIR",
                        folder.display()
                    ),
                ));
            }
            // The previous holder may have removed the lock file between our
            // open and our lock: then we hold a lock on a deleted file.
            if same_file(&file, &path) {
                file.set_len(0)?;
                writeln!(file, "{}", std::process::id())?;
                register(&path);
                return Ok(FolderLock { path, file });
            }
        }
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
        unregister(&self.path);
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a file descriptor we own.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    if err.kind() == io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(err)
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

// ------------------------------------------------------------ the folder

/// A results folder being written: files go to a staging folder, and
/// [`OutputDir::commit`] swaps them in; dropped without `commit`, nothing
/// changes on disk.
#[derive(Debug)]
pub struct OutputDir {
    /// The folder as named (for messages and the paths reported).
    pub path: PathBuf,
    /// The folder, a symlink to it followed.
    target: PathBuf,
    staging: PathBuf,
    /// The command, as recorded in the manifest: `run`, `graph`, ...
    command: &'static str,
    /// Relative paths written so far.
    written: Mutex<BTreeSet<String>>,
    syncer: Syncer,
    lock: Option<FolderLock>,
    /// Removes what earlier commands left beside the folder (see
    /// [`remove_stale`]) while this one computes; joined before the swap.
    sweeper: Option<JoinHandle<()>>,
}

/// The largest previous result set moved aside for the next command to
/// remove rather than removed at once.
const SET_ASIDE_BYTES: u64 = 256 << 20;

/// Flushes written files to the disk on a thread of its own, one after
/// another, so that no thread computing results waits for the disk: on a
/// virtual machine a flush can take milliseconds, and a run writes dozens
/// of charts. The first failure is kept for [`Syncer::finish`].
#[derive(Debug)]
struct Syncer {
    files: Option<mpsc::Sender<(File, PathBuf)>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Syncer {
    fn start() -> Syncer {
        let (tx, rx) = mpsc::channel::<(File, PathBuf)>();
        let thread = std::thread::Builder::new()
            .name("polsim-sync".into())
            .spawn(move || {
                let mut first = Ok(());
                for (file, shown) in rx {
                    if let Err(e) = file.sync_all()
                        && first.is_ok()
                    {
                        first = Err(io::Error::new(
                            e.kind(),
                            format!("cannot write {}: {e}", shown.display()),
                        ));
                    }
                }
                first
            });
        // No thread to spare: every file is flushed as it is written.
        match thread {
            Ok(thread) => Syncer {
                files: Some(tx),
                thread: Some(thread),
            },
            Err(_) => Syncer {
                files: None,
                thread: None,
            },
        }
    }

    /// Flushes `file` (written as `shown`): later, or now without a thread.
    fn sync(&self, file: File, shown: &Path) -> io::Result<()> {
        let file = match &self.files {
            Some(tx) => match tx.send((file, shown.to_path_buf())) {
                Ok(()) => return Ok(()),
                Err(mpsc::SendError((file, _))) => file,
            },
            None => file,
        };
        file.sync_all()
    }

    /// Waits for every flush; the first that failed, if one did.
    fn finish(&mut self) -> io::Result<()> {
        self.files = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the thread flushing files to disk failed")),
            None => Ok(()),
        }
    }
}

impl OutputDir {
    /// Lock `path` for `command`, remove temporaries of killed runs, and
    /// start a staging folder. Fails at once if another process writes the
    /// folder, or if it holds files polsim did not write.
    pub fn create(path: PathBuf, command: &'static str) -> io::Result<OutputDir> {
        let cannot = |e: io::Error| {
            io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display()))
        };
        let target = match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => fs::canonicalize(&path).map_err(cannot)?,
            _ => path.clone(),
        };
        let name = match target.file_name() {
            Some(n) => n.to_string_lossy().into_owned(),
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "cannot write results into {}: name a folder of its own, such as output/NAME",
                        path.display()
                    ),
                ));
            }
        };
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(cannot)?;
        check_owned(&target, &path)?;
        let lock = FolderLock::acquire(parent.join(format!(".{name}.polsim-lock")), &path)?;
        let staging = parent.join(format!(".{name}.polsim-new-{}", std::process::id()));
        let sweeper = {
            let (parent, name, staging) = (parent.clone(), name.clone(), staging.clone());
            std::thread::Builder::new()
                .name("polsim-sweep".into())
                .spawn(move || remove_stale(&parent, &name, &staging))
                .ok()
        };
        if sweeper.is_none() {
            // No thread to spare: sweep now, as the command starts.
            remove_stale(&parent, &name, &staging);
        }
        register(&staging);
        fs::create_dir(&staging).map_err(cannot)?;
        Ok(OutputDir {
            path,
            target,
            staging,
            command,
            written: Mutex::new(BTreeSet::new()),
            syncer: Syncer::start(),
            lock: Some(lock),
            sweeper,
        })
    }

    /// Waits until what earlier commands left beside the folder is gone.
    fn swept(&mut self) {
        if let Some(sweeper) = self.sweeper.take() {
            let _ = sweeper.join();
        }
    }

    /// Where a file of this result set is written until the commit.
    fn staged(&self, name: &str) -> io::Result<PathBuf> {
        let path = self.staging.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        if let Ok(mut w) = self.written.lock() {
            w.insert(name.to_string());
        }
        Ok(path)
    }

    /// Write one file of the result set; returns the path it will have.
    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let shown = self.path.join(name);
        let result = (|| {
            let mut f = File::create(self.staged(name)?)?;
            f.write_all(bytes)?;
            self.syncer.sync(f, &shown)
        })();
        result.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write {}: {e}", shown.display()))
        })?;
        Ok(shown)
    }

    /// Read back a file of this result set written earlier, to amend it
    /// before the commit (`--watch` adds its reload script to a report).
    pub fn read_back(&self, name: &str) -> io::Result<Vec<u8>> {
        fs::read(self.staging.join(name))
    }

    /// Stream a file of the result set row by row (`runs.csv`).
    pub fn runs_writer(&self, name: &str, header: &[String]) -> io::Result<RunsWriter> {
        let shown = self.path.join(name);
        let file = File::create(self.staged(name)?).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write {}: {e}", shown.display()))
        })?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        let header: Vec<_> = header.iter().map(|c| super::csv_cell(c)).collect();
        writer
            .write_record(header.iter().map(|c| c.as_bytes()))
            .map_err(io::Error::other)?;
        Ok(RunsWriter { shown, writer })
    }

    /// Free space, in bytes, where the results are being written.
    pub fn free_bytes(&self) -> Option<u64> {
        free_bytes(&self.staging)
    }

    /// Swap the new result set in: one rename, after which readers see the
    /// new files and only them (with what else the folder held).
    pub fn commit(mut self) -> io::Result<()> {
        self.swept();
        let fail = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!("cannot write {}: {e}", self.path.display()),
            )
        };
        self.syncer.finish()?;
        let written = self.written.lock().map(|w| w.clone()).unwrap_or_default();
        let old = read_manifest(&self.target);
        let mine: BTreeSet<&str> = old
            .iter()
            .filter(|(c, _)| *c == self.command)
            .map(|(_, p)| p.as_str())
            .collect();
        // A folder from before the manifest: every file under a name polsim
        // writes counts as the previous result set, so none is mixed in.
        let legacy = !self.target.join(MANIFEST).exists();
        let previous = |rel: &str| {
            mine.contains(rel)
                || (legacy && KNOWN_NAMES.contains(&rel.split('/').next().unwrap_or(rel)))
        };
        let mut carried = Vec::new();
        if self.target.is_dir() {
            carry_over(
                &self.target,
                &self.staging,
                Path::new(""),
                &|rel| !written.contains(rel) && !previous(rel) && rel != MANIFEST,
                &mut carried,
            )
            .map_err(fail)?;
        }
        let mut manifest = String::new();
        for (command, rel) in &old {
            if *command != self.command && carried.contains(rel) {
                manifest.push_str(&format!("{command}\t{rel}\n"));
            }
        }
        for rel in &written {
            manifest.push_str(&format!("{}\t{rel}\n", self.command));
        }
        let mut f = File::create(self.staging.join(MANIFEST)).map_err(fail)?;
        f.write_all(manifest.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        drop(f);
        self.swap().map_err(fail)?;
        self.lock.take();
        Ok(())
    }

    fn swap(&self) -> io::Result<()> {
        // Held across the swap, so a signal's cleanup sees a consistent list.
        let mut list = TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner());
        let old = if self.target.exists() {
            if exchange(&self.staging, &self.target).is_ok() {
                // The staging name now holds the old folder.
                Some(self.staging.clone())
            } else {
                let old = self.staging.with_file_name(
                    self.staging
                        .file_name()
                        .map(|n| n.to_string_lossy().replace("polsim-new", "polsim-old"))
                        .unwrap_or_default(),
                );
                list.push(old.clone());
                fs::rename(&self.target, &old)?;
                if let Err(e) = fs::rename(&self.staging, &self.target) {
                    let _ = fs::rename(&old, &self.target);
                    return Err(e);
                }
                list.retain(|p| *p != self.staging);
                Some(old)
            }
        } else {
            fs::rename(&self.staging, &self.target)?;
            list.retain(|p| *p != self.staging);
            None
        };
        drop(list);
        if let Some(parent) = self.target.parent() {
            sync_dir(parent);
        }
        if let Some(old) = old {
            let aside = self.set_aside(&old);
            if !aside {
                let _ = fs::remove_dir_all(&old);
            }
            unregister(&old);
        }
        Ok(())
    }

    /// Moves the previous result set, at `old` after the swap, to the name
    /// the next writer removes (`.NAME.polsim-old-PID`), unless it is
    /// larger than [`SET_ASIDE_BYTES`]; whether it did.
    fn set_aside(&self, old: &Path) -> bool {
        if !size_at_most(old, SET_ASIDE_BYTES) {
            return false;
        }
        let Some(name) = old.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return false;
        };
        if name.contains(".polsim-old-") {
            return true;
        }
        let aside = old.with_file_name(name.replace(".polsim-new-", ".polsim-old-"));
        fs::rename(old, &aside).is_ok()
    }
}

/// Whether the files under `dir` hold at most `limit` bytes (counted
/// until the limit is passed).
fn size_at_most(dir: &Path, limit: u64) -> bool {
    let mut total = 0u64;
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            return false;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else {
                return false;
            };
            if meta.is_dir() {
                folders.push(entry.path());
            } else {
                total = total.saturating_add(meta.len());
                if total > limit {
                    return false;
                }
            }
        }
    }
    true
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // Not committed (an error, a failed run): the staging folder goes,
        // the previous results stay.
        if self.lock.is_some() {
            let _ = fs::remove_dir_all(&self.staging);
            unregister(&self.staging);
        }
        self.swept();
    }
}

/// Refuse to replace a folder that holds files polsim did not write.
fn check_owned(target: &Path, shown: &Path) -> io::Result<()> {
    match fs::symlink_metadata(target) {
        Err(_) => return Ok(()),
        Ok(m) if !m.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "cannot write results into {}: it is a file, not a folder; choose another --out",
                    shown.display()
                ),
            ));
        }
        Ok(_) => {}
    }
    if let Some(stranger) = first_stranger(target) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "cannot write results into {}: it holds `{stranger}`, which polsim did not write, and polsim replaces its results folder as a whole; choose a new or empty folder with --out",
                shown.display()
            ),
        ));
    }
    Ok(())
}

/// The first entry of `dir` that shows it is not a polsim results folder.
fn first_stranger(dir: &Path) -> Option<String> {
    if dir.join(MANIFEST).is_file() {
        return None;
    }
    let entries = fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let ours = KNOWN_NAMES.contains(&name.as_str())
            || is_temporary(&name)
            || (is_dir && first_stranger(&entry.path()).is_none());
        if !ours {
            return Some(name);
        }
    }
    None
}

/// Remove the staging folders of killed runs that wrote `name` and the
/// result sets earlier commands set aside, all but `mine` (we hold the
/// lock, so no live process is using them).
fn remove_stale(parent: &Path, name: &str, mine: &Path) {
    let prefixes = [
        format!(".{name}.polsim-new-"),
        format!(".{name}.polsim-old-"),
    ];
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| entry_name.starts_with(p.as_str())) && entry.path() != mine {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A temporary of polsim's: a staging or old folder, a lock, or a
/// temporary file of an earlier version (`.summary.csv.1234.tmp`).
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        && (name.ends_with(".tmp")
            || name.ends_with(".polsim-lock")
            || name.contains(".polsim-new-")
            || name.contains(".polsim-old-"))
}

/// (command, relative path) lines of a folder's manifest.
fn read_manifest(dir: &Path) -> Vec<(String, String)> {
    fs::read_to_string(dir.join(MANIFEST))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(c, p)| (c.to_string(), p.to_string()))
        .collect()
}

/// Hard-link (or copy) every file of `from` that `keep` accepts into `to`,
/// recursively, recording the relative paths carried.
fn carry_over(
    from: &Path,
    to: &Path,
    rel: &Path,
    keep: &dyn Fn(&str) -> bool,
    carried: &mut Vec<String>,
) -> io::Result<()> {
    for entry in fs::read_dir(from.join(rel))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Temporaries of earlier versions and of killed runs stay behind.
        if is_temporary(&name) {
            continue;
        }
        let rel_path = rel.join(&name);
        let rel_text = rel_path.to_string_lossy().replace('\\', "/");
        let kind = entry.file_type()?;
        if kind.is_dir() {
            carry_over(from, to, &rel_path, keep, carried)?;
            continue;
        }
        if !keep(&rel_text) || to.join(&rel_path).exists() {
            continue;
        }
        if let Some(parent) = to.join(&rel_path).parent() {
            fs::create_dir_all(parent)?;
        }
        let source = from.join(&rel_path);
        let dest = to.join(&rel_path);
        if kind.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(&source)?, &dest)?;
        } else if kind.is_file() && fs::hard_link(&source, &dest).is_err() {
            fs::copy(&source, &dest)?;
        }
        carried.push(rel_text);
    }
    Ok(())
}

/// Exchange two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: two valid NUL-terminated paths, relative to the working directory.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange here"))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Free bytes for an unprivileged user on the file system holding `path`.
#[cfg(unix)]
pub fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the zeroed struct we pass; the path is valid.
    unsafe {
        let mut stat: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut stat) == 0 {
            Some((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
        } else {
            None
        }
    }
}

#[cfg(not(unix))]
pub fn free_bytes(_path: &Path) -> Option<u64> {
    None
}

/// Streams per-run rows into the staging folder; `commit` flushes them,
/// dropping it without `commit` leaves them to the staging folder's fate.
pub struct RunsWriter {
    shown: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl RunsWriter {
    pub fn row(&mut self, cells: &[String]) -> io::Result<()> {
        let cells: Vec<_> = cells.iter().map(|c| super::csv_cell(c)).collect();
        self.writer
            .write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(io::Error::other)
    }

    pub fn commit(self) -> io::Result<PathBuf> {
        let inner = self
            .writer
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        let file = inner
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        file.sync_all()?;
        Ok(self.shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_result_set_replaces_its_own_files_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let out = OutputDir::create(target.clone(), "run").unwrap();
        out.write("summary.csv", b"1").unwrap();
        out.write("charts/a.png", b"a").unwrap();
        // Nothing appears before the commit.
        assert!(!target.exists());
        out.commit().unwrap();
        let graph = OutputDir::create(target.clone(), "graph").unwrap();
        graph.write("graph.dot", b"g").unwrap();
        graph.commit().unwrap();
        let run = OutputDir::create(target.clone(), "run").unwrap();
        run.write("summary.csv", b"2").unwrap();
        run.write("charts/b.png", b"b").unwrap();
        run.commit().unwrap();
        // charts/a.png was the previous run's: gone; graph.dot stays.
        assert_eq!(fs::read(target.join("summary.csv")).unwrap(), b"2");
        assert!(!target.join("charts/a.png").exists());
        assert!(target.join("charts/b.png").exists());
        assert_eq!(fs::read(target.join("graph.dot")).unwrap(), b"g");
        // No temporaries or locks beside it, only the previous result set
        // set aside, which the next writer removes.
        let aside = format!(".out.polsim-old-{}", std::process::id());
        assert_eq!(names(dir.path()), [aside.as_str(), "out"]);
        assert_eq!(
            names(&dir.path().join(&aside)),
            [".polsim-files", "charts", "graph.dot", "summary.csv"]
        );
        assert_eq!(
            fs::read(dir.path().join(&aside).join("summary.csv")).unwrap(),
            b"1"
        );
        let next = OutputDir::create(target.clone(), "run").unwrap();
        next.write("summary.csv", b"3").unwrap();
        drop(next);
        // A writer that fails removes it too, and keeps the results.
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(fs::read(target.join("summary.csv")).unwrap(), b"2");
    }

    #[test]
    fn a_large_previous_result_set_is_removed_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let out = OutputDir::create(target.clone(), "run").unwrap();
        out.write("summary.csv", b"1").unwrap();
        out.commit().unwrap();
        // A sparse file: its length counts, no disk is used.
        File::create(target.join("runs.csv"))
            .unwrap()
            .set_len(SET_ASIDE_BYTES + 1)
            .unwrap();
        fs::write(target.join(MANIFEST), "run\tsummary.csv\nrun\truns.csv\n").unwrap();
        let out = OutputDir::create(target.clone(), "run").unwrap();
        out.write("summary.csv", b"2").unwrap();
        out.commit().unwrap();
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(names(&target), [".polsim-files", "summary.csv"]);
    }

    #[test]
    fn a_dropped_result_set_leaves_the_old_one_and_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let out = OutputDir::create(target.clone(), "run").unwrap();
        out.write("summary.csv", b"old").unwrap();
        out.commit().unwrap();
        {
            let out = OutputDir::create(target.clone(), "run").unwrap();
            out.write("summary.csv", b"new").unwrap();
            let mut runs = out.runs_writer("runs.csv", &["run".into()]).unwrap();
            runs.row(&["1".into()]).unwrap();
            // dropped: the run failed
        }
        assert_eq!(fs::read(target.join("summary.csv")).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(names(&target), [".polsim-files", "summary.csv"]);
    }

    #[test]
    fn a_second_writer_is_refused_and_stale_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        // A killed run's staging folder.
        fs::create_dir(dir.path().join(".out.polsim-new-999999")).unwrap();
        let first = OutputDir::create(target.clone(), "run").unwrap();
        let second = OutputDir::create(target.clone(), "run").unwrap_err();
        let message = second.to_string();
        assert!(message.contains("is being written by another polsim process"));
        assert!(
            message.contains(&std::process::id().to_string()),
            "{message}"
        );
        first.commit().unwrap();
        // Removed while the first writer worked, before its commit.
        assert!(!dir.path().join(".out.polsim-new-999999").exists());
        OutputDir::create(target, "run").unwrap().commit().unwrap();
    }

    #[test]
    fn a_folder_with_strangers_files_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = OutputDir::create(dir.path().to_path_buf(), "run").unwrap_err();
        assert!(err.to_string().contains("`notes.txt`"), "{err}");
        // A folder from an older polsim (no manifest, known names) is ours,
        // and its old results are replaced, not mixed in.
        let old = dir.path().join("old");
        fs::create_dir_all(old.join("charts")).unwrap();
        fs::write(old.join("charts/gone.png"), "x").unwrap();
        fs::write(old.join("summary.csv"), "x").unwrap();
        let out = OutputDir::create(old.clone(), "run").unwrap();
        out.write("summary.csv", b"new").unwrap();
        out.commit().unwrap();
        assert_eq!(names(&old), [".polsim-files", "summary.csv"]);
    }
}
