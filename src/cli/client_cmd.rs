//! `triage client add|edit|find`: clients created, changed and found through the owner.

use clap::Subcommand;
use serde_json::json;

use super::common::{AuthArgs, DirArgs, Outcome, Secrets, Table, fail, session};
use crate::store::records::vocab_codes::{parse_population, parse_province, province_text};
use crate::store::{ClientUpdate, Lang, NewClient, Population, Province, RecordId, Sex};

/// One value of `--populations`: a population, or nothing (an empty value removes them all).
#[derive(Debug, Clone, Copy)]
pub struct PopulationArg(Option<Population>);

fn parse_population_arg(text: &str) -> Result<PopulationArg, String> {
    if text.trim().is_empty() {
        Ok(PopulationArg(None))
    } else {
        parse_population(text).map(|p| PopulationArg(Some(p)))
    }
}

#[derive(Debug, Subcommand)]
pub enum ClientAction {
    /// Add a client and print the new client's id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "XX", value_parser = parse_province)]
        province: Province,
        #[arg(long, value_enum)]
        lang: Lang,
        /// YYYY-MM-DD.
        #[arg(long)]
        birth_date: Option<String>,
        /// Sex for scoring (female or male), for the cut-offs validated by sex (AUDIT, AUDIT-C).
        /// Left out, the more sensitive (women's) cut-off applies.
        #[arg(long, value_parser = super::triage_cmd::parse_sex)]
        sex: Option<Sex>,
        /// Add the client even though one with the same name, or the same date of birth and a
        /// close name, exists (without it, such clients are listed and nothing is added).
        #[arg(long)]
        add_anyway: bool,
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
        #[arg(long, value_name = "XX", value_parser = parse_province)]
        province: Option<Province>,
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
        /// perinatal, newcomer, trans, public-safety, students, black, muslim, families, women);
        /// an empty value removes them all.
        #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_population_arg)]
        populations: Option<Vec<PopulationArg>>,
        /// Replace the access needs, comma-separated (no_internet, no_smartphone, phone_only,
        /// free_only); an empty value removes them all.
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        access_needs: Option<Vec<String>>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Find clients by name or date of birth, case and accents ignored ("cote" finds "Côté").
    /// Prints each one's id (for `report client`), name, date of birth, province and last
    /// encounter; the search is audited, naming the clients shown.
    Find {
        /// Words that must all be in the name or the date of birth (YYYY, YYYY-MM, ...).
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

/// Runs `client find`: the owner's matches, each with the date of its last encounter.
fn find(text: &[String], dir: &DirArgs, auth: &AuthArgs) -> Outcome {
    let mut secrets = Secrets::new(auth.password_stdin);
    let mut client = session(dir, auth, &mut secrets)?;
    let found = client.search_clients(&text.join(" "))?;
    let zone = super::common::zone_of(&mut client)?;
    let last_header = format!("LAST ENCOUNTER ({})", zone.name());
    let mut table = Table::new(&["ID", "NAME", "BIRTH DATE", "PROVINCE", &last_header]);
    let mut rows = Vec::new();
    for person in &found.clients {
        let history = client.client_history(person.id)?;
        let last = history.encounters.iter().map(|e| e.encounter.updated_ms.max(e.encounter.created_ms)).max();
        table.row([
            person.id.to_string(),
            person.name.clone(),
            person.birth_date.clone().unwrap_or_else(|| "-".into()),
            province_text(person.province),
            last.map_or_else(|| "-".into(), |ms| super::common::local_time(ms, &zone)),
        ]);
        rows.push(json!({
            "id": person.id,
            "name": person.name,
            "birth_date": person.birth_date,
            "province": province_text(person.province),
            "last_encounter": last.map(crate::store::format_time),
        }));
    }
    let mut text = if table.is_empty() { "No client matches.".to_string() } else { table.render() };
    if found.more {
        text.push_str("\nMore clients match than are shown: give more of the name or the date of birth.");
    }
    Ok((json!(rows), text))
}

/// Refuses to add a client who may exist already (`possible_duplicate`), listing them: found
/// through the owner's search (by each word of the name, and by the date of birth), audited as
/// a search is.
fn refuse_duplicates(
    client: &mut crate::server::client::Client,
    name: &str,
    birth_date: Option<&str>,
) -> Result<(), super::common::Failure> {
    let mut candidates = Vec::new();
    for query in name.split_whitespace().chain(birth_date) {
        candidates.extend(client.search_clients(query)?.clients);
    }
    candidates.sort_by_key(|c| c.id);
    candidates.dedup_by_key(|c| c.id);
    candidates.retain(|c| crate::store::sled_store::possible_duplicate(name, birth_date, c));
    if candidates.is_empty() {
        return Ok(());
    }
    let mut table = Table::new(&["ID", "NAME", "BIRTH DATE", "PROVINCE"]);
    for c in &candidates {
        table.row([
            c.id.to_string(),
            c.name.clone(),
            c.birth_date.clone().unwrap_or_else(|| "-".into()),
            province_text(c.province),
        ]);
    }
    Err(fail(
        "possible_duplicate",
        format!(
            "this client may exist already; nothing was added. Use an existing client's id, or add --add-anyway to add a new client:\n{}",
            table.render()
        ),
    ))
}

/// Runs a `client` command.
pub(crate) fn run(action: ClientAction) -> Outcome {
    match action {
        ClientAction::Find { text, dir, auth } => find(&text, &dir, &auth),
        ClientAction::Add { name, province, lang, birth_date, sex, add_anyway, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            if !add_anyway {
                refuse_duplicates(&mut client, &name, birth_date.as_deref())?;
            }
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
                populations: populations.map(|v| v.into_iter().filter_map(|p| p.0).collect()),
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
