//! The client side: connect to the owner of a data directory, starting one in the background if
//! there is none (like gpg-agent), and reconnect (starting a new owner) if it goes away.

use std::collections::VecDeque;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use std::sync::Arc;

use secrecy::SecretString;

use super::{
    Event, Hello, PROTOCOL_VERSION, Password, Reply, Request, RequestFrame, ServerFrame, WireError, read_frame,
    socket_path, write_frame,
};

mod basis;
mod typed;

pub use typed::SignedIn;
use typed::{ask, wrong_reply};

/// Exit code of `triage serve` when another owner holds the directory.
pub const EXIT_OWNER_RUNNING: i32 = 3;
/// Default idle timeout of an owner started in the background, in seconds.
pub const DEFAULT_IDLE_SECS: u64 = 300;

/// Why talking to the owner failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no triage owner is running for {dir} and none could be started: {detail}")]
    NoOwner { dir: PathBuf, detail: String },
    #[error("{message}")]
    VersionMismatch { message: String },
    #[error("{message}")]
    Owner { code: String, message: String },
    #[error("lost the connection to the triage owner of {dir} ({detail}); retry the command")]
    Disconnected { dir: PathBuf, detail: String },
    #[error("unexpected reply from the triage owner: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The owner's error code, if the owner refused the request.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Owner { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl From<WireError> for ClientError {
    fn from(error: WireError) -> Self {
        ClientError::Owner { code: error.code, message: error.message }
    }
}

/// How to connect.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Start an owner in the background if none answers.
    pub autostart: bool,
    /// The `triage` executable to start (default: this process's executable).
    pub owner_program: Option<PathBuf>,
    /// Idle timeout for an owner started here (default: `TRIAGE_OWNER_IDLE_SECS` or 300 s).
    pub idle_secs: Option<u64>,
    /// How long to wait for an owner to answer.
    pub wait: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions { autostart: true, owner_program: None, idle_secs: None, wait: Duration::from_secs(30) }
    }
}

/// A connection to the owner.
pub struct Client {
    dir: PathBuf,
    options: ConnectOptions,
    stream: UnixStream,
    next_id: u64,
    events: VecDeque<Event>,
    /// (user, password, origin) to sign in again after a reconnect. The password is shared
    /// (`Arc`), so a caller that keeps it too (the interface's event listener) holds the same
    /// one secret rather than a copy.
    credentials: Option<(String, Arc<SecretString>, String)>,
    /// A kiosk session to open again after a reconnect: (device, origin).
    kiosk: Option<(String, String)>,
    subscribed: bool,
    owner_pid: u32,
    /// The encounter this connection writes to and the version it last saw (see `basis`).
    basis: Option<(crate::store::RecordId, u64)>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("dir", &self.dir).field("owner_pid", &self.owner_pid).finish_non_exhaustive()
    }
}

fn handshake(dir: &Path) -> Result<(UnixStream, u32), ClientError> {
    let mut stream = UnixStream::connect(socket_path(dir))
        .map_err(|e| ClientError::NoOwner { dir: dir.to_path_buf(), detail: e.to_string() })?;
    let disconnected = |e: std::io::Error| ClientError::Disconnected { dir: dir.to_path_buf(), detail: e.to_string() };
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(disconnected)?;
    write_frame(&mut stream, &Hello { protocol: PROTOCOL_VERSION, version: env!("CARGO_PKG_VERSION").into() })
        .map_err(disconnected)?;
    let frame: Option<ServerFrame> = read_frame(&mut stream).map_err(disconnected)?;
    stream.set_read_timeout(None).map_err(disconnected)?;
    match frame {
        Some(ServerFrame::Welcome { owner_pid, .. }) => Ok((stream, owner_pid)),
        Some(ServerFrame::VersionMismatch { message, .. }) => Err(ClientError::VersionMismatch { message }),
        Some(ServerFrame::Busy { message }) => Err(ClientError::Owner { code: "busy".into(), message }),
        Some(_) => Err(ClientError::Protocol("expected a welcome".into())),
        None => {
            Err(ClientError::Disconnected { dir: dir.to_path_buf(), detail: "the owner closed the connection".into() })
        }
    }
}

/// Where the messages of one owner start go: `owner.log` from where it ended before the start,
/// or why it could not be opened (the owner's messages are then lost, and that is the reason
/// to give).
#[derive(Debug)]
enum StartLog {
    From(u64),
    Unwritable(std::io::Error),
}

/// Why an owner started here did not serve: the last line it wrote to `owner.log` (never a line
/// an earlier start left there), or why it could write none.
fn start_failure(dir: &Path, log: &StartLog) -> String {
    let path = dir.join("owner.log");
    match log {
        StartLog::Unwritable(error) => {
            let read_only = matches!(error.raw_os_error(), Some(13 | 30))
                || matches!(
                    error.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                );
            if read_only {
                format!(
                    "the data directory {} is read-only or not writable by this user ({} cannot be written: {error}); the owner keeps its database there. Check the directory's permissions and the mount",
                    dir.display(),
                    path.display()
                )
            } else {
                format!("{} cannot be written ({error}), so the owner's reason is not known", path.display())
            }
        }
        StartLog::From(offset) => written_since(&path, *offset)
            .unwrap_or_else(|| format!("the owner wrote nothing to {} this time", path.display())),
    }
}

/// The last non-blank line of `path` after byte `offset`, made safe for the terminal.
fn written_since(path: &Path, offset: u64) -> Option<String> {
    use std::io::{Read, Seek};
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(std::io::SeekFrom::Start(offset)).ok()?;
    let mut bytes = Vec::new();
    file.take(1 << 20).read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines().rev().find(|l| !l.trim().is_empty()).map(|l| crate::sanitize::terminal_text(l, false))
}

fn spawn_owner(dir: &Path, options: &ConnectOptions) -> Result<(Child, StartLog), ClientError> {
    let program = match &options.owner_program {
        Some(program) => program.clone(),
        None => std::env::current_exe().map_err(|e| ClientError::NoOwner {
            dir: dir.to_path_buf(),
            detail: format!("cannot find the triage executable: {e}"),
        })?,
    };
    let idle = options
        .idle_secs
        .or_else(|| std::env::var("TRIAGE_OWNER_IDLE_SECS").ok().and_then(|v| v.parse().ok()))
        .unwrap_or(DEFAULT_IDLE_SECS);
    if !dir.exists() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| ClientError::NoOwner {
            dir: dir.to_path_buf(),
            detail: format!("cannot create the data directory: {e}"),
        })?;
    }
    // The owner's own messages (never personal data) go to owner.log in the data directory;
    // where it ends now is where this start's messages begin.
    let log = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(dir.join("owner.log"))
    };
    let (stderr, start_log) = match log {
        Ok(file) => {
            let end = file.metadata().map_or(0, |m| m.len());
            (Stdio::from(file), StartLog::From(end))
        }
        Err(error) => (Stdio::null(), StartLog::Unwritable(error)),
    };
    let mut command = std::process::Command::new(program);
    command
        .arg("serve")
        .arg("--data-dir")
        .arg(dir)
        .arg("--idle-timeout")
        .arg(idle.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    // glibc gives each connection thread its own memory pool; one pool keeps the owner's peak
    // memory near its working set (100,000 encounters: 81 MB after every export against 125 MB
    // with two pools, at the same speed; README, Reports and exports). An explicit setting in
    // the environment is kept.
    let (name, value) = super::owner::ONE_MALLOC_POOL;
    if std::env::var_os(name).is_none() {
        command.env(name, value);
    }
    // Its own process group: a Ctrl-C in the terminal that started it does not stop it.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command.spawn().map_err(|e| ClientError::NoOwner {
        dir: dir.to_path_buf(),
        detail: format!("cannot start `triage serve`: {e}"),
    })?;
    Ok((child, start_log))
}

use std::os::unix::fs::DirBuilderExt as _;

/// Connects to the owner of `dir`, starting one if allowed and needed.
fn establish(dir: &Path, options: &ConnectOptions) -> Result<(UnixStream, u32), ClientError> {
    match handshake(dir) {
        Ok(ok) => return Ok(ok),
        Err(error @ ClientError::VersionMismatch { .. }) => return Err(error),
        Err(error) if !options.autostart => return Err(error),
        Err(_) => {}
    }
    let deadline = Instant::now() + options.wait;
    let (started, mut log) = spawn_owner(dir, options)?;
    let mut child = Some(started);
    let mut delay = Duration::from_millis(5);
    loop {
        match handshake(dir) {
            Ok(ok) => return Ok(ok),
            Err(error @ ClientError::VersionMismatch { .. }) => return Err(error),
            Err(_) => {}
        }
        if let Some(running) = child.as_mut()
            && let Ok(Some(status)) = running.try_wait()
        {
            child = None;
            // Another process won the election: keep waiting for that owner. Any other exit
            // is a real failure.
            if status.code() != Some(EXIT_OWNER_RUNNING) && status.code() != Some(0) {
                return Err(ClientError::NoOwner { dir: dir.to_path_buf(), detail: start_failure(dir, &log) });
            }
        }
        if Instant::now() >= deadline {
            return Err(ClientError::NoOwner {
                dir: dir.to_path_buf(),
                detail: format!("no answer within {} s; {}", options.wait.as_secs(), start_failure(dir, &log)),
            });
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(100));
        if child.is_none() && handshake(dir).is_err() && socket_gone_and_unlocked(dir) {
            // The winner died before serving: try to start one again.
            let (started, again) = spawn_owner(dir, options)?;
            child = Some(started);
            log = again;
        }
    }
}

fn socket_gone_and_unlocked(dir: &Path) -> bool {
    use fs2::FileExt;
    let Ok(file) = std::fs::File::open(super::lock_path(dir)) else { return true };
    match file.try_lock_exclusive() {
        Ok(()) => {
            let _ = FileExt::unlock(&file);
            true
        }
        Err(_) => false,
    }
}

impl Client {
    /// Connects to the owner of `dir`.
    pub fn connect(dir: &Path, options: ConnectOptions) -> Result<Client, ClientError> {
        let (stream, owner_pid) = establish(dir, &options)?;
        Ok(Client {
            dir: dir.to_path_buf(),
            options,
            stream,
            next_id: 1,
            events: VecDeque::new(),
            credentials: None,
            kiosk: None,
            subscribed: false,
            owner_pid,
            basis: None,
        })
    }

    /// The process id of the owner this client talks to.
    pub fn owner_pid(&self) -> u32 {
        self.owner_pid
    }

    fn send(&mut self, request: &Request) -> Result<Reply, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        let dir = self.dir.clone();
        let disconnected = |e: std::io::Error| ClientError::Disconnected { dir: dir.clone(), detail: e.to_string() };
        let frame = RequestFrame { id, request: request.clone() };
        if request.holds_secret() {
            super::write_secret_frame(&mut self.stream, &frame)
        } else {
            write_frame(&mut self.stream, &frame)
        }
        .map_err(disconnected)?;
        loop {
            match read_frame::<_, ServerFrame>(&mut self.stream).map_err(disconnected)? {
                Some(ServerFrame::Response { id: got, outcome }) if got == id => {
                    return outcome.map(|reply| *reply).map_err(ClientError::from);
                }
                Some(ServerFrame::Response { .. }) => {
                    return Err(ClientError::Protocol("response to another request".into()));
                }
                Some(ServerFrame::Event { event }) => self.events.push_back(event),
                Some(_) => return Err(ClientError::Protocol("unexpected frame".into())),
                None => {
                    return Err(ClientError::Disconnected {
                        dir: dir.clone(),
                        detail: "the owner closed the connection".into(),
                    });
                }
            }
        }
    }

    /// Sends a request. If the owner went away, reconnects (starting a new owner if allowed),
    /// logs in again and retries once. Saves are safe to retry: an answer saved twice leaves
    /// the same current answer.
    pub fn request(&mut self, request: Request) -> Result<Reply, ClientError> {
        // A write to the encounter in hand carries the version it is based on.
        let request = self.based(request);
        let reply = match self.send(&request) {
            Err(ClientError::Disconnected { .. }) if !matches!(request, Request::Stop) => {
                self.reconnect()?;
                self.send(&request)
            }
            other => other,
        }?;
        Ok(self.take_version(reply))
    }

    fn reconnect(&mut self) -> Result<(), ClientError> {
        let (stream, owner_pid) = establish(&self.dir, &self.options)?;
        self.stream = stream;
        self.owner_pid = owner_pid;
        if let Some((user, password, origin)) = self.credentials.clone() {
            self.send(&Request::Login { user, password: Password(SecretString::clone(&password)), origin })?;
        }
        if let Some((device, origin)) = self.kiosk.clone() {
            self.send(&Request::KioskSession { device, origin })?;
        }
        if self.subscribed {
            self.send(&Request::Subscribe)?;
        }
        // The encounter in hand was let go with the old connection: hold it again (if someone
        // else took it meanwhile, the next write is refused as taken).
        if let Some((encounter, _)) = self.basis {
            self.send(&Request::OpenFor { encounter, take_over: false })?;
        }
        Ok(())
    }

    /// Logs in; the credentials are kept (zeroized on drop) to log in again after a reconnect.
    /// The owner's reply as it came (for callers not yet on [`sign_in`](Self::sign_in)).
    pub fn login(&mut self, user: &str, password: &SecretString, origin: &str) -> Result<Reply, ClientError> {
        self.login_reply(user, Arc::new(password.clone()), origin)
    }

    /// [`login`](Self::login), answering with the session signed in.
    pub fn sign_in(&mut self, user: &str, password: &SecretString, origin: &str) -> Result<SignedIn, ClientError> {
        self.login_shared(user, Arc::new(password.clone()), origin)
    }

    /// [`sign_in`](Self::sign_in) keeping `password` itself (not a copy) for reconnects.
    pub fn login_shared(
        &mut self,
        user: &str,
        password: Arc<SecretString>,
        origin: &str,
    ) -> Result<SignedIn, ClientError> {
        SignedIn::from_reply("login", self.login_reply(user, password, origin)?)
    }

    fn login_reply(&mut self, user: &str, password: Arc<SecretString>, origin: &str) -> Result<Reply, ClientError> {
        let reply = self.request(Request::Login {
            user: user.into(),
            password: Password(SecretString::clone(&password)),
            origin: origin.into(),
        })?;
        self.credentials = Some((user.to_string(), password, origin.to_string()));
        Ok(reply)
    }

    /// The password kept for reconnects, if signed in.
    pub fn kept_password(&self) -> Option<&Arc<SecretString>> {
        self.credentials.as_ref().map(|(_, password, _)| password)
    }

    /// Sets a new password for the account this connection signed in as; the session goes on
    /// with it (and signs in with it after a reconnect). This is also how a session whose
    /// password an administrator set gets on.
    pub fn change_own_password(&mut self, new_password: &SecretString) -> Result<(), ClientError> {
        let Some((user, _, origin)) = self.credentials.clone() else {
            return Err(ClientError::Owner { code: "not_logged_in".into(), message: "log in first".into() });
        };
        ask!(self, Request::SetPassword { user: user.clone(), password: Password(new_password.clone()) }, Reply::Done => ())?;
        self.credentials = Some((user, Arc::new(new_password.clone()), origin));
        Ok(())
    }

    /// Makes this connection a kiosk session (opened again after a reconnect). The owner answers
    /// with what a kiosk needs; the connection can never log in afterwards.
    pub fn kiosk_session(&mut self, device: &str, origin: &str) -> Result<crate::store::kiosk::KioskInfo, ClientError> {
        let request = Request::KioskSession { device: device.into(), origin: origin.into() };
        let info = ask!(self, request, Reply::KioskInfo(info) => info)?;
        self.kiosk = Some((device.to_string(), origin.to_string()));
        Ok(info)
    }

    /// Changes a client (the fields given in `changes` replace the stored ones); the reply names
    /// the fields that changed.
    pub fn update_client(
        &mut self,
        id: crate::store::RecordId,
        changes: crate::store::ClientUpdate,
    ) -> Result<crate::store::ClientUpdated, ClientError> {
        ask!(self, Request::UpdateClient { id, changes }, Reply::ClientUpdated(updated) => updated)
    }

    /// The organisation's settings (every role may read them).
    pub fn settings(&mut self) -> Result<crate::store::Settings, ClientError> {
        Ok(self.organisation()?.settings)
    }

    /// Changes the settings given (admin only); returns what changed and the settings now.
    pub fn update_settings(
        &mut self,
        changes: crate::store::SettingsUpdate,
    ) -> Result<crate::store::SettingsUpdated, ClientError> {
        ask!(self, Request::UpdateSettings { changes }, Reply::SettingsUpdated(updated) => updated)
    }

    /// The outstanding kiosk check-in codes (references, never the codes).
    pub fn list_checkins(&mut self) -> Result<Vec<crate::store::kiosk::CheckinSummary>, ClientError> {
        ask!(self, Request::ListCheckins, Reply::Checkins(list) => list)
    }

    /// Revokes an outstanding check-in code by its reference or the code; returns the reference.
    pub fn revoke_checkin(&mut self, reference: &str) -> Result<String, ClientError> {
        ask!(self, Request::RevokeCheckin { reference: reference.into() }, Reply::CheckinRevoked(reference) => reference)
    }

    /// Subscribes to pushed events.
    pub fn subscribe(&mut self) -> Result<(), ClientError> {
        ask!(self, Request::Subscribe, Reply::Done => ())?;
        self.subscribed = true;
        Ok(())
    }

    /// Waits up to `timeout` for a pushed event.
    pub fn next_event(&mut self, timeout: Duration) -> Result<Option<Event>, ClientError> {
        if let Some(event) = self.events.pop_front() {
            return Ok(Some(event));
        }
        let dir = self.dir.clone();
        let disconnected = |e: std::io::Error| ClientError::Disconnected { dir: dir.clone(), detail: e.to_string() };
        self.stream.set_read_timeout(Some(timeout.max(Duration::from_millis(1)))).map_err(disconnected)?;
        let frame = read_frame::<_, ServerFrame>(&mut self.stream);
        self.stream.set_read_timeout(None).map_err(disconnected)?;
        match frame {
            Ok(Some(ServerFrame::Event { event })) => Ok(Some(event)),
            Ok(Some(_)) => Err(ClientError::Protocol("unexpected frame while waiting for events".into())),
            Ok(None) => Err(ClientError::Disconnected {
                dir: self.dir.clone(),
                detail: "the owner closed the connection".into(),
            }),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => Ok(None),
            Err(e) => Err(disconnected(e)),
        }
    }

    /// Asks the owner to flush and exit, and waits until it has.
    pub fn stop(mut self, wait: Duration) -> Result<(), ClientError> {
        self.send(&Request::Stop)?;
        let _ = self.stream.set_read_timeout(Some(wait));
        // The owner closes every connection when it exits.
        loop {
            match read_frame::<_, ServerFrame>(&mut self.stream) {
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return Err(ClientError::Disconnected {
                        dir: self.dir.clone(),
                        detail: "the owner did not exit in time".into(),
                    });
                }
                Err(_) => break,
            }
        }
        // The connection closes before the process has let go of the database; "stopped" means
        // the process is gone, so the next owner (or a backup tool) can open it at once.
        let deadline = std::time::Instant::now() + wait;
        while process_alive(self.owner_pid) {
            if std::time::Instant::now() >= deadline {
                return Err(ClientError::Disconnected {
                    dir: self.dir.clone(),
                    detail: format!("the owner (process {}) did not exit in time", self.owner_pid),
                });
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }
}

/// Whether any thread of a process is still running (Linux `/proc`; elsewhere assume it is gone).
///
/// The main thread shows as a zombie as soon as it exits, while the process's other threads may
/// still be tearing down and holding its files (and so the database lock); only when every
/// thread has exited are the files closed.
fn process_alive(pid: u32) -> bool {
    if pid == 0 || pid == std::process::id() {
        return false;
    }
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks
        .flatten()
        .any(|task| std::fs::read_to_string(task.path().join("stat")).is_ok_and(|stat| thread_running(&stat)))
}

/// Whether a `/proc/.../stat` line describes a thread that has not exited.
fn thread_running(stat: &str) -> bool {
    // The state follows the parenthesised command name, which may itself hold spaces.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state != "Z" && state != "X")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14 (unclear errors): a start that failed used to print the last line of
    /// `owner.log`, however old; on a read-only directory the owner could write nothing there,
    /// so a stale line from another day was given as the reason.
    #[test]
    fn a_failed_start_gives_only_what_it_wrote_never_an_older_line() {
        let false_program = which("false").expect("`false` on PATH");
        let dir = tempfile::tempdir().unwrap();
        let stale = "2026-01-01T09:00:00Z owner: an old failure from another day";
        std::fs::write(dir.path().join("owner.log"), format!("{stale}\n")).unwrap();
        let options = ConnectOptions { owner_program: Some(false_program), ..ConnectOptions::default() };
        let error = Client::connect(dir.path(), options).unwrap_err().to_string();
        assert!(!error.contains("an old failure"), "{error}");
        assert!(error.contains("the owner wrote nothing to") && error.contains("this time"), "{error}");

        // What this start wrote is what is shown.
        let log = dir.path().join("owner.log");
        let from = StartLog::From(std::fs::metadata(&log).unwrap().len());
        std::fs::write(&log, format!("{stale}\nowner: cannot open the lock file\n\n")).unwrap();
        assert_eq!(start_failure(dir.path(), &from), "owner: cannot open the lock file");
    }

    #[test]
    fn a_log_that_cannot_be_written_says_the_directory_is_read_only() {
        let dir = std::path::Path::new("/srv/triage");
        let read_only = StartLog::Unwritable(std::io::Error::from_raw_os_error(30));
        let text = start_failure(dir, &read_only);
        assert!(text.starts_with("the data directory /srv/triage is read-only or not writable by this user"), "{text}");
        assert!(text.contains("permissions and the mount"), "{text}");
        let denied = start_failure(dir, &StartLog::Unwritable(std::io::Error::from_raw_os_error(13)));
        assert!(denied.contains("read-only or not writable"), "{denied}");
        let other = start_failure(dir, &StartLog::Unwritable(std::io::Error::from_raw_os_error(21)));
        assert!(other.contains("cannot be written") && !other.contains("read-only"), "{other}");
    }

    /// The path of a program on `PATH`.
    fn which(name: &str) -> Result<PathBuf, ()> {
        let path = std::env::var_os("PATH").ok_or(())?;
        std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()).ok_or(())
    }

    #[test]
    fn a_thread_state_after_the_command_name_decides_whether_it_runs() {
        assert!(thread_running("42 (triage serve) S 1 42 42 0"));
        assert!(thread_running("42 (a) b) R 1"));
        assert!(!thread_running("42 (triage) Z 1 42"));
        assert!(!thread_running("42 (triage) X 1 42"));
        assert!(!thread_running("garbage"));
    }

    #[test]
    fn a_process_is_alive_until_it_has_exited_and_been_reaped_or_left_a_zombie() {
        let Ok(mut child) = std::process::Command::new("sleep").arg("30").spawn() else {
            return; // no `sleep` here: nothing to observe
        };
        assert!(process_alive(child.id()));
        let _ = child.kill();
        // Before the wait the child is a zombie: its threads are gone, so is its lock.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while process_alive(child.id()) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!process_alive(child.id()));
        let _ = child.wait();
        assert!(!process_alive(child.id()));
        assert!(!process_alive(std::process::id()));
    }
}
