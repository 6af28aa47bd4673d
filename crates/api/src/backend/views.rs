//! The overview, the explorer and the anomalies: the engine's answers over the billing view.

use burnrate_core::analysis::explore::DimensionValue;
use burnrate_core::analysis::lines::{self, LineItems, LineQuery};
use burnrate_core::analysis::saved_views::{self, SavedView};

use super::*;

/// Billing lines the app shows at once; the CSV export has all of them.
pub const LINES_SHOWN: usize = 500;

/// Values the filter box suggests for a dimension.
pub const VALUES_SUGGESTED: usize = 500;

impl Backend {
    /// The dataset at a glance, for the latest month with data (the data
    /// may end before today: offline files are often a month behind). The
    /// recommendations panel is fetched on its own (`recommendations`), so
    /// the figures show without waiting for the optimizer.
    pub fn overview(&self) -> Result<Overview> {
        let config = self.config()?;
        let Some((frame, currency_note)) = self.billing(&config)? else {
            return Ok(Overview {
                empty: true,
                ..Overview::default()
            });
        };
        Ok(overview::overview(frame, &config, currency_note)?)
    }

    /// Cost over time and in total, grouped by a dimension, filtered.
    pub fn explore(&self, query: &ExploreQuery) -> Result<Explore> {
        let config = self.config()?;
        let Some((frame, currency_note)) = self.billing(&config)? else {
            return Ok(Explore::default());
        };
        Ok(explore::answer(frame, &config, query, currency_note)?)
    }

    /// The values a filter on `dimension` can take (the costliest first):
    /// the explorer's suggestions.
    pub fn dimension_values(&self, dimension: &str) -> Result<Vec<DimensionValue>> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Vec::new());
        };
        Ok(explore::values(
            frame,
            &config,
            dimension,
            VALUES_SUGGESTED,
        )?)
    }

    /// The tag keys in the data, the ones on most cost first.
    pub fn tag_keys(&self) -> Result<Vec<String>> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Vec::new());
        };
        Ok(explore::tag_keys(frame, &config)?)
    }

    /// The saved explorer views.
    pub fn saved_views(&self) -> Result<Vec<SavedView>> {
        Ok(saved_views::load(&self.data_dir)?)
    }

    /// Saves a view (replacing one of the same name); returns them all.
    pub fn save_view(&self, view: SavedView) -> Result<Vec<SavedView>> {
        Ok(saved_views::save(&self.data_dir, view)?)
    }

    pub fn remove_view(&self, name: &str) -> Result<Vec<SavedView>> {
        Ok(saved_views::remove(&self.data_dir, name)?)
    }

    /// The billing lines behind an explorer bar or a finding: the first
    /// LINES_SHOWN (largest effective cost first) and the totals of all.
    pub fn line_items(&self, query: &LineQuery) -> Result<LineItems> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(LineItems::default());
        };
        Ok(lines::line_items(frame, &config, query, LINES_SHOWN)?)
    }

    /// Writes every line the query selects as CSV (the app's "Export all").
    pub fn export_line_items(&self, query: &LineQuery, path: &Path) -> Result<u64> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Err(ApiError::empty());
        };
        let df = lines::lines_frame(frame, &config, query)?
            .collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single())
            .map_err(|e| burnrate_core::Error::polars("reading billing lines", e))?;
        burnrate_core::fsutil::write_atomically(path, |out| {
            burnrate_core::reports::csv::write_csv(out, &df)
        })?;
        Ok(df.height() as u64)
    }

    /// Anomalies since a day (default: the last 30 days of data).
    pub fn anomalies(&self, since: Option<String>) -> Result<Vec<AnomalyRow>> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Vec::new());
        };
        let since = match parse_day(since.as_deref())? {
            Some(day) => Some(day),
            None => {
                burnrate_core::period::latest_day(frame.clone())?.map(|d| d - Duration::days(29))
            }
        };
        let rows = anomaly::detect(frame, &config, CostMeasure::Effective, since)?;
        Ok(rows)
    }
}
