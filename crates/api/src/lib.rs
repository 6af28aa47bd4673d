//! What the desktop app asks of Burnrate. Each method of [`Backend`] takes
//! plain inputs, calls the core library and returns a serializable answer
//! (`dto`) or an [`ApiError`] `{code, message}` the UI can branch on. The
//! Tauri shell (src-tauri) only wraps these in commands, so everything here
//! is testable without a window or WebKit.
//!
//! This crate owns no analysis: figures come from burnrate-core, and every
//! money figure says which cost it is (billed, effective = amortized, list).

// A library never writes to the terminal: the CLI and the app decide what
// the user sees (`print_stdout`/`print_stderr` as uv does).
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod backend;
pub mod dto;
mod table;

pub use backend::Backend;
pub use dto::*;

#[cfg(test)]
mod tests;
