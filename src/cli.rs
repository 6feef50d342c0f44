//! The command line an application calls from `main`: manage users and roles against the same
//! configuration (and database) as the server, also while it runs.
//!
//! ```text
//! app users create EMAIL --password P [--role NAME]... [--confirmed] [--inactive]
//! app users activate EMAIL | users deactivate EMAIL
//! app users change-password EMAIL --password P
//! app users sessions EMAIL | users sign-out EMAIL
//! app users unlock EMAIL | users reset-access EMAIL
//! app roles create NAME [--description D]
//! app roles add EMAIL ROLE | roles remove EMAIL ROLE
//! ```

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::auth::validate_email;
use crate::builder::SecurityBuilder;
use crate::datastore::{DatastoreError, NewRole, NewUser, User, UserQuery};
use crate::password::PasswordPolicy;
use crate::state::Security;
use crate::username::validate_username;

/// The command line of an application using rocket_security.
#[derive(Debug, Parser)]
#[command(about = "Manage users and roles of a rocket_security application")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage users.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage roles.
    #[command(subcommand)]
    Roles(RolesCommand),
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create a user.
    Create(CreateArgs),
    /// Let a user sign in again.
    Activate(EmailArg),
    /// Stop a user from signing in.
    Deactivate(EmailArg),
    /// Set a user's password (ends their sessions and revokes their tokens).
    ChangePassword {
        /// E-mail address.
        email: String,
        /// The new password.
        #[arg(long)]
        password: String,
    },
    /// List where a user is signed in.
    Sessions(EmailArg),
    /// End every session and remember-me token of a user and revoke their auth tokens.
    SignOut(EmailArg),
    /// End the lockout of an address after too many wrong passwords.
    Unlock(EmailArg),
    /// Remove a user's two-factor and other sign-in methods (not the password) and sign them
    /// out everywhere.
    ResetAccess(EmailArg),
}

/// The arguments of `users create`.
#[derive(Debug, Args)]
struct CreateArgs {
    /// E-mail address.
    email: String,
    /// Password.
    #[arg(long)]
    password: String,
    /// Grant a role (created when missing); repeat for several.
    #[arg(long = "role")]
    roles: Vec<String>,
    /// Mark the address as confirmed.
    #[arg(long)]
    confirmed: bool,
    /// Create the account deactivated.
    #[arg(long)]
    inactive: bool,
    /// Username (with `username_enable`).
    #[arg(long)]
    username: Option<String>,
}

#[derive(Debug, Args)]
struct EmailArg {
    /// E-mail address.
    email: String,
}

#[derive(Debug, Subcommand)]
enum RolesCommand {
    /// Create a role.
    Create {
        /// Role name.
        name: String,
        /// Description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Grant a role to a user.
    Add {
        /// E-mail address.
        email: String,
        /// Role name.
        role: String,
    },
    /// Revoke a role from a user.
    Remove {
        /// E-mail address.
        email: String,
        /// Role name.
        role: String,
    },
}

/// Parses `args` (including the program name) and runs the command against the configuration
/// Rocket would load (`Rocket.toml`, `ROCKET_CONFIG`, `ROCKET_*`). Prints what it did, or an
/// error; returns the exit code (0 success, 1 failure, 2 usage).
///
/// ```no_run
/// # async fn demo() {
/// let code = rocket_security::cli::run(std::env::args_os().collect::<Vec<_>>()).await;
/// std::process::exit(code);
/// # }
/// ```
pub async fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, SecurityBuilder::default(), &rocket::Config::figment()).await
}

/// Like [`run`], with the builder (a custom datastore, hasher, ...) and the configuration given
/// explicitly instead of read from `Rocket.toml` and the environment. Returns the exit code.
///
/// ```no_run
/// # async fn demo() {
/// use rocket::figment::Figment;
/// use rocket_security::Security;
///
/// let figment = Figment::from(rocket::Config::debug_default())
///     .merge(("databases.security.url", "sqlite://security.sqlite3"));
/// let args = ["app", "roles", "create", "admin"];
/// let code = rocket_security::cli::run_with(args, Security::builder(), &figment).await;
/// assert_eq!(code, 0);
/// # }
/// ```
pub async fn run_with<I, T>(
    args: I,
    builder: SecurityBuilder,
    figment: &rocket::figment::Figment,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match execute(cli, builder, figment).await {
        Ok(message) => {
            println!("{message}");
            0
        }
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

/// Like [`run`], for `fn main() -> ExitCode`.
pub async fn main_exit_code() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    ExitCode::from(run(args).await.clamp(0, 255) as u8)
}

/// Runs a parsed command with a builder (to use a custom datastore) and a figment.
pub async fn execute(
    cli: Cli,
    builder: SecurityBuilder,
    figment: &rocket::figment::Figment,
) -> Result<String, String> {
    let security = builder.build(figment).await?.security;
    match cli.command {
        Command::Users(command) => users(&security, command).await,
        Command::Roles(command) => roles(&security, command).await,
    }
}

async fn find(security: &Security, email: &str) -> Result<User, String> {
    let found = match validate_email(email) {
        Some(email) => security
            .datastore()
            .find_user(UserQuery::Email(&email))
            .await
            .map_err(|e| e.to_string())?,
        None => None,
    };
    found.ok_or_else(|| format!("no user with the e-mail address {email:?}"))
}

fn check_password(security: &Security, password: &str, inputs: &[&str]) -> Result<(), String> {
    PasswordPolicy::from_config(security.config())
        .check(password, inputs)
        .map_err(|e| e.to_string())
}

/// `users create`: checks the address, username and password, then stores the user.
async fn create_user(security: &Security, args: CreateArgs) -> Result<String, String> {
    let CreateArgs {
        email,
        password,
        roles,
        confirmed,
        inactive,
        username,
    } = args;
    let store = security.datastore();
    let email =
        validate_email(&email).ok_or_else(|| format!("invalid e-mail address {email:?}"))?;
    let username = match username {
        Some(_) if !security.config().username_enable => {
            return Err("usernames are off: set username_enable".into())
        }
        Some(raw) => Some(validate_username(security.config(), &raw).map_err(|e| e.to_string())?),
        None => None,
    };
    let inputs = [email.as_str(), username.as_deref().unwrap_or_default()];
    check_password(security, &password, &inputs)?;
    let hash = security
        .hasher()
        .hash(&password)
        .await
        .map_err(|e| e.to_string())?;
    let user = store
        .create_user(NewUser {
            email: email.clone(),
            password: Some(hash),
            username,
            active: !inactive,
            confirmed_at: confirmed.then(|| security.now().naive_utc()),
            roles,
            ..NewUser::default()
        })
        .await
        .map_err(|e| match e {
            DatastoreError::DuplicateUser => {
                format!("a user with the e-mail address {email:?} already exists")
            }
            other => other.to_string(),
        })?;
    Ok(format!("created user {} (id {})", user.email, user.id))
}

async fn users(security: &Security, command: UsersCommand) -> Result<String, String> {
    let store = security.datastore();
    match command {
        UsersCommand::Create(args) => create_user(security, args).await,
        UsersCommand::Activate(EmailArg { email }) => {
            let user = find(security, &email).await?;
            let changed = store
                .activate_user(&user)
                .await
                .map_err(|e| e.to_string())?;
            Ok(if changed {
                format!("activated {}", user.email)
            } else {
                format!("{} was already active", user.email)
            })
        }
        UsersCommand::Deactivate(EmailArg { email }) => {
            let user = find(security, &email).await?;
            let changed = store
                .deactivate_user(&user)
                .await
                .map_err(|e| e.to_string())?;
            Ok(if changed {
                format!("deactivated {}", user.email)
            } else {
                format!("{} was already inactive", user.email)
            })
        }
        UsersCommand::ChangePassword { email, password } => {
            let user = find(security, &email).await?;
            let inputs = [
                user.email.as_str(),
                user.username.as_deref().unwrap_or_default(),
            ];
            check_password(security, &password, &inputs)?;
            security
                .set_password(&user, &password, &[])
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("changed the password of {}", user.email))
        }
        UsersCommand::Sessions(EmailArg { email }) => list_sessions(security, &email).await,
        UsersCommand::SignOut(EmailArg { email }) => {
            let user = find(security, &email).await?;
            let ended = crate::devices::sign_out_everywhere(security, &user)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "signed {} out everywhere ({ended} sessions and tokens ended)",
                user.email
            ))
        }
        UsersCommand::Unlock(EmailArg { email }) => {
            crate::devices::unlock(security, &email)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("unlocked {}", email.trim()))
        }
        UsersCommand::ResetAccess(EmailArg { email }) => {
            let user = find(security, &email).await?;
            crate::devices::reset_access(security, &user)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "removed the two-factor and sign-in methods of {} and signed them out everywhere",
                user.email
            ))
        }
    }
}

/// One line per device: public id, device, address, start, last use, remembered.
async fn list_sessions(security: &Security, email: &str) -> Result<String, String> {
    let user = find(security, email).await?;
    let devices = crate::devices::devices(security, user.id, None, None)
        .await
        .map_err(|e| e.to_string())?;
    if devices.is_empty() {
        return Ok(format!("{} is not signed in anywhere", user.email));
    }
    let lines: Vec<String> = devices
        .iter()
        .map(|d| {
            format!(
                "{}  {}  {}  signed in {}  last seen {}{}",
                &d.id[..12],
                d.device,
                d.ip.as_deref().unwrap_or("-"),
                crate::activity::iso(d.created_at),
                crate::activity::iso(d.last_seen_at),
                if d.remembered { "  remembered" } else { "" }
            )
        })
        .collect();
    Ok(lines.join("\n"))
}

async fn roles(security: &Security, command: RolesCommand) -> Result<String, String> {
    let store = security.datastore();
    match command {
        RolesCommand::Create { name, description } => {
            let role = store
                .create_role(NewRole {
                    name: name.clone(),
                    description,
                    permissions: Vec::new(),
                })
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("created role {}", role.name))
        }
        RolesCommand::Add { email, role } => {
            let user = find(security, &email).await?;
            let changed = store
                .add_role_to_user(&user, &role)
                .await
                .map_err(|e| e.to_string())?;
            Ok(if changed {
                format!("granted {role} to {}", user.email)
            } else {
                format!("{} already has {role}", user.email)
            })
        }
        RolesCommand::Remove { email, role } => {
            let user = find(security, &email).await?;
            let changed = store
                .remove_role_from_user(&user, &role)
                .await
                .map_err(|e| e.to_string())?;
            Ok(if changed {
                format!("revoked {role} from {}", user.email)
            } else {
                format!("{} did not have {role}", user.email)
            })
        }
    }
}
