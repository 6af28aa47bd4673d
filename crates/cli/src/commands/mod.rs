//! One module per group of commands; `main.rs` dispatches to them.

pub mod analysis;
pub mod export;
pub mod imports;
pub mod pulls;
pub mod schedules;
pub mod views;
