//! Accounts, sign-in and the organisation on the sled store: initialisation, login (throttled,
//! one at a time per account), recovery with the recovery key, account records, passwords and
//! the organisation's settings. The `Store` operations are functions the one `impl Store` calls.

use super::*;

impl SledStore {
    pub(super) fn account_by_name(&self, username: &str) -> Result<Option<AccountRecord>> {
        let Some(id) = self.tree(T::AccountNames).get(username.as_bytes()).map_err(|e| self.sled_err(e))? else {
            return Ok(None);
        };
        self.get_plain(T::Kind(Kind::Account), &id, "record")
    }

    pub(super) fn account_writes(account: &AccountRecord) -> Vec<Write> {
        let tree = T::Kind(Kind::Account);
        vec![
            Write {
                tree,
                key: account.id.as_bytes().to_vec(),
                value: Self::plain_value(tree, account.id.as_bytes(), account),
            },
            Write {
                tree: T::AccountNames,
                key: account.username.as_bytes().to_vec(),
                value: account.id.as_bytes().to_vec(),
            },
        ]
    }

    pub(super) fn new_account_record(
        &self,
        account: &NewAccount,
        password: &SecretString,
        key: Option<&DataKey>,
    ) -> Result<AccountRecord> {
        validate_username(&account.username)?;
        auth::check_new_password(password.expose_secret())
            .map_err(|e| StoreError::Invalid { field: "password", reason: e.to_string() })?;
        let params = self.kdf();
        let password_hash = auth::hash_password(password.expose_secret().as_bytes(), params)
            .map_err(|e| StoreError::Invalid { field: "password", reason: e.to_string() })?;
        let keyslot = match (account.role.holds_keyslot(), key) {
            (true, Some(key)) => Some(
                Keyslot::create(key, SlotKdf::Password { params }, password.expose_secret().as_bytes())
                    .map_err(|e| StoreError::Invalid { field: "password", reason: e.to_string() })?,
            ),
            (true, None) => return Err(StoreError::Locked),
            (false, _) => None,
        };
        Ok(AccountRecord {
            schema_version: 1,
            id: RecordId::random(),
            username: account.username.clone(),
            display_name: clean_text("display name", &account.display_name, LABEL_TEXT)?,
            role: account.role,
            password_hash,
            keyslot,
            status: AccountStatus::Active,
            failed_logins: 0,
            last_failure_ms: 0,
            created_ms: now_ms(),
            password_reset: None,
        })
    }

    pub(super) fn org_keypair(&self, key: &DataKey) -> Result<OrgKeyPair> {
        let value = self
            .tree(T::Meta)
            .get(META_ORG_SECRET)
            .map_err(|e| self.sled_err(e))?
            .ok_or(StoreError::Damaged { kind: "meta", id: "org_secret".into() })?;
        let plain = key
            .open(&aad(T::Meta, META_ORG_SECRET, "org_secret"), &value)
            .map_err(|_| StoreError::Damaged { kind: "meta", id: "org_secret".into() })?;
        OrgKeyPair::from_secret_bytes(&plain).ok_or(StoreError::Damaged { kind: "meta", id: "org_secret".into() })
    }

    /// Unlocks with a data key found elsewhere (restore) and returns an actor for the account.
    pub(crate) fn login_with_key(&self, key: DataKey, user: &str, origin: &str) -> Result<Actor> {
        let account = self.account_by_name(user)?.ok_or(StoreError::BadCredentials)?;
        self.unlock_with(key);
        Ok(Actor::new(account.username, account.role, origin.to_string()))
    }

    /// Unlocks with a data key found elsewhere (a backup just restored), holding its chain key
    /// for the audit too.
    pub(crate) fn unlock_with(&self, key: DataKey) {
        self.hold_chain_key(&key);
        *self.data_key.write().unwrap_or_else(|p| p.into_inner()) = Some(key);
    }

    /// Keyslots needed to unlock a backup: (username, keyslot) and the recovery slot.
    pub(crate) fn keyslots(&self) -> Result<Keyslots> {
        let mut slots = Vec::new();
        for item in self.tree(T::Kind(Kind::Account)).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let account: AccountRecord = Self::decode_plain(T::Kind(Kind::Account), &k, "record", &v)?;
            if let Some(slot) = account.keyslot {
                slots.push((account.username, slot));
            }
        }
        Ok((slots, self.get_plain(T::Meta, META_RECOVERY_SLOT, "meta")?))
    }

    /// Whether the data key is held (same as [`Store::is_unlocked`], without importing the trait).
    pub fn is_unlocked_public(&self) -> bool {
        self.data_key.read().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    pub(crate) fn current_key(&self) -> Result<DataKey> {
        self.key()
    }
}

pub(super) fn status(store: &SledStore) -> Result<StoreStatus> {
    let org: Option<Organisation> = store.get_plain(T::Kind(Kind::Organisation), ORG_KEY, "record")?;
    Ok(StoreStatus {
        initialised: store.is_initialised()?,
        unlocked: store.data_key.read().unwrap_or_else(|p| p.into_inner()).is_some(),
        organisation: org.as_ref().map(|o| o.name.clone()),
        insecure_test_kdf: org.is_some_and(|o| o.insecure_test_kdf),
        audit_entries: store.lock_head().count,
    })
}

pub(super) fn initialize(
    store: &SledStore,
    request: &InitRequest,
    password: &SecretString,
    origin: &str,
) -> Result<RecoveryKey> {
    if store.is_initialised()? {
        return Err(StoreError::AlreadyInitialised { path: store.dir.clone() });
    }
    let name = clean_text("organisation name", request.org.trim(), SHORT_TEXT)?;
    if name.is_empty() {
        return Err(StoreError::Invalid { field: "organisation name", reason: "must not be empty".into() });
    }
    let province = request.province;
    let time_zone = request.time_zone.as_deref().map(crate::store::settings::zone_name).transpose()?;
    let params = if request.insecure_test_kdf { KdfParams::INSECURE_TEST } else { KdfParams::PRODUCTION };
    *store.kdf.write().unwrap_or_else(|p| p.into_inner()) = params;
    let key = DataKey::generate();
    let admin = store.new_account_record(
        &NewAccount { username: request.admin.clone(), display_name: request.admin.clone(), role: Role::Admin },
        password,
        Some(&key),
    )?;
    let recovery = RecoveryKey::generate();
    let recovery_slot = Keyslot::create(&key, SlotKdf::Recovery, recovery.as_bytes())
        .map_err(|e| StoreError::Invalid { field: "recovery key", reason: e.to_string() })?;
    let org_keys = OrgKeyPair::generate();
    let org = Organisation {
        schema_version: 1,
        name,
        province,
        settings: Settings { time_zone, ..Settings::default() },
        submission_public_key: hex::encode(org_keys.public_key()),
        created_ms: now_ms(),
        insecure_test_kdf: request.insecure_test_kdf,
    };
    let org_tree = T::Kind(Kind::Organisation);
    let mut writes = SledStore::account_writes(&admin);
    writes.push(Write {
        tree: org_tree,
        key: ORG_KEY.to_vec(),
        value: SledStore::plain_value(org_tree, ORG_KEY, &org),
    });
    writes.push(Write {
        tree: T::Meta,
        key: META_RECOVERY_SLOT.to_vec(),
        value: SledStore::meta_value(META_RECOVERY_SLOT, &recovery_slot),
    });
    writes.push(Write {
        tree: T::Meta,
        key: META_ORG_SECRET.to_vec(),
        value: key.seal(&aad(T::Meta, META_ORG_SECRET, "org_secret"), org_keys.secret_bytes().as_ref()),
    });
    writes.push(SledStore::summaries_marker());
    writes.push(SledStore::open_index_marker());
    writes.push(Write { tree: T::Meta, key: META_FORMAT.to_vec(), value: FORMAT_MARKER.as_bytes().to_vec() });
    writes.push(Write {
        tree: T::Meta,
        key: META_WITNESSED.to_vec(),
        value: SledStore::meta_value(META_WITNESSED, &true),
    });
    let actor = Actor::new(admin.username.clone(), Role::Admin, origin.to_string());
    store.hold_chain_key(&key);
    store.commit(&actor, "init", None, None, Outcome::Allowed, writes)?;
    *store.data_key.write().unwrap_or_else(|p| p.into_inner()) = Some(key);
    Ok(recovery)
}

/// A sign-in with a name no account has: the same steps as a known name's (one at a time per
/// name, the throttle and lockout on its count of failures, the same argon2 work in the same
/// pool, the same answers naming what was typed), audited under its keyed mark only. It always
/// fails, so the failure is counted when the check is done, as a known name's would be.
fn unknown_login(store: &SledStore, typed: &str, password: &SecretString, origin: &str) -> Result<StoreError> {
    let mark = store.unknown_mark(typed)?;
    let nobody = Actor::new(format!("unknown:{}", hex::encode(&mark[..6])), Role::Kiosk, origin.to_string());
    let name_lock = store.login_gate.account(nobody.user());
    let answer = {
        let _one_at_a_time = login_gate::hold(&name_lock);
        let shown = crate::sanitize::terminal_text(typed, false);
        let now = now_ms();
        let (failures, last) = store.unknown_failures_of(&mark)?;
        match auth::throttle(failures, last, now) {
            ThrottleVerdict::Wait { ms } => {
                store.commit(&nobody, "login.throttled", None, None, Outcome::Denied, Vec::new())?;
                StoreError::Throttled { user: shown, wait_secs: (ms + 999) / 1000 }
            }
            ThrottleVerdict::LockedOut => {
                store.commit(&nobody, "login.locked_out", None, None, Outcome::Denied, Vec::new())?;
                StoreError::LockedOut { user: shown }
            }
            ThrottleVerdict::Allow => {
                // Never the typed text in the audit log (it may be a password typed into the
                // wrong field).
                store.decoy_check(password)?;
                let counted = store.unknown_failed(mark, now)?;
                store.commit(&nobody, "login.failed", None, None, Outcome::Failed, vec![counted])?;
                StoreError::BadCredentials
            }
        }
    };
    store.login_gate.release(nobody.user(), name_lock);
    Ok(answer)
}

pub(super) fn login(store: &SledStore, username: &str, password: &SecretString, origin: &str) -> Result<Actor> {
    store.require_initialised()?;
    if store.account_by_name(username)?.is_none() {
        return Err(unknown_login(store, username, password, origin)?);
    }
    // From here to the failure count's write, one sign-in at a time for this account: the
    // record is read again under the lock, so parallel attempts each see the last count.
    let account_lock = store.login_gate.account(username);
    let _one_at_a_time = login_gate::hold(&account_lock);
    let Some(mut account) = store.account_by_name(username)? else { return Err(StoreError::BadCredentials) };
    let actor = Actor::new(account.username.clone(), account.role, origin.to_string());
    // A disabled account says so only to its right password (below): to any other it answers
    // as every name does, so its answers do not tell that it exists.
    match account.status {
        AccountStatus::Disabled | AccountStatus::Active => {}
        AccountStatus::LockedOut => {
            store.commit(&actor, "login.locked_out", None, None, Outcome::Denied, Vec::new())?;
            return Err(StoreError::LockedOut { user: account.username });
        }
    }
    let now = now_ms();
    match auth::throttle(account.failed_logins, account.last_failure_ms, now) {
        ThrottleVerdict::Allow => {}
        ThrottleVerdict::Wait { ms } => {
            store.commit(&actor, "login.throttled", None, None, Outcome::Denied, Vec::new())?;
            return Err(StoreError::Throttled { user: account.username, wait_secs: (ms + 999) / 1000 });
        }
        ThrottleVerdict::LockedOut => {
            store.commit(&actor, "login.locked_out", None, None, Outcome::Denied, Vec::new())?;
            return Err(StoreError::LockedOut { user: account.username });
        }
    }
    let ok = {
        let _turn = store.login_gate.turn();
        auth::verify_password(password.expose_secret().as_bytes(), &account.password_hash)
            .map_err(|_| StoreError::Damaged { kind: "account", id: account.id.to_string() })?
    };
    if !ok {
        account.failed_logins = account.failed_logins.saturating_add(1);
        account.last_failure_ms = now;
        if account.failed_logins >= auth::LOCKOUT_AT {
            account.status = AccountStatus::LockedOut;
        }
        store.commit(&actor, "login.failed", None, None, Outcome::Failed, SledStore::account_writes(&account))?;
        return Err(StoreError::BadCredentials);
    }
    if account.status == AccountStatus::Disabled {
        store.commit(&actor, "login.disabled", None, None, Outcome::Denied, Vec::new())?;
        return Err(StoreError::Disabled { user: account.username });
    }
    let mut writes = Vec::new();
    if account.failed_logins != 0 {
        account.failed_logins = 0;
        writes = SledStore::account_writes(&account);
    }
    // A password an administrator set opens a session that may only choose a new one.
    let mut action = if account.password_reset.is_some() { "login.password_change_required" } else { "login" };
    if let Some(slot) = &account.keyslot {
        let key = {
            let _turn = store.login_gate.turn();
            slot.open(password.expose_secret().as_bytes())
                .map_err(|_| StoreError::Damaged { kind: "account keyslot", id: account.id.to_string() })?
        };
        store.hold_chain_key(&key);
        let mut guard = store.data_key.write().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(key);
            if account.password_reset.is_none() {
                action = "login.unlock";
            }
        }
    }
    store.commit(&actor, action, None, None, Outcome::Allowed, writes)?;
    Ok(actor.with_credential(credential_of(&account)))
}

pub(super) fn recover(
    store: &SledStore,
    recovery: &RecoveryKey,
    username: &str,
    new_password: &SecretString,
    origin: &str,
) -> Result<Actor> {
    store.require_initialised()?;
    let slot: Keyslot = store
        .get_plain(T::Meta, META_RECOVERY_SLOT, "meta")?
        .ok_or(StoreError::Damaged { kind: "meta", id: "recovery_slot".into() })?;
    let system = Actor::system(origin);
    let Ok(key) = slot.open(recovery.as_bytes()) else {
        store.commit(&system, "recovery.failed", None, None, Outcome::Failed, Vec::new())?;
        return Err(StoreError::BadCredentials);
    };
    let mut account = store.account_by_name(username)?.ok_or(StoreError::NoAccount { user: username.to_string() })?;
    let fresh = store.new_account_record(
        &NewAccount {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role: account.role,
        },
        new_password,
        Some(&key),
    )?;
    account.password_hash = fresh.password_hash;
    account.keyslot = fresh.keyslot;
    account.status = AccountStatus::Active;
    account.failed_logins = 0;
    // The recovery key is the break-glass key: whoever holds it chose this password.
    account.password_reset = None;
    let actor = Actor::new(account.username.clone(), account.role, origin.to_string());
    store.hold_chain_key(&key);
    store.commit(
        &actor,
        "recovery.password_reset",
        Some(account.id.to_string()),
        None,
        Outcome::Allowed,
        SledStore::account_writes(&account),
    )?;
    *store.data_key.write().unwrap_or_else(|p| p.into_inner()) = Some(key);
    Ok(actor.with_credential(credential_of(&account)))
}

pub(super) fn lock(store: &SledStore) {
    *store.data_key.write().unwrap_or_else(|p| p.into_inner()) = None;
    store.recent().clear();
}

pub(super) fn is_unlocked(store: &SledStore) -> bool {
    store.data_key.read().unwrap_or_else(|p| p.into_inner()).is_some()
}

pub(super) fn organisation(store: &SledStore, actor: &Actor) -> Result<Organisation> {
    store.authorize(actor, Operation::ReadOrganisation, None, None)?;
    store
        .get_plain(T::Kind(Kind::Organisation), ORG_KEY, "record")?
        .ok_or(StoreError::NotInitialised { path: store.dir.clone() })
}

pub(super) fn update_settings(store: &SledStore, actor: &Actor, changes: &SettingsUpdate) -> Result<SettingsUpdated> {
    store.authorize(actor, Operation::UpdateSettings, None, None)?;
    let _serial = crate::store::settings::SETTINGS_UPDATES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut org: Organisation = store
        .get_plain(T::Kind(Kind::Organisation), ORG_KEY, "record")?
        .ok_or(StoreError::NotInitialised { path: store.dir.clone() })?;
    let (settings, changed) = crate::store::settings::apply(&org.settings, changes)?;
    let tree = T::Kind(Kind::Organisation);
    let (label, writes) = if changed.is_empty() {
        ("(no change)".to_string(), Vec::new())
    } else {
        org.settings = settings.clone();
        (
            changed.join(","),
            vec![Write { tree, key: ORG_KEY.to_vec(), value: SledStore::plain_value(tree, ORG_KEY, &org) }],
        )
    };
    store.commit(actor, "settings.update", Some(label), None, Outcome::Allowed, writes)?;
    Ok(SettingsUpdated { changed, settings })
}

pub(super) fn add_account(
    store: &SledStore,
    actor: &Actor,
    account: &NewAccount,
    password: &SecretString,
) -> Result<AccountSummary> {
    store.authorize(actor, Operation::ManageAccounts, Some(account.username.clone()), None)?;
    if store.account_by_name(&account.username)?.is_some() {
        return Err(StoreError::Refused {
            what: "add the account",
            reason: format!("user {} already exists", account.username),
        });
    }
    let key = if account.role.holds_keyslot() { Some(store.key()?) } else { None };
    let record = store.new_account_record(account, password, key.as_ref())?;
    store.commit(
        actor,
        "account.create",
        Some(record.id.to_string()),
        None,
        Outcome::Allowed,
        SledStore::account_writes(&record),
    )?;
    Ok(AccountSummary::from(&record))
}

pub(super) fn list_accounts(store: &SledStore, actor: &Actor) -> Result<Vec<AccountSummary>> {
    store.authorize(actor, Operation::ListAccounts, None, None)?;
    store.commit(actor, "account.list", None, None, Outcome::Allowed, Vec::new())?;
    let mut out = Vec::new();
    for item in store.tree(T::Kind(Kind::Account)).iter() {
        let (k, v) = item.map_err(|e| store.sled_err(e))?;
        let account: AccountRecord = SledStore::decode_plain(T::Kind(Kind::Account), &k, "record", &v)?;
        out.push(AccountSummary::from(&account));
    }
    out.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(out)
}

pub(super) fn set_account_status(
    store: &SledStore,
    actor: &Actor,
    username: &str,
    status: AccountStatus,
) -> Result<()> {
    store.authorize(actor, Operation::ManageAccounts, Some(username.to_string()), None)?;
    let mut account = store.account_by_name(username)?.ok_or(StoreError::NoAccount { user: username.to_string() })?;
    if account.username == actor.user() && status != AccountStatus::Active {
        return Err(StoreError::Refused {
            what: "disable the account",
            reason: "you cannot disable your own account".into(),
        });
    }
    account.status = status;
    if status == AccountStatus::Active {
        account.failed_logins = 0;
    }
    let action = match status {
        AccountStatus::Active => "account.enable",
        AccountStatus::Disabled => "account.disable",
        AccountStatus::LockedOut => "account.lock",
    };
    store.commit(
        actor,
        action,
        Some(account.id.to_string()),
        None,
        Outcome::Allowed,
        SledStore::account_writes(&account),
    )
}

pub(super) fn set_password(
    store: &SledStore,
    actor: &Actor,
    username: &str,
    new_password: &SecretString,
) -> Result<()> {
    let own = username == actor.user();
    let operation = if own { Operation::ChangeOwnPassword } else { Operation::ManageAccounts };
    store.authorize(actor, operation, Some(username.to_string()), None)?;
    let mut account = store.account_by_name(username)?.ok_or(StoreError::NoAccount { user: username.to_string() })?;
    if own && account.password_reset.is_some() {
        // The administrator knows the password they set: the new one must be another.
        let same = {
            let _turn = store.login_gate.turn();
            auth::verify_password(new_password.expose_secret().as_bytes(), &account.password_hash)
                .map_err(|_| StoreError::Damaged { kind: "account", id: account.id.to_string() })?
        };
        if same {
            return Err(StoreError::Invalid {
                field: "password",
                reason: "choose a password other than the one the administrator set".into(),
            });
        }
    }
    let key = if account.role.holds_keyslot() { Some(store.key()?) } else { None };
    let fresh = store.new_account_record(
        &NewAccount {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role: account.role,
        },
        new_password,
        key.as_ref(),
    )?;
    account.password_hash = fresh.password_hash;
    account.keyslot = fresh.keyslot;
    account.failed_logins = 0;
    if account.status == AccountStatus::LockedOut {
        account.status = AccountStatus::Active;
    }
    // Set by someone else (an administrator) for a staff account, the password must be
    // replaced by its user before the account can do anything else; their own choice ends that.
    account.password_reset =
        (!own && account.role.holds_keyslot()).then(|| PasswordReset { by: actor.user().to_string(), at_ms: now_ms() });
    let action = if own { "account.password_changed" } else { "account.password_reset" };
    store.commit(
        actor,
        action,
        Some(account.id.to_string()),
        None,
        Outcome::Allowed,
        SledStore::account_writes(&account),
    )
}
