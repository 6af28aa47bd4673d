//! The overview, the explorer and the anomalies: the engine's answers over the billing view.

use super::*;

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
        Ok(explore::answer(
            frame,
            &config,
            query,
            currency_note,
            overview::TOP_GROUPS,
        )?)
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
