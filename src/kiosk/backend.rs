//! What the kiosk asks of the owner, behind a trait so the shell can be tested without one. The
//! real backend opens a kiosk session (no password; role kiosk) and reconnects when the owner
//! comes back, starting one on the same machine when it can.

use std::path::PathBuf;
use std::time::Duration;

use super::app::{PinError, RedeemError, SubmitError};
use crate::server::client::{Client, ClientError, ConnectOptions};
use crate::server::{Password, Request};
use crate::store::kiosk::{KioskInfo, SubmissionProgress};
use crate::store::{RecordId, ScoringContext};

pub trait KioskBackend {
    fn connect(&mut self) -> Result<KioskInfo, String>;
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

    fn client(&mut self) -> Result<&mut Client, String> {
        if self.client.is_none() {
            // A short wait: the kiosk stays responsive and retries on its own schedule.
            let options = ConnectOptions { wait: Duration::from_secs(5), ..ConnectOptions::default() };
            let mut client = Client::connect(&self.dir, options).map_err(|e| e.to_string())?;
            client.kiosk_session(&self.device, &self.origin).map_err(|e| e.to_string())?;
            self.client = Some(client);
        }
        self.client.as_mut().ok_or_else(|| "no connection".to_string())
    }

    fn request(&mut self, request: Request) -> Result<crate::server::Reply, ClientError> {
        let dir = self.dir.clone();
        let client = self.client().map_err(|detail| ClientError::NoOwner { dir, detail })?;
        let outcome = client.request(request);
        if matches!(outcome, Err(ClientError::Disconnected { .. } | ClientError::NoOwner { .. })) {
            self.client = None;
        }
        outcome
    }
}

impl KioskBackend for OwnerBackend {
    fn connect(&mut self) -> Result<KioskInfo, String> {
        self.client = None;
        let (device, origin) = (self.device.clone(), self.origin.clone());
        let client = self.client()?;
        client.kiosk_session(&device, &origin).map_err(|e| e.to_string())
    }

    fn redeem(&mut self, code: &str) -> Result<(RecordId, ScoringContext), RedeemError> {
        match self.request(Request::RedeemCheckin { code: code.to_string() }) {
            Ok(crate::server::Reply::CheckinRedeemed(id, scoring)) => Ok((id, scoring)),
            Ok(_) => Err(RedeemError::Unavailable("unexpected reply".into())),
            Err(error) if error.code() == Some("refused") => Err(RedeemError::Refused),
            Err(error) => Err(RedeemError::Unavailable(error.to_string())),
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
        let request =
            Request::SubmitKiosk { id, sealed_hex: hex::encode(sealed), critical, checkin, progress: Some(progress) };
        match self.request(request) {
            Ok(_) => Ok(()),
            Err(error) if error.code() == Some("claimed") => Err(SubmitError::Claimed),
            Err(error) => Err(SubmitError::Failed(error.to_string())),
        }
    }

    fn verify_pin(&mut self, pin: &secrecy::SecretString) -> Result<(), PinError> {
        match self.request(Request::VerifyKioskPin { pin: Password(pin.clone()) }) {
            Ok(_) => Ok(()),
            Err(error) if error.code() == Some("bad_credentials") => Err(PinError::Wrong),
            Err(error) => Err(PinError::Unavailable(error.to_string())),
        }
    }
}
