//! One browser driven through a journey: navigation and form filling, and on every page a
//! screenshot, axe-core, the form-field checks and the console check. Page problems are
//! collected and reported together when the journey finishes.

use std::path::{Path, PathBuf};

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::driver::{full_page_png, severe_log_entries, Chromedriver, Width};

/// axe-core, vendored from its npm package (see tests/fixtures/axe/README.md).
const AXE: &str = include_str!("../fixtures/axe/axe.min.js");

/// Runs axe on the page and answers its serious and critical violations.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(result => done(result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help} -- ` + v.nodes
        .map(n => `${n.target.join(" ")} (${n.failureSummary.replace(/\s+/g, " ")})`)
        .join("; "))))
  .catch(e => done([`axe failed: ${e}`]));
"#;

/// Checks every form field: a label with text, an `autocomplete`, and the input type and
/// autocomplete that fit the field (password managers, phone keyboards and one-time codes
/// depend on them).
const CHECK_FIELDS: &str = r#"
const problems = [];
for (const el of document.querySelectorAll("input, select, textarea")) {
  const type = (el.getAttribute("type") || "text").toLowerCase();
  if (["hidden", "submit", "button", "reset", "image"].includes(type)) continue;
  // A field kept from assistive technology on purpose (the account name for password managers).
  if (el.closest("[aria-hidden=true]")) continue;
  const name = el.name || el.id;
  const at = `${el.tagName.toLowerCase()}[name=${name}]`;
  if (![...(el.labels || [])].some(l => l.textContent.trim())) problems.push(`${at} has no label`);
  if (["checkbox", "radio"].includes(type)) continue;
  const auto = (el.getAttribute("autocomplete") || "").trim();
  if (!auto) problems.push(`${at} has no autocomplete`);
  if (/password/.test(name) && type !== "password") problems.push(`${at} is type=${type}`);
  if (type === "password" && !/^(current|new)-password$/.test(auto))
    problems.push(`${at} has autocomplete="${auto}", not current-password or new-password`);
  if (/(^|_)email$/.test(name) && type !== "email") problems.push(`${at} is type=${type}, not email`);
  if (/(^|_)phone$/.test(name) && type !== "tel") problems.push(`${at} is type=${type}, not tel`);
  if (auto === "one-time-code" && el.getAttribute("inputmode") !== "numeric")
    problems.push(`${at} is a one-time code without inputmode=numeric`);
}
return problems;
"#;

/// The folder every journey's screenshots go under: `TEST_SCREENSHOTS`, or
/// `<target>/browser-screenshots`.
pub fn screenshot_root() -> PathBuf {
    match std::env::var("TEST_SCREENSHOTS") {
        Ok(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("the target folder")
            .join("browser-screenshots"),
    }
}

/// A browser on one journey at one width.
pub struct Tab {
    /// The WebDriver client.
    pub client: Client,
    base: String,
    shots: PathBuf,
    width: Width,
    step: u32,
    problems: Vec<String>,
    _profile: tempfile::TempDir,
}

impl Tab {
    /// A fresh browser for `journey` at `width` on the site at `base`.
    pub async fn open(driver: &Chromedriver, journey: &str, width: Width, base: &str) -> Tab {
        let profile = tempfile::tempdir().expect("a profile folder");
        let client = driver.session(width, profile.path()).await;
        let shots = screenshot_root().join(format!("{journey}-{}", width.name()));
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("the screenshot folder");
        println!(
            "screenshots of {journey} at {}: {}",
            width.name(),
            shots.display()
        );
        Tab {
            client,
            base: base.to_owned(),
            shots,
            width,
            step: 0,
            problems: Vec::new(),
            _profile: profile,
        }
    }

    /// Opens `path` (or an absolute URL) and checks the page as `page`.
    pub async fn visit(&mut self, path: &str, page: &str) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        self.mark_page().await;
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        self.wait_for_next_page(&url).await;
        self.check(page).await;
    }

    /// Types `value` into the field with id `id`, replacing what it held.
    pub async fn fill(&self, id: &str, value: &str) {
        let field = self.find(&format!("#{id}")).await;
        field.clear().await.expect("clear a field");
        field.send_keys(value).await.expect("type into a field");
    }

    /// Clicks the element matching `css` (a submit button or link), waits for the next page
    /// and checks it as `page`.
    pub async fn click(&mut self, css: &str, page: &str) {
        self.mark_page().await;
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.wait_for_next_page(css).await;
        self.check(page).await;
    }

    /// Clicks `css` where the page goes on by script (a passkey ceremony submits its form when
    /// the authenticator answers), waits for `arrived` on the next page and checks it as `page`.
    pub async fn click_then_wait(&mut self, css: &str, arrived: &str, page: &str) {
        self.mark_page().await;
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.wait_for_next_page(css).await;
        let next = self
            .client
            .wait()
            .at_most(std::time::Duration::from_secs(15))
            .for_element(Locator::Css(arrived))
            .await;
        if let Err(e) = next {
            let shown = self.text_of("body").await;
            panic!("no {arrived} after clicking {css}: {e}\n{shown}");
        }
        self.check(page).await;
    }

    /// Whether the page has an element matching `css`, without waiting.
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Ticks the radio button or checkbox matching `css` without leaving the page.
    pub async fn choose(&self, css: &str) {
        self.find(css).await.click().await.expect("tick a choice");
    }

    /// The element matching `css`, waiting for it a little.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        let found = self
            .client
            .wait()
            .at_most(std::time::Duration::from_secs(5))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(e) => panic!("no {css} on {}: {e}", self.path().await),
        }
    }

    /// The text of the element matching `css`.
    pub async fn text_of(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .expect("an element's text")
    }

    /// The path (and query) of the current page.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Whether the header shows a signed-in user.
    pub async fn signed_in(&self) -> bool {
        self.exists("#logout_form").await
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&mut self) {
        self.click("#logout_form button[type=submit]", "signed-out")
            .await;
        assert!(!self.signed_in().await, "still signed in after signing out");
    }

    /// Screenshot, axe-core, form fields and console of the page now shown, as `page`.
    pub async fn check(&mut self, page: &str) {
        self.step += 1;
        let file = self.shots.join(format!("{:02}-{page}.png", self.step));
        std::fs::write(&file, full_page_png(&self.client).await).expect("write a screenshot");
        let path = self.path().await;
        let mut found = Vec::new();
        self.client
            .execute(AXE, vec![])
            .await
            .expect("inject axe-core");
        found.extend(self.strings(true, RUN_AXE).await);
        found.extend(self.strings(false, CHECK_FIELDS).await);
        found.extend(self.overflow().await);
        let console = severe_log_entries(&self.client).await;
        found.extend(console.into_iter().map(|m| format!("console error: {m}")));
        self.problems
            .extend(found.into_iter().map(|p| format!("{page} ({path}): {p}")));
    }

    /// The page must fit the window's width: nothing to scroll sideways for.
    async fn overflow(&self) -> Option<String> {
        let size = self
            .client
            .execute(
                "const e = document.documentElement; return [e.clientWidth, e.scrollWidth];",
                vec![],
            )
            .await
            .expect("the page's width");
        let (client_width, scroll_width) = (size[0].as_u64(), size[1].as_u64());
        let expected = u64::from(self.width.size().0);
        assert_eq!(
            client_width,
            Some(expected),
            "the page is not {:?} wide",
            self.width
        );
        (scroll_width > client_width)
            .then(|| format!("scrolls sideways: {scroll_width:?} pixels wide in {expected}"))
    }

    /// Marks the page shown now, so [`Self::wait_for_next_page`] can tell it from the next.
    async fn mark_page(&self) {
        self.client
            .execute("window.leftBehind = true;", vec![])
            .await
            .expect("mark the page");
    }

    /// Waits until a new page replaced the marked one and has loaded. The session loads pages
    /// without waiting (`pageLoadStrategy` "none"), so this is the only wait, and it is bounded.
    async fn wait_for_next_page(&self, after: &str) {
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(20) {
            let state = self
                .client
                .execute(
                    "return [window.leftBehind === true, document.readyState];",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            if state[0] == false && state[1] == "complete" {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
        panic!("no new page within 20 s after {after}");
    }

    async fn strings(&self, asynchronous: bool, script: &str) -> Vec<String> {
        let answer = if asynchronous {
            self.client.execute_async(script, vec![]).await
        } else {
            self.client.execute(script, vec![]).await
        };
        let answer = answer.unwrap_or_else(|e| panic!("run a page check: {e}"));
        answer
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Closes the browser and fails with every page problem found on the way.
    pub async fn finish(self) {
        let _ = self.client.close().await;
        println!(
            "{} pages checked, screenshots in {}",
            self.step,
            self.shots.display()
        );
        assert!(
            self.problems.is_empty(),
            "{} problem(s) on the pages:\n  {}",
            self.problems.len(),
            self.problems.join("\n  ")
        );
    }
}
