//! The command line (CONTRACT C0 seeding): users and roles managed through
//! `rocket_security::cli` against a SQLite database named by the configuration, as the
//! starter's `users create` / `roles create` / `roles add` do.

use clap::Parser as _;
use rocket::figment::Figment;
use rocket_security::cli::{execute, run, run_with, Cli};
use rocket_security::{
    Argon2Hasher, DieselDatastore, PasswordHasher, RoleStore, Security, User, UserQuery, UserStore,
};

const SECRET_KEY: &str =
    "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk7VsrKd/6JHzuX7WFQ1FhLp31qVvOfhu0kszKYcLfbeQ==";
const PEPPER: &str = "cli-test-pepper";

/// A configuration on a fresh SQLite file, as the starter's `Rocket.toml` would give it.
struct Setup {
    figment: Figment,
    url: String,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/x.sqlite3", dir.path().display());
    let figment = Figment::from(rocket::Config::debug_default())
        .merge(("log_level", "off"))
        .merge(("secret_key", SECRET_KEY))
        .merge(("databases.security.url", url.clone()))
        .merge(("security.password_salt", PEPPER))
        // Cheap hashing: these tests check what is stored, not the cost.
        .merge(("security.argon2_memory_kib", 1024))
        .merge(("security.argon2_iterations", 1))
        .merge(("security.password_hash_workers", 1));
    Setup {
        figment,
        url,
        _dir: dir,
    }
}

impl Setup {
    /// Runs one command line (without the program name); its message or error.
    async fn cli(&self, args: &[&str]) -> Result<String, String> {
        let cli = Cli::try_parse_from(std::iter::once("app").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?} does not parse: {e}"));
        execute(cli, Security::builder(), &self.figment).await
    }

    /// Runs one command line like `main` does; its exit code.
    async fn exit_code(&self, args: &[&str]) -> i32 {
        run_with(
            std::iter::once("app").chain(args.iter().copied()),
            Security::builder(),
            &self.figment,
        )
        .await
    }

    async fn store(&self) -> DieselDatastore {
        DieselDatastore::connect(&self.url, 1).await.unwrap()
    }

    async fn user(&self, email: &str) -> Option<User> {
        let store = self.store().await;
        let user = store.find_user(UserQuery::Email(email)).await.unwrap();
        store.pool().close();
        user
    }

    /// Whether `password` is the user's password, checked as a login would (same pepper).
    async fn password_is(&self, email: &str, password: &str) -> bool {
        let hash = self.user(email).await.unwrap().password.unwrap();
        let hasher = Argon2Hasher::builder()
            .pepper(PEPPER)
            .workers(1)
            .build()
            .unwrap();
        hasher.verify(password, &hash).await.unwrap()
    }
}

#[rocket::async_test]
async fn users_create_stores_a_confirmed_user_with_new_roles() {
    let s = setup();
    let message = s
        .cli(&[
            "users",
            "create",
            "Joe@Example.COM",
            "--password",
            "password123",
            "--role",
            "admin",
            "--role",
            "editor",
            "--confirmed",
        ])
        .await
        .unwrap();
    assert!(message.contains("Joe@example.com"), "{message}");
    let user = s.user("joe@example.com").await.expect("the user exists");
    assert_eq!(user.email, "Joe@example.com", "domain lower-cased");
    assert!(user.active);
    assert!(user.is_confirmed());
    assert_eq!(user.role_names(), ["admin", "editor"]);
    let store = s.store().await;
    for role in ["admin", "editor"] {
        assert!(
            store.find_role(role).await.unwrap().is_some(),
            "{role} was created on demand"
        );
    }
    assert!(s.password_is("joe@example.com", "password123").await);
    assert!(!s.password_is("joe@example.com", "password124").await);
}

#[rocket::async_test]
async fn users_create_without_flags_is_unconfirmed_and_inactive_on_request() {
    let s = setup();
    s.cli(&[
        "users",
        "create",
        "amy@example.com",
        "--password",
        "password123",
    ])
    .await
    .unwrap();
    let amy = s.user("amy@example.com").await.unwrap();
    assert!(
        !amy.is_confirmed(),
        "C0: created without --confirmed is unconfirmed"
    );
    assert!(amy.active);
    assert!(amy.roles.is_empty());
    s.cli(&[
        "users",
        "create",
        "bob@example.com",
        "--password",
        "password123",
        "--inactive",
    ])
    .await
    .unwrap();
    assert!(!s.user("bob@example.com").await.unwrap().active);
}

#[rocket::async_test]
async fn users_create_refuses_duplicates_bad_addresses_and_short_passwords() {
    let s = setup();
    s.cli(&[
        "users",
        "create",
        "joe@example.com",
        "--password",
        "password123",
    ])
    .await
    .unwrap();
    let error = s
        .cli(&[
            "users",
            "create",
            "JOE@example.com",
            "--password",
            "password456",
        ])
        .await
        .unwrap_err();
    assert!(error.contains("already exists"), "{error}");
    assert!(
        s.password_is("joe@example.com", "password123").await,
        "the existing user is untouched"
    );

    let error = s
        .cli(&[
            "users",
            "create",
            "not-an-email",
            "--password",
            "password123",
        ])
        .await
        .unwrap_err();
    assert!(error.contains("invalid e-mail address"), "{error}");
    assert!(error.contains("not-an-email"), "{error}");

    let error = s
        .cli(&["users", "create", "amy@example.com", "--password", "short"])
        .await
        .unwrap_err();
    assert_eq!(error, "Password must be at least 8 characters");
    assert!(s.user("amy@example.com").await.is_none());
}

#[rocket::async_test]
async fn users_create_and_change_password_apply_the_password_policy() {
    let mut s = setup();
    s.figment = s
        .figment
        .merge(("security.password_check_breached", true))
        .merge(("security.password_complexity_checker", "zxcvbn"));
    let error = s
        .cli(&[
            "users",
            "create",
            "amy@example.com",
            "--password",
            "iloveyou",
        ])
        .await
        .unwrap_err();
    assert_eq!(error, "Password on breached list");
    let error = s
        .cli(&[
            "users",
            "create",
            "amy@example.com",
            "--password",
            "amyamyamy1",
        ])
        .await
        .unwrap_err();
    assert!(error.starts_with("Password not complex enough"), "{error}");
    assert!(s.user("amy@example.com").await.is_none());
    let strong = "plum orchard whistles at dusk";
    s.cli(&["users", "create", "amy@example.com", "--password", strong])
        .await
        .unwrap();
    let error = s
        .cli(&[
            "users",
            "change-password",
            "amy@example.com",
            "--password",
            "password1",
        ])
        .await
        .unwrap_err();
    assert_eq!(error, "Password on breached list");
    assert!(s.password_is("amy@example.com", strong).await);
}

#[rocket::async_test]
async fn users_create_takes_a_username_when_usernames_are_on() {
    let mut s = setup();
    let args = [
        "users",
        "create",
        "kim@example.com",
        "--password",
        "password123",
        "--username",
        "Kim7",
    ];
    let error = s.cli(&args).await.unwrap_err();
    assert!(error.contains("username_enable"), "{error}");
    s.figment = s.figment.merge(("security.username_enable", true));
    let mut bad = args;
    bad[6] = "k.m";
    let error = s.cli(&bad).await.unwrap_err();
    assert_eq!(error, "Username can contain only letters and numbers");
    s.cli(&args).await.unwrap();
    let kim = s.user("kim@example.com").await.unwrap();
    assert_eq!(kim.username.as_deref(), Some("Kim7"));
}

#[rocket::async_test]
async fn users_deactivate_and_activate() {
    let s = setup();
    s.cli(&[
        "users",
        "create",
        "joe@example.com",
        "--password",
        "password123",
    ])
    .await
    .unwrap();
    let message = s
        .cli(&["users", "deactivate", "joe@example.com"])
        .await
        .unwrap();
    assert_eq!(message, "deactivated joe@example.com");
    assert!(!s.user("joe@example.com").await.unwrap().active);
    let message = s
        .cli(&["users", "deactivate", "joe@example.com"])
        .await
        .unwrap();
    assert_eq!(message, "joe@example.com was already inactive");
    let message = s
        .cli(&["users", "activate", "JOE@EXAMPLE.COM"])
        .await
        .unwrap();
    assert_eq!(message, "activated joe@example.com");
    assert!(s.user("joe@example.com").await.unwrap().active);
    let error = s
        .cli(&["users", "activate", "nobody@example.com"])
        .await
        .unwrap_err();
    assert!(error.contains("no user"), "{error}");
}

#[rocket::async_test]
async fn users_change_password_replaces_the_password_and_revokes_tokens() {
    let s = setup();
    s.cli(&[
        "users",
        "create",
        "joe@example.com",
        "--password",
        "password123",
    ])
    .await
    .unwrap();
    let before = s.user("joe@example.com").await.unwrap();
    let error = s
        .cli(&[
            "users",
            "change-password",
            "joe@example.com",
            "--password",
            "short",
        ])
        .await
        .unwrap_err();
    assert_eq!(error, "Password must be at least 8 characters");
    assert!(s.password_is("joe@example.com", "password123").await);

    s.cli(&[
        "users",
        "change-password",
        "joe@example.com",
        "--password",
        "new-password-1",
    ])
    .await
    .unwrap();
    assert!(!s.password_is("joe@example.com", "password123").await);
    assert!(s.password_is("joe@example.com", "new-password-1").await);
    let after = s.user("joe@example.com").await.unwrap();
    assert_ne!(
        before.fs_token_uniquifier, after.fs_token_uniquifier,
        "auth tokens issued before are revoked"
    );
    let error = s
        .cli(&[
            "users",
            "change-password",
            "nobody@example.com",
            "--password",
            "new-password-1",
        ])
        .await
        .unwrap_err();
    assert!(error.contains("no user"), "{error}");
}

#[rocket::async_test]
async fn roles_create_refuses_duplicates() {
    let s = setup();
    let message = s
        .cli(&[
            "roles",
            "create",
            "admin",
            "--description",
            "Administrators",
        ])
        .await
        .unwrap();
    assert_eq!(message, "created role admin");
    let role = s.store().await.find_role("admin").await.unwrap().unwrap();
    assert_eq!(role.description.as_deref(), Some("Administrators"));
    let error = s.cli(&["roles", "create", "admin"]).await.unwrap_err();
    assert!(
        error.contains("admin") && error.contains("already exists"),
        "{error}"
    );
}

#[rocket::async_test]
async fn roles_add_and_remove() {
    let s = setup();
    s.cli(&[
        "users",
        "create",
        "joe@example.com",
        "--password",
        "password123",
    ])
    .await
    .unwrap();
    let error = s
        .cli(&["roles", "add", "joe@example.com", "admin"])
        .await
        .unwrap_err();
    assert!(
        error.contains("no such role") && error.contains("admin"),
        "{error}"
    );
    assert!(s.user("joe@example.com").await.unwrap().roles.is_empty());

    s.cli(&["roles", "create", "admin"]).await.unwrap();
    let message = s
        .cli(&["roles", "add", "joe@example.com", "admin"])
        .await
        .unwrap();
    assert_eq!(message, "granted admin to joe@example.com");
    assert_eq!(
        s.user("joe@example.com").await.unwrap().role_names(),
        ["admin"]
    );
    let message = s
        .cli(&["roles", "add", "joe@example.com", "admin"])
        .await
        .unwrap();
    assert_eq!(message, "joe@example.com already has admin");

    let message = s
        .cli(&["roles", "remove", "joe@example.com", "admin"])
        .await
        .unwrap();
    assert_eq!(message, "revoked admin from joe@example.com");
    assert!(s.user("joe@example.com").await.unwrap().roles.is_empty());
    let message = s
        .cli(&["roles", "remove", "joe@example.com", "admin"])
        .await
        .unwrap();
    assert_eq!(message, "joe@example.com did not have admin");
    assert!(
        s.store().await.find_role("admin").await.unwrap().is_some(),
        "revoking keeps the role"
    );
    let error = s
        .cli(&["roles", "add", "nobody@example.com", "admin"])
        .await
        .unwrap_err();
    assert!(error.contains("no user"), "{error}");
}

#[rocket::async_test]
async fn exit_codes_are_0_on_success_1_on_failure_2_on_usage_errors() {
    let s = setup();
    let create = [
        "users",
        "create",
        "joe@example.com",
        "--password",
        "password123",
    ];
    assert_eq!(s.exit_code(&create).await, 0);
    assert!(s.user("joe@example.com").await.is_some());
    assert_eq!(s.exit_code(&create).await, 1, "duplicate user");
    assert_eq!(
        s.exit_code(&["roles", "add", "joe@example.com", "nope"])
            .await,
        1
    );
    assert_eq!(s.exit_code(&["roles", "create", "admin"]).await, 0);
    assert_eq!(
        s.exit_code(&["roles", "add", "joe@example.com", "admin"])
            .await,
        0
    );

    // Usage errors are found before the configuration is read.
    for usage in [
        &["users", "create", "amy@example.com"][..],
        &["users", "create"],
        &["users", "frobnicate", "amy@example.com"],
        &["roles", "add", "joe@example.com"],
        &["users", "create", "amy@example.com", "--password"],
        &[],
    ] {
        assert_eq!(s.exit_code(usage).await, 2, "{usage:?}");
    }
    assert!(s.user("amy@example.com").await.is_none());
    let code = run(["app", "users", "create", "amy@example.com"]).await;
    assert_eq!(code, 2, "a missing --password");
}

#[rocket::async_test]
async fn a_bad_configuration_fails_with_exit_code_1() {
    let s = setup();
    let figment = s
        .figment
        .clone()
        .merge(("security.confirm_email_within", "10 fortnights"));
    let args = ["app", "roles", "create", "admin"];
    assert_eq!(run_with(args, Security::builder(), &figment).await, 1);
    let cli = Cli::try_parse_from(args).unwrap();
    let error = execute(cli, Security::builder(), &figment)
        .await
        .unwrap_err();
    assert!(error.contains("confirm_email_within"), "{error}");
    assert!(error.contains("10 fortnights"), "{error}");
}
