//! Issue 14, item 6, through the real binary: a password an administrator sets must be replaced
//! by the account's user before the account can do anything else, and the user is told who set
//! it and when. The interactive prompt and the staff interface's step are in `tui_e2e.rs`.

use crate::store_common;

use store_common::*;

const SET_BY_ADMIN: &str = "the admin chose this one";
const IVY_OWN: &str = "a password only ivy knows";

fn as_ivy(dir: &std::path::Path, password: &str, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--user", "ivy", "--password-stdin"]);
    triage(dir, &all, &format!("{password}\n"))
}

#[test]
fn a_password_set_by_an_admin_is_changed_by_its_user_before_anything_else() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let reset = ok(&triage(
        &dir,
        &["user", "passwd", "ivy", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n{SET_BY_ADMIN}\n"),
    ));
    assert!(reset.contains("must choose a new one at its next sign-in"), "{reset}");
    let listed = ok(&triage(&dir, &["user", "list", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")));
    assert!(listed.starts_with("USER "), "{listed}");
    assert!(listed.lines().any(|l| l.starts_with("ivy ") && l.contains("password set by admin on")), "{listed}");

    // Any other command stops, says who reset it and when, and how to set a new one.
    let add = ["client", "add", "--name", "Test Person", "--province", "ON", "--lang", "en"];
    let refused = as_ivy(&dir, SET_BY_ADMIN, &add);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    let today = triage::store::format_time(triage::store::now_ms()).chars().take(10).collect::<String>();
    assert!(said.contains(&format!("the password of ivy was reset by admin on {today}")), "{said}");
    assert!(said.contains("run `triage user passwd ivy --user ivy`"), "{said}");
    let mut json_args = add.to_vec();
    json_args.push("--json");
    let refused = json_output(&as_ivy(&dir, SET_BY_ADMIN, &json_args));
    assert_eq!(refused["error"]["code"], "password_change_required");

    // Its own `user passwd` sets it (not to the administrator's), and everything works again.
    let passwd = ["user", "passwd", "ivy", "--user", "ivy", "--password-stdin"];
    let same = triage(&dir, &passwd, &format!("{SET_BY_ADMIN}\n{SET_BY_ADMIN}\n"));
    assert!(!same.status.success());
    assert!(String::from_utf8_lossy(&same.stderr).contains("other than the one the administrator set"));
    ok(&triage(&dir, &passwd, &format!("{SET_BY_ADMIN}\n{IVY_OWN}\n")));
    assert!(!as_ivy(&dir, SET_BY_ADMIN, &add).status.success(), "the administrator's password is gone");
    let id = ok(&as_ivy(&dir, IVY_OWN, &add));
    assert_eq!(id.trim().len(), 32, "{id}");

    // Both are in the audit log: the reset by admin and the change by ivy.
    let audit = ok(&triage(
        &dir,
        &["audit", "list", "--action", "account.password", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert!(audit.lines().any(|l| l.contains(" admin ") && l.contains("account.password_reset")), "{audit}");
    assert!(audit.lines().any(|l| l.contains(" ivy ") && l.contains("account.password_changed")), "{audit}");
}

/// `--json` output of a failed command (stdout holds the error object).
fn json_output(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).expect("JSON output")
}
