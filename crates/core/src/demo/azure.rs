//! The demo's Azure side: an EA cost-details export per month.

use super::*;

const AZURE_HEADER: &str = "BillingAccountId,BillingAccountName,BillingPeriodStartDate,BillingPeriodEndDate,\
SubscriptionId,SubscriptionName,Date,ProductName,MeterCategory,MeterSubCategory,MeterName,Quantity,\
EffectivePrice,CostInBillingCurrency,UnitPrice,PayGPrice,BillingCurrencyCode,ResourceLocation,\
ConsumedService,ResourceId,ResourceName,ResourceGroup,Tags,ChargeType,Frequency,PricingModel,\
PublisherName,UnitOfMeasure,InvoiceId";

pub(super) fn write_azure_month(mut out: impl Write, year: i32, month: u32) -> std::io::Result<()> {
    writeln!(out, "{AZURE_HEADER}")?;
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid");
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .expect("valid")
        - Duration::days(1);
    let subs = [
        ("5a1d0000-0000-4000-8000-000000000001", "contoso-prod"),
        ("5a1d0000-0000-4000-8000-000000000002", "contoso-dev"),
    ];
    // (sub, rg, resource, provider type, meter category, subcategory, meter, product, unit, qty/day, price, tags)
    #[allow(clippy::type_complexity)] // a table, read row by row below
    let resources: [(
        usize,
        &str,
        &str,
        &str,
        &str,
        &str,
        &str,
        &str,
        &str,
        f64,
        f64,
        &str,
    ); 7] = [
        (
            0,
            "rg-web",
            "vm-web-01",
            "Microsoft.Compute/virtualMachines",
            "Virtual Machines",
            "Dsv3 Series",
            "D4s v3",
            "Virtual Machines Dsv3 Series - D4s v3 - EU West",
            "1 Hour",
            24.0,
            0.192,
            r#"{"team": "web", "env": "prod"}"#,
        ),
        (
            0,
            "rg-web",
            "disk-web-01",
            "Microsoft.Compute/disks",
            "Storage",
            "Premium SSD Managed Disks",
            "P30 LRS Disk",
            "Premium SSD Managed Disks - P30 LRS - EU West",
            "1/Month",
            1.0 / 30.0,
            135.17,
            r#""team": "web","env": "prod""#,
        ),
        (
            0,
            "rg-data",
            "sql-orders",
            "Microsoft.Sql/servers",
            "SQL Database",
            "General Purpose - Compute Gen5",
            "vCore",
            "SQL Database General Purpose - Compute Gen5 - EU West",
            "1 Hour",
            48.0,
            0.2523,
            r#"{"Team": "payments"}"#,
        ),
        (
            0,
            "rg-data",
            "stcontosodata",
            "Microsoft.Storage/storageAccounts",
            "Storage",
            "Tiered Block Blob",
            "Hot LRS Data Stored",
            "Blob Storage - Hot LRS - EU West",
            "1 GB/Month",
            2000.0 / 30.0,
            0.0184,
            "",
        ),
        (
            1,
            "rg-dev",
            "vm-dev-01",
            "Microsoft.Compute/virtualMachines",
            "Virtual Machines",
            "Dsv3 Series",
            "D2s v3",
            "Virtual Machines Dsv3 Series - D2s v3 - EU West",
            "1 Hour",
            24.0,
            0.096,
            r#"{"team": "search", "env": "dev"}"#,
        ),
        (
            1,
            "rg-legacy",
            "pip-orphaned",
            "Microsoft.Network/publicIPAddresses",
            "Virtual Network",
            "IP Addresses",
            "Standard IPv4 Static Public IP",
            "IP Addresses - Standard IPv4 Static",
            "1 Hour",
            24.0,
            0.005,
            "",
        ),
        (
            0,
            "rg-web",
            "vm-web-01",
            "Microsoft.Compute/virtualMachines",
            "Bandwidth",
            "Rtn Preference: MGN",
            "Standard Data Transfer Out",
            "Rtn Preference: MGN - Data Transfer Out - Zone 1",
            "1 GB",
            15.0,
            0.087,
            r#"{"team": "web", "env": "prod"}"#,
        ),
    ];
    // Day-to-day noise on usage (not on VM hours), seeded per month so the
    // demo stays deterministic.
    let mut rng = Rng::new(0xA2_0000 + (year as u64) * 100 + month as u64);
    for day in days().filter(|d| d.year() == year && d.month() == month) {
        for (sub, rg, name, kind, category, subcategory, meter, product, unit, qty, price, tags) in
            resources
        {
            // Usage grows and varies; a VM's hours cannot (a day has 24).
            let scale = if unit == "1 Hour" {
                1.0
            } else {
                growth(day) * (0.94 + 0.12 * rng.unit())
            };
            let quantity = (qty * scale * 1_000_000.0).round() / 1_000_000.0;
            let cost = (quantity * price * 1e8).round() / 1e8;
            let (sub_id, sub_name) = subs[sub];
            let resource_id =
                format!("/subscriptions/{sub_id}/resourceGroups/{rg}/providers/{kind}/{name}");
            let consumed = kind.split('/').next().unwrap_or("");
            let tags_field = if tags.is_empty() {
                String::new()
            } else {
                format!("\"{}\"", tags.replace('"', "\"\""))
            };
            writeln!(
                out,
                "90000001,Contoso EA,{},{},{sub_id},{sub_name},{},{product},{category},{subcategory},{meter},{quantity},{price},{cost},{price},{price},EUR,westeurope,{consumed},{resource_id},{name},{rg},{tags_field},Usage,UsageBased,OnDemand,Microsoft,{unit},G{:04}{:02}0001",
                first.format("%m/%d/%Y"),
                last.format("%m/%d/%Y"),
                day.format("%m/%d/%Y"),
                year,
                month,
            )?;
        }
    }
    out.flush()
}
