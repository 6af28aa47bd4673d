//! Reports: the SQL report library (`queries/`), CSV output, static
//! charts, and scheduled exports with their run log.

pub mod chart;
pub mod csv;
pub mod library;
pub mod schedule;
