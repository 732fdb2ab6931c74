//! The files named on the command line and found in its folders, in the order they are read.
//!
//! Folders are followed all the way down in name order; hidden entries are skipped, and in
//! folders only document names (see [`is_document_name`]) are read. Each real folder is
//! entered once, whatever the paths that lead to it: it is known by its device and inode, so
//! a symbolic link to a folder above it, or a second link to a folder already read, gives a
//! warning naming the link instead of an endless walk or documents read twice.
//!
//! Only regular files are read from folders: a FIFO would wait for a writer (forever, if none
//! comes) and a device may never end, so either found in a folder gives a warning and is
//! passed over. Named on the command line, they are read as streams (see `input`).

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::fs::{self, Metadata};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::input::{describe_io, InputError};

/// How deep nested folders are followed (links back up are caught by the folders already
/// read; this bounds a real tree, or links that keep reaching new folders).
const MAX_DEPTH: usize = 32;

/// What the walk finds next.
#[derive(Debug)]
pub enum Found {
    /// A file to read: `path` is `-` for standard input.
    File { path: PathBuf, source: Source },
    /// A path that cannot be read, or a folder without documents.
    Problem(InputError),
    /// A path passed over: a folder already read, a FIFO or a device in a folder.
    Warning(InputError),
}

/// What kind of file a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A regular file of this many bytes.
    Regular(u64),
    /// Something that is read until it ends, with no size known beforehand: a FIFO, a
    /// device, standard input from a pipe or a terminal. Says which.
    Stream(&'static str),
}

/// A path still to look at.
#[derive(Debug)]
enum Pending {
    /// A path given on the command line.
    Argument(PathBuf),
    /// An entry of a folder at `depth` (0 for a folder given on the command line).
    Entry { path: PathBuf, depth: usize },
    /// The end of a folder given on the command line: a problem if no file was found in it.
    FolderEnd(PathBuf),
}

/// The files of the command line's paths, one at a time (see the module documentation).
pub struct Walk {
    /// Paths to look at, the next one last.
    pending: Vec<Pending>,
    /// Found but not yet given out (a folder's read errors come together).
    found: VecDeque<Found>,
    /// The path each real folder (device, inode) was first read as.
    folders: HashMap<(u64, u64), PathBuf>,
    /// Files found since the last folder given on the command line.
    files: usize,
}

impl Walk {
    pub fn new(paths: &[PathBuf]) -> Self {
        Walk {
            pending: paths.iter().rev().cloned().map(Pending::Argument).collect(),
            found: VecDeque::new(),
            folders: HashMap::new(),
            files: 0,
        }
    }

    fn problem(&mut self, path: &Path, message: impl Into<String>) {
        self.found.push_back(Found::Problem(error(path, message)));
    }

    fn warning(&mut self, path: &Path, message: impl Into<String>) {
        self.found.push_back(Found::Warning(error(path, message)));
    }

    fn file(&mut self, path: PathBuf, source: Source) {
        self.found.push_back(Found::File { path, source });
    }

    fn argument(&mut self, path: PathBuf) {
        if path.as_os_str() == "-" {
            return self.file(path, stdin_source());
        }
        match fs::metadata(&path) {
            Err(e) => self.problem(&path, describe_io(&e)),
            Ok(meta) if meta.is_dir() => {
                if self.first_visit(&path, &meta) {
                    self.files = 0;
                    self.pending.push(Pending::FolderEnd(path.clone()));
                    self.enter(&path, 0);
                }
            }
            Ok(meta) if meta.is_file() => self.file(path, Source::Regular(meta.len())),
            Ok(meta) => self.file(path, Source::Stream(not_regular(&meta))),
        }
    }

    fn entry(&mut self, path: PathBuf, depth: usize) {
        match fs::metadata(&path) {
            Err(e) => self.problem(&path, describe_io(&e)),
            Ok(meta) if meta.is_dir() => {
                if depth + 1 >= MAX_DEPTH {
                    self.problem(&path, "folders nested too deeply");
                } else if self.first_visit(&path, &meta) {
                    self.enter(&path, depth + 1);
                }
            }
            // other files (README.md, images) are not documents
            Ok(_) if !is_document_name(&path) => {}
            Ok(meta) if meta.is_file() => {
                self.files += 1;
                self.file(path, Source::Regular(meta.len()));
            }
            Ok(meta) => {
                let what = not_regular(&meta);
                let why = if meta.file_type().is_fifo() {
                    "reading it would wait for a writer"
                } else {
                    "it may never end"
                };
                let message = format!(
                    "{what}, not a regular file: skipped ({why}; name it on the command line \
                     to read it as a stream)"
                );
                self.warning(&path, message);
            }
        }
    }

    /// Whether the real folder behind `path` is met for the first time; if not, a warning
    /// names the path it was read as.
    fn first_visit(&mut self, path: &Path, meta: &Metadata) -> bool {
        match self.folders.get(&(meta.dev(), meta.ino())) {
            None => {
                self.folders
                    .insert((meta.dev(), meta.ino()), path.to_path_buf());
                true
            }
            Some(first) => {
                let message = format!(
                    "the folder {} again (through a symbolic link): skipped, it is read once",
                    first.display()
                );
                self.warning(path, message);
                false
            }
        }
    }

    /// Queues the entries of a folder, in name order, hidden ones left out.
    fn enter(&mut self, dir: &Path, depth: usize) {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.problem(dir, describe_io(&e)),
        };
        let mut names: Vec<OsString> = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name();
                    if !name.to_string_lossy().starts_with('.') {
                        names.push(name);
                    }
                }
                Err(e) => self.problem(dir, describe_io(&e)),
            }
        }
        names.sort();
        for name in names.into_iter().rev() {
            self.pending.push(Pending::Entry {
                path: dir.join(name),
                depth,
            });
        }
    }
}

impl Iterator for Walk {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        loop {
            if let Some(found) = self.found.pop_front() {
                return Some(found);
            }
            match self.pending.pop()? {
                Pending::Argument(path) => self.argument(path),
                Pending::Entry { path, depth } => self.entry(path, depth),
                Pending::FolderEnd(path) => {
                    if self.files == 0 {
                        self.problem(&path, "no documents in this folder");
                    }
                }
            }
        }
    }
}

/// The total size of the files the paths name, or `None` when one of them is a stream (whose
/// size cannot be known before it ends). Walks the folders without reading a file.
pub fn total_size(paths: &[PathBuf]) -> Option<u64> {
    let mut total = 0u64;
    for found in Walk::new(paths) {
        match found {
            Found::File {
                source: Source::Regular(size),
                ..
            } => total = total.saturating_add(size),
            Found::File {
                source: Source::Stream(_),
                ..
            } => return None,
            Found::Problem(_) | Found::Warning(_) => {}
        }
    }
    Some(total)
}

/// Whether a file found in a folder is read: JSON Lines and text files, the kinds of
/// `rasid-sources`, and files without an extension (a file named on the command line is
/// always read).
pub fn is_document_name(path: &Path) -> bool {
    match path.extension() {
        None => true,
        Some(e) => {
            let e = e.to_string_lossy().to_ascii_lowercase();
            matches!(e.as_str(), "txt" | "text" | "jsonl" | "json" | "ndjson")
                || rasid_sources::kind_from_name(&path.to_string_lossy()).is_some()
        }
    }
}

fn error(path: &Path, message: impl Into<String>) -> InputError {
    InputError {
        input: path.display().to_string(),
        message: message.into(),
    }
}

/// What a file that is neither a folder nor a regular file is, in words.
fn not_regular(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

/// Standard input is a regular file when redirected from one (`< docs.jsonl`), else a stream.
fn stdin_source() -> Source {
    use std::os::fd::AsFd;
    let meta = std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(fs::File::from)
        .and_then(|f| f.metadata());
    match meta {
        Ok(meta) if meta.is_file() => Source::Regular(meta.len()),
        _ => Source::Stream("standard input"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::process::Command;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh folder under the system's temporary folder, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let dir =
                std::env::temp_dir().join(format!("rasid-walk-{}-{n}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, name: &str, content: &str) -> PathBuf {
            let path = self.0.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, content).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn mkfifo(path: &Path) {
        let made = Command::new("mkfifo").arg(path).status().unwrap();
        assert!(made.success(), "mkfifo {}", path.display());
    }

    /// The walk, its files as paths under `root` (`-` as is) and its other findings as
    /// `problem: PATH: MESSAGE` / `warning: …` lines with `root` left out.
    fn walk(root: &Path, paths: &[PathBuf]) -> Vec<String> {
        let under = |s: String| s.replace(&format!("{}/", root.display()), "");
        Walk::new(paths)
            .map(|found| match found {
                Found::File { path, source } => {
                    format!("{} {source:?}", under(path.display().to_string()))
                }
                Found::Problem(e) => under(format!("problem: {}: {}", e.input, e.message)),
                Found::Warning(e) => under(format!("warning: {}: {}", e.input, e.message)),
            })
            .collect()
    }

    #[test]
    fn files_come_in_name_order_and_folders_end_with_their_problem() {
        let dir = TempDir::new("order");
        dir.write("docs/b.txt", "ب");
        dir.write("docs/a/z.jsonl", "{}");
        dir.write("docs/.hidden/x.txt", "x");
        dir.write("docs/notes.md", "x");
        dir.write("empty/notes.md", "x");
        let root = &dir.0;
        let found = walk(root, &[root.join("docs"), root.join("empty")]);
        assert_eq!(
            found,
            [
                "docs/a/z.jsonl Regular(2)",
                "docs/b.txt Regular(2)",
                "problem: empty: no documents in this folder",
            ]
        );
    }

    #[test]
    fn a_folder_linked_into_itself_is_read_once() {
        let dir = TempDir::new("self-link");
        dir.write("docs/a.txt", "أ");
        symlink(".", dir.0.join("docs/self")).unwrap();
        symlink(dir.0.join("docs"), dir.0.join("docs/zz-absolute")).unwrap();
        let found = walk(&dir.0, &[dir.0.join("docs")]);
        let again = |link: &str| {
            format!(
                "warning: docs/{link}: the folder docs again (through a symbolic link): \
                 skipped, it is read once"
            )
        };
        assert_eq!(
            found,
            [
                "docs/a.txt Regular(2)",
                &again("self"),
                &again("zz-absolute")
            ]
        );
    }

    #[test]
    fn two_links_to_one_folder_read_it_once() {
        let dir = TempDir::new("two-links");
        dir.write("docs/real/a.txt", "أ");
        symlink("real", dir.0.join("docs/link1")).unwrap();
        symlink("real", dir.0.join("docs/link2")).unwrap();
        let found = walk(&dir.0, &[dir.0.join("docs")]);
        // link1 comes first in name order: the folder is read as link1
        assert_eq!(
            found,
            [
                "docs/link1/a.txt Regular(2)",
                "warning: docs/link2: the folder docs/link1 again (through a symbolic link): \
                 skipped, it is read once",
                "warning: docs/real: the folder docs/link1 again (through a symbolic link): \
                 skipped, it is read once",
            ]
        );
    }

    #[test]
    fn a_link_to_a_parent_and_a_folder_named_twice_are_not_walked_again() {
        let dir = TempDir::new("parent-link");
        dir.write("docs/a.txt", "أ");
        dir.write("docs/sub/b.txt", "ب");
        symlink("..", dir.0.join("docs/sub/up")).unwrap();
        let docs = dir.0.join("docs");
        let found = walk(&dir.0, &[docs.clone(), docs]);
        assert_eq!(
            found,
            [
                "docs/a.txt Regular(2)",
                "docs/sub/b.txt Regular(2)",
                "warning: docs/sub/up: the folder docs again (through a symbolic link): \
                 skipped, it is read once",
                "warning: docs: the folder docs again (through a symbolic link): \
                 skipped, it is read once",
            ]
        );
    }

    #[test]
    fn fifos_and_devices_in_folders_are_skipped_with_a_warning() {
        let dir = TempDir::new("fifo");
        dir.write("docs/a.txt", "أ");
        mkfifo(&dir.0.join("docs/pipe.jsonl"));
        mkfifo(&dir.0.join("docs/pipe.md"));
        symlink("/dev/zero", dir.0.join("docs/zero")).unwrap();
        let found = walk(&dir.0, &[dir.0.join("docs")]);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0], "docs/a.txt Regular(2)");
        assert!(
            found[1].starts_with(
                "warning: docs/pipe.jsonl: a FIFO, not a regular file: skipped \
                 (reading it would wait for a writer;"
            ),
            "{found:?}"
        );
        assert!(
            found[2].starts_with(
                "warning: docs/zero: a character device, not a regular file: skipped \
                 (it may never end;"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn named_fifos_and_devices_are_streams() {
        let dir = TempDir::new("streams");
        let fifo = dir.0.join("pipe");
        mkfifo(&fifo);
        let found = walk(&dir.0, &[fifo, PathBuf::from("/dev/zero")]);
        assert_eq!(
            found,
            [
                "pipe Stream(\"a FIFO\")",
                "/dev/zero Stream(\"a character device\")"
            ]
        );
    }

    #[test]
    fn the_total_size_is_known_unless_a_stream_is_read() {
        let dir = TempDir::new("total");
        dir.write("docs/a.txt", "أب");
        dir.write("docs/sub/b.jsonl", "{}\n");
        dir.write("docs/notes.md", "not read, not counted");
        symlink(".", dir.0.join("docs/sub/again")).unwrap();
        let docs = dir.0.join("docs");
        assert_eq!(total_size(std::slice::from_ref(&docs)), Some(4 + 3));
        assert_eq!(total_size(&[docs, PathBuf::from("/dev/zero")]), None);
    }
}
