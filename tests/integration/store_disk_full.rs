//! A store that runs out of room (issue 14, item 10): the owner does not go on refusing
//! everything once the disk failed, nothing acknowledged is lost, and no failed save is called
//! "not saved" when it may have been written.
//!
//! The owner runs under a file-size limit (`ulimit -f`, with SIGXFSZ ignored), so its writes fail
//! the way they do on a full disk, with no root and no special filesystem. "Space returns" is the
//! next owner, started without the limit.

use crate::store_common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use store_common::*;
use triage::server::{Reply, Request};

fn add_client(dir: &Path, name: &str) -> std::process::Output {
    triage(
        dir,
        &["client", "add", "--name", name, "--province", "ON", "--lang", "en", "--user", "ivy", "--password-stdin"],
        &format!("{IVY_PW}\n"),
    )
}

fn client_names(dir: &Path) -> Vec<String> {
    let mut ivy = client(dir, "ivy", IVY_PW);
    let Reply::Clients { clients, damaged } = ivy.request(Request::ListClients).expect("list the clients") else {
        panic!("not a client list")
    };
    assert!(damaged.is_empty(), "damaged records after recovery: {damaged:?}");
    clients.into_iter().map(|c| c.name).collect()
}

#[test]
fn after_its_disk_fails_the_owner_exits_and_the_next_start_recovers_every_acknowledged_save() {
    let (_tmp, dir) = initialised();
    stop(&dir);
    // A little room above what the store holds now.
    let used: u64 = std::fs::read_dir(dir.join("db"))
        .expect("the database directory")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .max()
        .unwrap_or(0);
    // sled writes a segment (512 KiB) ahead, so the limit leaves it two beyond what is used.
    let limit_blocks = used / 1024 + 1200;
    let mut owner = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f {limit_blocks} && trap '' XFSZ && exec \"$0\" serve --idle-timeout 60 --data-dir \"$1\""
        ))
        .arg(BIN)
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the limited owner");
    let start = Instant::now();
    while !dir.join("owner.sock").exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "the limited owner did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut acknowledged = Vec::new();
    let mut failure = None;
    for n in 0..3000 {
        let name = format!("Client {n:04} with a name long enough to fill the log sooner");
        let output = add_client(&dir, &name);
        if output.status.success() {
            acknowledged.push(name);
        } else {
            failure = Some((name, String::from_utf8_lossy(&output.stderr).into_owned()));
            break;
        }
    }
    let (failed_name, message) = failure.expect("the file-size limit was never reached");
    assert!(!acknowledged.is_empty(), "nothing was saved before the limit: {message}");
    eprintln!("{} clients acknowledged; {failed_name} failed: {message}", acknowledged.len());
    assert!(
        !message.contains("not saved"),
        "a failed save may have been written; it must not be called not saved: {message}"
    );
    assert!(message.contains("could not be confirmed as saved"), "the failure says what is known: {message}");

    // Before the fix, the owner went on refusing everything, `stop` included, for ever.
    let start = Instant::now();
    let status = loop {
        if let Some(status) = owner.try_wait().expect("the owner's status") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = owner.kill();
            panic!("the owner kept serving a store that refuses every write");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut log = String::new();
    if let Some(mut stderr) = owner.stderr.take() {
        use std::io::Read;
        let _ = stderr.read_to_string(&mut log);
    }
    assert!(!status.success(), "an owner that could not write exits with a failure status (systemd restarts it)");
    assert!(log.contains("I/O error") && log.contains("next start"), "the owner says why it exits: {log}");

    // Space is back: the next command starts an owner without the limit, which recovers.
    let names = client_names(&dir);
    for name in &acknowledged {
        assert!(names.contains(name), "an acknowledged client is missing after recovery: {name}");
    }
    assert!(
        names.len() <= acknowledged.len() + 1,
        "only the unconfirmed save may be there besides the acknowledged ones"
    );
    ok(&add_client(&dir, "Saved once space is back"));
    assert!(client_names(&dir).contains(&"Saved once space is back".to_string()));
    let verified = triage(&dir, &["audit", "verify", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n"));
    ok(&verified);
    stop(&dir);
}
