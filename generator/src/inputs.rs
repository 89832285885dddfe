//! Digests of the shop's input files, kept between builds in the shop's cache folder
//! so that the build id of a large shop does not cost a read of every file.
//!
//! A file's digest is reused when its size and modification time are those recorded.
//! A file modified shortly before the record was written could be modified again
//! within the same clock tick without its time changing, so records of files that
//! recent are not trusted: those files are read again at the next build.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// The cache of input digests, relative to the shop's root.
pub const INPUTS_FILE: &str = ".comptoir/cache/inputs.txt";

/// First line of the file; another version of the format is ignored. The line
/// goes on with the time the record was taken and the build id of those inputs.
const HEADER: &str = "comptoir input digests 2";

/// How long before the record was written a file's time must be for its digest to
/// be reused.
const RACY_NANOS: i128 = 2_000_000_000;

/// SHA-256 of a file's bytes.
pub type FileDigest = [u8; 32];

/// The record of one file: size, modification time in nanoseconds since the
/// epoch, digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, in nanoseconds since the Unix epoch.
    pub modified: i128,
    /// SHA-256 of the bytes.
    pub digest: FileDigest,
}

impl Record {
    /// Returns whether `metadata` still gives this record's size and time.
    pub fn matches(&self, metadata: &fs::Metadata) -> bool {
        self.size == metadata.len() && self.modified == modified_nanos(metadata)
    }
}

/// The digests recorded by the previous build.
#[derive(Debug, Default)]
pub struct InputDigests {
    records: HashMap<String, Record>,
    /// Files modified at or after this time (nanoseconds) are read again.
    trusted_before: i128,
    /// The build id of the recorded inputs, when a build recorded it.
    build_id: Option<String>,
}

impl InputDigests {
    /// Reads the record of the shop in `root`; a missing, unreadable or foreign
    /// file gives an empty record, so every file is read.
    pub fn read(root: &Path) -> InputDigests {
        let Ok(text) = fs::read_to_string(root.join(INPUTS_FILE)) else {
            return InputDigests::default();
        };
        let mut lines = text.lines();
        let mut header = lines
            .next()
            .and_then(|line| line.strip_prefix(HEADER))
            .unwrap_or_default()
            .split_whitespace();
        let Some(written) = header.next().and_then(|time| time.parse::<i128>().ok()) else {
            return InputDigests::default();
        };
        let build_id = header.next().map(str::to_owned);
        let mut records = HashMap::new();
        for line in lines {
            if let Some((name, record)) = parse_line(line) {
                records.insert(name.to_owned(), record);
            }
        }
        InputDigests {
            records,
            trusted_before: written - RACY_NANOS,
            build_id,
        }
    }

    /// Returns the build id recorded with the digests, if any.
    pub fn build_id(&self) -> Option<&str> {
        self.build_id.as_deref()
    }

    /// Returns whether `record` is the one recorded for `name`.
    pub fn has(&self, name: &str, record: &Record) -> bool {
        self.records.get(name) == Some(record)
    }

    /// Returns the names of the files of `current` that are new or whose bytes
    /// differ from the record, and whether some recorded file is gone.
    pub fn changes<'n>(&self, current: impl IntoIterator<Item = (&'n str, Record)>) -> InputChanges {
        let mut changed = Vec::new();
        let mut present = 0;
        for (name, record) in current {
            match self.records.get(name) {
                Some(previous) => {
                    present += 1;
                    if previous.size != record.size || previous.digest != record.digest {
                        changed.push(name.to_owned());
                    }
                }
                None => changed.push(name.to_owned()),
            }
        }
        InputChanges {
            changed,
            removed: present < self.records.len(),
        }
    }

    /// Returns the record of the file `name` at `path`, reading and hashing it unless
    /// the recorded size and time still match.
    pub fn record(&self, name: &str, path: &Path, metadata: &fs::Metadata) -> io::Result<Record> {
        let size = metadata.len();
        let modified = modified_nanos(metadata);
        if let Some(record) = self.records.get(name)
            && record.size == size
            && record.modified == modified
            && modified < self.trusted_before
        {
            return Ok(*record);
        }
        let mut file = fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let read = io::copy(&mut file, &mut hasher)?;
        Ok(Record {
            size: read,
            modified,
            digest: hasher.finalize().into(),
        })
    }

    /// Deletes the record of the shop in `root`; a missing record is not an error.
    /// Without it, no cache of the last build is trusted and every input is read.
    pub fn delete(root: &Path) -> io::Result<()> {
        match fs::remove_file(root.join(INPUTS_FILE)) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    /// Replaces the record of the shop in `root` with `records`, by name, taken at
    /// `taken` (see [`now_nanos`]) for the inputs of `build_id`. The file is written
    /// beside and renamed, so a build stopped halfway leaves the old one.
    pub fn write<'r>(
        root: &Path,
        taken: i128,
        build_id: &str,
        records: impl IntoIterator<Item = (&'r str, Record)>,
    ) -> io::Result<()> {
        let path = root.join(INPUTS_FILE);
        let Some(folder) = path.parent() else {
            return Ok(());
        };
        fs::create_dir_all(folder)?;
        let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
        {
            let mut out = io::BufWriter::new(temporary.as_file_mut());
            writeln!(out, "{HEADER} {taken} {build_id}")?;
            for (name, record) in records {
                // Names with a tab or a line break cannot be written on one line;
                // such a file is read again at every build.
                if name.contains(['\t', '\n', '\r']) {
                    continue;
                }
                writeln!(
                    out,
                    "{}\t{}\t{}\t{name}",
                    record.size,
                    record.modified,
                    hex::encode(record.digest)
                )?;
            }
            out.flush()?;
        }
        temporary.persist(&path).map_err(|error| error.error)?;
        Ok(())
    }
}

/// The input files that differ from a record ([`InputDigests::changes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputChanges {
    /// Names of the files that are new or whose bytes changed, in the order given.
    pub changed: Vec<String>,
    /// Whether some recorded file is gone.
    pub removed: bool,
}

/// Returns the time now in nanoseconds since the Unix epoch, the time of a record.
/// It is taken before the files are listed: a file modified after that is read
/// again at the next build.
pub fn now_nanos() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| i128::try_from(since.as_nanos()).unwrap_or(i128::MAX))
}

fn parse_line(line: &str) -> Option<(&str, Record)> {
    let mut fields = line.splitn(4, '\t');
    let size = fields.next()?.parse().ok()?;
    let modified = fields.next()?.parse().ok()?;
    let digest_hex = fields.next()?;
    let name = fields.next()?;
    let mut digest = [0; 32];
    hex::decode_to_slice(digest_hex, &mut digest).ok()?;
    Some((
        name,
        Record {
            size,
            modified,
            digest,
        },
    ))
}

/// Returns the modification time of a file in nanoseconds since the Unix epoch, or
/// 0 where the platform does not give it (the file is then read at every build).
fn modified_nanos(metadata: &fs::Metadata) -> i128 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| i128::try_from(since.as_nanos()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_reuses_old_unchanged_digest() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.md");
        fs::write(&file, "one").expect("write");
        let metadata = fs::metadata(&file).expect("metadata");
        let fresh = InputDigests::default()
            .record("a.md", &file, &metadata)
            .expect("record");
        assert_eq!(fresh.digest, <[u8; 32]>::from(Sha256::digest(b"one")));

        // A record claiming other bytes for the same size and time is trusted only
        // when the file is older than the record by the racy margin.
        let forged = Record {
            digest: [7; 32],
            ..fresh
        };
        let mut digests = InputDigests {
            records: HashMap::from([("a.md".to_owned(), forged)]),
            trusted_before: fresh.modified + 1,
            build_id: None,
        };
        assert_eq!(digests.record("a.md", &file, &metadata).expect("record"), forged);
        digests.trusted_before = fresh.modified;
        assert_eq!(digests.record("a.md", &file, &metadata).expect("record"), fresh);

        // Another size means another file.
        fs::write(&file, "three").expect("write");
        let metadata = fs::metadata(&file).expect("metadata");
        digests.trusted_before = i128::MAX;
        let changed = digests.record("a.md", &file, &metadata).expect("record");
        assert_eq!(changed.digest, <[u8; 32]>::from(Sha256::digest(b"three")));
    }

    #[test]
    fn record_round_trips_and_ignores_damage() {
        let dir = tempfile::tempdir().expect("temp dir");
        let record = Record {
            size: 3,
            modified: 1_700_000_000_123_456_789,
            digest: [9; 32],
        };
        InputDigests::write(
            dir.path(),
            now_nanos(),
            "0123456789ab",
            [("content/a b.md", record), ("bad\tname", record)],
        )
        .expect("write");
        let read = InputDigests::read(dir.path());
        assert_eq!(read.records.len(), 1);
        assert_eq!(read.records["content/a b.md"], record);
        assert!(read.trusted_before > record.modified);
        assert_eq!(read.build_id(), Some("0123456789ab"));

        fs::write(dir.path().join(INPUTS_FILE), "something else\n1\t2\t00\tx\n").expect("damage");
        assert!(InputDigests::read(dir.path()).records.is_empty());
    }

    #[test]
    fn changes_name_new_and_edited_files() {
        let record = |size, byte| Record {
            size,
            modified: 1,
            digest: [byte; 32],
        };
        let digests = InputDigests {
            records: HashMap::from([
                ("same.md".to_owned(), record(3, 1)),
                ("edited.md".to_owned(), record(3, 2)),
                ("gone.md".to_owned(), record(3, 3)),
            ]),
            trusted_before: 0,
            build_id: None,
        };
        let changes = digests.changes([
            ("same.md", record(3, 1)),
            ("edited.md", record(3, 9)),
            ("new.md", record(1, 1)),
        ]);
        assert_eq!(changes.changed, ["edited.md", "new.md"]);
        assert!(changes.removed);
        let changes = digests.changes([
            ("same.md", record(3, 1)),
            ("edited.md", record(3, 2)),
            ("gone.md", record(3, 3)),
        ]);
        assert_eq!(changes, InputChanges::default());
    }
}
