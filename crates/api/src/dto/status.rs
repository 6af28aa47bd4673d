//! Where the app works: its data dir, config file and dataset size.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Status {
    pub data_dir: String,
    pub config_path: String,
    pub sources: u32,
    pub rows: f64,
}
