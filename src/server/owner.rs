//! The owner process: holds the election lock, opens the store, serves the socket, pushes events,
//! exits when asked, on SIGTERM/SIGINT/SIGHUP, or after an idle period with no clients.

use std::fs::File;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fs2::FileExt;

use super::{
    Event, Hello, MAX_FRAME, PROTOCOL_VERSION, Request, RequestFrame, ServerFrame, WireError, lock_path,
    read_frame_within, socket_path, write_frame,
};
mod accounts;
mod admin;
mod clinical;
mod holders;
mod kiosk;
mod requests;
mod session;

use requests::handle;

use crate::auth::Actor;
use crate::store::{SledStore, Store, StoreError};

/// Makes every directory and file the owner creates from now on private to its Unix user (0700
/// and 0600), whatever umask it was started with: sled creates the database's directory and
/// files with the process's umask, and an owner started from a shell with the usual 022 would
/// leave them readable by everyone. The socket is opened to its group explicitly afterwards.
pub fn keep_new_files_private() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// The exclusive lock that makes a process the owner of a data directory. Released when dropped
/// or when the process dies (including kill -9), so it is never stale.
#[derive(Debug)]
pub struct OwnerLock {
    file: File,
    path: PathBuf,
}

impl OwnerLock {
    /// Creates the data directory (mode 0700) if needed and takes the lock without waiting.
    pub fn acquire(dir: &Path) -> Result<OwnerLock, StoreError> {
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode_0700()
                .create(dir)
                .map_err(|e| StoreError::from_io("create the data directory", dir, e))?;
        }
        let path = lock_path(dir);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::from_io("open the owner lock", &path, e))?;
        if file.try_lock_exclusive().is_err() {
            let pid = std::fs::read_to_string(&path).ok().map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
            return Err(StoreError::OwnerRunning {
                path: dir.to_path_buf(),
                pid: pid
                    .map(|p| format!(" (process {})", crate::sanitize::terminal_text(&p, false)))
                    .unwrap_or_default(),
            });
        }
        let mut lock = OwnerLock { file, path };
        lock.write_pid();
        Ok(lock)
    }

    fn write_pid(&mut self) {
        // Best effort: the pid only improves the "another owner" message.
        let _ = self.file.set_len(0);
        let _ = self.file.write_all(std::process::id().to_string().as_bytes());
        let _ = self.file.sync_all();
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

trait DirBuilderExt0700 {
    fn mode_0700(&mut self) -> &mut Self;
}

impl DirBuilderExt0700 for std::fs::DirBuilder {
    fn mode_0700(&mut self) -> &mut Self {
        std::os::unix::fs::DirBuilderExt::mode(self, 0o700)
    }
}

/// How to run an owner.
#[derive(Debug, Clone)]
pub struct OwnerConfig {
    pub dir: PathBuf,
    /// Exit after this long with no client connected (`None`: never).
    pub idle_timeout: Option<Duration>,
}

/// A subscribed connection: its id, whether it may hear clinical events, its writer.
type Subscriber = (u64, bool, Arc<Mutex<UnixStream>>);

/// A running owner's shared state.
struct Shared {
    store: SledStore,
    dir: PathBuf,
    stop: AtomicBool,
    connections: AtomicUsize,
    /// Open connections per Unix user (by uid, from the socket's peer credentials).
    per_user: Mutex<std::collections::HashMap<u32, usize>>,
    /// Wrong check-in codes of the last `CHECKIN_WINDOW`, per kiosk device and in total.
    checkin_guesses: Mutex<CheckinGuesses>,
    staff_sessions: AtomicUsize,
    last_activity: Mutex<Instant>,
    /// Subscribed connections, with whether each may hear clinical events (administrators,
    /// who read no clinical content, may not).
    subscribers: Mutex<Vec<Subscriber>>,
    next_connection: AtomicU64,
    /// Who has which encounter open (`holders`).
    holders: holders::Holders,
    /// Events to push, delivered by their own thread (`deliver`), so a request that raises one
    /// never waits on a subscriber.
    events: Mutex<std::sync::mpsc::Sender<Event>>,
}

/// How long one write to a client may block. A subscriber that stops reading fills its socket;
/// once a write has waited this long the connection is closed (the client reconnects), so one
/// stalled reader never wedges the owner, its other subscribers or its shutdown.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections the owner serves at once, in total and per Unix user. Each costs a thread and
/// two small buffers; a clinic runs a few staff terminals and kiosks, so these leave ample room
/// while a flood from one account cannot starve the others.
pub const MAX_CONNECTIONS: usize = 128;
pub const MAX_CONNECTIONS_PER_USER: usize = 64;

/// The largest frame before a connection has signed in (hello, sign-in, set-up, status, a
/// kiosk session's start): none of them needs more than a few hundred bytes.
pub const PRE_LOGIN_FRAME: usize = 64 * 1024;

/// The largest frame a kiosk session sends: a sealed submission of a whole bundle is a few KiB.
pub const KIOSK_FRAME: usize = 1024 * 1024;

/// Once a frame has begun, all of it must arrive within this time (a client that stalls
/// mid-frame is dropped). Between frames a connection may stay idle: a staff terminal waits on
/// its sign-in screen or subscribes for alerts for hours.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

impl Shared {
    /// Counts a new connection in, unless the owner already serves `MAX_CONNECTIONS`, or
    /// `MAX_CONNECTIONS_PER_USER` for its Unix user; returns that user.
    fn admit(&self, stream: &UnixStream) -> Option<u32> {
        // Without peer credentials (not expected on Linux) all such connections share one count.
        let uid = rustix::net::sockopt::socket_peercred(stream).map_or(u32::MAX, |c| c.uid.as_raw());
        let mut per_user = self.per_user.lock().unwrap_or_else(|p| p.into_inner());
        let mine = per_user.get(&uid).copied().unwrap_or(0);
        if self.connections.load(Ordering::SeqCst) >= MAX_CONNECTIONS || mine >= MAX_CONNECTIONS_PER_USER {
            return None;
        }
        per_user.insert(uid, mine + 1);
        self.connections.fetch_add(1, Ordering::SeqCst);
        Some(uid)
    }

    fn release(&self, uid: u32) {
        let mut per_user = self.per_user.lock().unwrap_or_else(|p| p.into_inner());
        match per_user.get(&uid).copied() {
            Some(n) if n > 1 => {
                per_user.insert(uid, n - 1);
            }
            _ => {
                per_user.remove(&uid);
            }
        }
        self.connections.fetch_sub(1, Ordering::SeqCst);
    }

    fn touch(&self) {
        *self.last_activity.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    /// Queues an event for every subscriber; returns at once.
    fn broadcast(&self, event: Event) {
        let sender = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(unsent) = sender.send(event) {
            // The delivery thread is gone (shutting down): deliver here.
            drop(sender);
            self.deliver(unsent.0);
        }
    }

    /// Writes an event to each subscriber that may hear it; one whose write fails or times out
    /// (`WRITE_TIMEOUT`) is dropped and its connection closed.
    fn deliver(&self, event: Event) {
        let clinical = !matches!(event, Event::OwnerStopping);
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        subscribers.retain(|(_, may_hear_clinical, writer)| {
            if clinical && !may_hear_clinical {
                return true;
            }
            let mut stream = writer.lock().unwrap_or_else(|p| p.into_inner());
            let delivered = write_frame(&mut *stream, &ServerFrame::Event { event: event.clone() }).is_ok();
            if !delivered {
                // A frame may be half written: the connection cannot be trusted any more.
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
            delivered
        });
    }
}

/// A handle to stop an owner started in this process (tests, benchmarks).
#[derive(Clone)]
pub struct OwnerHandle {
    shared: Arc<Shared>,
}

impl OwnerHandle {
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::SeqCst);
    }

    pub fn store(&self) -> &SledStore {
        &self.shared.store
    }
}

/// A bound, locked owner, ready to [`Owner::run`].
pub struct Owner {
    shared: Arc<Shared>,
    listener: UnixListener,
    idle_timeout: Option<Duration>,
    _lock: OwnerLock,
    socket: PathBuf,
}

impl Owner {
    /// Takes the lock, opens the store, binds the socket (replacing a stale one).
    pub fn start(config: &OwnerConfig) -> Result<Owner, StoreError> {
        keep_new_files_private();
        let lock = OwnerLock::acquire(&config.dir)?;
        let store = SledStore::open(&config.dir)?;
        let socket = socket_path(&config.dir);
        // We hold the lock, so any socket file here was left by an owner that died.
        match std::fs::remove_file(&socket) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::from_io("remove the stale socket", &socket, e)),
        }
        let listener = UnixListener::bind(&socket).map_err(|e| StoreError::from_io("listen on", &socket, e))?;
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o660))
            .map_err(|e| StoreError::from_io("set permissions on", &socket, e))?;
        listener.set_nonblocking(true).map_err(|e| StoreError::from_io("listen on", &socket, e))?;
        let (events, queued) = std::sync::mpsc::channel::<Event>();
        let shared = Arc::new(Shared {
            store,
            dir: config.dir.clone(),
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            per_user: Mutex::new(std::collections::HashMap::new()),
            checkin_guesses: Mutex::new(CheckinGuesses::default()),
            staff_sessions: AtomicUsize::new(0),
            last_activity: Mutex::new(Instant::now()),
            subscribers: Mutex::new(Vec::new()),
            next_connection: AtomicU64::new(1),
            holders: holders::Holders::default(),
            events: Mutex::new(events),
        });
        // The delivery thread holds the owner weakly: it ends when the owner is gone.
        let weak = Arc::downgrade(&shared);
        std::thread::spawn(move || {
            for event in queued {
                let Some(shared) = weak.upgrade() else { break };
                shared.deliver(event);
            }
        });
        shared.store.record_event(&Actor::system("owner"), "owner.start")?;
        Ok(Owner { shared, listener, idle_timeout: config.idle_timeout, _lock: lock, socket })
    }

    pub fn handle(&self) -> OwnerHandle {
        OwnerHandle { shared: self.shared.clone() }
    }

    /// Serves until stopped, signalled or idle. Flushes before returning.
    pub fn run(self) -> Result<(), StoreError> {
        let signalled = Arc::new(AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT, signal_hook::consts::SIGHUP] {
            // Registration only fails for forbidden signals; these three are allowed.
            let _ = signal_hook::flag::register(signal, signalled.clone());
        }
        let shared = self.shared.clone();
        loop {
            if shared.stop.load(Ordering::SeqCst) || signalled.load(Ordering::SeqCst) {
                break;
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    shared.touch();
                    let Some(uid) = shared.admit(&stream) else {
                        refuse_busy(stream);
                        continue;
                    };
                    let worker = shared.clone();
                    let spawned = std::thread::Builder::new().name("triage-conn".into()).spawn(move || {
                        serve_connection(&worker, stream, uid);
                        worker.release(uid);
                        worker.touch();
                    });
                    if spawned.is_err() {
                        shared.release(uid);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if let Some(limit) = self.idle_timeout {
                        let idle = shared.last_activity.lock().unwrap_or_else(|p| p.into_inner()).elapsed();
                        if shared.connections.load(Ordering::SeqCst) == 0 && idle >= limit {
                            break;
                        }
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        // Stop accepting first, so a client never reaches an owner that is going away.
        let _ = std::fs::remove_file(&self.socket);
        drop(self.listener);
        // Delivered here, not queued: every subscriber hears it before the owner exits (each
        // write bounded by `WRITE_TIMEOUT`, so a stalled one cannot hold the shutdown).
        shared.deliver(Event::OwnerStopping);
        if shared.store.must_reopen() {
            // Nothing more can be written; the next open recovers what the log holds.
            return Err(StoreError::Refused {
                what: "go on serving",
                reason: format!(
                    "the database in {} reported an I/O error (a full disk or a failing device) and refuses every operation until it is opened again; the owner exited, and the next `triage` command or start opens it again",
                    shared.dir.display()
                ),
            });
        }
        let audited = shared.store.record_event(&Actor::system("owner"), "owner.stop");
        let flushed = shared.store.flush();
        audited.and(flushed)
    }
}

/// Whether this owner accepts the insecure test KDF (a fast argon2 that makes passwords cheap to
/// guess): a debug build, which is what the test suite runs, or an owner started with
/// `TRIAGE_INSECURE_TEST_KDF=1` (the report benchmark sets it). A release owner never does.
fn test_kdf_allowed() -> bool {
    cfg!(debug_assertions) || std::env::var_os("TRIAGE_INSECURE_TEST_KDF").is_some()
}

/// Why a set-up request is refused, if it is: the store is set up only by the Unix user who
/// runs the owner (anyone else in the socket's group could otherwise set it up first and be
/// given the recovery key), and the test KDF only where `test_kdf_allowed`.
fn init_refusal(peer_uid: u32, owner_uid: u32, insecure_test_kdf: bool, test_kdf_allowed: bool) -> Option<WireError> {
    if peer_uid == u32::MAX {
        return Some(WireError {
            code: "denied".into(),
            message: "the owner could not tell which Unix user is connecting, so it does not set up the store: run `triage init` as the user who owns the data directory".into(),
        });
    }
    if peer_uid != owner_uid {
        return Some(WireError {
            code: "denied".into(),
            message: format!(
                "only the Unix user who runs the triage owner (uid {owner_uid}) can set up the store; this connection is uid {peer_uid}: run `triage init` as that user"
            ),
        });
    }
    if insecure_test_kdf && !test_kdf_allowed {
        return Some(WireError {
            code: "invalid".into(),
            message: "the insecure test KDF is for the test suite only: set up the store without --insecure-test-kdf"
                .into(),
        });
    }
    None
}

/// Tells a connection over the caps why it is closed (one small write, bounded).
fn refuse_busy(mut stream: UnixStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let message = format!(
        "the triage owner is serving as many connections as it allows ({MAX_CONNECTIONS} in all, {MAX_CONNECTIONS_PER_USER} per Unix user): close unused triage windows and retry"
    );
    let _ = write_frame(&mut stream, &ServerFrame::Busy { message });
}

/// Reads one frame from `stream`: it may wait any time for the frame to begin, then all of it
/// must arrive within `FRAME_TIMEOUT`, and be at most `limit` bytes.
pub(super) fn read_request<T: serde::de::DeserializeOwned>(
    stream: &mut UnixStream,
    limit: usize,
    timeout: Duration,
) -> std::io::Result<Option<T>> {
    use std::io::Read as _;
    stream.set_read_timeout(None)?;
    let mut first = [0u8; 1];
    loop {
        match stream.read(&mut first) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let mut rest = Deadline { stream, until: Instant::now() + timeout };
    let mut frame = (&first[..]).chain(&mut rest);
    match read_frame_within(&mut frame, limit)? {
        Some(value) => Ok(Some(value)),
        None => Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the frame ended early")),
    }
}

/// A reader whose reads, together, end at `until` (a per-read timeout alone would let a
/// client keep a frame open by sending a byte every few seconds).
struct Deadline<'a> {
    stream: &'a mut UnixStream,
    until: Instant,
}

impl std::io::Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the frame did not arrive in time"));
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// The largest frame a session may send: small before it signs in, a kiosk's submissions,
/// anything a staff member's requests need after.
fn frame_limit(session: &Session) -> usize {
    match (&session.actor, session.kiosk) {
        (_, true) => KIOSK_FRAME,
        (Some(_), false) => MAX_FRAME,
        (None, false) => PRE_LOGIN_FRAME,
    }
}

/// Where a connection says it comes from, as the audit records it: its terminal text, at most
/// `MAX_ORIGIN` characters (a long one would cost its length in audit on every attempt).
fn clean_origin(origin: &str) -> String {
    crate::sanitize::terminal_text(origin, false).chars().take(MAX_ORIGIN).collect()
}

/// The origin the audit records for a connection: the Unix user the kernel reports for it
/// (`SO_PEERCRED`, which the connecting program cannot choose), then what the program claims
/// (a tty or an SSH address), cleaned and cut to `MAX_ORIGIN`.
fn peer_origin(peer_uid: u32, claimed: &str) -> String {
    let peer = if peer_uid == u32::MAX { "uid unknown".to_string() } else { format!("uid {peer_uid}") };
    let claimed = clean_origin(claimed);
    if claimed.trim().is_empty() { peer } else { format!("{peer}; claims {claimed}") }
}

pub const MAX_ORIGIN: usize = 80;

/// New submissions one kiosk session may start per hour: a kiosk serves a client every few
/// minutes, so this is far above real use and bounds what a session can make the store keep.
pub const KIOSK_NEW_SUBMISSIONS_PER_HOUR: usize = 60;

/// Boxes (one per answer) one kiosk session may send per minute, all submissions together.
pub const KIOSK_BOXES_PER_MINUTE: usize = 240;

/// Wrong check-in codes one kiosk device may type in `CHECKIN_WINDOW` (a client mistyping
/// a few times stays far below it), and all kiosks together (device names are the kiosk's own
/// claim, so the total is the bound that holds). Past either, codes are not checked until the
/// window has moved on; the kiosk says the code cannot be checked now and the client goes on
/// without one (staff can link the answers). With 60 wrong codes per 10 minutes in all, guessing
/// one of the 25^8 (about 1.5 x 10^11) possible codes before it expires is out of reach.
pub const CHECKIN_WRONG_PER_DEVICE: usize = 10;
pub const CHECKIN_WRONG_TOTAL: usize = 60;
pub const CHECKIN_WINDOW: Duration = Duration::from_secs(600);

#[derive(Default)]
struct CheckinGuesses {
    total: std::collections::VecDeque<Instant>,
    by_device: std::collections::HashMap<String, std::collections::VecDeque<Instant>>,
}

impl CheckinGuesses {
    fn forget_old(&mut self, now: Instant) {
        let old = |t: &Instant| now.duration_since(*t) >= CHECKIN_WINDOW;
        while self.total.front().is_some_and(old) {
            self.total.pop_front();
        }
        for times in self.by_device.values_mut() {
            while times.front().is_some_and(old) {
                times.pop_front();
            }
        }
        self.by_device.retain(|_, times| !times.is_empty());
    }

    /// Whether `device` may have a code checked now; the message for the kiosk when not.
    fn allowed(&mut self, device: &str, now: Instant) -> Result<(), String> {
        self.forget_old(now);
        let minutes = CHECKIN_WINDOW.as_secs() / 60;
        if self.by_device.get(device).is_some_and(|t| t.len() >= CHECKIN_WRONG_PER_DEVICE) {
            return Err(format!(
                "this kiosk typed {CHECKIN_WRONG_PER_DEVICE} wrong check-in codes in {minutes} minutes: codes are not checked here for a while"
            ));
        }
        if self.total.len() >= CHECKIN_WRONG_TOTAL {
            return Err(format!(
                "the kiosks typed {CHECKIN_WRONG_TOTAL} wrong check-in codes in {minutes} minutes: codes are not checked for a while"
            ));
        }
        Ok(())
    }

    fn wrong(&mut self, device: &str, now: Instant) {
        self.total.push_back(now);
        self.by_device.entry(device.to_string()).or_default().push_back(now);
    }
}

/// A kiosk session's sending, counted to refuse floods (the kiosk keeps a refused box and
/// sends it again later, so nothing a client answered is lost).
#[derive(Default)]
struct KioskRate {
    /// Submissions started in this session, with when.
    started: Vec<(crate::store::RecordId, Instant)>,
    /// Times of the boxes of the last minute.
    boxes: std::collections::VecDeque<Instant>,
}

impl KioskRate {
    fn check(&mut self, id: crate::store::RecordId, now: Instant) -> Result<(), WireError> {
        let busy = |message: String| WireError { code: "busy".into(), message };
        while self.boxes.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60)) {
            self.boxes.pop_front();
        }
        if self.boxes.len() >= KIOSK_BOXES_PER_MINUTE {
            return Err(busy(format!(
                "this kiosk session sent {KIOSK_BOXES_PER_MINUTE} answers in the last minute, the most it may: the kiosk keeps them and sends them again shortly"
            )));
        }
        if !self.started.iter().any(|(known, _)| *known == id) {
            self.started.retain(|(_, at)| now.duration_since(*at) < Duration::from_secs(3600));
            if self.started.len() >= KIOSK_NEW_SUBMISSIONS_PER_HOUR {
                return Err(busy(format!(
                    "this kiosk session started {KIOSK_NEW_SUBMISSIONS_PER_HOUR} submissions in the last hour, the most it may: the kiosk keeps this one and sends it again later"
                )));
            }
            self.started.push((id, now));
        }
        self.boxes.push_back(now);
        Ok(())
    }
}

struct Session {
    /// The connecting process's Unix user (`u32::MAX` when it could not be read).
    peer_uid: u32,
    kiosk_rate: KioskRate,
    actor: Option<Actor>,
    staff: bool,
    /// A kiosk session: it stays a kiosk whatever it asks for.
    kiosk: bool,
    /// Who locked this connection's session (`Request::Lock`): only they may sign in on it
    /// until it is ended (`Request::Logout`).
    locked_by: Option<Actor>,
    /// This connection's number (what `holders` knows it by).
    connection: u64,
}

fn serve_connection(shared: &Arc<Shared>, stream: UnixStream, peer_uid: u32) {
    let _ = stream.set_nonblocking(false);
    let connection = shared.next_connection.fetch_add(1, Ordering::SeqCst);
    let Ok(writer) = stream.try_clone() else { return };
    let _ = writer.set_write_timeout(Some(WRITE_TIMEOUT));
    let writer = Arc::new(Mutex::new(writer));
    let mut reader = stream;
    let hello: Hello = match read_frame_within(
        &mut Deadline { stream: &mut reader, until: Instant::now() + FRAME_TIMEOUT },
        PRE_LOGIN_FRAME,
    ) {
        Ok(Some(hello)) => hello,
        _ => return,
    };
    let version = env!("CARGO_PKG_VERSION").to_string();
    if hello.protocol != PROTOCOL_VERSION {
        let message = format!(
            "this triage owner speaks protocol {PROTOCOL_VERSION} (triage {version}) but the client speaks protocol {} (triage {}): run the same triage version for every process on this data directory, or stop the owner with `triage stop` and retry",
            hello.protocol,
            crate::sanitize::terminal_text(&hello.version, false)
        );
        let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
        let _ = write_frame(&mut *w, &ServerFrame::VersionMismatch { protocol: PROTOCOL_VERSION, version, message });
        return;
    }
    {
        let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
        if write_frame(
            &mut *w,
            &ServerFrame::Welcome { protocol: PROTOCOL_VERSION, version, owner_pid: std::process::id() },
        )
        .is_err()
        {
            return;
        }
    }
    let mut session = Session {
        peer_uid,
        kiosk_rate: KioskRate::default(),
        actor: None,
        staff: false,
        kiosk: false,
        locked_by: None,
        connection,
    };
    loop {
        let frame: RequestFrame = match read_request(&mut reader, frame_limit(&session), FRAME_TIMEOUT) {
            Ok(Some(frame)) => frame,
            _ => break,
        };
        shared.touch();
        let is_stop = matches!(frame.request, Request::Stop);
        let outcome = handle(shared, &mut session, connection, &writer, frame.request);
        let stop = is_stop && outcome.is_ok();
        {
            let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
            if write_frame(&mut *w, &ServerFrame::Response { id: frame.id, outcome: outcome.map(Box::new) }).is_err() {
                break;
            }
        }
        if stop {
            // Only after the acknowledgement is on its way; the owner then flushes and exits.
            shared.stop.store(true, Ordering::SeqCst);
        }
        if shared.store.must_reopen() && !shared.stop.swap(true, Ordering::SeqCst) {
            // sled refuses everything after an I/O error, even once space is back: exit, so that
            // the next start (the next command, or systemd) opens the store again and recovers.
            eprintln!(
                "triage: the database in {} reported an I/O error (a full disk or a failing device); the owner exits so that the next start recovers it",
                shared.dir.display()
            );
        }
    }
    shared.subscribers.lock().unwrap_or_else(|p| p.into_inner()).retain(|(id, _, _)| *id != connection);
    end_session(shared, &mut session);
}

fn end_session(shared: &Shared, session: &mut Session) {
    // Whatever it had open is let go: signing out, a session ended, a connection dropped.
    shared.holders.release_all(session.connection);
    if session.staff {
        session.staff = false;
        // The last staff session to leave locks the store again.
        if shared.staff_sessions.fetch_sub(1, Ordering::SeqCst) == 1 {
            shared.store.lock();
        }
    }
    session.actor = None;
}

fn wire(error: StoreError) -> WireError {
    WireError::from(error)
}

/// The environment setting that gives the owner one glibc memory pool.
pub const ONE_MALLOC_POOL: (&str, &str) = ("MALLOC_ARENA_MAX", "1");

/// Starts this program again in place (same process id, arguments and open files) with one glibc
/// memory pool, unless the environment already says how many pools to use. glibc gives each
/// connection thread its own pool; one pool keeps the owner's peak memory near its working set
/// (100,000 encounters: 81 MB after every export against 109-125 MB). glibc reads the setting
/// only at start-up, hence the new start. The auto-start and the systemd unit set it already,
/// so this is for an owner started by hand. If the new start fails, this one goes on as it is.
pub fn with_one_malloc_pool() {
    let (name, value) = ONE_MALLOC_POOL;
    if std::env::var_os(name).is_some() {
        return;
    }
    let Ok(program) = std::env::current_exe() else { return };
    let error = std::os::unix::process::CommandExt::exec(
        std::process::Command::new(program).args(std::env::args_os().skip(1)).env(name, value),
    );
    eprintln!("triage: could not restart with one memory pool ({error}); going on with the default pools");
}

#[cfg(test)]
mod rate_tests {
    use super::*;
    use crate::store::RecordId;

    #[test]
    fn a_kiosk_session_is_limited_in_new_submissions_and_in_boxes_but_not_in_real_use() {
        let mut rate = KioskRate::default();
        let start = Instant::now();
        // Real use: one client's 30 answers in a minute, boxes of one submission.
        let client = RecordId::random();
        for n in 0..30 {
            assert!(rate.check(client, start + Duration::from_secs(n * 2)).is_ok());
        }
        // A flood of new submissions stops at the hourly limit, then frees up an hour later.
        let mut rate = KioskRate::default();
        for n in 0..KIOSK_NEW_SUBMISSIONS_PER_HOUR {
            assert!(rate.check(RecordId::random(), start + Duration::from_secs(n as u64)).is_ok());
        }
        let refused = rate.check(RecordId::random(), start + Duration::from_secs(100)).unwrap_err();
        assert_eq!(refused.code, "busy");
        assert!(refused.message.contains("sends it again later"), "{}", refused.message);
        assert!(rate.check(RecordId::random(), start + Duration::from_secs(3700)).is_ok());
        // Boxes of a known submission: at most the per-minute number, then again a minute on.
        let mut rate = KioskRate::default();
        let one = RecordId::random();
        for _ in 0..KIOSK_BOXES_PER_MINUTE {
            assert!(rate.check(one, start).is_ok());
        }
        assert!(rate.check(one, start + Duration::from_secs(1)).is_err());
        assert!(rate.check(one, start + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn wrong_check_in_codes_are_limited_per_device_and_in_total() {
        let mut guesses = CheckinGuesses::default();
        let start = Instant::now();
        for _ in 0..CHECKIN_WRONG_PER_DEVICE {
            assert!(guesses.allowed("kiosk:lobby", start).is_ok());
            guesses.wrong("kiosk:lobby", start);
        }
        let refused = guesses.allowed("kiosk:lobby", start).unwrap_err();
        assert!(refused.contains("this kiosk"), "{refused}");
        assert!(guesses.allowed("kiosk:desk", start).is_ok(), "another kiosk is not held back by one");
        // Renaming the device does not get past the total.
        for n in 0..(CHECKIN_WRONG_TOTAL - CHECKIN_WRONG_PER_DEVICE) {
            let device = format!("kiosk:forged-{}", n / 5);
            assert!(guesses.allowed(&device, start).is_ok());
            guesses.wrong(&device, start);
        }
        let refused = guesses.allowed("kiosk:new-name", start).unwrap_err();
        assert!(refused.contains("the kiosks"), "{refused}");
        // The window moves on, and the memory of old guesses goes with it.
        assert!(guesses.allowed("kiosk:lobby", start + CHECKIN_WINDOW).is_ok());
        assert!(guesses.by_device.is_empty() && guesses.total.is_empty());
    }

    #[test]
    fn only_the_owners_unix_user_sets_up_the_store_and_the_test_kdf_only_in_tests() {
        assert!(init_refusal(1000, 1000, false, false).is_none());
        assert!(init_refusal(1000, 1000, true, true).is_none(), "the test suite");
        let other = init_refusal(1001, 1000, false, true).unwrap();
        assert_eq!(other.code, "denied");
        assert!(other.message.contains("uid 1000") && other.message.contains("uid 1001"), "{}", other.message);
        assert_eq!(init_refusal(u32::MAX, 1000, false, true).unwrap().code, "denied", "unknown peer");
        let release = init_refusal(1000, 1000, true, false).unwrap();
        assert!(release.message.contains("test suite only"), "{}", release.message);
    }

    #[test]
    fn the_audited_origin_leads_with_the_kernels_peer_user_not_the_claim() {
        assert_eq!(peer_origin(1000, "ssh:10.0.0.9:5555"), "uid 1000; claims ssh:10.0.0.9:5555");
        assert_eq!(peer_origin(1000, ""), "uid 1000");
        assert_eq!(peer_origin(u32::MAX, "tty"), "uid unknown; claims tty");
        let forged = peer_origin(33, &format!("uid 0\u{1b}[2J{}", "x".repeat(500)));
        assert!(forged.starts_with("uid 33; claims uid 0"), "{forged}");
        assert!(!forged.contains('\u{1b}') && forged.chars().count() <= "uid 33; claims ".len() + MAX_ORIGIN);
    }

    #[test]
    fn origins_are_cut_to_a_short_terminal_safe_text() {
        let long = format!("ssh \u{1b}[31m{}", "x".repeat(5 * 1024 * 1024));
        let cleaned = clean_origin(&long);
        assert_eq!(cleaned.chars().count(), MAX_ORIGIN);
        assert!(!cleaned.contains('\u{1b}'));
    }
}
