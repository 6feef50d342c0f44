//! The passkey store contract (`WebAuthnStore`) on every backend: unique credential ids and
//! names, updates after use, renames and deletes limited to the owner, and ceremony states
//! taken once and only while live.

use std::sync::Arc;

use chrono::{Duration, Utc};
use rocket_security::{
    NewUser, NewWebAuthnCredential, UserDatastore, WebAuthnCeremony, WebAuthnState, WebAuthnUsage,
};

async fn user(store: &Arc<dyn UserDatastore>, email: &str) -> i64 {
    let new = NewUser {
        email: email.into(),
        active: true,
        ..NewUser::default()
    };
    store.create_user(new).await.unwrap().id
}

fn passkey(user_id: i64, credential_id: &str, name: &str) -> NewWebAuthnCredential {
    NewWebAuthnCredential {
        user_id,
        credential_id: credential_id.into(),
        name: name.into(),
        usage: WebAuthnUsage::First,
        passkey: format!("{{\"key\":\"{credential_id}\"}}"),
    }
}

async fn credentials_are_unique_and_owned(store: Arc<dyn UserDatastore>) {
    let ada = user(&store, "ada@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let now = Utc::now().naive_utc();
    let laptop = store
        .add_webauthn_credential(&passkey(ada, "AAA", "laptop"), now)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(laptop.name, "laptop");
    assert_eq!(laptop.usage, WebAuthnUsage::First);
    assert!(laptop.last_use_datetime.is_none());
    // The same credential id for anyone, or the same name for Ada: refused.
    let again = store
        .add_webauthn_credential(&passkey(bob, "AAA", "key"), now)
        .await;
    assert!(again.unwrap().is_none());
    let again = store
        .add_webauthn_credential(&passkey(ada, "BBB", "laptop"), now)
        .await;
    assert!(again.unwrap().is_none());
    let phone = store
        .add_webauthn_credential(&passkey(ada, "BBB", "phone"), now)
        .await
        .unwrap()
        .unwrap();
    store
        .add_webauthn_credential(&passkey(bob, "CCC", "laptop"), now)
        .await
        .unwrap()
        .expect("another user may use the name");

    let names: Vec<String> = store
        .list_webauthn_credentials(ada)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["laptop", "phone"]);

    let later = now + Duration::minutes(5);
    assert!(store
        .update_webauthn_credential(laptop.id, "{\"n\":2}", later)
        .await
        .unwrap());
    let found = store
        .find_webauthn_credential("AAA")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.passkey, "{\"n\":2}");
    assert!(found.last_use_datetime.is_some());

    assert!(!store
        .rename_webauthn_credential(ada, phone.id, "laptop")
        .await
        .unwrap());
    assert!(!store
        .rename_webauthn_credential(bob, phone.id, "mine")
        .await
        .unwrap());
    assert!(store
        .rename_webauthn_credential(ada, phone.id, "old phone")
        .await
        .unwrap());
    assert!(!store
        .delete_webauthn_credential(bob, phone.id)
        .await
        .unwrap());
    assert!(store
        .delete_webauthn_credential(ada, phone.id)
        .await
        .unwrap());
    assert!(store
        .find_webauthn_credential("BBB")
        .await
        .unwrap()
        .is_none());

    let ada_user = store.get_user("ada@example.com").await.unwrap().unwrap();
    store.delete_user(&ada_user).await.unwrap();
    assert!(store
        .find_webauthn_credential("AAA")
        .await
        .unwrap()
        .is_none());
    assert!(store
        .find_webauthn_credential("CCC")
        .await
        .unwrap()
        .is_some());
}

async fn states_are_taken_once_while_live(store: Arc<dyn UserDatastore>) {
    let ada = user(&store, "ada@example.com").await;
    let now = Utc::now().naive_utc();
    let state = WebAuthnState {
        token_hash: "hash-1".into(),
        ceremony: WebAuthnCeremony::Register,
        user_id: Some(ada),
        state: "{\"challenge\":1}".into(),
        expires_at: now + Duration::minutes(1),
    };
    store.put_webauthn_state(&state).await.unwrap();
    let other = store
        .take_webauthn_state("hash-1", WebAuthnCeremony::SignIn, now)
        .await
        .unwrap();
    assert!(other.is_none(), "another ceremony does not take it");
    let taken = store
        .take_webauthn_state("hash-1", WebAuthnCeremony::Register, now)
        .await
        .unwrap()
        .expect("taken once");
    assert_eq!(taken.user_id, Some(ada));
    assert_eq!(taken.state, state.state);
    let again = store
        .take_webauthn_state("hash-1", WebAuthnCeremony::Register, now)
        .await
        .unwrap();
    assert!(again.is_none(), "and only once");

    let anonymous = WebAuthnState {
        token_hash: "hash-2".into(),
        ceremony: WebAuthnCeremony::SignIn,
        user_id: None,
        ..state
    };
    store.put_webauthn_state(&anonymous).await.unwrap();
    let late = now + Duration::minutes(2);
    let expired = store
        .take_webauthn_state("hash-2", WebAuthnCeremony::SignIn, late)
        .await
        .unwrap();
    assert!(expired.is_none(), "an expired state is refused");
    assert_eq!(store.delete_expired_webauthn_states(late).await.unwrap(), 1);
}

per_backend!(stores: credentials_are_unique_and_owned, states_are_taken_once_while_live);
