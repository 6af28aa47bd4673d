//! The instance catalog (`data/instance-catalog.csv`): sizes, families and
//! on-demand prices that family changes and rightsizing are valued from.

use std::collections::BTreeMap;

/// A row of the instance catalog (`data/instance-catalog.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry {
    pub instance_type: String,
    pub family: String,
    pub previous_generation: bool,
    pub vcpu: f64,
    pub memory_gib: f64,
    pub arm: bool,
    pub hourly_usd: f64,
}

pub fn catalog() -> BTreeMap<String, CatalogEntry> {
    let mut entries = BTreeMap::new();
    let mut reader =
        csv::Reader::from_reader(include_str!("../../data/instance-catalog.csv").as_bytes());
    for record in reader.records().flatten() {
        let number = |i: usize| {
            record
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let entry = CatalogEntry {
            instance_type: record.get(1).unwrap_or("").to_string(),
            family: record.get(2).unwrap_or("").to_string(),
            previous_generation: record.get(3) == Some("previous"),
            vcpu: number(4),
            memory_gib: number(5),
            arm: record.get(6) == Some("arm64"),
            hourly_usd: number(8),
        };
        entries.insert(entry.instance_type.clone(), entry);
    }
    entries
}

/// Previous-generation family -> its current equivalent at the same size.
pub(crate) const CURRENT_FAMILY: &[(&str, &str)] = &[
    ("t2", "t3"),
    ("m3", "m6i"),
    ("m4", "m6i"),
    ("c3", "c6i"),
    ("c4", "c6i"),
    ("r3", "r6i"),
    ("r4", "r6i"),
    ("i2", "i3"),
];

/// x86 family -> the ARM (Graviton) family with the same vCPU and memory.
pub(crate) const ARM_FAMILY: &[(&str, &str)] = &[
    ("t3", "t4g"),
    ("m5", "m7g"),
    ("m6i", "m7g"),
    ("c5", "c7g"),
    ("c6i", "c7g"),
    ("r5", "r7g"),
    ("r6i", "r7g"),
];

/// When a size is missing from the catalog: the saving assumed, at low
/// confidence.
pub(crate) const UNKNOWN_PRICE_SAVING: f64 = 0.10;

/// A family change at the same size, valued from the catalog.
pub(crate) fn family_change(
    current: &str,
    family_map: &[(&str, &str)],
    catalog: &BTreeMap<String, CatalogEntry>,
) -> Option<(String, f64, bool, String)> {
    let (family, size) = current.split_once('.')?;
    let target_family = family_map.iter().find(|(f, _)| *f == family)?.1;
    let target = format!("{target_family}.{size}");
    let priced = match (catalog.get(current), catalog.get(&target)) {
        (Some(a), Some(b)) if a.hourly_usd > 0.0 => Some((a.hourly_usd, b.hourly_usd)),
        _ => None,
    };
    let (ratio, known, figures) = match priced {
        Some((old, new)) => (
            (1.0 - new / old).max(0.0),
            true,
            format!("catalog: {current} ${old}/h, {target} ${new}/h (us-east-1 on-demand)"),
        ),
        None => (
            UNKNOWN_PRICE_SAVING,
            false,
            format!(
                "{current} or {target} not in the catalog: assumed {:.0}% saving",
                UNKNOWN_PRICE_SAVING * 100.0
            ),
        ),
    };
    Some((target, ratio, known, figures))
}

/// Instance sizes, smallest first: one step left is one size down.
pub(crate) const SIZES: &[&str] = &[
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
    "12xlarge", "16xlarge", "24xlarge",
];

/// When the smaller size is missing from the catalog: one size down halves
/// the price on AWS, assumed at low confidence.
pub(crate) const UNKNOWN_SIZE_DOWN_SAVING: f64 = 0.5;

pub(crate) fn size_down(instance_type: &str) -> Option<String> {
    let (family, size) = instance_type.split_once('.')?;
    let at = SIZES.iter().position(|s| *s == size)?;
    (at > 0).then(|| format!("{family}.{}", SIZES[at - 1]))
}

/// The cheapest current-generation, non-burstable type of the same
/// architecture with at least the vCPU and memory needed.
pub(crate) fn cheaper_family<'c>(
    now: &CatalogEntry,
    needed_vcpu: f64,
    needed_memory: f64,
    catalog: &'c BTreeMap<String, CatalogEntry>,
) -> Option<&'c CatalogEntry> {
    catalog
        .values()
        .filter(|c| {
            !c.previous_generation
                && c.arm == now.arm
                && !c.family.starts_with('t')
                && c.provider_is_same(now)
                && c.vcpu >= needed_vcpu
                && c.memory_gib >= needed_memory
                && c.hourly_usd < now.hourly_usd
        })
        .min_by(|a, b| {
            a.hourly_usd
                .total_cmp(&b.hourly_usd)
                .then_with(|| a.instance_type.cmp(&b.instance_type))
        })
}

impl CatalogEntry {
    fn provider_is_same(&self, other: &CatalogEntry) -> bool {
        self.instance_type.starts_with("Standard_") == other.instance_type.starts_with("Standard_")
    }
}
