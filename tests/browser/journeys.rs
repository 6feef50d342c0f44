//! The account journey as a person goes through it: register, confirm from the mail, sign in,
//! set up an authenticator, sign in with it, use a recovery code, reset the password from the
//! mail and change the e-mail address, at desktop and at phone width.

use fantoccini::Locator;

use crate::common::totp::code_on;
use crate::driver::{chromedriver_path, within_time_limit, Chromedriver, Width};
use crate::site::Site;
use crate::tab::Tab;

/// Registers `email` through the form and confirms it through the link in the mail.
pub async fn register_and_confirm(tab: &mut Tab, site: &Site, email: &str, password: &str) {
    tab.visit("/register", "register").await;
    tab.fill("email", email).await;
    tab.fill("password", password).await;
    tab.fill("password_confirm", password).await;
    tab.click("#register_user_form [type=submit]", "registered")
        .await;
    assert!(
        !tab.signed_in().await,
        "signed in before confirming the address"
    );
    let link = site.link_in_mail(email, "/confirm/");
    tab.visit(&link, "confirmed").await;
}

/// Fills and sends the sign-in form; the next page is checked as `page`.
pub async fn submit_sign_in(tab: &mut Tab, identity: &str, password: &str, page: &str) {
    tab.visit("/login", "sign-in").await;
    tab.fill("identity", identity).await;
    tab.fill("password", password).await;
    tab.click("#login_user_form [type=submit]", page).await;
}

/// Signs in with a password and then the authenticator's current code.
async fn sign_in_two_steps(tab: &mut Tab, site: &Site, email: &str, password: &str, key: &str) {
    // Each code is accepted once: the next one belongs to the next 30-second period.
    site.clock.advance(chrono::Duration::seconds(30));
    submit_sign_in(tab, email, password, "second-step").await;
    assert!(
        tab.path().await.starts_with("/tf-validate"),
        "the password alone led to {}",
        tab.path().await
    );
    assert!(!tab.signed_in().await, "signed in before the second step");
    tab.fill("code", &code_on(&site.clock, key, 0)).await;
    tab.click(
        "#two_factor_verify_code_form [type=submit]",
        "signed-in-two-steps",
    )
    .await;
    assert!(
        tab.signed_in().await,
        "the authenticator code did not sign in"
    );
}

/// Turns the authenticator on from the two-factor page; returns the key shown there.
async fn set_up_authenticator(tab: &mut Tab, site: &Site) -> String {
    tab.visit("/tf-setup", "two-factor").await;
    tab.choose("#setup-authenticator").await;
    tab.click("#two_factor_setup_form [type=submit]", "authenticator-key")
        .await;
    let key = tab.text_of(".key code").await;
    tab.fill("code", &code_on(&site.clock, &key, 0)).await;
    tab.click("#code_submit", "two-factor-on").await;
    tab.find(".badge-on").await;
    key
}

/// New recovery codes from the recovery-codes page.
async fn new_recovery_codes(tab: &mut Tab) -> Vec<String> {
    tab.visit("/mf-recovery-codes", "recovery-codes").await;
    tab.click(
        "#mf_recovery_codes_form [type=submit]",
        "recovery-codes-new",
    )
    .await;
    let mut codes = Vec::new();
    for code in tab
        .client
        .find_all(Locator::Css(".codes code"))
        .await
        .expect("the list of codes")
    {
        codes.push(code.text().await.expect("a code"));
    }
    assert!(!codes.is_empty(), "no recovery codes shown");
    codes
}

/// Resets the password from the link in the mail.
async fn reset_password(tab: &mut Tab, site: &Site, email: &str, new_password: &str) {
    tab.visit("/reset", "forgot-password").await;
    tab.fill("email", email).await;
    tab.click("#forgot_password_form [type=submit]", "reset-sent")
        .await;
    let link = site.link_in_mail(email, "/reset/");
    tab.visit(&link, "reset-password").await;
    tab.fill("password", new_password).await;
    tab.fill("password_confirm", new_password).await;
    tab.click("#reset_password_form [type=submit]", "password-reset")
        .await;
}

/// The whole account journey at `width`.
async fn account_journey(width: Width) {
    let test = format!("account_journey_{}", width.name());
    let Some(chromedriver) = chromedriver_path(&test) else {
        return;
    };
    let driver = Chromedriver::start(&chromedriver).await;
    let site = Site::start(&test).await;
    let mut tab = Tab::open(&driver, "account", width, &site.base).await;
    let (email, password) = ("ada@example.com", "correct horse battery");

    register_and_confirm(&mut tab, &site, email, password).await;
    submit_sign_in(&mut tab, email, password, "signed-in").await;
    assert!(
        tab.signed_in().await,
        "the confirmed account did not sign in"
    );

    let key = set_up_authenticator(&mut tab, &site).await;
    tab.sign_out().await;
    sign_in_two_steps(&mut tab, &site, email, password, &key).await;

    let codes = new_recovery_codes(&mut tab).await;
    tab.sign_out().await;
    submit_sign_in(&mut tab, email, password, "second-step").await;
    tab.visit("/mf-recovery", "recovery-code-entry").await;
    tab.fill("code", &codes[0]).await;
    tab.click("#mf_recovery_form [type=submit]", "signed-in-recovery-code")
        .await;
    assert!(tab.signed_in().await, "the recovery code did not sign in");
    tab.sign_out().await;

    let new_password = "another long passphrase";
    reset_password(&mut tab, &site, email, new_password).await;
    sign_in_two_steps(&mut tab, &site, email, new_password, &key).await;

    let new_email = "ada.lovelace@example.com";
    tab.visit("/change-email", "change-email").await;
    tab.fill("email", new_email).await;
    tab.click("#change_email_form [type=submit]", "change-email-sent")
        .await;
    let link = site.link_in_mail(new_email, "/change-email/");
    tab.visit(&link, "email-changed").await;
    tab.sign_out().await;
    sign_in_two_steps(&mut tab, &site, new_email, new_password, &key).await;
    assert_eq!(tab.text_of(".user-email").await, new_email);

    tab.finish().await;
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_journey_desktop() {
    within_time_limit(account_journey(Width::Desktop)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_journey_phone() {
    within_time_limit(account_journey(Width::Phone)).await;
}
