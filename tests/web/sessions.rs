//! Signed-in sessions: logout, remember-me, guards and deactivation.

use super::*;

per_backend!(
    stores:
    logout_ends_the_server_side_session,
    remember_me_cookie_signs_in_alone_and_logout_revokes_it,
    guards_redirect_forbid_and_allow,
    deactivated_user_loses_the_session,
);

async fn logout_ends_the_server_side_session(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    app.login("joe@example.com", "password123").await;
    let copied = app.session_cookie().unwrap();
    let response = app.client.get("/logout").dispatch().await;
    assert_eq!(response.status(), Status::MethodNotAllowed);
    let (status, body) = app.post_json("/logout", json!({}), None).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body, json!({"meta": {"code": 200}, "response": {}}));
    let response = app
        .client
        .get("/protected")
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    let response = app
        .client
        .get("/protected")
        .header(Accept::JSON)
        .cookie(copied)
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Unauthorized,
        "a copied cookie stops working at logout"
    );
    let response = app.client.post("/logout").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/"));
}

async fn remember_me_cookie_signs_in_alone_and_logout_revokes_it(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let token = app.csrf().await;
    let response = app
        .client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", token))
        .body(
            json!({"email": "joe@example.com", "password": "password123", "remember": true})
                .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let remember_header = response
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("remember_token="))
        .expect("remember cookie")
        .to_owned();
    assert!(remember_header.contains("HttpOnly") && remember_header.contains("SameSite=Lax"));
    assert!(remember_header.contains("Expires="), "{remember_header}");
    let remember = app.client.cookies().get("remember_token").unwrap().clone();
    let expires = remember.expires_datetime().unwrap();
    let days = (expires - rocket::time::OffsetDateTime::now_utc()).whole_days();
    assert!((364..=365).contains(&days), "{days}");
    let browser = app.browser().await;
    let response = browser
        .get("/protected")
        .cookie(remember.clone())
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Ok,
        "the remember cookie alone signs in"
    );
    assert!(
        response
            .headers()
            .get("Set-Cookie")
            .any(|c| c.starts_with("session=")),
        "and starts a session"
    );
    let response = app.client.post("/logout").dispatch().await;
    let cleared = response
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("remember_token="))
        .expect("logout clears the remember cookie")
        .to_owned();
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("Thu, 01 Jan 1970 00:00:00 GMT"),
        "{cleared}"
    );
    let browser = app.browser().await;
    let response = browser
        .get("/protected")
        .header(Accept::JSON)
        .cookie(remember)
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Unauthorized,
        "a revoked remember token stops working"
    );
}

async fn guards_redirect_forbid_and_allow(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    app.user("plain@example.com", "password123", true, true, &[])
        .await;
    app.user("boss@example.com", "password123", true, true, &["admin"])
        .await;
    app.user("writer@example.com", "password123", true, true, &["author"])
        .await;
    let response = app.client.get("/protected?a=1&b=2").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert_eq!(location, "/login?next=/protected%3Fa%3D1%26b%3D2");
    let page = app
        .client
        .get(location)
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("You must sign in to view this resource."));
    let (status, body) = app.get_json("/admin").await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(
        body,
        json!({"meta":{"code":401},"response":{"errors":["You must sign in to view this resource."]}})
    );

    app.login("plain@example.com", "password123").await;
    let (status, body) = app.get_json("/admin").await;
    assert_eq!(status, Status::Forbidden);
    assert_eq!(
        body,
        json!({"meta":{"code":403},"response":{"errors":["You do not have permission to view this resource."]}})
    );
    assert_eq!(
        app.client.get("/admin").dispatch().await.status(),
        Status::Forbidden
    );
    assert_eq!(
        app.client.get("/editor").dispatch().await.status(),
        Status::Forbidden
    );
    app.post("/logout", json!({})).await;

    app.login("boss@example.com", "password123").await;
    let response = app.client.get("/admin").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert!(response
        .into_string()
        .await
        .unwrap()
        .contains("boss@example.com"));
    assert_eq!(
        app.client.get("/editor").dispatch().await.status(),
        Status::Forbidden
    );
    app.post("/logout", json!({})).await;

    app.login("writer@example.com", "password123").await;
    assert_eq!(
        app.client.get("/editor").dispatch().await.status(),
        Status::Ok
    );
}

async fn deactivated_user_loses_the_session(store: Arc<dyn UserDatastore>) {
    let app = with_user(store.clone()).await;
    app.login("joe@example.com", "password123").await;
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok
    );
    let user = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert!(store.deactivate_user(&user).await.unwrap());
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized);
}
