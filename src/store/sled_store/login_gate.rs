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
//! keyed mark. They are throttled and locked out like known names too, from a count kept under
//! the same keyed mark ([`UnknownFailures`]): in the store (meta `unknown_failures/` + mark,
//! written with the failure's audit entry, so a restart of the owner resets nothing) and in
//! memory once read, so no answer tells which names exist.
//! A session is bound to the password it signed in with (`check_session`), and a
//! session whose password an administrator set may only choose a new one (`pending_reset`).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use secrecy::{ExposeSecret, SecretString};

use super::{AccountRecord, META_UNKNOWN_NAME_KEY, SledStore, T, Write};
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
    /// Failures of names no account has, by their keyed mark (never the typed text).
    pub(crate) unknown: Mutex<UnknownFailures>,
}

/// Unknown names kept at most; past it the one whose last failure is oldest is forgotten. An
/// attacker who fills it costs the owner a password check per name.
pub(crate) const UNKNOWN_NAMES_KEPT: usize = 4096;

/// The consecutive failures and the last failure's time of each unknown name, as an account
/// record keeps its own (`failed_logins`, `last_failure_ms`), so the throttle treats both alike.
#[derive(Debug, Default)]
pub(crate) struct UnknownFailures {
    by_mark: HashMap<[u8; 32], (u32, i64)>,
    /// Whether the counts the store holds have been read in.
    loaded: bool,
}

/// Where the store keeps an unknown name's failures: this prefix and its keyed mark.
const UNKNOWN_FAILURES_PREFIX: &[u8] = b"unknown_failures/";

fn unknown_failures_key(mark: &[u8; 32]) -> Vec<u8> {
    [UNKNOWN_FAILURES_PREFIX, &mark[..]].concat()
}

impl UnknownFailures {
    /// The failures so far of the name marked `mark`, and when the last one was.
    pub(crate) fn get(&self, mark: &[u8; 32]) -> (u32, i64) {
        self.by_mark.get(mark).copied().unwrap_or((0, 0))
    }

    /// One more failure of `mark` at `now`: its new count and time, and the mark forgotten to
    /// make room, if one was.
    pub(crate) fn failed(&mut self, mark: [u8; 32], now: i64) -> ((u32, i64), Option<[u8; 32]>) {
        let mut forgotten = None;
        if !self.by_mark.contains_key(&mark) && self.by_mark.len() >= UNKNOWN_NAMES_KEPT {
            forgotten = self.by_mark.iter().min_by_key(|(_, (_, at))| *at).map(|(mark, _)| *mark);
            if let Some(oldest) = forgotten {
                self.by_mark.remove(&oldest);
            }
        }
        let entry = self.by_mark.entry(mark).or_insert((0, 0));
        *entry = (entry.0.saturating_add(1), now);
        (*entry, forgotten)
    }

    /// How many names are kept (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_mark.len()
    }

    /// Moves the last failure of `mark` back past any wait (for tests).
    #[cfg(test)]
    pub(crate) fn backdate(&mut self, mark: &[u8; 32]) {
        if let Some(entry) = self.by_mark.get_mut(mark) {
            entry.1 = 0;
        }
    }
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

    /// Gives back the lock of `name` (from [`Self::account`]) and forgets it if no other sign-in
    /// holds it, so the names of unknown accounts are not kept.
    pub(crate) fn release(&self, name: &str, lock: Arc<Mutex<()>>) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        // Clones are taken only under this mutex: two holders are the map and this one.
        if Arc::strong_count(&lock) == 2 {
            accounts.remove(name);
        }
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
    /// The mark of an unknown sign-in name (the audit log records `unknown:` and its first 12 hex
    /// digits): an HMAC-SHA-256 under a random key kept in the store, so repeated attempts with
    /// one name can be told apart without the log, or memory, ever holding the typed text.
    pub(super) fn unknown_mark(&self, typed: &str) -> Result<[u8; 32]> {
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
        let mut mark = [0u8; 32];
        mark.copy_from_slice(&mac.finalize().into_bytes());
        Ok(mark)
    }

    /// The unknown names' failures, read from the store the first time they are needed.
    fn unknown_failures(&self) -> Result<MutexGuard<'_, UnknownFailures>> {
        let mut kept = self.login_gate.unknown.lock().unwrap_or_else(|p| p.into_inner());
        if !kept.loaded {
            for item in self.tree(T::Meta).scan_prefix(UNKNOWN_FAILURES_PREFIX) {
                let (key, value) = item.map_err(|e| self.sled_err(e))?;
                let Ok(mark) = <[u8; 32]>::try_from(&key[UNKNOWN_FAILURES_PREFIX.len()..]) else { continue };
                // A damaged count is left out: that name starts again from none.
                let Ok(count) = Self::decode_plain::<(u32, i64)>(T::Meta, &key, "meta", &value) else { continue };
                kept.by_mark.insert(mark, count);
            }
            kept.loaded = true;
        }
        Ok(kept)
    }

    /// The failures so far of the unknown name marked `mark`, and when the last one was.
    pub(super) fn unknown_failures_of(&self, mark: &[u8; 32]) -> Result<(u32, i64)> {
        Ok(self.unknown_failures()?.get(mark))
    }

    /// One more failure of the unknown name marked `mark` at `now`: the write of its count, for
    /// the commit of the failure's audit entry (a name forgotten to make room goes at once).
    pub(super) fn unknown_failed(&self, mark: [u8; 32], now: i64) -> Result<Write> {
        let (count, forgotten) = self.unknown_failures()?.failed(mark, now);
        if let Some(oldest) = forgotten {
            self.tree(T::Meta).remove(unknown_failures_key(&oldest)).map_err(|e| self.sled_err(e))?;
        }
        let key = unknown_failures_key(&mark);
        let value = Self::meta_value(&key, &count);
        Ok(Write { tree: T::Meta, key, value })
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

#[cfg(test)]
impl SledStore {
    /// Moves the last failed sign-in of `name` (an account or an unknown name) back past any wait.
    pub(crate) fn backdate_failures(&self, name: &str) {
        match self.account_by_name(name).ok().flatten() {
            Some(mut account) => {
                account.last_failure_ms = 0;
                let writes = SledStore::account_writes(&account);
                self.commit(&Actor::system("test"), "test.backdate", None, None, Outcome::Allowed, writes)
                    .unwrap_or_else(|e| panic!("backdate {name}: {e}"));
            }
            None => {
                let mark = self.unknown_mark(name).unwrap_or_else(|e| panic!("mark {name}: {e}"));
                let mut kept = self.unknown_failures().unwrap_or_else(|e| panic!("failures {name}: {e}"));
                kept.backdate(&mark);
                let count = kept.get(&mark);
                drop(kept);
                let key = unknown_failures_key(&mark);
                let value = Self::meta_value(&key, &count);
                self.tree(T::Meta).insert(key, value).unwrap_or_else(|e| panic!("backdate {name}: {e}"));
            }
        }
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
    fn unknown_names_are_kept_up_to_a_bound_forgetting_the_oldest_failure() {
        let mut kept = UnknownFailures::default();
        for i in 0..UNKNOWN_NAMES_KEPT + 10 {
            let mut mark = [0u8; 32];
            mark[..8].copy_from_slice(&(i as u64).to_le_bytes());
            kept.failed(mark, i as i64 + 1);
        }
        assert_eq!(kept.len(), UNKNOWN_NAMES_KEPT);
        assert_eq!(kept.get(&[0u8; 32]), (0, 0), "the oldest was forgotten");
        let mut newest = [0u8; 32];
        newest[..8].copy_from_slice(&((UNKNOWN_NAMES_KEPT + 9) as u64).to_le_bytes());
        assert_eq!(kept.get(&newest).0, 1);
    }

    #[test]
    fn one_lock_per_account() {
        let gate = LoginGate::default();
        assert!(Arc::ptr_eq(&gate.account("marie"), &gate.account("marie")));
        assert!(!Arc::ptr_eq(&gate.account("marie"), &gate.account("admin")));
    }
}
