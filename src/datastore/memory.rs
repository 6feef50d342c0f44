//! An in-memory [`UserDatastore`](super::UserDatastore) for tests, doctests and demos.

/// Keeps everything in process memory; nothing survives a restart.
#[derive(Debug, Default)]
pub struct MemoryDatastore {}
