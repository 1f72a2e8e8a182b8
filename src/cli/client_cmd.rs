//! `triage client add|edit`: clients created and changed through the owner.

use clap::Subcommand;
use serde_json::json;

use super::common::{AuthArgs, DirArgs, Outcome, Secrets, fail, session};
use crate::store::{ClientUpdate, Lang, NewClient, RecordId, Sex};

#[derive(Debug, Subcommand)]
pub enum ClientAction {
    /// Add a client and print the new client's id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "XX")]
        province: String,
        #[arg(long, value_enum)]
        lang: Lang,
        /// YYYY-MM-DD.
        #[arg(long)]
        birth_date: Option<String>,
        /// Sex for scoring (female or male), for the cut-offs validated by sex (AUDIT, AUDIT-C).
        /// Left out, the more sensitive (women's) cut-off applies.
        #[arg(long, value_parser = super::triage_cmd::parse_sex)]
        sex: Option<Sex>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Change a client: only the options given are changed. Prints the fields that changed.
    Edit {
        /// The client's id (32 hex digits).
        id: RecordId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "XX")]
        province: Option<String>,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
        /// YYYY-MM-DD.
        #[arg(long, conflicts_with = "no_birth_date")]
        birth_date: Option<String>,
        /// Remove the date of birth.
        #[arg(long)]
        no_birth_date: bool,
        /// Sex for scoring (female or male), for the cut-offs validated by sex (AUDIT, AUDIT-C).
        #[arg(long, value_parser = super::triage_cmd::parse_sex, conflicts_with = "no_sex")]
        sex: Option<Sex>,
        /// Remove the sex for scoring (the more sensitive, women's, cut-off then applies).
        #[arg(long)]
        no_sex: bool,
        /// Replace the populations, comma-separated (youth, indigenous, 2slgbtq, veteran,
        /// perinatal, newcomer); an empty value removes them all.
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        populations: Option<Vec<String>>,
        /// Replace the access needs, comma-separated (no_internet, no_smartphone, phone_only,
        /// free_only); an empty value removes them all.
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        access_needs: Option<Vec<String>>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

/// Runs a `client` command.
pub(crate) fn run(action: ClientAction) -> Outcome {
    match action {
        ClientAction::Add { name, province, lang, birth_date, sex, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let new = NewClient {
                name,
                birth_date,
                province,
                language: lang,
                contact: None,
                access_needs: vec![],
                populations: vec![],
                sex_for_scoring: sex,
            };
            let id = client.create_client(new)?;
            Ok((json!({"id": id}), id.to_string()))
        }
        ClientAction::Edit {
            id,
            name,
            province,
            lang,
            birth_date,
            no_birth_date,
            sex,
            no_sex,
            populations,
            access_needs,
            dir,
            auth,
        } => {
            let list = |values: Option<Vec<String>>| {
                values.map(|v| v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            };
            let changes = ClientUpdate {
                name,
                birth_date: if no_birth_date { Some(None) } else { birth_date.map(Some) },
                province,
                language: lang,
                contact: None,
                populations: list(populations),
                access_needs: list(access_needs),
                sex_for_scoring: if no_sex { Some(None) } else { sex.map(Some) },
            };
            if changes == ClientUpdate::default() {
                return Err(fail(
                    "input",
                    "nothing to change: give at least one of --name, --province, --lang, --birth-date, --no-birth-date, --sex, --no-sex, --populations, --access-needs",
                ));
            }
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let updated = client.update_client(id, changes)?;
            let text = if updated.changed.is_empty() {
                format!("{id}: no change")
            } else {
                format!("{id}: changed {}", updated.changed.join(", "))
            };
            Ok((json!({"id": id, "changed": updated.changed}), text))
        }
    }
}
