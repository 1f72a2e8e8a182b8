//! The staff terminal interface, Elm-style: keys map to actions through one keymap
//! (`keymap`), each screen's key table (`keys`) says what they do there, `app::update` routes
//! them and the owner's replies to the screens, which change their state and return effects, and drawing (`view`,
//! `screens/`) is a pure function of the state. This module is the shell around them.

pub mod admin_io;
pub mod admin_ops;
pub mod app;
pub mod backend;
pub mod demo;
pub mod effect;
pub mod form;
pub mod keymap;
pub mod keys;
pub mod list_window;
pub mod qr;
pub mod reload;
pub mod screens;
pub mod shell;
pub mod store_backend;
pub mod view;
pub mod waiting;
pub mod worker;
