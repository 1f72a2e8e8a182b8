//! Helpers shared by the store integration tests: run the real binary against a temporary data
//! directory, with passwords on standard input.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_triage");
pub const ADMIN_PW: &str = "admin password long enough";
pub const IVY_PW: &str = "ivy password long enough";
pub const CLEO_PW: &str = "cleo password long enough";
pub const KIOSK_PW: &str = "kiosk password long enough";

/// Runs `triage ARGS --data-dir DIR` with `stdin`; owners it starts exit after 3 idle seconds.
pub fn triage(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("TRIAGE_OWNER_IDLE_SECS", "3")
        // `init` proposes the machine's zone: the same one on every machine.
        .env("TZ", "UTC")
        .env_remove("TRIAGE_DATA_DIR")
        .env_remove("TRIAGE_USER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start triage");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait for triage")
}

pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed ({:?}): {}{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(ok(output).trim()).expect("JSON output")
}

/// A data directory with an organisation, admin, an intake worker `ivy`, a clinician `cleo` and a
/// kiosk `kiosk1`.
pub fn initialised() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data");
    ok(&triage(
        &path,
        &[
            "init",
            "--org",
            "Test Clinic",
            "--province",
            "ON",
            "--admin",
            "admin",
            "--password-stdin",
            "--insecure-test-kdf",
        ],
        &format!("{ADMIN_PW}\n"),
    ));
    for (name, role, password) in
        [("ivy", "intake", IVY_PW), ("cleo", "clinician", CLEO_PW), ("kiosk1", "kiosk", KIOSK_PW)]
    {
        ok(&triage(
            &path,
            &["user", "add", name, "--role", role, "--user", "admin", "--password-stdin"],
            &format!("{ADMIN_PW}\n{password}\n"),
        ));
    }
    (dir, path)
}

/// Stops the owner of `dir` (if any), so no background process outlives the test.
pub fn stop(dir: &Path) {
    let _ = triage(dir, &["stop", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n"));
}

/// The owner's pid from `triage status --json`.
pub fn owner_pid(dir: &Path) -> u64 {
    json(&triage(dir, &["status", "--json"], ""))["owner_pid"].as_u64().expect("owner pid")
}

/// A library client for the owner of `dir` (starting one with the real binary if needed).
pub fn client(dir: &Path, user: &str, password: &str) -> triage::server::client::Client {
    let options = triage::server::client::ConnectOptions {
        owner_program: Some(BIN.into()),
        idle_secs: Some(3),
        ..Default::default()
    };
    let mut client = triage::server::client::Client::connect(dir, options).expect("connect");
    client.login(user, &secrecy::SecretString::from(password.to_string()), "test").expect("login");
    client
}

/// Guard that stops the owner when a test ends, even if it panics.
pub struct StopOnDrop(pub PathBuf);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        stop(&self.0);
    }
}
