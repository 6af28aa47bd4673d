//! Writing synthetic AWS legacy CUR CSV: the demo dataset's AWS half and the
//! large files the import benchmark reads. Deterministic for a given seed.

use std::io::Write;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// The header of the CUR files Burnrate writes: the columns a typical legacy
/// CUR has for EC2, EBS, S3, RDS and networking (with the reservation and
/// Savings Plan columns a real CUR carries, empty on on-demand rows as AWS
/// writes them, as in the koku CURs of ../shared/data), plus the tag
/// columns.
pub const CUR_COLUMNS: &[&str] = &[
    "identity/LineItemId",
    "bill/InvoiceId",
    "bill/InvoicingEntity",
    "bill/BillingEntity",
    "bill/BillType",
    "bill/PayerAccountId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/Operation",
    "lineItem/AvailabilityZone",
    "lineItem/ResourceId",
    "lineItem/UsageAmount",
    "lineItem/NormalizationFactor",
    "lineItem/NormalizedUsageAmount",
    "lineItem/CurrencyCode",
    "lineItem/UnblendedRate",
    "lineItem/UnblendedCost",
    "lineItem/LineItemDescription",
    "lineItem/TaxType",
    "lineItem/LegalEntity",
    "product/ProductName",
    "product/instanceType",
    "product/productFamily",
    "product/region",
    "product/regionCode",
    "product/servicecode",
    "product/sku",
    "product/usagetype",
    "product/volumeApiName",
    "pricing/LeaseContractLength",
    "pricing/OfferingClass",
    "pricing/PurchaseOption",
    "pricing/RateCode",
    "pricing/RateId",
    "pricing/currency",
    "pricing/publicOnDemandCost",
    "pricing/publicOnDemandRate",
    "pricing/term",
    "pricing/unit",
    "reservation/AmortizedUpfrontCostForUsage",
    "reservation/EffectiveCost",
    "reservation/ReservationARN",
    "reservation/TotalReservedUnits",
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
    "reservation/UnusedRecurringFee",
    "savingsPlan/SavingsPlanARN",
    "savingsPlan/SavingsPlanEffectiveCost",
    "savingsPlan/TotalCommitmentToDate",
    "savingsPlan/UsedCommitment",
    "resourceTags/user:team",
    "resourceTags/user:Team",
    "resourceTags/user:env",
];

/// What a line item has to do with a reservation or a Savings Plan: the
/// `reservation/*` or `savingsPlan/*` columns AWS fills on it.
#[derive(Debug, Clone, Default)]
pub enum Commitment<'a> {
    #[default]
    None,
    Reservation {
        arn: &'a str,
        /// `reservation/EffectiveCost` (DiscountedUsage: the amortized
        /// upfront and recurring fee of the hours used).
        effective_cost: f64,
        /// `reservation/UnusedAmortizedUpfrontFeeForBillingPeriod` and
        /// `reservation/UnusedRecurringFee` (RIFee lines).
        unused_upfront: f64,
        unused_recurring: f64,
    },
    SavingsPlan {
        arn: &'a str,
        /// `savingsPlan/SavingsPlanEffectiveCost` (covered usage at the plan's rate).
        effective_cost: f64,
        /// `savingsPlan/TotalCommitmentToDate` and `UsedCommitment` (recurring fee lines).
        total_commitment: f64,
        used_commitment: f64,
    },
}

/// One line item; fields not set are written empty.
#[derive(Debug, Clone, Default)]
pub struct CurLine<'a> {
    pub payer: &'a str,
    pub account: &'a str,
    pub line_item_type: &'a str,
    pub start: NaiveDateTime,
    pub hours: i64,
    pub product_code: &'a str,
    pub product_name: &'a str,
    pub usage_type: &'a str,
    pub operation: &'a str,
    pub resource_id: &'a str,
    pub usage_amount: f64,
    pub rate: f64,
    pub unit: &'a str,
    pub description: &'a str,
    pub instance_type: &'a str,
    pub product_family: &'a str,
    pub volume_api_name: &'a str,
    pub region: &'a str,
    pub team_tag: Option<&'a str>,
    /// Writes the team tag under the `user:Team` column instead of `user:team`.
    pub team_tag_capitalized: bool,
    pub env_tag: Option<&'a str>,
    /// `lineItem/UnblendedCost` when it is not usage times rate (negations,
    /// discounts, credits, fees).
    pub cost: Option<f64>,
    /// `pricing/publicOnDemandCost` when it is not the cost (0 on the lines
    /// that have no on-demand equivalent: negations, discounts, fees).
    pub on_demand_cost: Option<f64>,
    /// `bill/BillingEntity`: "AWS", or "AWS Marketplace" for a third party's charge.
    pub billing_entity: Option<&'a str>,
    /// `lineItem/LegalEntity`: who sells it (a Marketplace seller's name).
    pub legal_entity: Option<&'a str>,
    /// `bill/BillType`: "Anniversary", or "Purchase" for an upfront fee.
    pub bill_type: Option<&'a str>,
    pub commitment: Commitment<'a>,
}

impl CurLine<'_> {
    /// `lineItem/UnblendedCost` as written (rounded to 10 decimals).
    pub fn unblended_cost(&self) -> f64 {
        let cost = self.cost.unwrap_or(self.usage_amount * self.rate);
        (cost * 1e10).round() / 1e10
    }
}

fn iso(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Writes CUR rows; costs are `usage_amount * rate` rounded to 10 decimals,
/// as AWS writes them.
pub struct CurWriter<W: Write> {
    out: W,
    rows: u64,
}

/// An AWS-style numeric invoice id for a payer's month.
fn invoice_id(payer: &str, year: i32, month: u32) -> String {
    let payer_digits: String = payer.chars().filter(char::is_ascii_digit).take(4).collect();
    format!("{year:04}{month:02}{payer_digits:0>4}")
}

impl<W: Write> CurWriter<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        writeln!(out, "{}", CUR_COLUMNS.join(","))?;
        Ok(CurWriter { out, rows: 0 })
    }

    pub fn write(&mut self, line: &CurLine) -> std::io::Result<()> {
        let start = line.start;
        let end = start + Duration::hours(line.hours);
        let period_start = NaiveDate::from_ymd_opt(start.year(), start.month(), 1)
            .expect("valid month")
            .and_hms_opt(0, 0, 0)
            .expect("midnight");
        let period_end = period_start
            .date()
            .checked_add_months(chrono::Months::new(1))
            .expect("next month")
            .and_hms_opt(0, 0, 0)
            .expect("midnight");
        let cost = line.unblended_cost();
        let on_demand = line.on_demand_cost.unwrap_or(cost);
        let is_tax = line.line_item_type == "Tax";
        let number = |v: f64| format!("{}", (v * 1e10).round() / 1e10);
        let (reservation, savings_plan): ([String; 6], [String; 4]) = match &line.commitment {
            Commitment::None => Default::default(),
            Commitment::Reservation {
                arn,
                effective_cost,
                unused_upfront,
                unused_recurring,
            } => (
                [
                    String::new(),
                    number(*effective_cost),
                    arn.to_string(),
                    String::new(),
                    number(*unused_upfront),
                    number(*unused_recurring),
                ],
                Default::default(),
            ),
            Commitment::SavingsPlan {
                arn,
                effective_cost,
                total_commitment,
                used_commitment,
            } => (
                Default::default(),
                [
                    arn.to_string(),
                    number(*effective_cost),
                    number(*total_commitment),
                    number(*used_commitment),
                ],
            ),
        };
        let pricing_term = match (&line.commitment, line.line_item_type) {
            (_, "Tax") => "",
            (Commitment::Reservation { .. }, _) => "Reserved",
            (Commitment::SavingsPlan { .. }, _) => "Savings Plan",
            (Commitment::None, "Usage") => "OnDemand",
            _ => "",
        };
        let az = if is_tax || line.region.is_empty() {
            String::new()
        } else {
            format!("{}a", line.region)
        };
        let (team_lower, team_upper) = match (line.team_tag, line.team_tag_capitalized) {
            (Some(t), false) => (t, ""),
            (Some(t), true) => ("", t),
            (None, _) => ("", ""),
        };
        self.rows += 1;
        let fields: [String; CUR_COLUMNS.len()] = [
            format!("{:016x}", self.rows.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            // One invoice per payer and month (every month of the demo and
            // of a benchmark file is a closed one).
            invoice_id(line.payer, start.year(), start.month()),
            "Amazon Web Services, Inc.".into(),
            line.billing_entity.unwrap_or("AWS").into(),
            line.bill_type.unwrap_or("Anniversary").into(),
            line.payer.into(),
            iso(period_start),
            iso(period_end),
            line.account.into(),
            line.line_item_type.into(),
            iso(start),
            iso(end),
            line.product_code.into(),
            line.usage_type.into(),
            line.operation.into(),
            az,
            line.resource_id.into(),
            format!("{}", line.usage_amount),
            String::new(),
            String::new(),
            "USD".into(),
            format!("{}", line.rate),
            format!("{cost}"),
            line.description.into(),
            if is_tax { "VAT".into() } else { String::new() },
            line.legal_entity
                .unwrap_or("Amazon Web Services, Inc.")
                .into(),
            line.product_name.into(),
            line.instance_type.into(),
            line.product_family.into(),
            line.region.into(),
            line.region.into(),
            line.product_code.into(),
            if is_tax {
                String::new()
            } else {
                format!("SKU{:08X}", fxhash(line.usage_type))
            },
            line.usage_type.into(),
            line.volume_api_name.into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "USD".into(),
            if is_tax {
                String::new()
            } else {
                number(on_demand)
            },
            if is_tax || on_demand == 0.0 {
                String::new()
            } else {
                format!("{}", line.rate)
            },
            pricing_term.into(),
            line.unit.into(),
        ]
        .into_iter()
        // reservation/* and savingsPlan/*: empty on on-demand rows, as AWS writes them.
        .chain(reservation)
        .chain(savings_plan)
        .chain([
            team_lower.into(),
            team_upper.into(),
            line.env_tag.unwrap_or("").into(),
        ])
        .collect::<Vec<String>>()
        .try_into()
        .expect("one field per column");
        let quoted: Vec<String> = fields.iter().map(|f| csv_quote(f)).collect();
        writeln!(self.out, "{}", quoted.join(","))
    }

    pub fn finish(mut self) -> std::io::Result<u64> {
        self.out.flush()?;
        Ok(self.rows)
    }
}

fn csv_quote(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn fxhash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

/// A small deterministic generator (SplitMix64), so data is the same on
/// every machine without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Writes a large hourly legacy CUR for benchmarks: `rows` line items over
/// one month, a few thousand resources in ten accounts.
pub fn write_legacy_cur(out: impl Write, rows: u64, seed: u64) -> std::io::Result<u64> {
    let mut rng = Rng::new(seed);
    let mut writer = CurWriter::new(out)?;
    let accounts: Vec<String> = (0..10)
        .map(|i| format!("{:012}", 100_000_000_000u64 + i * 7919))
        .collect();
    let teams = ["payments", "search", "platform", "data", "web"];
    // (product code, product name, usage type, operation, rate, unit, instance type, description)
    #[rustfmt::skip]
    #[allow(clippy::type_complexity)] // a table, read row by row below
    let kinds: [(&str, &str, &str, &str, f64, &str, &str, &str); 6] = [
        ("AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:m5.large", "RunInstances", 0.096, "Hrs", "m5.large", "Linux m5.large hour"),
        ("AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:c6i.xlarge", "RunInstances", 0.17, "Hrs", "c6i.xlarge", "Linux c6i.xlarge hour"),
        ("AmazonEC2", "Amazon Elastic Compute Cloud", "EBS:VolumeUsage.gp3", "CreateVolume-Gp3", 0.08 / 730.0, "GB-Mo", "", "gp3 storage"),
        ("AmazonS3", "Amazon Simple Storage Service", "TimedStorage-ByteHrs", "StandardStorage", 0.023 / 730.0, "GB-Mo", "", "S3 standard storage"),
        ("AmazonRDS", "Amazon Relational Database Service", "InstanceUsage:db.m5.large", "CreateDBInstance:0002", 0.171, "Hrs", "db.m5.large", "RDS db.m5.large hour"),
        ("AmazonEC2", "Amazon Elastic Compute Cloud", "NatGateway-Bytes", "NatGateway", 0.045, "GB", "", "NAT data processed"),
    ];
    let month_start = NaiveDate::from_ymd_opt(2026, 9, 1)
        .expect("valid date")
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    let resources: Vec<String> = (0..5000)
        .map(|i| format!("i-{:017x}", 0xabc000 + i))
        .collect();
    for n in 0..rows {
        let kind = kinds[rng.below(kinds.len())];
        let resource = &resources[rng.below(resources.len())];
        let hour = (n % 720) as i64;
        let amount = if kind.5 == "Hrs" {
            1.0
        } else {
            (rng.unit() * 500.0 * 1000.0).round() / 1000.0
        };
        writer.write(&CurLine {
            payer: "100000000000",
            account: &accounts[rng.below(accounts.len())],
            line_item_type: "Usage",
            start: month_start + Duration::hours(hour),
            hours: 1,
            product_code: kind.0,
            product_name: kind.1,
            usage_type: kind.2,
            operation: kind.3,
            resource_id: resource,
            usage_amount: amount,
            rate: kind.4,
            unit: kind.5,
            description: kind.7,
            instance_type: kind.6,
            product_family: if kind.6.is_empty() {
                "Storage"
            } else {
                "Compute Instance"
            },
            volume_api_name: if kind.2.contains("gp3") { "gp3" } else { "" },
            region: "us-east-1",
            team_tag: (rng.unit() < 0.8).then(|| teams[rng.below(teams.len())]),
            team_tag_capitalized: false,
            env_tag: Some("prod"),
            ..CurLine::default()
        })?;
    }
    writer.finish()
}
