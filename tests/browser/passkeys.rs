//! Passkeys in a real browser: chromedriver's virtual authenticator (an internal platform
//! authenticator with resident keys and user verification, as a phone or laptop with a screen
//! lock) stands in for the device. A user adds a passkey from the account, signs out and signs
//! in with the passkey alone.

use serde_json::json;

use crate::driver::{chromedriver_path, within_time_limit, Chromedriver, SessionCommand, Width};
use crate::journeys::{register_and_confirm, submit_sign_in};
use crate::site::Site;
use crate::tab::Tab;

/// Gives the browser a platform authenticator that verifies its user (WebDriver's WebAuthn
/// extension).
async fn add_virtual_authenticator(tab: &Tab) {
    tab.client
        .issue_cmd(SessionCommand::post(
            "webauthn/authenticator",
            json!({
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": true,
                "hasUserVerification": true,
                "isUserVerified": true,
                "automaticPresenceSimulation": true,
            }),
        ))
        .await
        .expect("a virtual authenticator");
}

/// Registers a passkey named `name` from the passkeys page.
async fn add_passkey(tab: &mut Tab, name: &str) {
    tab.visit("/wan-register", "passkeys").await;
    tab.fill("wan-name", name).await;
    if tab.exists("#wan-usage-first").await {
        tab.choose("#wan-usage-first").await;
    }
    tab.click("#wan-register-submit", "passkey-create").await;
    tab.click_then_wait(
        "#wan_register_response_form-continue",
        "#wan-credentials",
        "passkey-added",
    )
    .await;
    let listed = tab.text_of("#wan-credentials").await;
    assert!(
        listed.contains(name),
        "the new passkey is not listed: {listed}"
    );
}

async fn passkey_journey(width: Width) {
    let test = format!("passkey_journey_{}", width.name());
    let Some(chromedriver) = chromedriver_path(&test) else {
        return;
    };
    let driver = Chromedriver::start(&chromedriver).await;
    let site = Site::start(&test).await;
    let mut tab = Tab::open(&driver, "passkey", width, &site.base).await;
    add_virtual_authenticator(&tab).await;
    let (email, password) = ("grace@example.com", "correct horse battery");

    register_and_confirm(&mut tab, &site, email, password).await;
    submit_sign_in(&mut tab, email, password, "signed-in").await;
    assert!(
        tab.signed_in().await,
        "the confirmed account did not sign in"
    );
    add_passkey(&mut tab, "Laptop").await;
    tab.sign_out().await;

    // Straight to the passkey page: on the sign-in page the browser's passkey autofill would
    // answer at once, since the virtual authenticator needs no touch.
    tab.visit("/wan-signin", "passkey-sign-in").await;
    tab.click("#wan-signin-submit", "passkey-ceremony").await;
    tab.click_then_wait(
        "#wan_signin_response_form-continue",
        "#logout_form",
        "signed-in-passkey",
    )
    .await;
    assert_eq!(tab.text_of(".user-email").await, email);

    tab.finish().await;
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passkey_journey_desktop() {
    within_time_limit(passkey_journey(Width::Desktop)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passkey_journey_phone() {
    within_time_limit(passkey_journey(Width::Phone)).await;
}
