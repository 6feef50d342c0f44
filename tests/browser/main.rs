//! Real-browser tests: headless Chromium, driven through chromedriver, goes through every
//! journey of the starter served on loopback, at desktop and at phone width, and checks each
//! page with axe-core (no serious or critical violation), the form fields' labels, types and
//! autocomplete, and the browser console (no errors).
//!
//! They run when `TEST_CHROMEDRIVER` names chromedriver (Debian: `apt-get install chromium
//! chromium-driver`, then `TEST_CHROMEDRIVER=/usr/bin/chromedriver cargo test --test browser`);
//! otherwise each test prints why it skips. `TEST_CHROMIUM` names another Chromium binary.
//! Screenshots of every page land in `<target>/browser-screenshots/<journey>-<width>/` (or
//! under `TEST_SCREENSHOTS`); each test prints its folder.

#[path = "../common/mod.rs"]
mod common;

mod driver;
mod journeys;
mod pages;
mod passkeys;
mod site;
mod tab;
