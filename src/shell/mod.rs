//! The imperative shell the two interfaces share (each keeps its own event loop): the terminal
//! watchdog, and the owner's failures as the interfaces' errors. It sits above the owner's
//! client and below both interfaces.

pub mod owner_error;
pub mod terminal;
