//! Azure public IPs and managed disks in a resource group where no virtual
//! machine is billed.

use std::collections::BTreeSet;

use super::{Check, Draft, Inputs};
use crate::optimize::usage::azure_resource_type;
use crate::optimize::{Confidence, FindingKind};

pub struct OrphanedAzureResource;

impl Check for OrphanedAzureResource {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let records = inputs.records;
        let mut groups_with_vm = BTreeSet::new();
        for u in records {
            if azure_resource_type(u) == "microsoft.compute/virtualmachines" {
                groups_with_vm.insert((u.account.to_lowercase(), u.resource_group.to_lowercase()));
            }
        }
        let mut out = Vec::new();
        for u in records {
            let kind = azure_resource_type(u);
            let what = if kind == "microsoft.network/publicipaddresses" {
                "public IP address"
            } else if kind == "microsoft.compute/disks" {
                "managed disk"
            } else {
                continue;
            };
            if u.resource_group.is_empty()
                || groups_with_vm
                    .contains(&(u.account.to_lowercase(), u.resource_group.to_lowercase()))
            {
                continue;
            }
            out.push(Draft {
                action: format!(
                    "Check and delete the {what} {} if nothing uses it",
                    u.resource_id
                ),
                rule: format!(
                    "{what} billed in resource group {} where no virtual machine is billed",
                    u.resource_group
                ),
                figures: format!("{:.2} {} in the window", u.cost, u.currency),
                ..Draft::of(
                    FindingKind::OrphanedAzureResource,
                    u,
                    u.cost,
                    Confidence::Low,
                )
            });
        }
        out
    }
}
