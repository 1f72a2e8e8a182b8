//! Durability: a writer process saves answers and prints an acknowledgement after each save
//! returned (after sled's flush); it is killed with SIGKILL at random moments, 200 times; after
//! every restart the store opens and every acknowledged answer is present and identical.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_triage");
const ADMIN_PW: &str = "durability admin password";
const WRITER_PW: &str = "durability writer password";

fn random_u64() -> u64 {
    u64::from_le_bytes(triage::store::crypto::random_bytes::<8>())
}

fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("TRIAGE_OWNER_IDLE_SECS", "5")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start triage");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait for triage")
}

type Answer = (String, u32, i64);
/// One writer run's output.
struct Round {
    /// The stored answers the writer listed at start-up.
    have: BTreeMap<String, Answer>,
    /// The answers it acknowledged as saved.
    acks: Vec<(String, Answer)>,
    /// Any other line (e.g. DAMAGED).
    other: Vec<String>,
    /// READY was printed, so `have` is the whole listing. A kill during start-up can cut the
    /// listing short, and a partial listing says nothing about what the store holds.
    listing_complete: bool,
}

/// One writer run.
fn writer_round(dir: &Path, kill_after: Option<Duration>, wait_ready: bool, count: Option<u64>) -> Round {
    let mut command = Command::new(BIN);
    command.args(["dev", "durability-writer", "--user", "writer", "--password-stdin", "--data-dir"]).arg(dir);
    if let Some(count) = count {
        command.args(["--count", &count.to_string()]);
    }
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start writer");
    child.stdin.take().expect("stdin").write_all(format!("{WRITER_PW}\n").as_bytes()).expect("password");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut have = BTreeMap::new();
    let mut acks = Vec::new();
    let mut other = Vec::new();
    let mut listing_complete = false;
    let mut handle = |line: String, have: &mut BTreeMap<String, Answer>, acks: &mut Vec<(String, Answer)>| {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["HAVE", id, item, position, score] => {
                have.insert(
                    id.to_string(),
                    (item.to_string(), position.parse().expect("position"), score.parse().expect("score")),
                );
            }
            ["ACK", id, item, position, score] => {
                acks.push((
                    id.to_string(),
                    (item.to_string(), position.parse().expect("position"), score.parse().expect("score")),
                ));
            }
            _ => other.push(line),
        }
    };
    if wait_ready {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
                let _ = child.kill();
                let _ = child.wait();
                let mut stderr = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
                }
                panic!("the writer did not reach READY: {stderr}");
            };
            if line == "READY" {
                listing_complete = true;
                break;
            }
            handle(line, &mut have, &mut acks);
        }
    }
    if let Some(delay) = kill_after {
        std::thread::sleep(delay);
        // std's Child::kill sends SIGKILL on Unix.
        let _ = child.kill();
    }
    let status = child.wait().expect("wait for writer");
    let _ = reader.join();
    for line in rx.try_iter() {
        if line == "READY" {
            listing_complete = true;
        } else {
            handle(line, &mut have, &mut acks);
        }
    }
    if kill_after.is_none() {
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
        }
        assert!(status.success(), "writer failed: {stderr}");
    }
    Round { have, acks, other, listing_complete }
}

#[test]
fn acknowledged_answers_survive_200_sigkills() {
    let dir = writer_store();
    let mut acknowledged: BTreeMap<String, Answer> = BTreeMap::new();
    let mut kills_during_writes = 0;
    for round in 0..200 {
        // Most kills land while answers are being saved; one in five lands at a random moment
        // of start-up (opening, recovery, login).
        let during_startup = random_u64().is_multiple_of(5);
        let delay = Duration::from_millis(random_u64() % if during_startup { 60 } else { 25 });
        let Round { have, acks, other, listing_complete } =
            writer_round(dir.path(), Some(delay), !during_startup, None);
        assert!(other.iter().all(|l| !l.starts_with("DAMAGED")), "round {round}: {other:?}");
        if listing_complete {
            for (id, answer) in &acknowledged {
                assert_eq!(have.get(id), Some(answer), "round {round}: acknowledged answer {id} lost or changed");
            }
        }
        if !during_startup {
            kills_during_writes += 1;
        }
        for (id, answer) in acks {
            acknowledged.insert(id, answer);
        }
    }
    // A final clean run opens the store and still holds every acknowledged answer.
    let Round { have, other, listing_complete, .. } = writer_round(dir.path(), None, true, Some(0));
    assert!(listing_complete, "the final run did not list the stored answers");
    assert!(other.iter().all(|l| !l.starts_with("DAMAGED")), "{other:?}");
    for (id, answer) in &acknowledged {
        assert_eq!(have.get(id), Some(answer), "acknowledged answer {id} lost or changed");
    }
    // Commits cut short by the kills were completed on open: the audit chain is whole.
    let verify = run_with_stdin(
        dir.path(),
        &["audit", "verify", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(
        verify.status.success(),
        "audit verify after the kills: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    let stop = run_with_stdin(dir.path(), &["stop", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n"));
    assert!(stop.status.success(), "{}", String::from_utf8_lossy(&stop.stderr));
    assert!(kills_during_writes >= 100, "only {kills_during_writes} kills hit the write loop");
    assert!(
        acknowledged.len() >= 200,
        "only {} answers were acknowledged: the test did not exercise the writer",
        acknowledged.len()
    );
}

/// A fresh store with an admin and a `writer` (intake) account, its owner stopped.
fn writer_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let init = run_with_stdin(
        dir.path(),
        &[
            "init",
            "--org",
            "Durability Clinic",
            "--province",
            "ON",
            "--admin",
            "admin",
            "--password-stdin",
            "--insecure-test-kdf",
        ],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let add = run_with_stdin(
        dir.path(),
        &["user", "add", "writer", "--role", "intake", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n{WRITER_PW}\n"),
    );
    assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));
    let stop = run_with_stdin(dir.path(), &["stop", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n"));
    assert!(stop.status.success(), "{}", String::from_utf8_lossy(&stop.stderr));
    dir
}

/// [`writer_store`] with `answers` acknowledged answers.
fn store_with_answers(answers: u64) -> tempfile::TempDir {
    let dir = writer_store();
    let round = writer_round(dir.path(), None, true, Some(answers));
    assert_eq!(round.acks.len() as u64, answers, "{:?}", round.other);
    dir
}

/// The part of sled's log file that holds data (sled preallocates its segments with zeros).
fn used_log(dir: &Path) -> (std::path::PathBuf, Vec<u8>, usize) {
    let path = dir.join("db").join("db");
    let log = std::fs::read(&path).expect("read the log");
    let used = log.iter().rposition(|b| *b != 0).map_or(0, |at| at + 1);
    (path, log, used)
}

#[test]
fn damage_to_the_database_log_is_detected_and_named_and_a_loss_can_be_accepted_with_a_reason() {
    type Damage = fn(&mut Vec<u8>, usize);
    let damages: [(&str, Damage); 4] = [
        ("cut to 90%", |log, used| log.truncate(used * 9 / 10)),
        ("cut to 60%", |log, used| log.truncate(used * 6 / 10)),
        ("one byte flipped 87% in", |log, used| log[used * 87 / 100] ^= 0x5a),
        ("one byte flipped half-way", |log, used| log[used / 2] ^= 0x5a),
    ];
    let mut named = 0;
    for (damage, apply) in damages {
        let dir = store_with_answers(150);
        let (path, mut log, used) = used_log(dir.path());
        apply(&mut log, used);
        std::fs::write(&path, &log).expect("write the damaged log");
        let verify = run_with_stdin(
            dir.path(),
            &["audit", "verify", "--user", "admin", "--password-stdin"],
            &format!("{ADMIN_PW}\n"),
        );
        let said = format!("{}{}", String::from_utf8_lossy(&verify.stdout), String::from_utf8_lossy(&verify.stderr));
        if verify.status.success() {
            // Opened: then nothing acknowledged may be missing.
            let round = writer_round(dir.path(), None, true, Some(0));
            assert_eq!(round.have.len(), 150, "{damage}: opened with acknowledged answers missing: {said}");
            continue;
        }
        assert!(
            said.contains("lost changes that were confirmed as saved") || said.contains("damaged and cannot be opened"),
            "{damage}: {said}"
        );
        if said.contains("lost changes") {
            named += 1;
            assert!(said.contains("entries were committed") && said.contains("are missing"), "{damage}: {said}");
            assert!(said.contains("triage backup restore"), "{damage}: the way out is named: {said}");
        }
    }
    assert!(named >= 2, "only {named} damage variants were named as a loss");

    // With no backup to restore, an admin opens it as it is; the loss and the reason are audited.
    let dir = store_with_answers(60);
    let (path, log, used) = used_log(dir.path());
    std::fs::write(&path, &log[..used / 2]).expect("cut the log");
    let no_reason = run_with_stdin(
        dir.path(),
        &["audit", "accept-loss", "--reason", " ", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(!no_reason.status.success());
    let accept = run_with_stdin(
        dir.path(),
        &[
            "audit",
            "accept-loss",
            "--reason",
            "disk replaced; backups older than the loss",
            "--user",
            "admin",
            "--password-stdin",
        ],
        &format!("{ADMIN_PW}\n"),
    );
    let said = format!("{}{}", String::from_utf8_lossy(&accept.stdout), String::from_utf8_lossy(&accept.stderr));
    assert!(accept.status.success() && said.contains("are missing"), "{said}");
    let listed = run_with_stdin(
        dir.path(),
        &["audit", "list", "--action", "audit.loss_accepted", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.status.success() && listing.contains("disk replaced"), "{listing}");
    let verify = run_with_stdin(
        dir.path(),
        &["audit", "verify", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let stop = run_with_stdin(dir.path(), &["stop", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n"));
    assert!(stop.status.success(), "{}", String::from_utf8_lossy(&stop.stderr));
}
