//! `/register`: create an account (unconfirmed when confirmation is on) and send `Welcome`.

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map};

use crate::config::SecurityConfig;
use crate::context::{anonymous_only, form_next, Ctx, Reply};
use crate::datastore::{DatastoreError, NewUser, User, UserQuery};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{check_new_password, FormKind, FormState, Input};
use crate::i18n::Message;
use crate::mail::MailKind;
use crate::session::login_user_via;
use crate::username::{validate_username, UsernameError};

pub(super) fn routes(_config: &SecurityConfig) -> Vec<Route> {
    rocket::routes![register_page, register]
}

fn register_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("register_user_form", ctx.config().route_path("/register"))
        .kind(FormKind::Register)
}

#[get("/register")]
async fn register_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    if let Some(reply) = anonymous_only(&ctx).await? {
        return Ok(reply);
    }
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    let mut form = register_form(&ctx);
    if let Some(next) = ctx.query_next() {
        form.value("next", next);
    }
    ctx.page("register_user.html", &form, Context::new()).await
}

/// The `username` field when usernames are on: validated and normalised, or an error under
/// the field (also when it is required and missing).
fn username_field(config: &SecurityConfig, form: &mut FormState, input: &Input) -> Option<String> {
    if !config.username_enable {
        return None;
    }
    let raw = input.text("username");
    form.value("username", raw.clone().unwrap_or_default());
    match raw {
        None if config.username_required => {
            form.error("username", UsernameError::NotProvided);
            None
        }
        None => None,
        Some(raw) => match validate_username(config, &raw) {
            Ok(name) => Some(name),
            Err(error) => {
                form.error("username", error);
                None
            }
        },
    }
}

#[post("/register", data = "<input>")]
async fn register(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    if let Some(reply) = anonymous_only(&ctx).await? {
        return Ok(reply);
    }
    ctx.check_csrf(&input).await?;
    let config = ctx.config();
    let mut form = register_form(&ctx);
    let email = form.email_field(&input, "email");
    let username = username_field(config, &mut form, &input);
    let inputs = [
        email.as_deref().unwrap_or_default(),
        username.as_deref().unwrap_or_default(),
    ];
    let password = check_new_password(
        config,
        &mut form,
        &input,
        ("password", "password_confirm"),
        &inputs,
    );
    let next = form_next(&ctx, &input, &mut form);
    let extra = form.check_extra_fields(ctx.sec, &input);
    if form.has_errors() {
        return ctx.invalid("register_user.html", &form).await;
    }
    let (email, password) = (email.unwrap_or_default(), password.unwrap_or_default());
    if let Some(name) = &username {
        let taken = ctx
            .sec
            .datastore()
            .find_user(UserQuery::Username(name))
            .await?;
        if taken.is_some_and(|u| !u.email.eq_ignore_ascii_case(&email)) {
            form.error("username", UsernameError::Taken(name.clone()));
            return ctx.invalid("register_user.html", &form).await;
        }
    }

    let new_user = NewUser {
        email: email.clone(),
        username,
        active: true,
        extra,
        locale: Some(ctx.lang().await.to_string()),
        ..NewUser::default()
    };
    let created = match create_account(&ctx, new_user, &password).await? {
        Created::New(user) => Ok(user),
        Created::Existing(owner) => Err(owner),
        Created::UsernameTaken(name) => {
            form.error("username", UsernameError::Taken(name));
            return ctx.invalid("register_user.html", &form).await;
        }
    };

    let logged_in = match created {
        Ok(user) => registered(&ctx, &user, next.is_some()).await?,
        Err(owner) => {
            someone_tried_to_register(&ctx, &owner).await?;
            false
        }
    };
    let target = next
        .or_else(|| config.post_register_view.clone())
        .unwrap_or_else(|| config.post_login_view.clone());
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), json!({}));
        return ctx.ok(response).await;
    }
    if config.confirmable && !logged_in {
        let email = email.to_string();
        ctx.flash("success", Message::ConfirmRegistration { email })
            .await?;
    }
    Ok(Reply::redirect(target))
}

/// What registering an address did.
enum Created {
    /// A new account.
    New(User),
    /// The address has an account (possibly made by a concurrent registration).
    Existing(User),
    /// The username was taken by a concurrent registration.
    UsernameTaken(String),
}

/// Creates the account, unless the address has one.
async fn create_account(
    ctx: &Ctx<'_>,
    mut new_user: NewUser,
    password: &str,
) -> Result<Created, Error> {
    let store = ctx.sec.datastore();
    if let Some(owner) = store.find_user(UserQuery::Email(&new_user.email)).await? {
        return Ok(Created::Existing(owner));
    }
    new_user.password = Some(ctx.sec.hasher().hash(password).await?);
    let (email, username) = (new_user.email.clone(), new_user.username.clone());
    match store.create_user(new_user).await {
        Ok(user) => Ok(Created::New(user)),
        // Lost a race with another registration of the same address or username.
        Err(DatastoreError::DuplicateUser) => {
            match (store.find_user(UserQuery::Email(&email)).await?, username) {
                (Some(owner), _) => Ok(Created::Existing(owner)),
                (None, Some(name)) => Ok(Created::UsernameTaken(name)),
                (None, None) => Err(DatastoreError::DuplicateUser.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// After creating `user`: the welcome mail, the event, and the login when no confirmation is
/// needed. Returns whether the user was signed in.
async fn registered(ctx: &Ctx<'_>, user: &User, _has_next: bool) -> Result<bool, Error> {
    let config = ctx.config();
    let confirm_token = config
        .confirmable
        .then(|| crate::links::confirmation_token(ctx.sec, user));
    if config.send_register_email {
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        if let Some(token) = &confirm_token {
            context.insert(
                "confirmation_link",
                &crate::links::confirmation_link(ctx, token),
            );
        }
        ctx.sec
            .send_security_mail(Message::SubjectRegister, &user.email, "welcome", &context)
            .await?;
    }
    ctx.sec.emit(SecurityEvent::UserRegistered {
        user: user.clone(),
        confirm_token,
    });
    if !config.confirmable || config.login_without_confirmation {
        login_user_via(ctx.req, user, false, crate::config::SignInMethod::Register).await?;
        return Ok(true);
    }
    Ok(false)
}

/// A registration for an address that has an account: the owner is told, with a link to reset
/// the password (and to confirm, if still unconfirmed). Nothing changes in the account.
async fn someone_tried_to_register(ctx: &Ctx<'_>, owner: &User) -> Result<(), Error> {
    if !ctx
        .sec
        .mail_allowed(MailKind::RegisterExisting, &owner.email)
        .await?
    {
        return Ok(());
    }
    let config = ctx.config();
    let mut context = Context::new();
    context.insert("user", &json!({"email": owner.email}));
    if config.recoverable {
        let token = crate::links::reset_token(ctx.sec, owner);
        context.insert("recovery_link", &crate::links::reset_link(ctx, &token));
    }
    if config.confirmable && !owner.is_confirmed() {
        let token = crate::links::confirmation_token(ctx.sec, owner);
        context.insert(
            "confirmation_link",
            &crate::links::confirmation_link(ctx, &token),
        );
    }
    ctx.sec
        .send_security_mail(
            Message::SubjectRegister,
            &owner.email,
            "welcome_existing",
            &context,
        )
        .await
}
