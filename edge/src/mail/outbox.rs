//! The native host's default mailer: every email becomes an `.eml` file in a folder,
//! for the merchant to read or for tests to check. Nothing leaves the machine.
//!
//! File names sort by creation time: `20260426T101502.123456789Z-<16 hex digits>.eml`
//! (UTC). A file is written under a hidden temporary name in the same folder, flushed,
//! then renamed without overwriting, so a reader listing `*.eml` never sees half a
//! message and two emails never share a name.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::mail::message::build_message;
use crate::mail::{BoxFuture, Email, MailError, Mailer};

/// Writes emails as `.eml` files into a folder.
#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
}

impl OutboxMailer {
    /// Builds a mailer that writes into `dir`, created on first use.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutboxMailer { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `email` and returns the path of its file. Blocking: async callers go
    /// through [`Mailer::send`].
    pub fn write(&self, email: &Email) -> Result<PathBuf, MailError> {
        let bytes = build_message(email)?.formatted();
        write_file(&self.dir, &bytes)
    }
}

impl Mailer for OutboxMailer {
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let bytes = build_message(email)?.formatted();
            let dir = self.dir.clone();
            let path = tokio::task::spawn_blocking(move || write_file(&dir, &bytes))
                .await
                .map_err(|error| MailError {
                    reason: format!("writing to the outbox stopped: {error}"),
                })??;
            tracing::info!(path = %path.display(), "email written to the outbox");
            Ok(())
        })
    }
}

fn write_file(dir: &Path, bytes: &[u8]) -> Result<PathBuf, MailError> {
    let failed = |action: &str, error: std::io::Error| MailError {
        reason: format!("cannot {action} in the outbox {}: {error}", dir.display()),
    };
    std::fs::create_dir_all(dir).map_err(|error| failed("create the folder", error))?;

    let mut file = tempfile::Builder::new()
        .prefix(".")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|error| failed("create a file", error))?;
    file.write_all(bytes)
        .map_err(|error| failed("write a file", error))?;
    file.as_file()
        .sync_all()
        .map_err(|error| failed("flush a file", error))?;

    // A name clash needs the same nanosecond and the same 64 random bits; retry anyway
    // rather than overwrite another email.
    let mut attempts = 0;
    loop {
        let path = dir.join(file_name());
        match file.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists && attempts < 3 => {
                attempts += 1;
                file = error.file;
            }
            Err(error) => return Err(failed("name a file", error.error)),
        }
    }
}

fn file_name() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:09}Z-{:016x}.eml",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.nanosecond(),
        fastrand::u64(..)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_sort_by_time() {
        let first = file_name();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = file_name();
        assert!(first < second, "{first} then {second}");
        assert_eq!(
            first.len(),
            "20260426T101502.123456789Z-0123456789abcdef.eml".len()
        );
        assert!(first.ends_with(".eml"));
    }
}
