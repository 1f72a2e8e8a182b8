//! The files the owner creates are private to its Unix user whatever the umask it is started
//! with (issue 16, item 9): the data directory and `db/` 0700, every file 0600. Only the socket
//! is opened to its group, on purpose.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{ADMIN, ADMIN_PW, BIN, Env, ORG};

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

/// Every path under `dir` (itself included) with its mode.
fn modes(dir: &Path, out: &mut Vec<(std::path::PathBuf, u32, bool)>) {
    out.push((dir.to_path_buf(), mode(dir), true));
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            modes(&path, out);
        } else {
            out.push((path.clone(), mode(&path), false));
        }
    }
}

#[test]
fn an_owner_started_with_umask_022_creates_nothing_others_can_read() {
    let env = Env::empty();
    // The CLI starts the owner itself on first use, as `triage init` does on a fresh machine.
    let script = "umask 022 && exec \"$0\" \"$@\"";
    let mut child = Command::new("sh")
        .args(["-c", script, BIN, "init", "--org", ORG, "--province", "NS", "--admin", ADMIN])
        .args(["--password-stdin", "--insecure-test-kdf", "--data-dir"])
        .arg(&env.data)
        .env("HOME", &env.home)
        .env("TRIAGE_OWNER_IDLE_SECS", "30")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start triage init");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), format!("{ADMIN_PW}\n").as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "init failed: {}", String::from_utf8_lossy(&output.stderr));
    env.stop_owner();

    let mut seen = Vec::new();
    modes(&env.data, &mut seen);
    assert!(seen.iter().any(|(p, _, _)| p.ends_with("db/conf")), "the database was created: {seen:?}");
    let open: Vec<String> = seen
        .iter()
        .filter(|(path, mode, is_dir)| {
            let allowed = if *is_dir { 0o700 } else { 0o600 };
            !path.ends_with("owner.sock") && mode & !allowed != 0
        })
        .map(|(path, mode, _)| format!("{} {mode:o}", path.display()))
        .collect();
    assert!(open.is_empty(), "open to others: {open:?}");
}

#[test]
fn status_warns_about_a_data_directory_others_can_read_and_names_the_fix() {
    let env = Env::initialised();
    let set = |path: &Path, mode: u32| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    let db = env.data.join("db");

    // The deployment's 0710 (group may only pass through, to reach the socket) is fine.
    set(&env.data, 0o710);
    let quiet = env.ok(&["status"], "");
    assert!(!quiet.contains("chmod"), "{quiet}");

    set(&env.data, 0o755);
    set(&db, 0o750);
    let warned = env.ok(&["status"], "");
    for (path, mode) in [(&env.data, "755"), (&db, "750")] {
        let line = warned
            .lines()
            .find(|l| l.contains("WARNING") && l.contains(&format!("{} ", path.display())))
            .unwrap_or_else(|| panic!("no warning for {}:\n{warned}", path.display()));
        assert!(line.contains(mode) && line.contains(&format!("chmod 700 {}", path.display())), "{line}");
    }
    let json: serde_json::Value = serde_json::from_str(env.ok(&["status", "--json"], "").trim()).unwrap();
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(2), "{json}");
    set(&env.data, 0o700);
    set(&db, 0o700);
}
