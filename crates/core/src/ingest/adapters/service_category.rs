//! FOCUS ServiceCategory for the services seen most often in bills. The
//! tables are Burnrate's own, written from the FOCUS ServiceCategory list and
//! the providers' service catalogues; unknown services get `Other`.

use polars::prelude::*;

fn lookup(expr: Expr, table: fn(&str) -> &'static str) -> Expr {
    expr.map(
        move |c| {
            let ca = c.str()?;
            let out: StringChunked = ca.iter().map(|v| v.map(table)).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// By AWS product code (`lineItem/ProductCode`).
pub fn aws(product_code: Expr) -> Expr {
    lookup(product_code, |code| match code {
        "AmazonEC2" | "AWSLambda" | "AmazonECS" | "AmazonEKS" | "AWSFargate"
        | "AmazonLightsail" | "AWSBatch" | "ElasticMapReduce" => "Compute",
        "AmazonS3" | "AmazonEFS" | "AmazonGlacier" | "AWSBackup" | "AmazonFSx"
        | "AWSStorageGateway" => "Storage",
        "AmazonRDS" | "AmazonDynamoDB" | "AmazonElastiCache" | "AmazonRedshift" | "AmazonDocDB"
        | "AmazonNeptune" | "AmazonMemoryDB" => "Databases",
        "AmazonVPC"
        | "AmazonCloudFront"
        | "AmazonRoute53"
        | "AWSELB"
        | "AWSDataTransfer"
        | "AmazonApiGateway"
        | "AWSDirectConnect"
        | "AWSGlobalAccelerator" => "Networking",
        "AmazonCloudWatch" | "AWSCloudTrail" | "AWSConfig" | "AWSCostExplorer"
        | "AWSSystemsManager" | "AWSCloudFormation" => "Management and Governance",
        "AWSKMS" | "AWSSecretsManager" | "AmazonGuardDuty" | "AWSWAF" | "AWSShield"
        | "AmazonInspector" | "AWSSecurityHub" | "AmazonMacie" => "Security",
        "AmazonCognito" | "AWSIAM" | "AWSDirectoryService" => "Identity",
        "AmazonSNS" | "AmazonSQS" | "AWSEvents" | "AWSStepFunctions" | "AmazonMQ"
        | "AmazonKinesis" | "AmazonMSK" => "Integration",
        "AmazonAthena"
        | "AWSGlue"
        | "AmazonQuickSight"
        | "AmazonES"
        | "AmazonOpenSearchService" => "Analytics",
        "AmazonSageMaker" | "AmazonBedrock" | "AmazonRekognition" | "AmazonComprehend" => {
            "AI and Machine Learning"
        }
        "AWSCodeBuild" | "AWSCodeCommit" | "AWSCodePipeline" | "AmazonECR" | "AWSXRay" => {
            "Developer Tools"
        }
        "AWSSupportBusiness" | "AWSSupportEnterprise" | "AWSDeveloperSupport" => "Other",
        _ => "Other",
    })
}

/// FOCUS ServiceSubcategory by AWS product code, each within the category
/// [`aws`] gives the code (the FinOps Foundation's focus-data-toolkit writes
/// the same pairs for the services it generates: EC2, S3, RDS, Lambda, VPC,
/// CloudWatch, DynamoDB, Glue).
pub const AWS_SUBCATEGORIES: &[(&str, &[&str])] = &[
    ("Virtual Machines", &["AmazonEC2", "AmazonLightsail"]),
    ("Serverless Compute", &["AWSLambda"]),
    ("Containers", &["AmazonECS", "AmazonEKS", "AWSFargate"]),
    ("Object Storage", &["AmazonS3", "AmazonGlacier"]),
    ("File Storage", &["AmazonEFS", "AmazonFSx"]),
    ("Backup Storage", &["AWSBackup"]),
    ("Storage Platforms", &["AWSStorageGateway"]),
    ("Relational Databases", &["AmazonRDS"]),
    (
        "NoSQL Databases",
        &["AmazonDynamoDB", "AmazonDocDB", "AmazonNeptune"],
    ),
    ("Caching", &["AmazonElastiCache", "AmazonMemoryDB"]),
    ("Data Warehouses", &["AmazonRedshift"]),
    (
        "Network Connectivity",
        &["AmazonVPC", "AWSDataTransfer", "AWSDirectConnect"],
    ),
    ("Content Delivery", &["AmazonCloudFront"]),
    (
        "Network Routing",
        &["AmazonRoute53", "AWSGlobalAccelerator"],
    ),
    ("Application Networking", &["AWSELB"]),
    ("Observability", &["AmazonCloudWatch"]),
    ("Compliance", &["AWSCloudTrail", "AWSConfig"]),
    ("Cost Management", &["AWSCostExplorer"]),
    ("Secret Management", &["AWSKMS", "AWSSecretsManager"]),
    ("Threat Detection and Response", &["AmazonGuardDuty"]),
    (
        "Security Posture Management",
        &["AmazonInspector", "AWSSecurityHub", "AmazonMacie"],
    ),
    (
        "Identity and Access Management",
        &["AmazonCognito", "AWSIAM", "AWSDirectoryService"],
    ),
    (
        "Messaging",
        &[
            "AmazonSNS",
            "AmazonSQS",
            "AmazonMQ",
            "AWSEvents",
            "AmazonKinesis",
            "AmazonMSK",
        ],
    ),
    ("Workflow Orchestration", &["AWSStepFunctions"]),
    ("Analytics Platforms", &["AmazonAthena"]),
    ("Data Processing", &["AWSGlue"]),
    ("Business Intelligence", &["AmazonQuickSight"]),
    ("Search", &["AmazonES", "AmazonOpenSearchService"]),
    (
        "Machine Learning",
        &["AmazonSageMaker", "AmazonRekognition"],
    ),
    ("Generative AI", &["AmazonBedrock"]),
    ("Natural Language Processing", &["AmazonComprehend"]),
    (
        "Continuous Integration and Deployment",
        &["AWSCodeBuild", "AWSCodePipeline"],
    ),
    ("Source Code Management", &["AWSCodeCommit"]),
];

/// The subcategory of a product code from [`AWS_SUBCATEGORIES`];
/// `Other (<category>)` for a service no named subcategory fits.
pub fn aws_subcategory(product_code: Expr) -> Expr {
    let table = AWS_SUBCATEGORIES
        .iter()
        .flat_map(|(name, codes)| {
            codes
                .iter()
                .map(move |code| (code.to_string(), name.to_string()))
        })
        .collect();
    coalesce(&[
        crate::frame::map_text(product_code.clone(), table, None),
        crate::schema::other_subcategory(aws(product_code)),
    ])
}

/// By OCI `product/service` (the report's upper-case service names).
pub fn oci(service: Expr) -> Expr {
    lookup(service, |name| match name {
        "COMPUTE" | "FUNCTIONS" | "CONTAINER_ENGINE" => "Compute",
        "BLOCK_STORAGE" | "OBJECTSTORE" | "FILE_STORAGE" | "ARCHIVE_STORAGE" => "Storage",
        "DATABASE" | "MYSQL" | "NOSQL" | "POSTGRESQL" => "Databases",
        "NETWORK" | "LOAD_BALANCER" | "DNS" | "FASTCONNECT" => "Networking",
        "TELEMETRY" | "LOGGING" | "MONITORING" => "Management and Governance",
        "ORACLE_STREAMING_SERVICE" | "NOTIFICATIONS" | "QUEUE" => "Integration",
        "VAULT" | "KEY_MANAGEMENT" | "WAF" => "Security",
        _ => "Other",
    })
}

/// By Azure ConsumedService (`Microsoft.Compute`), falling back to MeterCategory.
pub fn azure(consumed_service: Expr, meter_category: Expr) -> Expr {
    let by_service = lookup(consumed_service, |s| {
        match s.to_ascii_lowercase().as_str() {
            "microsoft.compute"
            | "microsoft.containerservice"
            | "microsoft.web"
            | "microsoft.batch"
            | "microsoft.containerinstance" => "Compute",
            "microsoft.storage" | "microsoft.recoveryservices" | "microsoft.netapp" => "Storage",
            "microsoft.sql"
            | "microsoft.documentdb"
            | "microsoft.dbforpostgresql"
            | "microsoft.dbformysql"
            | "microsoft.cache" => "Databases",
            "microsoft.network" | "microsoft.cdn" => "Networking",
            "microsoft.insights" | "microsoft.operationalinsights" | "microsoft.automation" => {
                "Management and Governance"
            }
            "microsoft.keyvault" | "microsoft.security" => "Security",
            "microsoft.eventhub"
            | "microsoft.servicebus"
            | "microsoft.logic"
            | "microsoft.eventgrid" => "Integration",
            "microsoft.cognitiveservices" | "microsoft.machinelearningservices" => {
                "AI and Machine Learning"
            }
            "microsoft.synapse" | "microsoft.databricks" | "microsoft.datafactory" => "Analytics",
            _ => "",
        }
    });
    let by_meter = lookup(meter_category, |m| match m {
        "Virtual Machines" | "Container Instances" | "Azure App Service" | "Functions" => "Compute",
        "Storage" | "Backup" => "Storage",
        "SQL Database" | "Azure Cosmos DB" | "Redis Cache" => "Databases",
        "Bandwidth"
        | "Virtual Network"
        | "Load Balancer"
        | "VPN Gateway"
        | "Application Gateway"
        | "Azure DNS"
        | "Content Delivery Network" => "Networking",
        "Log Analytics" | "Azure Monitor" => "Management and Governance",
        _ => "Other",
    });
    when(by_service.clone().neq(lit("")))
        .then(by_service)
        .otherwise(by_meter)
}

/// By GCP service description.
pub fn gcp(description: Expr) -> Expr {
    lookup(description, |d| match d {
        "Compute Engine" | "Kubernetes Engine" | "Cloud Run" | "Cloud Functions" | "App Engine" => {
            "Compute"
        }
        "Cloud Storage" | "Filestore" => "Storage",
        "Cloud SQL"
        | "Cloud Spanner"
        | "Cloud Bigtable"
        | "Firestore"
        | "Cloud Memorystore for Redis" => "Databases",
        "Networking" | "Cloud DNS" | "Cloud CDN" | "Cloud Load Balancing" => "Networking",
        "BigQuery" | "Dataflow" | "Dataproc" | "Pub/Sub" => "Analytics",
        "Cloud Logging" | "Cloud Monitoring" | "Stackdriver Logging" | "Stackdriver Monitoring" => {
            "Management and Governance"
        }
        "Security Command Center" | "Cloud Key Management Service (KMS)" | "Secret Manager" => {
            "Security"
        }
        "Vertex AI" | "Cloud AI Platform" => "AI and Machine Learning",
        _ => "Other",
    })
}
