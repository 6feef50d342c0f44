//! Every security page the account journey does not pass through, signed out and signed in,
//! and forms sent back with errors: each page gets the same checks (axe-core, fields, console)
//! and a screenshot.

use crate::driver::{chromedriver_path, within_time_limit, Chromedriver, Width};
use crate::journeys::{register_and_confirm, submit_sign_in};
use crate::site::Site;
use crate::tab::Tab;

/// Pages a visitor sees before signing in.
const SIGNED_OUT: &[(&str, &str)] = &[
    ("/", "home"),
    ("/confirm", "send-confirmation"),
    ("/recover-username", "recover-username"),
    ("/us-signin", "one-time-code-sign-in"),
];

/// Pages of a signed-in user.
const SIGNED_IN: &[(&str, &str)] = &[
    ("/account", "account"),
    ("/change", "change-password"),
    ("/change-username", "change-username"),
    ("/change-email", "change-email"),
    ("/us-setup", "sign-in-methods"),
    ("/tf-setup", "two-factor"),
    ("/verify", "verify"),
    ("/us-verify", "verify-with-code"),
    ("/wan-verify", "verify-with-passkey"),
    ("/sessions", "sessions"),
    ("/activity", "activity"),
    ("/delete-account", "delete-account"),
];

/// Forms sent with mistakes show their errors next to the fields, accessibly.
async fn forms_with_errors(tab: &mut Tab, email: &str) {
    submit_sign_in(tab, email, "not the password", "sign-in-error").await;
    assert!(!tab.signed_in().await, "a wrong password signed in");
    tab.find("[aria-invalid=true], .form-errors").await;

    tab.visit("/register", "register").await;
    tab.fill("email", "grace@example.com").await;
    tab.fill("password", "correct horse battery").await;
    tab.fill("password_confirm", "a different passphrase").await;
    tab.click("#register_user_form [type=submit]", "register-error")
        .await;
    tab.find("#password_confirm[aria-invalid=true]").await;
}

async fn every_page(width: Width) {
    let test = format!("every_page_{}", width.name());
    let Some(chromedriver) = chromedriver_path(&test) else {
        return;
    };
    let driver = Chromedriver::start(&chromedriver).await;
    let site = Site::start(&test).await;
    let mut tab = Tab::open(&driver, "pages", width, &site.base).await;
    let (email, password) = ("grace@example.com", "correct horse battery");

    for (path, page) in SIGNED_OUT {
        tab.visit(path, page).await;
    }
    register_and_confirm(&mut tab, &site, email, password).await;
    forms_with_errors(&mut tab, email).await;

    submit_sign_in(&mut tab, email, password, "signed-in").await;
    assert!(
        tab.signed_in().await,
        "the confirmed account did not sign in"
    );
    for (path, page) in SIGNED_IN {
        tab.visit(path, page).await;
        assert!(tab.signed_in().await, "{path} signed the user out");
    }
    tab.visit("/change", "change-password").await;
    tab.fill("password", "not the password").await;
    tab.fill("new_password", "another long passphrase").await;
    tab.fill("new_password_confirm", "another long passphrase")
        .await;
    tab.click(
        "#change_password_form [type=submit]",
        "change-password-error",
    )
    .await;
    tab.find("#password[aria-invalid=true]").await;

    tab.finish().await;
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_desktop() {
    within_time_limit(every_page(Width::Desktop)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_phone() {
    within_time_limit(every_page(Width::Phone)).await;
}
