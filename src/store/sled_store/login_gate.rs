//! Password checks under hostile use. Each check runs argon2id with 64 MiB of memory, so 40
//! parallel wrong passwords used to cost 2.6 GB and, since each read the failure count before
//! any wrote it, none was throttled and the account never locked. Two rules fix both:
//! * one sign-in at a time per account, from reading its record to writing its failure count,
//!   so failures are counted exactly and the throttle and lockout see every one of them;
//! * at most [`PASSWORD_CHECKS_AT_ONCE`] password checks run at once in the whole owner; the
//!   rest wait their turn, so memory stays bounded whatever arrives.
//!
//! Unknown user names go through the same pool and do the same argon2 work against a fixed
//! hash, so their answer takes as long as a known name's, and reach the audit log only as a
//! keyed mark. A session is bound to the password it signed in with (`check_session`), and a
//! session whose password an administrator set may only choose a new one (`pending_reset`).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use secrecy::{ExposeSecret, SecretString};

use super::{AccountRecord, META_UNKNOWN_NAME_KEY, SledStore, T};
use crate::auth::{self, Actor};
use crate::store::audit::Outcome;
use crate::store::crypto;
use crate::store::error::{Result, StoreError};
use crate::store::{AccountStatus, PasswordReset, Store};

/// argon2id checks running at once (each holds 64 MiB): two keep a sign-in fast on a 2-core
/// machine while 40 parallel attempts cost at most 128 MiB.
pub(crate) const PASSWORD_CHECKS_AT_ONCE: usize = 2;

#[derive(Debug, Default)]
pub(crate) struct LoginGate {
    running: Mutex<usize>,
    freed: Condvar,
    accounts: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

/// A turn in the pool of password checks; the next waiter goes when it is dropped.
pub(crate) struct CheckTurn<'a> {
    gate: &'a LoginGate,
}

impl Drop for CheckTurn<'_> {
    fn drop(&mut self) {
        let mut running = self.gate.running.lock().unwrap_or_else(|p| p.into_inner());
        *running = running.saturating_sub(1);
        self.gate.freed.notify_one();
    }
}

impl LoginGate {
    /// The lock that serialises sign-ins to `account` (an existing account's name, so the map
    /// holds at most one entry per account).
    pub(crate) fn account(&self, account: &str) -> Arc<Mutex<()>> {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        accounts.entry(account.to_string()).or_default().clone()
    }

    /// Waits for a free turn in the pool of password checks.
    pub(crate) fn turn(&self) -> CheckTurn<'_> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        while *running >= PASSWORD_CHECKS_AT_ONCE {
            running = self.freed.wait(running).unwrap_or_else(|p| p.into_inner());
        }
        *running += 1;
        CheckTurn { gate: self }
    }

    /// How many checks are running now (for tests).
    #[cfg(test)]
    pub(crate) fn running(&self) -> usize {
        *self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Holds an account's sign-in lock (poisoning is recovered: the record it guards is re-read).
pub(crate) fn hold(lock: &Mutex<()>) -> MutexGuard<'_, ()> {
    lock.lock().unwrap_or_else(|p| p.into_inner())
}

impl SledStore {
    /// An unknown sign-in name as the audit log records it: `unknown:` and 12 hex digits of an
    /// HMAC-SHA-256 under a random key kept in the store, so repeated attempts with one name can
    /// be told apart without the log ever holding the typed text.
    pub(super) fn unknown_name(&self, typed: &str) -> Result<String> {
        use hmac::Mac;
        let meta = self.tree(T::Meta);
        let key: Vec<u8> = match self.get_plain::<Vec<u8>>(T::Meta, META_UNKNOWN_NAME_KEY, "meta")? {
            Some(key) => key,
            None => {
                let key = crypto::random_bytes::<32>().to_vec();
                meta.insert(META_UNKNOWN_NAME_KEY, Self::meta_value(META_UNKNOWN_NAME_KEY, &key))
                    .map_err(|e| self.sled_err(e))?;
                key
            }
        };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key)
            .map_err(|_| StoreError::Damaged { kind: "meta", id: "unknown_name_key".into() })?;
        mac.update(typed.as_bytes());
        let digest = mac.finalize().into_bytes();
        Ok(format!("unknown:{}", hex::encode(&digest[..6])))
    }

    /// Checks `password` against a hash made once with the store's parameters, in the pool.
    pub(super) fn decoy_check(&self, password: &SecretString) -> Result<()> {
        let decoy = {
            let mut decoy = self.decoy_hash.lock().unwrap_or_else(|p| p.into_inner());
            match decoy.as_ref() {
                Some(hash) => hash.clone(),
                None => {
                    let params = *self.kdf.read().unwrap_or_else(|p| p.into_inner());
                    let made = auth::hash_password(b"no account has this password", params)
                        .map_err(|_| StoreError::Damaged { kind: "meta", id: "kdf".into() })?;
                    *decoy = Some(made.clone());
                    made
                }
            }
        };
        let _turn = self.login_gate.turn();
        let _ = auth::verify_password(password.expose_secret().as_bytes(), &decoy);
        Ok(())
    }
}

/// The fingerprint of an account's password hash that a session is bound to.
pub(super) fn credential_of(account: &AccountRecord) -> [u8; 8] {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(account.password_hash.as_bytes());
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

impl SledStore {
    /// Whether a signed-in session may go on: its account still exists, is active, has the same
    /// role, and the password it signed in with (a reset by an administrator, or a change, ends
    /// every session of the account). Sessions without an account (kiosks) are not bound.
    /// Returns the administrator's reset the account's user has not yet replaced, if any: the
    /// owner then refuses everything but choosing a new password ([`Self::refuse_until_changed`]).
    pub fn check_session(&self, actor: &Actor) -> Result<Option<PasswordReset>> {
        let Some(credential) = actor.credential() else { return Ok(None) };
        let current = self.account_by_name(actor.user())?;
        let valid = current.as_ref().is_some_and(|account| {
            account.status == AccountStatus::Active
                && account.role == actor.role()
                && credential_of(account) == credential
        });
        if valid {
            return Ok(current.and_then(|account| account.password_reset));
        }
        self.commit(actor, "session.ended", None, None, Outcome::Denied, Vec::new())?;
        Err(StoreError::SessionEnded { user: actor.user().to_string() })
    }

    /// The refusal of a request made before the account's user replaced the password an
    /// administrator set (audited, naming who set it and when).
    pub fn refuse_until_changed(&self, actor: &Actor, reset: &PasswordReset) -> StoreError {
        let refused = StoreError::PasswordChangeRequired {
            user: actor.user().to_string(),
            by: reset.by.clone(),
            on: reset.date(),
        };
        match self.commit(actor, "denied.password_change_required", None, None, Outcome::Denied, Vec::new()) {
            Ok(()) => refused,
            Err(unaudited) => unaudited,
        }
    }

    /// The signed-in user chooses their own new password: the session goes on, bound to it (every
    /// other session of the account ends), and a reset by an administrator is over.
    pub fn change_own_password(&self, actor: &Actor, new_password: &SecretString) -> Result<Actor> {
        self.set_password(actor, actor.user(), new_password)?;
        let account = self.account_by_name(actor.user())?.ok_or(StoreError::NoAccount { user: actor.user().into() })?;
        Ok(actor.clone().with_credential(credential_of(&account)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_more_than_the_pool_runs_at_once_and_every_waiter_gets_a_turn() {
        let gate = Arc::new(LoginGate::default());
        let peak = Arc::new(Mutex::new(0usize));
        let threads: Vec<_> = (0..12)
            .map(|_| {
                let (gate, peak) = (gate.clone(), peak.clone());
                std::thread::spawn(move || {
                    let _turn = gate.turn();
                    let now = gate.running();
                    let mut peak = peak.lock().unwrap();
                    *peak = (*peak).max(now);
                    drop(peak);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert!(*peak.lock().unwrap() <= PASSWORD_CHECKS_AT_ONCE);
        assert_eq!(gate.running(), 0, "every turn was given back");
    }

    #[test]
    fn an_account_stored_before_password_resets_were_recorded_reads_with_none() {
        let old = r#"{"schema_version":1,"id":"000102030405060708090a0b0c0d0e0f","username":"ivy","display_name":"Ivy","role":"intake","password_hash":"$argon2id$x","keyslot":null,"status":"active","failed_logins":0,"last_failure_ms":0,"created_ms":1}"#;
        let account: AccountRecord = serde_json::from_str(old).unwrap();
        assert_eq!(account.password_reset, None);
        // And one without a pending reset is stored as before (no new field written).
        assert!(!serde_json::to_string(&account).unwrap().contains("password_reset"));
        let reset = AccountRecord { password_reset: Some(PasswordReset { by: "root".into(), at_ms: 0 }), ..account };
        let read: AccountRecord = serde_json::from_str(&serde_json::to_string(&reset).unwrap()).unwrap();
        assert_eq!(read.password_reset.map(|r| (r.date(), r.by)), Some(("1970-01-01".into(), "root".into())));
    }

    #[test]
    fn one_lock_per_account() {
        let gate = LoginGate::default();
        assert!(Arc::ptr_eq(&gate.account("marie"), &gate.account("marie")));
        assert!(!Arc::ptr_eq(&gate.account("marie"), &gate.account("admin")));
    }
}
