//! `/api/me` and the user payload an application can customise.

use super::*;

per_backend!(
    stores:
    api_me_takes_a_session_or_a_token,
    user_payload_is_empty_by_default,
    user_payload_can_be_customised,
);

async fn api_me_takes_a_session_or_a_token(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let answer = fetch(&app.client, "/api/me", &[], true).await;
    assert_eq!(answer.status, Status::Unauthorized);
    assert_eq!(answer.json(), unauthorized());
    assert_eq!(answer.www_authenticate, None);
    let answer = fetch(&app.client, "/api/me", &[], false).await;
    assert_eq!(answer.status, Status::Found);
    assert_eq!(answer.location.as_deref(), Some("/login?next=/api/me"));

    let token = issue_token(&app.client, JOE, PASSWORD).await;
    let (status, via_session) = app.get_json("/api/me").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(via_session["email"], JOE);
    assert_eq!(via_session["login_count"], 1);
    let (status, via_token) = get_with_token(&app.browser().await, "/api/me", &token).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(via_token, via_session);
    let mut keys: Vec<&String> = via_token.as_object().unwrap().keys().collect();
    keys.sort();
    let mut expected = [
        "active",
        "confirmed",
        "current_login_at",
        "current_login_ip",
        "email",
        "last_login_at",
        "last_login_ip",
        "login_count",
        "roles",
        "tf_primary_method",
    ];
    expected.sort();
    assert_eq!(keys, expected);
}

async fn user_payload_is_empty_by_default(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let body = app.login(JOE, PASSWORD).await;
    assert_eq!(body["response"]["user"], json!({}));
    let (status, page) = app.get_json("/change").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(page["response"]["user"], json!({}));
    let (_, page) = app.get_json("/login").await;
    assert_eq!(page["response"]["user"], json!({}));
}

async fn user_payload_can_be_customised(store: Arc<dyn UserDatastore>) {
    let app = app_with(store, contract_settings(), |b| {
        b.user_payload(|u| json!({"email": u.email}))
    })
    .await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let body = app.login(JOE, PASSWORD).await;
    assert_eq!(body["response"]["user"], json!({"email": JOE}));
    let (_, page) = app.get_json("/login").await;
    assert_eq!(page["response"]["user"], json!({"email": JOE}));
    let (_, page) = app.get_json("/change").await;
    assert_eq!(page["response"]["user"], json!({"email": JOE}));

    let body = login_with(&app.browser().await, JOE, PASSWORD, "?include_auth_token").await;
    let user = &body["response"]["user"];
    assert_eq!(user["email"], JOE);
    let token = user["authentication_token"].as_str().unwrap();
    assert_eq!(user.as_object().unwrap().len(), 2, "{user}");
    let (status, _) = get_with_token(&app.browser().await, "/api/token", token).await;
    assert_eq!(status, Status::Ok);
}
