//! A PostgreSQL server of the test's own, in a temporary directory on a free port of
//! 127.0.0.1, which the test can stop and start again to play a database outage without
//! disturbing the shared server other tests use.
//!
//! It needs PostgreSQL's server binaries (Debian's `postgresql` package, which `.ci/run`
//! installs) and runs them as the `postgres` user when the test runs as root. It is started
//! only when `TEST_POSTGRES_URL` is set, like every PostgreSQL test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A private PostgreSQL server.
pub struct PgServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PgServer {
    /// Initialises and starts a server, or returns `None` (after printing why) when
    /// `TEST_POSTGRES_URL` is unset. Panics when PostgreSQL tests are on but the server binaries
    /// are missing: a configured backend never skips silently.
    pub fn start(test: &str) -> Option<PgServer> {
        if std::env::var(super::POSTGRES_ENV).map_or(true, |v| v.trim().is_empty()) {
            println!("skipping {test}: {} not set", super::POSTGRES_ENV);
            return None;
        }
        let bin = server_binaries().expect("PostgreSQL server binaries (initdb, pg_ctl)");
        let dir = tempfile::Builder::new()
            .prefix("rs-pg-")
            .tempdir()
            .expect("temporary directory");
        make_owned_by_postgres(dir.path());
        let server = PgServer {
            port: free_port(),
            bin,
            dir,
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data_dir(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        server.start_again();
        Some(server)
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once, ending every connection (`pg_ctl stop -m immediate`).
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data_dir(), "-m", "immediate", "-w", "stop"],
        );
    }

    /// Starts the (stopped) server again on the same port and waits until it accepts
    /// connections.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir(),
                "-o",
                &options,
                "-l",
                &self.dir.path().join("log").display().to_string(),
                "-w",
                "start",
            ],
        );
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// A PostgreSQL tool, run as `postgres` when the test runs as root (the server refuses
    /// to run as root).
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if running_as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .expect("run a PostgreSQL tool");
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data_dir(), "-m", "immediate", "stop"])
            .output();
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` with `initdb`.
fn server_binaries() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn make_owned_by_postgres(dir: &Path) {
    if running_as_root() {
        let status = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir)
            .status()
            .expect("chown");
        assert!(status.success(), "chown {}", dir.display());
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
