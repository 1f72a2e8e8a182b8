//! Who has an encounter open in the staff interface: one holder per encounter (the connection,
//! its user and since when), kept in memory, since it is about live sessions. Opening an
//! encounter registers it (`OpenFor`); one held by another connection is not taken unless asked
//! (`take_over`, audited as `encounter.take_over`, naming whom it was taken from). A connection
//! holds one encounter at a time, and lets go of it when it leaves it (`Release`), signs out, its
//! session ends or it drops. A write to an encounter another connection holds is refused
//! (`taken`): the one who lost it learns it on its next write, and opens it again. The same user
//! on two terminals is one person: the hold moves to where they opened it last, unannounced, and
//! only the encounter's version keeps their two screens from overwriting each other.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::{OpenBy, RecordId, now_ms};

/// One encounter's holder.
#[derive(Debug, Clone)]
struct Holder {
    connection: u64,
    open_by: OpenBy,
}

/// Every encounter open in a staff interface.
#[derive(Debug, Default)]
pub(super) struct Holders(Mutex<HashMap<RecordId, Holder>>);

/// What opening an encounter found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Opened {
    /// This connection holds it now.
    Held,
    /// Another connection holds it (not taken).
    HeldElsewhere(OpenBy),
    /// Taken over from this holder.
    TakenFrom(OpenBy),
}

impl Holders {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<RecordId, Holder>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers `connection` (signed in as `user`) as holding `encounter`, unless another
    /// connection holds it and `take_over` is not asked. Whatever else the connection held is
    /// let go.
    pub(super) fn open(&self, encounter: RecordId, connection: u64, user: &str, take_over: bool) -> Opened {
        let mut map = self.map();
        // The same user on another terminal is not someone else: the hold moves without a word.
        let previous = map
            .get(&encounter)
            .filter(|h| h.connection != connection && h.open_by.user != user)
            .map(|h| h.open_by.clone());
        if let (Some(other), false) = (&previous, take_over) {
            return Opened::HeldElsewhere(other.clone());
        }
        // The same connection opening it again keeps its "since".
        let since_ms =
            map.get(&encounter).filter(|h| h.connection == connection).map_or_else(now_ms, |h| h.open_by.since_ms);
        map.retain(|id, holder| holder.connection != connection || *id == encounter);
        map.insert(encounter, Holder { connection, open_by: OpenBy { user: user.to_string(), since_ms } });
        match previous {
            Some(other) => Opened::TakenFrom(other),
            None => Opened::Held,
        }
    }

    /// Lets go of `encounter` if `connection` holds it.
    pub(super) fn release(&self, encounter: &RecordId, connection: u64) {
        let mut map = self.map();
        if map.get(encounter).is_some_and(|h| h.connection == connection) {
            map.remove(encounter);
        }
    }

    /// Lets go of everything `connection` holds (sign-out, session end, connection drop).
    pub(super) fn release_all(&self, connection: u64) {
        self.map().retain(|_, holder| holder.connection != connection);
    }

    /// Who holds `encounter`, if anyone.
    pub(super) fn of(&self, encounter: &RecordId) -> Option<OpenBy> {
        self.map().get(encounter).map(|h| h.open_by.clone())
    }

    /// Who holds `encounter`, if it is someone else than `user` on another connection.
    pub(super) fn elsewhere(&self, encounter: &RecordId, connection: u64, user: &str) -> Option<OpenBy> {
        self.map()
            .get(encounter)
            .filter(|h| h.connection != connection && h.open_by.user != user)
            .map(|h| h.open_by.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_opener_is_told_who_holds_it_and_takes_it_only_when_asked() {
        let holders = Holders::default();
        let (encounter, other) = (RecordId::random(), RecordId::random());
        assert_eq!(holders.open(encounter, 1, "cleo", false), Opened::Held);
        let cleo = holders.of(&encounter).unwrap();
        assert_eq!(cleo.user, "cleo");
        assert_eq!(holders.open(encounter, 1, "cleo", false), Opened::Held, "opening it again is fine");
        assert_eq!(holders.of(&encounter).unwrap().since_ms, cleo.since_ms, "and keeps its since");
        assert_eq!(holders.open(encounter, 2, "marie", false), Opened::HeldElsewhere(cleo.clone()));
        assert_eq!(holders.elsewhere(&encounter, 2, "marie"), Some(cleo.clone()));
        assert_eq!(holders.elsewhere(&encounter, 1, "cleo"), None);
        assert_eq!(holders.elsewhere(&encounter, 9, "cleo"), None, "cleo on another terminal is cleo");
        assert_eq!(holders.open(encounter, 9, "cleo", false), Opened::Held, "and takes it without a word");
        holders.open(encounter, 1, "cleo", false);
        assert_eq!(holders.open(encounter, 2, "marie", true), Opened::TakenFrom(cleo));
        assert_eq!(holders.of(&encounter).unwrap().user, "marie");
        assert!(holders.elsewhere(&encounter, 1, "cleo").is_some(), "cleo's next write is refused");

        // One encounter per connection; leaving, or the connection ending, lets go.
        holders.open(other, 2, "marie", false);
        assert_eq!(holders.of(&encounter), None, "opening another lets go of the first");
        holders.release(&other, 1);
        assert!(holders.of(&other).is_some(), "only its holder lets go of it");
        holders.release(&other, 2);
        assert_eq!(holders.of(&other), None);
        holders.open(other, 3, "ivy", false);
        holders.release_all(3);
        assert_eq!(holders.of(&other), None);
    }
}
