//! What the kiosk asks of the owner, behind a trait so the shell can be tested without one. The
//! real backend opens a kiosk session (no password; role kiosk) and reconnects when the owner
//! comes back, starting one on the same machine when it can.

use std::path::PathBuf;
use std::time::Duration;

use super::app::{PinError, RedeemError, SubmitError};
use crate::server::client::{Client, ClientError, ConnectOptions};
use crate::store::kiosk::{KioskInfo, SubmissionProgress};
use crate::store::{RecordId, ScoringContext};
use crate::ui::error::BackendError;

pub trait KioskBackend {
    fn connect(&mut self) -> Result<KioskInfo, BackendError>;
    fn redeem(&mut self, code: &str) -> Result<(RecordId, ScoringContext), RedeemError>;
    /// Sends one sealed box of a submission (the intake so far, or the complete one).
    fn submit(
        &mut self,
        id: RecordId,
        sealed: &[u8],
        critical: bool,
        checkin: Option<RecordId>,
        progress: SubmissionProgress,
    ) -> Result<(), SubmitError>;
    fn verify_pin(&mut self, pin: &secrecy::SecretString) -> Result<(), PinError>;
}

/// The owner of a data directory.
pub struct OwnerBackend {
    dir: PathBuf,
    device: String,
    origin: String,
    client: Option<Client>,
}

impl OwnerBackend {
    pub fn new(dir: PathBuf, device: String, origin: String) -> Self {
        OwnerBackend { dir, device, origin, client: None }
    }

    fn client(&mut self) -> Result<&mut Client, ClientError> {
        if self.client.is_none() {
            // A short wait: the kiosk stays responsive and retries on its own schedule.
            let options = ConnectOptions { wait: Duration::from_secs(5), ..ConnectOptions::default() };
            let mut client = Client::connect(&self.dir, options)?;
            client.kiosk_session(&self.device, &self.origin)?;
            self.client = Some(client);
        }
        let dir = self.dir.clone();
        self.client.as_mut().ok_or_else(|| ClientError::NoOwner { dir, detail: "no connection".into() })
    }

    /// Calls the owner through one typed method; a lost owner drops the connection, so the next
    /// call reconnects.
    fn call<T>(&mut self, method: impl FnOnce(&mut Client) -> Result<T, ClientError>) -> Result<T, ClientError> {
        let client = self.client()?;
        let outcome = method(client);
        if matches!(outcome, Err(ClientError::Disconnected { .. } | ClientError::NoOwner { .. })) {
            self.client = None;
        }
        outcome
    }
}

impl KioskBackend for OwnerBackend {
    fn connect(&mut self) -> Result<KioskInfo, BackendError> {
        self.client = None;
        let (device, origin) = (self.device.clone(), self.origin.clone());
        let client = self.client()?;
        Ok(client.kiosk_session(&device, &origin)?)
    }

    fn redeem(&mut self, code: &str) -> Result<(RecordId, ScoringContext), RedeemError> {
        match self.call(|client| client.redeem_checkin(code)) {
            Ok(redeemed) => Ok(redeemed),
            Err(error) if error.code() == Some("refused") => Err(RedeemError::Refused),
            Err(error) => Err(RedeemError::Unavailable(error.into())),
        }
    }

    fn submit(
        &mut self,
        id: RecordId,
        sealed: &[u8],
        critical: bool,
        checkin: Option<RecordId>,
        progress: SubmissionProgress,
    ) -> Result<(), SubmitError> {
        let sealed_hex = hex::encode(sealed);
        match self.call(|client| client.submit_kiosk(id, sealed_hex, critical, checkin, Some(progress))) {
            Ok(()) => Ok(()),
            Err(error) if error.code() == Some("claimed") => Err(SubmitError::Claimed),
            Err(error) => Err(SubmitError::Failed(error.into())),
        }
    }

    fn verify_pin(&mut self, pin: &secrecy::SecretString) -> Result<(), PinError> {
        match self.call(|client| client.verify_kiosk_pin(pin)) {
            Ok(()) => Ok(()),
            Err(error) if error.code() == Some("bad_credentials") => Err(PinError::Wrong),
            Err(error) => Err(PinError::Unavailable(error.into())),
        }
    }
}
