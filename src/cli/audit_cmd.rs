//! `triage audit verify|accept-loss|list`: the hash-chained audit log.

use clap::Subcommand;
use serde_json::json;

use super::common::{AuthArgs, DirArgs, Failure, Outcome, Secrets, Table, data_dir, fail, session};
use crate::auth::detect_origin;
use crate::sanitize::terminal_text;
use crate::server::owner::OwnerLock;
use crate::store::sled_store::WitnessCheck;
use crate::store::{AuditFilter, RecordId, SledStore, Store, parse_time};

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check the hash chain; names the first bad entry.
    Verify {
        /// A head hash kept elsewhere (from an earlier verify), to detect a truncated tail.
        #[arg(long)]
        expect_head: Option<String>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Open, as it is, a store whose database lost changes confirmed as saved (when no backup
    /// can be restored): the loss and the reason are recorded in the audit log. Run with no
    /// owner running; an admin's password is asked for.
    AcceptLoss {
        /// Why the store is opened without restoring a backup (recorded).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// List entries, filtered.
    List {
        /// Only entries by this user.
        #[arg(long, value_name = "USER")]
        by: Option<String>,
        /// Only entries about this client id.
        #[arg(long, value_name = "ID")]
        client: Option<RecordId>,
        /// Only actions starting with this (e.g. `login`, `client.`).
        #[arg(long)]
        action: Option<String>,
        /// From this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Until this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// At most this many (the latest).
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

/// Runs an `audit` command.
pub(crate) fn run(action: AuditAction) -> Outcome {
    match action {
        AuditAction::AcceptLoss { reason, dir, auth } => accept_loss(&reason, &dir, &auth),
        AuditAction::Verify { expect_head, dir, auth } => verify(expect_head, &dir, &auth),
        AuditAction::List { by, client, action, since, until, limit, dir, auth } => {
            list(AuditQuery { by, client, action, since, until, limit }, &dir, &auth)
        }
    }
}

/// Opens a store that lost confirmed changes as it is, and records the loss.
fn accept_loss(reason: &str, dir: &DirArgs, auth: &AuthArgs) -> Outcome {
    let path = data_dir(dir)?;
    if reason.trim().is_empty() {
        return Err(fail("input", "`--reason` is empty: say why the store is opened without restoring a backup"));
    }
    let user = auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME` (an admin)"))?;
    let password = Secrets::new(auth.password_stdin).next(&format!("password for {}", terminal_text(&user, false)))?;
    let _lock = OwnerLock::acquire(&path)?;
    let (store, loss) = SledStore::open_checking(&path, WitnessCheck::AcceptLoss)?;
    let Some(loss) = loss else {
        return Ok((
            json!({ "loss": null }),
            "nothing is missing: the store opens as it is, and nothing was recorded".into(),
        ));
    };
    let actor = store.login(&user, &password, &detect_origin())?;
    store.accept_loss(&actor, &loss, reason)?;
    Ok((
        json!({ "loss": loss }),
        format!("opened as it is; recorded in the audit log: {}", terminal_text(&loss, false)),
    ))
}

/// Checks the hash chain through the owner.
fn verify(expect_head: Option<String>, dir: &DirArgs, auth: &AuthArgs) -> Outcome {
    let mut secrets = Secrets::new(auth.password_stdin);
    let mut client = session(dir, auth, &mut secrets)?;
    let report = client.audit_verify(expect_head)?;
    let value = serde_json::to_value(&report).unwrap_or_default();
    let keyed = match report.keyed_from {
        Some(0) => " (every entry keyed)".to_string(),
        Some(first) => {
            format!(" (entries {first} onwards keyed; the {first} before them predate keyed hashes)")
        }
        None => " (no entry keyed yet)".to_string(),
    };
    match &report.first_bad {
        None => Ok((
            value,
            format!("audit log intact: {} entries{keyed}; head {}", report.entries_checked, report.head_hash),
        )),
        // Under `--json` the failure is the one JSON object printed: its message names the entry.
        Some(bad) => Err(Failure {
            code: "damaged",
            message: format!("audit log check failed at entry {}: {}", bad.position, bad.problem),
            exit: super::EXIT_CHECK_FAILED,
        }),
    }
}

/// The filters of `audit list`, as given.
struct AuditQuery {
    by: Option<String>,
    client: Option<RecordId>,
    action: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<usize>,
}

/// Lists the entries the filters select.
fn list(query: AuditQuery, dir: &DirArgs, auth: &AuthArgs) -> Outcome {
    let AuditQuery { by, client: about, action, since, until, limit } = query;
    let time = |label: &str, text: Option<String>| -> Result<Option<i64>, Failure> {
        text.map(|t| {
            parse_time(&t)
                .ok_or_else(|| fail("input", format!("--{label}: use RFC 3339 (2026-01-31T09:00:00Z) or YYYY-MM-DD")))
        })
        .transpose()
    };
    let filter = AuditFilter {
        user: by,
        client: about,
        action,
        since_ms: time("since", since)?,
        until_ms: time("until", until)?,
        limit,
    };
    let mut secrets = Secrets::new(auth.password_stdin);
    let mut client = session(dir, auth, &mut secrets)?;
    let zone = super::common::zone_of(&mut client)?;
    let (entries, damaged) = client.audit_list(filter)?;
    if !damaged.is_empty() {
        // The list is still printed; the damage is said apart, numbered as `verify` does.
        let numbers: Vec<String> = damaged.iter().map(u64::to_string).collect();
        eprintln!(
            "triage: {} audit entr{} cannot be read (number {}): run `triage audit verify`, and restore from a backup if it names them",
            damaged.len(),
            if damaged.len() == 1 { "y" } else { "ies" },
            numbers.join(", ")
        );
    }
    // Times in the organisation's zone, named in the header.
    let time = format!("TIME ({})", zone.name());
    let mut table =
        Table::new(&["SEQ", &time, "USER", "ROLE", "ORIGIN", "ACTION", "OUTCOME", "RECORD", "REASON"]).right(0);
    for e in &entries {
        table.row([
            e.seq.to_string(),
            super::common::local_time(e.time_ms, &zone),
            e.user.clone(),
            e.role.clone(),
            e.origin.clone(),
            e.action.clone(),
            e.outcome.as_str().to_string(),
            e.record.clone().unwrap_or_else(|| "-".into()),
            // An export's reason, opened by the owner from its sealed form.
            e.reason.clone().unwrap_or_default(),
        ]);
    }
    // Nothing matched: nothing printed, as before.
    let human = if table.is_empty() { String::new() } else { table.render() };
    Ok((serde_json::to_value(&entries).unwrap_or_default(), human))
}
