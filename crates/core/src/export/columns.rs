//! The FOCUS Cost and Usage columns per version: name, the version that
//! introduced it, its data type, feature level and whether it allows nulls.
//!
//! 1.0-1.2 are written from the FOCUS column table
//! (`../shared/data/reference/focus-spec/focus_columns_v1.0_v1.1_v1.2.csv`,
//! the 1.2 constraints); 1.3's additions from the ratified 1.3 column pages
//! of the spec repository (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec).
//! No column was removed from 1.0 to 1.3: ProviderName and PublisherName are
//! deprecated in 1.3 but still part of it.

use serde::Serialize;

/// A FOCUS version Burnrate writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FocusVersion {
    V1_0,
    V1_1,
    V1_2,
    V1_3,
}

impl FocusVersion {
    pub const ALL: [FocusVersion; 4] = [Self::V1_0, Self::V1_1, Self::V1_2, Self::V1_3];

    pub fn parse(text: &str) -> Option<FocusVersion> {
        Self::ALL.into_iter().find(|v| v.label() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::V1_0 => "1.0",
            Self::V1_1 => "1.1",
            Self::V1_2 => "1.2",
            Self::V1_3 => "1.3",
        }
    }
}

/// A FOCUS data type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusType {
    String,
    Decimal,
    DateTime,
    /// A JSON object (key-value format), written as its text.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureLevel {
    Mandatory,
    Recommended,
    Conditional,
}

#[derive(Debug, Clone, Copy)]
pub struct FocusColumn {
    pub name: &'static str,
    pub introduced: FocusVersion,
    pub data_type: FocusType,
    pub level: FeatureLevel,
    pub allows_nulls: bool,
}

use FeatureLevel::{Conditional, Mandatory, Recommended};
use FocusType::{DateTime, Decimal, Json, String as Text};
use FocusVersion::{V1_0, V1_1, V1_2, V1_3};

const fn col(
    name: &'static str,
    introduced: FocusVersion,
    data_type: FocusType,
    level: FeatureLevel,
    allows_nulls: bool,
) -> FocusColumn {
    FocusColumn {
        name,
        introduced,
        data_type,
        level,
        allows_nulls,
    }
}

/// Every column, in the order the spec lists them (alphabetical), 1.3's
/// additions last.
pub const FOCUS_COLUMNS: &[FocusColumn] = &[
    col("AvailabilityZone", V1_0, Text, Recommended, true),
    col("BilledCost", V1_0, Decimal, Mandatory, false),
    col("BillingAccountId", V1_0, Text, Mandatory, false),
    col("BillingAccountName", V1_0, Text, Mandatory, true),
    col("BillingAccountType", V1_2, Text, Conditional, false),
    col("BillingCurrency", V1_0, Text, Mandatory, false),
    col("BillingPeriodEnd", V1_0, DateTime, Mandatory, false),
    col("BillingPeriodStart", V1_0, DateTime, Mandatory, false),
    col("CapacityReservationId", V1_1, Text, Conditional, true),
    col("CapacityReservationStatus", V1_1, Text, Conditional, true),
    col("ChargeCategory", V1_0, Text, Mandatory, false),
    col("ChargeClass", V1_0, Text, Mandatory, true),
    col("ChargeDescription", V1_0, Text, Mandatory, true),
    col("ChargeFrequency", V1_0, Text, Recommended, false),
    col("ChargePeriodEnd", V1_0, DateTime, Mandatory, false),
    col("ChargePeriodStart", V1_0, DateTime, Mandatory, false),
    col("CommitmentDiscountCategory", V1_0, Text, Conditional, true),
    col("CommitmentDiscountId", V1_0, Text, Conditional, true),
    col("CommitmentDiscountName", V1_0, Text, Conditional, true),
    col(
        "CommitmentDiscountQuantity",
        V1_1,
        Decimal,
        Conditional,
        true,
    ),
    col("CommitmentDiscountStatus", V1_0, Text, Conditional, true),
    col("CommitmentDiscountType", V1_0, Text, Conditional, true),
    col("CommitmentDiscountUnit", V1_1, Text, Conditional, true),
    col("ConsumedQuantity", V1_0, Decimal, Conditional, true),
    col("ConsumedUnit", V1_0, Text, Conditional, true),
    col("ContractedCost", V1_0, Decimal, Mandatory, false),
    col("ContractedUnitPrice", V1_0, Decimal, Conditional, true),
    col("EffectiveCost", V1_0, Decimal, Mandatory, false),
    col("InvoiceId", V1_2, Text, Recommended, true),
    col("InvoiceIssuerName", V1_0, Text, Mandatory, false),
    col("ListCost", V1_0, Decimal, Mandatory, false),
    col("ListUnitPrice", V1_0, Decimal, Conditional, true),
    col("PricingCategory", V1_0, Text, Conditional, true),
    col("PricingCurrency", V1_2, Text, Conditional, true),
    col(
        "PricingCurrencyContractedUnitPrice",
        V1_2,
        Decimal,
        Conditional,
        true,
    ),
    col(
        "PricingCurrencyEffectiveCost",
        V1_2,
        Decimal,
        Conditional,
        true,
    ),
    col(
        "PricingCurrencyListUnitPrice",
        V1_2,
        Decimal,
        Conditional,
        true,
    ),
    col("PricingQuantity", V1_0, Decimal, Mandatory, true),
    col("PricingUnit", V1_0, Text, Mandatory, true),
    col("ProviderName", V1_0, Text, Mandatory, false),
    col("PublisherName", V1_0, Text, Mandatory, false),
    col("RegionId", V1_0, Text, Conditional, true),
    col("RegionName", V1_0, Text, Conditional, true),
    col("ResourceId", V1_0, Text, Conditional, true),
    col("ResourceName", V1_0, Text, Conditional, true),
    col("ResourceType", V1_0, Text, Conditional, true),
    col("ServiceCategory", V1_0, Text, Mandatory, false),
    col("ServiceName", V1_0, Text, Mandatory, false),
    col("ServiceSubcategory", V1_1, Text, Recommended, false),
    col("SkuId", V1_0, Text, Conditional, true),
    col("SkuMeter", V1_1, Text, Conditional, true),
    col("SkuPriceDetails", V1_1, Json, Conditional, true),
    col("SkuPriceId", V1_0, Text, Conditional, true),
    col("SubAccountId", V1_0, Text, Conditional, true),
    col("SubAccountName", V1_0, Text, Conditional, true),
    col("SubAccountType", V1_2, Text, Conditional, true),
    col("Tags", V1_0, Json, Conditional, true),
    // FOCUS 1.3.
    col("AllocatedMethodDetails", V1_3, Json, Conditional, true),
    col("AllocatedMethodId", V1_3, Text, Conditional, true),
    col("AllocatedResourceId", V1_3, Text, Conditional, true),
    col("AllocatedResourceName", V1_3, Text, Conditional, true),
    col("AllocatedTags", V1_3, Json, Conditional, true),
    col("ContractApplied", V1_3, Json, Conditional, true),
    col("HostProviderName", V1_3, Text, Mandatory, true),
    col("ServiceProviderName", V1_3, Text, Mandatory, false),
];

/// The columns of one version, in order.
pub fn columns_of(version: FocusVersion) -> impl Iterator<Item = &'static FocusColumn> {
    FOCUS_COLUMNS
        .iter()
        .filter(move |c| c.introduced <= version)
}

/// The allowed ServiceSubcategory values (FOCUS 1.1+) with their one parent
/// ServiceCategory.
pub const SERVICE_SUBCATEGORIES: &[(&str, &str)] = &[
    ("AI and Machine Learning", "AI Platforms"),
    ("AI and Machine Learning", "Bots"),
    ("AI and Machine Learning", "Generative AI"),
    ("AI and Machine Learning", "Machine Learning"),
    ("AI and Machine Learning", "Natural Language Processing"),
    ("Analytics", "Analytics Platforms"),
    ("Analytics", "Business Intelligence"),
    ("Analytics", "Data Processing"),
    ("Analytics", "Search"),
    ("Analytics", "Streaming Analytics"),
    ("Business Applications", "Productivity and Collaboration"),
    ("Compute", "Containers"),
    ("Compute", "End User Computing"),
    ("Compute", "Quantum Compute"),
    ("Compute", "Serverless Compute"),
    ("Compute", "Virtual Machines"),
    ("Databases", "Caching"),
    ("Databases", "Data Warehouses"),
    ("Databases", "Ledger Databases"),
    ("Databases", "NoSQL Databases"),
    ("Databases", "Relational Databases"),
    ("Databases", "Time Series Databases"),
    ("Developer Tools", "Developer Platforms"),
    ("Developer Tools", "Continuous Integration and Deployment"),
    ("Developer Tools", "Development Environments"),
    ("Developer Tools", "Source Code Management"),
    ("Developer Tools", "Quality Assurance"),
    ("Identity", "Identity and Access Management"),
    ("Integration", "API Management"),
    ("Integration", "Messaging"),
    ("Integration", "Workflow Orchestration"),
    ("Internet of Things", "IoT Analytics"),
    ("Internet of Things", "IoT Platforms"),
    ("Management and Governance", "Architecture"),
    ("Management and Governance", "Compliance"),
    ("Management and Governance", "Cost Management"),
    ("Management and Governance", "Data Governance"),
    ("Management and Governance", "Disaster Recovery"),
    ("Management and Governance", "Endpoint Management"),
    ("Management and Governance", "Observability"),
    ("Management and Governance", "Support"),
    ("Media", "Content Creation"),
    ("Media", "Gaming"),
    ("Media", "Media Streaming"),
    ("Media", "Mixed Reality"),
    ("Migration", "Data Migration"),
    ("Migration", "Resource Migration"),
    ("Multicloud", "Multicloud Integration"),
    ("Networking", "Application Networking"),
    ("Networking", "Content Delivery"),
    ("Networking", "Network Connectivity"),
    ("Networking", "Network Infrastructure"),
    ("Networking", "Network Routing"),
    ("Networking", "Network Security"),
    ("Security", "Secret Management"),
    ("Security", "Security Posture Management"),
    ("Security", "Threat Detection and Response"),
    ("Storage", "Backup Storage"),
    ("Storage", "Block Storage"),
    ("Storage", "File Storage"),
    ("Storage", "Object Storage"),
    ("Storage", "Storage Platforms"),
    ("Web", "Application Platforms"),
];

/// The FOCUS ServiceCategory values.
pub const SERVICE_CATEGORIES: &[&str] = &[
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
];

/// Whether `subcategory` is an allowed value under `category`; every
/// category also has `Other (<category>)`.
pub fn subcategory_fits(category: &str, subcategory: &str) -> bool {
    SERVICE_SUBCATEGORIES.contains(&(category, subcategory))
        || subcategory
            .strip_prefix("Other (")
            .and_then(|rest| rest.strip_suffix(')'))
            .is_some_and(|parent| parent == category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_has_the_columns_the_spec_table_gives() {
        let count = |v| columns_of(v).count();
        // The FOCUS column table: 43 columns in 1.0, 50 in 1.1, 57 in 1.2;
        // 1.3 adds eight.
        assert_eq!(count(V1_0), 43);
        assert_eq!(count(V1_1), 50);
        assert_eq!(count(V1_2), 57);
        assert_eq!(count(V1_3), 65);
    }

    #[test]
    fn every_subcategory_has_a_known_parent() {
        for (category, _) in SERVICE_SUBCATEGORIES {
            assert!(SERVICE_CATEGORIES.contains(category), "{category}");
        }
        assert!(subcategory_fits("Compute", "Virtual Machines"));
        assert!(subcategory_fits("Other", "Other (Other)"));
        assert!(!subcategory_fits("Storage", "Virtual Machines"));
        assert!(!subcategory_fits("Storage", "Other (Compute)"));
    }

    #[test]
    fn each_aws_subcategory_fits_the_category_of_its_services() {
        use crate::ingest::adapters::service_category::{AWS_SUBCATEGORIES, aws, aws_subcategory};
        use polars::prelude::*;
        let mut codes: Vec<&str> = AWS_SUBCATEGORIES
            .iter()
            .flat_map(|(_, codes)| codes.iter().copied())
            .collect();
        codes.push("AWSSupportBusiness");
        let df = df!("code" => &codes)
            .unwrap()
            .lazy()
            .select([
                col("code"),
                aws(col("code")).alias("category"),
                aws_subcategory(col("code")).alias("subcategory"),
            ])
            .collect()
            .unwrap();
        let text = |name: &str| df.column(name).unwrap().str().unwrap().clone();
        let (category, subcategory) = (text("category"), text("subcategory"));
        for (i, code) in codes.iter().enumerate() {
            let (c, s) = (category.get(i).unwrap(), subcategory.get(i).unwrap());
            assert!(subcategory_fits(c, s), "{code}: {c} / {s}");
        }
        assert_eq!(subcategory.get(codes.len() - 1), Some("Other (Other)"));
    }
}
