//! What the command groups share: where the data directory is and who is asking (`DirArgs`,
//! `AuthArgs`), the failure type with its error code and exit code, printing a command's JSON
//! value or its text (and its failure, as JSON under `--json`), reading passwords, and signing in
//! to the owner.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use unicode_width::UnicodeWidthStr;

use crate::auth::detect_origin;
use crate::sanitize::terminal_text;
use crate::server::client::{Client, ClientError, ConnectOptions, EXIT_OWNER_RUNNING};
use crate::server::default_data_dir;
use crate::store::{PasswordReset, StoreError};

/// Where the data directory is and how to print.
#[derive(Debug, Clone, Args)]
pub struct DirArgs {
    /// Data directory (default: `$XDG_DATA_HOME/triage` or `~/.local/share/triage`).
    #[arg(long, env = "TRIAGE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
}

/// Who is asking.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// Account to authenticate as.
    #[arg(long, env = "TRIAGE_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// Read the password (and any new password, on the next line) from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

/// A failure with its exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) exit: u8,
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        let code = error.code().unwrap_or("owner").to_string();
        let exit = match code.as_str() {
            "invalid" => super::EXIT_BAD_INPUT,
            _ => 1,
        };
        Failure { code: leak_code(&code), message: for_people(&code, error.to_string()), exit }
    }
}

/// A refused operation said as who can do it ("Only a clinician can change the level."); any
/// other message as the owner wrote it.
fn for_people(code: &str, message: String) -> String {
    match code {
        "denied" => crate::shell::owner_error::refusal_in_english(&message).unwrap_or(message),
        _ => message,
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        let exit = match &error {
            StoreError::Invalid { .. } => super::EXIT_BAD_INPUT,
            StoreError::OwnerRunning { .. } => EXIT_OWNER_RUNNING as u8,
            _ => 1,
        };
        Failure { code: error.code(), message: for_people(error.code(), error.to_string()), exit }
    }
}

fn leak_code(code: &str) -> &'static str {
    const KNOWN: [&str; 30] = [
        "password_change_required",
        "session_ended",
        "damaged",
        "newer_schema",
        "locked",
        "not_found",
        "denied",
        "bad_credentials",
        "throttled",
        "locked_out",
        "disabled",
        "already_initialised",
        "not_initialised",
        "foreign",
        "corrupt",
        "audit_loss",
        "disk_full",
        "read_only",
        "owner_running",
        "storage",
        "io",
        "invalid",
        "bad_backup",
        "refused",
        "not_logged_in",
        "owner",
        "input",
        "claimed",
        "unverified",
        "busy",
    ];
    KNOWN.iter().find(|k| **k == code).copied().unwrap_or("owner")
}

pub(crate) fn fail(code: &'static str, message: impl Into<String>) -> Failure {
    Failure { code, message: message.into(), exit: super::EXIT_BAD_INPUT }
}

pub(crate) type Outcome = Result<(serde_json::Value, String), Failure>;

/// Prints a command's JSON value or its text, or its failure (sanitised, also as JSON with
/// `--json`), and gives its exit code.
pub(crate) fn print_outcome(json: bool, outcome: Outcome) -> ExitCode {
    match outcome {
        Ok((value, human)) => {
            let mut out = std::io::stdout().lock();
            let _ = if json {
                writeln!(out, "{value}")
            } else if human.is_empty() {
                Ok(())
            } else {
                writeln!(out, "{human}")
            };
            ExitCode::SUCCESS
        }
        Err(failure) => print_failure(json, &failure),
    }
}

/// The JSON a failure prints under `--json`: `{"error": {"code": …, "message": …}}`, the message
/// sanitised (its line breaks kept: JSON escapes them).
pub(crate) fn error_json(code: &str, message: &str) -> serde_json::Value {
    json!({ "error": { "code": code, "message": terminal_text(message, true) } })
}

/// Prints a failure and gives its exit code. Under `--json`, standard output gets one JSON object
/// ([`error_json`]) and nothing else; either way the message goes to standard error for people.
pub(crate) fn print_failure(json: bool, failure: &Failure) -> ExitCode {
    if json {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", error_json(failure.code, &failure.message));
    }
    eprintln!("triage: {}", terminal_text(&failure.message, false));
    ExitCode::from(failure.exit)
}

/// Bad input for a command that needs no owner: under `--json` as [`print_failure`] does, else
/// the message on standard error with its line breaks; exit 2 either way.
pub(crate) fn bad_input(json: bool, code: &'static str, message: impl AsRef<str>) -> ExitCode {
    if json {
        return print_failure(
            json,
            &Failure { code, message: message.as_ref().to_string(), exit: super::EXIT_BAD_INPUT },
        );
    }
    eprintln!("triage: {}", terminal_text(message.as_ref(), true));
    ExitCode::from(super::EXIT_BAD_INPUT)
}

pub(crate) fn data_dir(args: &DirArgs) -> Result<PathBuf, Failure> {
    let dir = args
        .data_dir
        .clone()
        .or_else(default_data_dir)
        .ok_or_else(|| fail("input", "no data directory: pass `--data-dir DIR` or set TRIAGE_DATA_DIR"))?;
    Ok(if dir.is_absolute() { dir } else { std::env::current_dir().map(|cwd| cwd.join(&dir)).unwrap_or(dir) })
}

/// Reads secrets: from stdin lines with `--password-stdin`, else from the terminal unechoed.
pub(crate) struct Secrets {
    from_stdin: bool,
    lines: Option<std::io::StdinLock<'static>>,
}

impl Secrets {
    pub(crate) fn new(from_stdin: bool) -> Self {
        Secrets { from_stdin, lines: None }
    }

    pub(crate) fn next(&mut self, prompt: &str) -> Result<SecretString, Failure> {
        if self.from_stdin {
            let lines = self.lines.get_or_insert_with(|| std::io::stdin().lock());
            let mut line = zeroize::Zeroizing::new(String::new());
            let read =
                lines.read_line(&mut line).map_err(|e| fail("input", format!("cannot read standard input: {e}")))?;
            if read == 0 {
                return Err(fail("input", format!("standard input ended before the {prompt}")));
            }
            let trimmed = line.trim_end_matches(['\n', '\r']);
            return Ok(SecretString::from(trimmed.to_string()));
        }
        read_from_terminal(prompt)
    }
}

pub(crate) fn read_from_terminal(prompt: &str) -> Result<SecretString, Failure> {
    use ratatui::crossterm::terminal;
    use std::io::Read;
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| fail("input", format!("no terminal to ask for the {prompt}: use --password-stdin")))?;
    // Echo goes off before the prompt appears: a person (or a script) who types as soon as
    // the prompt shows would otherwise have the first characters echoed by the terminal.
    terminal::enable_raw_mode().map_err(|e| fail("input", format!("cannot turn off echo: {e}")))?;
    let _ = write!(tty, "{prompt}: ");
    let _ = tty.flush();
    let mut buffer = zeroize::Zeroizing::new(Vec::new());
    let mut byte = [0u8; 1];
    let outcome = loop {
        match tty.read(&mut byte) {
            Ok(0) => break Ok(()),
            Ok(_) => match byte[0] {
                b'\r' | b'\n' => break Ok(()),
                3 => break Err(fail("input", "cancelled")),
                127 | 8 => {
                    // Remove the last UTF-8 character.
                    while let Some(last) = buffer.pop() {
                        if last & 0xC0 != 0x80 {
                            break;
                        }
                    }
                }
                other => buffer.push(other),
            },
            Err(e) => break Err(fail("input", format!("cannot read the terminal: {e}"))),
        }
    };
    let _ = terminal::disable_raw_mode();
    let _ = write!(tty, "\r\n");
    outcome?;
    let text = String::from_utf8(buffer.to_vec()).map_err(|_| fail("input", "the password is not valid UTF-8"))?;
    Ok(SecretString::from(text))
}

pub(crate) fn connect(dir: &Path, autostart: bool) -> Result<Client, Failure> {
    Ok(Client::connect(dir, ConnectOptions { autostart, ..ConnectOptions::default() })?)
}

/// The organisation's time zone, for the times human output shows (JSON keeps UTC): UTC when
/// it set none.
pub(crate) fn zone_of(client: &mut Client) -> Result<crate::ui::clock::Zone, Failure> {
    Ok(crate::ui::clock::Zone::of_setting(client.settings()?.time_zone.as_deref()))
}

/// The machine's time zone, proposed to a new organisation: `TZ`, else where `/etc/localtime`
/// links, else UTC ([`crate::ui::clock::proposed_zone`]).
pub(crate) fn machine_zone() -> crate::ui::clock::Zone {
    let tz = std::env::var("TZ").ok();
    let link = std::fs::read_link("/etc/localtime").ok().map(|target| target.to_string_lossy().into_owned());
    crate::ui::clock::proposed_zone(tz.as_deref(), link.as_deref())
}

/// A time for people: date and time in `zone`, in English (the CLI's language).
pub(crate) fn local_time(ms: i64, zone: &crate::ui::clock::Zone) -> String {
    crate::ui::clock::date_time(ms, zone, crate::instrument::Lang::En)
}

/// Connects and logs in as `--user`. If an administrator set the account's password, a new one
/// is chosen first: asked for on the terminal, or, with `--password-stdin`, the command stops and
/// says how to set it (`triage user passwd`).
pub(crate) fn session(dir_args: &DirArgs, auth: &AuthArgs, secrets: &mut Secrets) -> Result<Client, Failure> {
    let (mut client, user, reset) = sign_in(dir_args, auth, secrets)?;
    if let Some(reset) = reset {
        choose_new_password(&mut client, &user, &reset, secrets)?;
    }
    Ok(client)
}

/// Connects and logs in as `--user`; also says whether an administrator's reset is pending.
pub(crate) fn sign_in(
    dir_args: &DirArgs,
    auth: &AuthArgs,
    secrets: &mut Secrets,
) -> Result<(Client, String, Option<PasswordReset>), Failure> {
    let dir = data_dir(dir_args)?;
    let user = auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME` (or TRIAGE_USER)"))?;
    let password = secrets.next(&format!("password for {}", terminal_text(&user, false)))?;
    let mut client = connect(&dir, true)?;
    let reset = client.sign_in(&user, &password, &detect_origin())?.password_reset;
    Ok((client, user, reset))
}

/// What the user is told of an administrator's reset of their password.
pub(crate) fn reset_notice(user: &str, reset: &PasswordReset) -> String {
    format!(
        "the password of {} was reset by {} on {}: choose a new one before anything else (only you will know it)",
        terminal_text(user, false),
        terminal_text(&reset.by, false),
        reset.date()
    )
}

/// After an administrator's reset: the new password, asked twice on the terminal and set, so the
/// command goes on; with `--password-stdin` (no one to ask), the command stops and says how.
fn choose_new_password(
    client: &mut Client,
    user: &str,
    reset: &PasswordReset,
    secrets: &mut Secrets,
) -> Result<(), Failure> {
    let name = terminal_text(user, false);
    if secrets.from_stdin {
        return Err(Failure {
            code: "password_change_required",
            message: format!(
                "{}: run `triage user passwd {name} --user {name}` (current password, then the new one), or sign in to the staff interface",
                reset_notice(user, reset)
            ),
            exit: 1,
        });
    }
    eprintln!("triage: {}", reset_notice(user, reset));
    let new = secrets.next(&format!("new password for {name}"))?;
    let again = secrets.next("the same password again")?;
    if again.expose_secret() != new.expose_secret() {
        return Err(fail("input", "the two passwords differ; the password was not changed and nothing else was done"));
    }
    client.change_own_password(&new)?;
    eprintln!("triage: new password set for {name}");
    Ok(())
}

/// A table of text for the terminal: a header line, then one line per row, each column as wide
/// as its widest cell in terminal cells (`unicode-width`), separated by two spaces. Every cell is
/// sanitised (`sanitize::terminal_text`), so a stored name cannot move the cursor or reorder the
/// line. The last column is not padded.
pub(crate) struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            right: vec![false; headers.len()],
            rows: Vec::new(),
        }
    }

    /// Aligns a column (numbers) to the right.
    pub(crate) fn right(mut self, column: usize) -> Self {
        if let Some(right) = self.right.get_mut(column) {
            *right = true;
        }
        self
    }

    /// Adds a row; missing cells are empty and cells past the headers are dropped.
    pub(crate) fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = cells.into_iter().map(|c| cell(c.as_ref())).collect();
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The lines, without a final newline.
    pub(crate) fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (width, text) in widths.iter_mut().zip(row) {
                *width = (*width).max(text.width());
            }
        }
        let last = self.headers.len().saturating_sub(1);
        std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|row| {
                let mut line = String::new();
                for (column, text) in row.iter().enumerate() {
                    let pad = " ".repeat(widths[column].saturating_sub(text.width()));
                    if column > 0 {
                        line.push_str("  ");
                    }
                    if self.right[column] {
                        line.push_str(&pad);
                        line.push_str(text);
                    } else {
                        line.push_str(text);
                        if column < last {
                            line.push_str(&pad);
                        }
                    }
                }
                line.trim_end().to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// One cell: sanitised, on one line (line breaks and tabs become spaces).
fn cell(text: &str) -> String {
    terminal_text(&text.replace(['\n', '\r', '\t'], " "), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_map_to_known_static_codes() {
        assert_eq!(leak_code("denied"), "denied");
        assert_eq!(leak_code("claimed"), "claimed");
        assert_eq!(leak_code("something new"), "owner");
    }

    #[test]
    fn tables_align_by_display_width_and_sanitise_cells() {
        let mut table = Table::new(&["N", "NAME", "NOTE"]).right(0);
        table.row(["7", "Zoë 日本", "a"]);
        table.row(["12", "evil\u{1b}[2J\u{202e}", "b"]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], " N  NAME      NOTE");
        assert_eq!(lines[1], " 7  Zoë 日本  a");
        assert_eq!(lines[2], "12  evil[2J   b");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
    }

    #[test]
    fn a_table_pads_short_rows_and_leaves_no_trailing_spaces() {
        let mut table = Table::new(&["A", "B"]);
        table.row(["long value"]);
        assert_eq!(table.render(), format!("A{}B\nlong value", " ".repeat(11)));
    }
}
