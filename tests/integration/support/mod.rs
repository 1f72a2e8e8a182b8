//! Shared by the end-to-end tests of the terminal interface (`tests/tui_e2e.rs`) and the start-up
//! benchmark (`benches/tui.rs`): temporary data directories set up through the real CLI, and the
//! real binary run in a pseudo-terminal whose screen is read through vt100.
//!
//! Nothing here touches the user's data: every process gets `--data-dir` (or `TRIAGE_DATA_DIR`)
//! and `HOME`/`XDG_DATA_HOME` inside a temporary directory, and a cleared environment otherwise.
//! An [`Env`] stops the owner it started when dropped (even when a test panics), and a [`Tui`]
//! kills its process when dropped.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_triage");
pub const ORG: &str = "Harbour Health";
pub const ADMIN: &str = "admin";
pub const ADMIN_PW: &str = "admin password long";
pub const NURSE: &str = "nurse";
pub const NURSE_PW: &str = "nurse password long";

/// How long to wait for something to appear before failing (never a performance assertion: only
/// there so that a broken build fails instead of hanging).
pub const DEADLINE: Duration = Duration::from_secs(20);
/// An owner left behind by a test that could not clean up exits after this long without clients.
const OWNER_IDLE_SECS: &str = "120";

pub const TAB: &str = "\t";
pub const ENTER: &str = "\r";
pub const SPACE: &str = " ";
pub const DOWN: &str = "\x1b[B";
pub const LEFT: &str = "\x1b[D";
pub const CTRL_U: &str = "\x15";
pub const CTRL_X: &str = "\x18";
pub const CTRL_Q: &str = "\x11";
pub const CTRL_B: &str = "\x02";
pub const CTRL_G: &str = "\x07";

/// A temporary world for one test: the data directory, a home directory and the directory the
/// interface runs in (where referral summaries are written).
pub struct Env {
    root: tempfile::TempDir,
    pub data: PathBuf,
    pub home: PathBuf,
    pub cwd: PathBuf,
    /// `TRIAGE_QUESTIONNAIRES_DIR` for every process, when the test uses its own copy.
    pub questionnaires: Option<PathBuf>,
}

impl Env {
    /// Empty directories, no organisation yet.
    pub fn empty() -> Env {
        let root = tempfile::tempdir().expect("temporary directory");
        let data = root.path().join("data");
        let home = root.path().join("home");
        let cwd = root.path().join("work");
        for dir in [&home, &cwd] {
            std::fs::create_dir_all(dir).expect("create temporary directory");
        }
        Env { root, data, home, cwd, questionnaires: None }
    }

    /// Like [`Env::initialised`], in `province`, with a copy of the shipped questionnaires whose
    /// `bundles.toml` ends with `extra_bundles` (for a bundle no organisation ships).
    pub fn initialised_with(province: &str, extra_bundles: &str) -> Env {
        let mut env = Env::empty();
        let dir = env.root.path().join("questionnaires");
        std::fs::create_dir_all(&dir).expect("create the questionnaires copy");
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
        for entry in std::fs::read_dir(&shipped).expect("read the shipped questionnaires").flatten() {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy a questionnaire file");
        }
        let mut bundles = std::fs::read_to_string(dir.join("bundles.toml")).expect("read bundles.toml");
        bundles.push_str(extra_bundles);
        std::fs::write(dir.join("bundles.toml"), bundles).expect("write bundles.toml");
        env.questionnaires = Some(dir);
        env.set_up(province);
        env
    }

    /// An organisation in Nova Scotia with the admin and a clinician `nurse`, set up through the
    /// CLI with the fast (insecure, test-only) key derivation. The owner is left running.
    pub fn initialised() -> Env {
        let env = Env::empty();
        env.set_up("NS");
        env
    }

    fn set_up(&self, province: &str) {
        let env = self;
        env.ok(
            &[
                "init",
                "--org",
                ORG,
                "--province",
                province,
                "--admin",
                ADMIN,
                "--password-stdin",
                "--insecure-test-kdf",
            ],
            &format!("{ADMIN_PW}\n"),
        );
        env.ok(
            &["user", "add", "--role", "clinician", "--user", ADMIN, "--password-stdin", NURSE],
            &format!("{ADMIN_PW}\n{NURSE_PW}\n"),
        );
    }

    /// The environment every process of this test gets (the parent's is not passed on).
    fn vars(&self) -> Vec<(&'static str, String)> {
        let questionnaires =
            self.questionnaires.iter().map(|dir| ("TRIAGE_QUESTIONNAIRES_DIR", dir.display().to_string()));
        let mut vars = vec![
            ("PATH", std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into())),
            ("HOME", self.home.display().to_string()),
            ("XDG_DATA_HOME", self.home.join("share").display().to_string()),
            ("TRIAGE_DATA_DIR", self.data.display().to_string()),
            ("TRIAGE_OWNER_IDLE_SECS", OWNER_IDLE_SECS.into()),
            ("LANG", "C.UTF-8".into()),
            // `init` and the set-up screen propose the machine's zone: the same on every machine.
            ("TZ", "UTC".into()),
        ];
        vars.extend(questionnaires);
        vars
    }

    /// Runs `triage ARGS --data-dir DIR` with `stdin` (passwords, one a line).
    pub fn cli(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = Command::new(BIN);
        command.env_clear().envs(self.vars()).current_dir(&self.cwd);
        let mut child = command
            .args(args)
            .arg("--data-dir")
            .arg(&self.data)
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

    /// Like [`Env::cli`], failing the test (with the output) unless the command succeeds.
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let output = self.cli(args, stdin);
        assert!(
            output.status.success(),
            "triage {args:?} failed ({:?}):\n{}{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The audit log as JSON entries, read by the admin through the CLI.
    pub fn audit(&self) -> Vec<serde_json::Value> {
        let text = self.ok(&["audit", "list", "--user", ADMIN, "--password-stdin", "--json"], &format!("{ADMIN_PW}\n"));
        match serde_json::from_str(text.trim()) {
            Ok(serde_json::Value::Array(entries)) => entries,
            other => panic!("audit list --json gave no array: {other:?}\n{text}"),
        }
    }

    /// Asks the owner to flush and exit (nothing happens if none runs).
    pub fn stop_owner(&self) {
        let _ = self.cli(&["stop", "--user", ADMIN, "--password-stdin"], &format!("{ADMIN_PW}\n"));
    }

    /// Opens the interface in a pseudo-terminal of `cols` x `rows` in this world's working
    /// directory, with `args` after `--data-dir DIR`.
    pub fn tui(&self, args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::spawn(self, &[], args, cols, rows)
    }

    /// Opens `triage kiosk --data-dir DIR ARGS` in a pseudo-terminal of `cols` x `rows`.
    pub fn kiosk(&self, args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::spawn(self, &["kiosk"], args, cols, rows)
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        self.stop_owner();
    }
}

/// What the reader thread shares with the test.
struct Shared {
    parser: vt100::Parser,
    /// Every complete frame seen, in order, for "did it ever show" checks.
    history: Vec<String>,
    /// The last bytes read, to tell where a frame ends.
    tail: Vec<u8>,
    /// Every byte read, for checks on the output itself (plain mode's escape-free text).
    raw: Vec<u8>,
    /// The output read so far ends at the end of a frame (not in the middle of one).
    frame_done: bool,
}

/// Whether `tail` ends where ratatui ends a frame: every draw finishes with the cursor hidden
/// (`ESC[?25l`) or shown and placed (`ESC[?25h ESC[row;colH`), after the cells that changed.
fn ends_a_frame(tail: &[u8]) -> bool {
    if tail.ends_with(b"\x1b[?25l") {
        return true;
    }
    let show = b"\x1b[?25h\x1b[";
    let Some(start) = tail.windows(show.len()).rposition(|w| w == show) else { return false };
    let rest = &tail[start + show.len()..];
    let Some(position) = rest.strip_suffix(b"H") else { return false };
    let mut parts = position.split(|b| *b == b';');
    let number = |part: Option<&[u8]>| part.is_some_and(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit));
    number(parts.next()) && number(parts.next()) && parts.next().is_none()
}

/// The interface running in a pseudo-terminal.
pub struct Tui {
    /// The terminal side of the pseudo-terminal; `None` once hung up.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    /// The screen, and a signal for every chunk of output processed.
    shared: Arc<(Mutex<Shared>, Condvar)>,
    bytes: Arc<AtomicUsize>,
    /// Set by the reader thread when it has stopped (end of output, or asked to stop).
    closed: Arc<AtomicBool>,
    /// Asks the reader thread to stop after its next read.
    stop_reading: Arc<AtomicBool>,
    pub pid: u32,
}

impl Tui {
    pub fn spawn(env: &Env, subcommand: &[&str], args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::spawn_in(env, subcommand, args, (cols, rows), &[("TERM", "xterm-256color")])
    }

    /// Like [`Tui::spawn`], with `vars` (`TERM` among them) set for the interface.
    pub fn spawn_in(
        env: &Env,
        subcommand: &[&str],
        args: &[&str],
        (cols, rows): (u16, u16),
        vars: &[(&str, &str)],
    ) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("open a pseudo-terminal");
        let mut command = CommandBuilder::new(BIN);
        command.env_clear();
        for (key, value) in env.vars() {
            command.env(key, value);
        }
        for (key, value) in vars {
            command.env(key, value);
        }
        command.cwd(&env.cwd);
        command.args(subcommand);
        command.arg("--data-dir");
        command.arg(&env.data);
        command.args(args);
        let child = pair.slave.spawn_command(command).expect("start the interface");
        // Only the child keeps the terminal side open, so reads end when it exits.
        drop(pair.slave);
        let pid = child.process_id().expect("child pid");
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let shared = Arc::new((
            Mutex::new(Shared {
                parser: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
                history: Vec::new(),
                tail: Vec::new(),
                raw: Vec::new(),
                frame_done: false,
            }),
            Condvar::new(),
        ));
        let bytes = Arc::new(AtomicUsize::new(0));
        let closed = Arc::new(AtomicBool::new(false));
        let stop_reading = Arc::new(AtomicBool::new(false));
        {
            let (shared, bytes, closed, stop) =
                (Arc::clone(&shared), Arc::clone(&bytes), Arc::clone(&closed), Arc::clone(&stop_reading));
            std::thread::spawn(move || {
                let mut buffer = [0u8; 8192];
                loop {
                    match reader.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            bytes.fetch_add(n, Ordering::SeqCst);
                            let (lock, changed) = &*shared;
                            let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
                            state.parser.process(&buffer[..n]);
                            state.tail.extend_from_slice(&buffer[..n]);
                            state.raw.extend_from_slice(&buffer[..n]);
                            let excess = state.tail.len().saturating_sub(32);
                            state.tail.drain(..excess);
                            state.frame_done = ends_a_frame(&state.tail);
                            if state.frame_done {
                                let screen = state.parser.screen().contents();
                                if state.history.last() != Some(&screen) {
                                    state.history.push(screen);
                                }
                            }
                            changed.notify_all();
                        }
                    }
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                }
                // Dropping the reader here closes this thread's copy of the terminal side.
                drop(reader);
                closed.store(true, Ordering::SeqCst);
                shared.1.notify_all();
            });
        }
        Tui { master: Some(pair.master), writer: Some(writer), child, shared, bytes, closed, stop_reading, pid }
    }

    /// Types `keys` (raw bytes as a terminal sends them).
    pub fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().expect("the terminal was hung up");
        writer.write_all(keys.as_bytes()).expect("write to the pseudo-terminal");
        writer.flush().expect("flush the pseudo-terminal");
    }

    /// Closes the terminal side, as when an SSH connection or a terminal window goes away: the
    /// kernel hangs the terminal up and sends SIGHUP. `wake_key` must make the interface draw
    /// something, so that the reader thread wakes up and lets go of its copy first.
    pub fn hang_up(&mut self, wake_key: &str) {
        self.stop_reading.store(true, Ordering::SeqCst);
        self.send(wake_key);
        let start = Instant::now();
        while !self.closed.load(Ordering::SeqCst) {
            assert!(start.elapsed() < DEADLINE, "the interface drew nothing after {wake_key:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
        self.writer = None;
        self.master = None;
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screen's text now.
    pub fn screen(&self) -> String {
        self.state().parser.screen().contents()
    }

    /// Runs `check` on the vt100 screen now.
    pub fn with_screen<T>(&self, check: impl FnOnce(&vt100::Screen) -> T) -> T {
        check(self.state().parser.screen())
    }

    /// Everything the interface has written to the terminal so far, as written.
    pub fn output(&self) -> Vec<u8> {
        self.state().raw.clone()
    }

    /// Waits until the output written after byte `from` holds `text` (for plain mode, whose
    /// lines scroll off the screen); returns that output as text.
    pub fn wait_for_text_after(&self, from: usize, text: &str) -> String {
        let start = Instant::now();
        let (lock, changed) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let written = String::from_utf8_lossy(state.raw.get(from..).unwrap_or_default()).into_owned();
            if written.contains(text) {
                return written;
            }
            let Some(left) = DEADLINE.checked_sub(start.elapsed()) else {
                panic!("timed out waiting for {text:?}; written since byte {from}:\n{written}");
            };
            state = changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Bytes the interface has written to the terminal so far.
    pub fn bytes_read(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// How many distinct screens have been seen so far (a mark for [`Tui::wait_seen`]).
    pub fn mark(&self) -> usize {
        self.state().history.len()
    }

    /// Waits until a complete frame satisfies `check`; fails with the screen after the deadline.
    pub fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let (lock, changed) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let screen = state.parser.screen().contents();
            if state.frame_done && check(&screen) {
                return screen;
            }
            let Some(left) = DEADLINE.checked_sub(start.elapsed()) else {
                panic!("timed out waiting for {what}; the screen is:\n{screen}");
            };
            // Woken by the reader after every chunk of output it processed.
            state = changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until `text` is on the screen, drawn or not by frames: for a plain command line
    /// program (a prompt, its output), which never ends a frame as the interface does.
    pub fn wait_for_output(&self, text: &str) -> String {
        self.wait_for_output_where(&format!("{text:?}"), |screen| screen.contains(text))
    }

    /// Waits until the screen, drawn or not by frames, satisfies `check`.
    pub fn wait_for_output_where(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let (lock, changed) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let screen = state.parser.screen().contents();
            if check(&screen) {
                return screen;
            }
            let Some(left) = DEADLINE.checked_sub(start.elapsed()) else {
                panic!("timed out waiting for {what}; the screen is:\n{screen}");
            };
            state = changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Waits until every one of `texts` is on the screen at once; returns the screen.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_until(&format!("{texts:?}"), |screen| texts.iter().all(|t| screen.contains(t)))
    }

    /// Waits until `text` is on the screen; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_all(&[text])
    }

    /// Waits until some screen drawn since `mark` held every one of `texts`, even if it has been
    /// replaced since (for screens that do not stay long, like one just before an idle lock).
    pub fn wait_seen(&self, mark: usize, texts: &[&str]) -> String {
        let start = Instant::now();
        let (lock, changed) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(screen) = state.history.iter().skip(mark).find(|s| texts.iter().all(|t| s.contains(t))) {
                return screen.clone();
            }
            let Some(left) = DEADLINE.checked_sub(start.elapsed()) else {
                panic!(
                    "timed out waiting for a screen with {texts:?}; the screen is:\n{}",
                    state.parser.screen().contents()
                );
            };
            state = changed.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Types `keys`, then waits until every one of `texts` is on the screen.
    pub fn step(&mut self, keys: &str, texts: &[&str]) -> String {
        self.send(keys);
        self.wait_for_all(texts)
    }

    /// Changes the terminal's size (the interface gets SIGWINCH) and the emulator's with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let mut shared = self.state();
        shared.parser.screen_mut().set_size(nonzero(rows), nonzero(cols));
        let master = self.master.as_ref().expect("the terminal was hung up");
        master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pseudo-terminal");
    }

    /// Sends a signal (e.g. "TERM", "HUP", "KILL") to the interface process.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.pid.to_string()).status().expect("run kill");
        assert!(status.success(), "kill -{name} {} failed", self.pid);
    }

    /// Waits for the process to exit and everything it wrote to be read; `None` after the
    /// deadline.
    pub fn wait_exit(&mut self, deadline: Duration) -> Option<portable_pty::ExitStatus> {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                while !self.closed.load(Ordering::SeqCst) && start.elapsed() < deadline {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return Some(status);
            }
            if start.elapsed() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Signs in from the login screen and waits for the queue.
    pub fn login(&mut self, user: &str, password: &str) -> String {
        self.wait_for_all(&["Sign in", "User name"]);
        self.send(user);
        self.send(TAB);
        self.send(password);
        self.step(ENTER, &["Queue", &format!("Signed in as {user}")])
    }

    /// From the queue: a new client `name` (born 1990-04-02, Ontario, English), the adult bundle,
    /// consent given; waits for the first PHQ-9 item (of six questionnaires: the ASQ is asked of
    /// everyone by default).
    pub fn start_intake(&mut self, name: &str) -> String {
        self.start_intake_of(name, 6)
    }

    /// As [`Tui::start_intake`], the intake holding `questionnaires` questionnaires.
    pub fn start_intake_of(&mut self, name: &str, questionnaires: usize) -> String {
        self.step("n", &["New client", "Date of birth"]);
        self.send(name);
        self.send(TAB);
        self.send("1990-04-02");
        self.send(TAB);
        // The province is prefilled with the organisation's: clear it first.
        self.send(CTRL_U);
        self.send("ON");
        self.send(TAB);
        self.send("en");
        // The bundle for an adult is selected: Enter takes it.
        self.step(ENTER, &["What to screen with", "Adult core"]);
        self.step(ENTER, &["Consent", "Does the client consent?"]);
        let first = format!("Questionnaire 1 of {questionnaires}");
        self.step("1", &["PHQ-9", &first, "Item 1 of 10", "Little interest or pleasure"])
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.running() {
            let _ = Command::new("kill").arg("-KILL").arg(self.pid.to_string()).status();
            let _ = self.child.wait();
        }
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

/// Seconds since `start`, for messages.
pub fn since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// Files in `dir` whose names start with `prefix`.
pub fn files_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}
