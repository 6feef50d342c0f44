//! A MariaDB server of the test's own, in a temporary directory on a free port of 127.0.0.1,
//! which the test can kill and start again to play a database outage without disturbing the
//! shared server other tests use. Started only when `TEST_MYSQL_URL` is set, like every MySQL
//! test; it needs Debian's `mariadb-server` (which `.ci/run` installs).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A private MariaDB server, killed when dropped.
pub struct MariaDbServer {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl MariaDbServer {
    /// Initialises and starts a server with a database `test`, or returns `None` (after
    /// printing why) when `TEST_MYSQL_URL` is unset.
    pub async fn start(test: &str) -> Option<MariaDbServer> {
        if std::env::var(super::MYSQL_ENV).map_or(true, |v| v.trim().is_empty()) {
            println!("skipping {test}: {} not set", super::MYSQL_ENV);
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("rs-mariadb-")
            .tempdir()
            .expect("temporary directory");
        if running_as_root() {
            let status = Command::new("chown")
                .args(["mysql:mysql"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let output = Command::new("mariadb-install-db")
            .arg(format!("--datadir={}", data_dir(dir.path()).display()))
            .args([
                "--user=mysql",
                "--skip-test-db",
                "--auth-root-authentication-method=normal",
            ])
            .output()
            .expect("mariadb-install-db (Debian's mariadb-server)");
        assert!(
            output.status.success(),
            "mariadb-install-db: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut server = MariaDbServer {
            dir,
            port: super::process::free_port(),
            child: None,
        };
        server.start_again().await;
        let status = Command::new("mariadb")
            .args(["--protocol=tcp", "-h", "127.0.0.1", "-uroot"])
            .arg(format!("-P{}", server.port))
            .args(["-e", "CREATE DATABASE test"])
            .status()
            .expect("the mariadb client");
        assert!(status.success(), "create the test database");
        Some(server)
    }

    /// `mysql://root@127.0.0.1:<port>/test`.
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}/test", self.port)
    }

    /// Kills the server at once, ending every connection.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the (stopped) server again on the same port and waits until it accepts
    /// connections.
    pub async fn start_again(&mut self) {
        let dir = self.dir.path();
        let child = Command::new("/usr/sbin/mariadbd")
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data_dir(dir).display()))
            .arg(format!("--port={}", self.port))
            .arg(format!("--socket={}", dir.join("sock").display()))
            .arg(format!("--pid-file={}", dir.join("pid").display()))
            .args([
                "--bind-address=127.0.0.1",
                "--user=mysql",
                "--skip-grant-tables",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mariadbd");
        self.child = Some(child);
        let started = Instant::now();
        loop {
            let ready = Command::new("mariadb-admin")
                .args(["--protocol=tcp", "-h", "127.0.0.1", "-uroot"])
                .arg(format!("-P{}", self.port))
                .arg("ping")
                .output()
                .is_ok_and(|o| o.status.success());
            if ready {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the private MariaDB did not start within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for MariaDbServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn data_dir(dir: &Path) -> PathBuf {
    dir.join("data")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}
