//! Chromium through chromedriver: the driver process on a free port, a headless browser with a
//! fresh profile, and the WebDriver commands fantoccini has no method for (browser log, Chrome
//! DevTools calls, the virtual authenticator).

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::site::free_port;

/// The variable naming the chromedriver binary; the browser tests skip when it is unset.
pub const CHROMEDRIVER_ENV: &str = "TEST_CHROMEDRIVER";

/// The chromedriver named by `TEST_CHROMEDRIVER`, or `None` after printing why `test` skips.
pub fn chromedriver_path(test: &str) -> Option<String> {
    match std::env::var(CHROMEDRIVER_ENV) {
        Ok(path) if !path.trim().is_empty() => Some(path),
        _ => {
            println!("skipping {test}: {CHROMEDRIVER_ENV} not set (the path of chromedriver)");
            None
        }
    }
}

/// The window a journey runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// 1280 x 900.
    Desktop,
    /// 390 x 844, a phone held upright.
    Phone,
}

impl Width {
    /// Window width and height in CSS pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            Width::Desktop => (1280, 900),
            Width::Phone => (390, 844),
        }
    }

    /// The name used in screenshot folders.
    pub fn name(self) -> &'static str {
        match self {
            Width::Desktop => "desktop",
            Width::Phone => "phone",
        }
    }
}

/// A chromedriver process, stopped when dropped.
pub struct Chromedriver {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl Chromedriver {
    /// Starts `path` on a free loopback port and waits until it answers.
    pub async fn start(path: &str) -> Chromedriver {
        let port = free_port();
        let child = Command::new(path)
            // Its own process group, so the browsers it starts go with it (see `Drop`).
            .process_group(0)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {path}: {e}"));
        let driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{path} did not listen on port {port}");
    }

    /// A new headless Chromium session with a fresh profile in `profile`, at `width`.
    pub async fn session(&self, width: Width, profile: &Path) -> Client {
        let (w, h) = width.size();
        let chromium =
            std::env::var("TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut caps = json!({
            "browserName": "chrome",
            // Navigation returns at once; the tab waits for each new page itself (bounded).
            "pageLoadStrategy": "none",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-extensions",
                    "--hide-scrollbars",
                    "--force-device-scale-factor=1",
                    format!("--window-size={w},{h}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        if width == Width::Phone {
            // A headless window is at least 500 pixels wide; a phone's viewport is emulated.
            caps["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": {"width": w, "height": h, "pixelRatio": 1.0, "touch": true},
            });
        }
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("a Chromium session through {}: {e}", self.url));
        // A page that does not load fails its test instead of holding it for minutes.
        let limit = Some(Duration::from_secs(30));
        client
            .update_timeouts(TimeoutConfiguration::new(limit, limit, None))
            .await
            .expect("set the browser's timeouts");
        client
    }
}

impl Drop for Chromedriver {
    /// Ends chromedriver and every browser it started, also when a journey failed midway.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver command on the current session that fantoccini does not wrap.
#[derive(Debug)]
pub struct SessionCommand {
    method: http::Method,
    path: String,
    body: Option<Value>,
}

impl SessionCommand {
    /// `POST /session/{id}/{path}` with `body`.
    pub fn post(path: impl Into<String>, body: Value) -> Self {
        SessionCommand {
            method: http::Method::POST,
            path: path.into(),
            body: Some(body),
        }
    }
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(Value::to_string),
        )
    }
}

/// Messages the page logged at level SEVERE (console errors, failed loads) since the last call.
pub async fn severe_log_entries(client: &Client) -> Vec<String> {
    let entries = client
        .issue_cmd(SessionCommand::post("se/log", json!({"type": "browser"})))
        .await
        .expect("the browser log");
    entries
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A PNG of the whole page, beyond the window's height.
pub async fn full_page_png(client: &Client) -> Vec<u8> {
    use base64::Engine;
    let size = client
        .execute(
            "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight];",
            vec![],
        )
        .await
        .expect("the page's size");
    let (width, height) = (
        size[0].as_f64().unwrap_or(1.0),
        size[1].as_f64().unwrap_or(1.0),
    );
    let shot = client
        .issue_cmd(SessionCommand::post(
            "goog/cdp/execute",
            json!({"cmd": "Page.captureScreenshot", "params": {
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            }}),
        ))
        .await
        .expect("a screenshot");
    base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("screenshot data"))
        .expect("base64 PNG")
}

/// Runs a journey, failing it when it takes more than three minutes (a browser that stopped
/// answering must not hold CI up).
pub async fn within_time_limit(journey: impl std::future::Future<Output = ()>) {
    let limit = Duration::from_secs(180);
    if tokio::time::timeout(limit, journey).await.is_err() {
        panic!("the journey took more than {limit:?}");
    }
}
