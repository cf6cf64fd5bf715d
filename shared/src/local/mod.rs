//! Embedded adapters for running Reelview with no AWS account: a redb item engine (under the
//! one `crate::store`) in the data
//! directory, videos on disk behind signed expiring URLs served by the local process, and
//! emails written as `.eml` files to an outbox folder. With the `openai` feature, transcripts
//! and evaluations come from an OpenAI-compatible API the developer points it at.

mod mailer;
#[cfg(feature = "openai")]
mod openai;
mod store;
mod video;

pub use mailer::OutboxMailer;
#[cfg(feature = "openai")]
pub use openai::{OpenAiEvaluator, OpenAiTranscriber};

/// Writes a secret (a key) readable by this user only: created with mode 0600, so it is never
/// visible to others even for an instant.
pub fn write_private(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}
pub use store::{LocalStore, RedbItems};
pub use video::{DiskVideos, UPLOAD_ROUTE_PREFIX};

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn secrets_are_written_for_their_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        super::write_private(&path, b"secret").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
    }
}
