//! Instance family changes at the same size: previous generation to
//! current, else x86 to ARM (Graviton), valued from the catalog.

use super::{Check, Draft, Inputs};
use crate::optimize::catalog::{ARM_FAMILY, CURRENT_FAMILY, family_change};
use crate::optimize::usage::{instance_type_of, is_box_usage};
use crate::optimize::{Confidence, FindingKind};

pub struct FamilyChange;

impl Check for FamilyChange {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let (settings, catalog) = (inputs.settings, &inputs.catalog);
        let mut out = Vec::new();
        for u in inputs.records.iter().filter(|u| is_box_usage(u)) {
            let Some(current) = instance_type_of(u) else {
                continue;
            };
            if let Some((target, ratio, known, figures)) =
                family_change(&current, CURRENT_FAMILY, catalog)
            {
                out.push(Draft {
                    action: format!(
                        "Move {} from previous-generation {current} to {target}",
                        u.resource_id
                    ),
                    rule:
                        "instance family is a previous generation; same size in the current family"
                            .into(),
                    figures: format!(
                        "{figures}; {:.1} hours, {:.2} {}",
                        u.quantity, u.cost, u.currency
                    ),
                    ..Draft::of(
                        FindingKind::PreviousGeneration,
                        u,
                        u.cost * ratio,
                        if known {
                            Confidence::High
                        } else {
                            Confidence::Low
                        },
                    )
                });
            } else if settings.graviton
                && let Some((target, ratio, _, figures)) =
                    family_change(&current, ARM_FAMILY, catalog)
            {
                out.push(Draft {
                    action: format!(
                        "Consider {target} (ARM/Graviton) for {} if its software runs on arm64",
                        u.resource_id
                    ),
                    rule: "x86 instance with an ARM equivalent of the same vCPU and memory".into(),
                    figures: format!(
                        "{figures}; {:.1} hours, {:.2} {}",
                        u.quantity, u.cost, u.currency
                    ),
                    ..Draft::of(FindingKind::Graviton, u, u.cost * ratio, Confidence::Low)
                });
            }
        }
        out
    }
}
