//! Recommendations, and the findings the user dismissed (kept in the data dir).

use super::*;

impl Backend {
    /// Commitment utilization and coverage, and the Savings Plan
    /// recommendation with its per-instance shares.
    pub fn commitments(&self) -> Result<Commitments> {
        use burnrate_core::analysis::commitments;
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Commitments::default());
        };
        let recommended =
            optimize::recommend(frame.clone(), &config.optimize, Some(&self.data_dir))?;
        let mut shares: Vec<Finding> = recommended
            .findings
            .into_iter()
            .filter(|f| f.kind == FindingKind::CommitmentCandidate && f.provider == "AWS")
            .collect();
        optimize::label(frame.clone(), &config, &mut shares)?;
        Ok(Commitments {
            utilization: table::table(&commitments::utilization(frame.clone())?)?,
            coverage: table::table(&commitments::coverage(frame)?)?,
            savings_plan: recommended.savings_plan,
            shares,
        })
    }

    /// Every finding, largest savings first, with whether it was dismissed.
    pub fn recommendations(&self) -> Result<Vec<Recommendation>> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Vec::new());
        };
        self.recommendations_for(frame, &config)
    }

    fn recommendations_for(
        &self,
        frame: LazyFrame,
        config: &Config,
    ) -> Result<Vec<Recommendation>> {
        let mut findings =
            optimize::recommend(frame.clone(), &config.optimize, Some(&self.data_dir))?.findings;
        optimize::label(frame, config, &mut findings)?;
        let dismissed = self.dismissed()?;
        Ok(findings
            .into_iter()
            .map(|finding| Recommendation {
                dismissed: dismissed.contains(&finding.id),
                finding,
            })
            .collect())
    }

    fn dismissed_path(&self) -> PathBuf {
        self.data_dir.join("app").join("dismissed.json")
    }

    fn dismissed(&self) -> Result<Vec<String>> {
        match std::fs::read_to_string(self.dismissed_path()) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                ApiError::new(
                    Code::BadInput,
                    format!("{}: {e}", self.dismissed_path().display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => {
                Err(burnrate_core::Error::io(self.dismissed_path().display().to_string(), e).into())
            }
        }
    }

    /// Dismisses (or restores) a finding; remembered in the data dir.
    pub fn set_dismissed(&self, id: &str, dismissed: bool) -> Result<()> {
        let mut ids = self.dismissed()?;
        ids.retain(|i| i != id);
        if dismissed {
            ids.push(id.to_string());
        }
        let path = self.dismissed_path();
        let text = serde_json::to_string_pretty(&ids).expect("strings serialize");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| burnrate_core::Error::io(dir.display().to_string(), e))?;
        }
        burnrate_core::fsutil::write_atomically(&path, |out| out.write_all(text.as_bytes()))?;
        Ok(())
    }
}
