//! A software authenticator for the passkey tests: webauthn-authenticator-rs's `SoftPasskey`
//! driven through the JSON API, as a browser's `navigator.credentials` would be.

#![allow(dead_code)]

use rocket::http::Status;
use rocket::local::asynchronous::Client;
use serde_json::{json, Value};
use url::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;

use super::app::post_json_with;

/// The site the test apps serve passkeys for.
pub const ORIGIN: &str = "http://localhost:8000";

/// A device with passkeys on it.
pub struct Device(WebauthnAuthenticator<SoftPasskey>);

impl Default for Device {
    fn default() -> Self {
        // The software key claims user verification, as a device with a screen lock does.
        Device(WebauthnAuthenticator::new(SoftPasskey::new(true)))
    }
}

impl Device {
    /// Answers `credential_options` of a registration with a new passkey's credential JSON.
    pub fn create(&mut self, credential_options: &Value) -> String {
        let options = serde_json::from_value(json!({ "publicKey": credential_options }))
            .expect("creation options");
        let credential = self
            .0
            .do_registration(Url::parse(ORIGIN).unwrap(), options)
            .expect("the device registers a passkey");
        serde_json::to_string(&credential).unwrap()
    }

    /// Answers `credential_options` of a sign-in with the credential JSON of an assertion.
    /// `discovered` stands in for the device picking its own passkey when the server left the
    /// choice open (a discoverable sign-in).
    pub fn get(&mut self, credential_options: &Value, discovered: Option<&str>) -> String {
        let mut options = credential_options.clone();
        if let Some(id) = discovered {
            options["allowCredentials"] = json!([{"type": "public-key", "id": id}]);
        }
        let options =
            serde_json::from_value(json!({ "publicKey": options })).expect("request options");
        let credential = self
            .0
            .do_authentication(Url::parse(ORIGIN).unwrap(), options)
            .expect("the device signs");
        serde_json::to_string(&credential).unwrap()
    }
}

/// Starts a ceremony at `path` (JSON) and returns its options and state token.
pub async fn start(client: &Client, path: &str, body: Value, csrf: &str) -> (Value, String) {
    let (status, reply) = post_json_with(client, path, body, Some(csrf)).await;
    assert_eq!(status, Status::Ok, "{path}: {reply}");
    let response = &reply["response"];
    (
        response["credential_options"].clone(),
        response["wan_state"]
            .as_str()
            .expect("a wan_state")
            .to_owned(),
    )
}

/// Registers a passkey named `name` for `usage` for the signed-in user of `client`.
pub async fn register(client: &Client, device: &mut Device, name: &str, usage: &str, csrf: &str) {
    let body = json!({"name": name, "usage": usage});
    let (options, state) = start(client, "/wan-register", body, csrf).await;
    let credential = device.create(&options);
    let path = format!("/wan-register/{state}");
    let (status, reply) =
        post_json_with(client, &path, json!({"credential": credential}), Some(csrf)).await;
    assert_eq!(status, Status::Ok, "{reply}");
}
