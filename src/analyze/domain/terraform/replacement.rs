//! Data tables: which resource types hold data (destroying them loses it) and which attributes
//! force a resource to be replaced when they change. Rows are data so a policy can add its own
//! ([`Tables::with_extra`]); each row names where the fact comes from.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A resource type that holds state, and what to call it in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatefulType {
    /// Terraform resource type (`aws_db_instance`).
    pub resource_type: &'static str,
    /// What it is, for messages (`a database`).
    pub kind: &'static str,
    /// Where this comes from.
    pub source: &'static str,
}

/// Attributes of a resource type whose change destroys and recreates the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForceNew {
    /// Terraform resource type.
    pub resource_type: &'static str,
    /// Top-level arguments documented as forcing replacement.
    pub attributes: &'static [&'static str],
    /// Where this comes from.
    pub source: &'static str,
}

// Sources. Each provider's registry page marks replacement-forcing arguments: AWS with
// "(Forces new resource)" / "Changing this forces a new resource", Azure and Google with
// "Changing this forces a new resource to be created" (the provider schemas' `ForceNew`).
const AWS: &str = "registry.terraform.io/providers/hashicorp/aws/latest/docs (Forces new resource)";
const GOOGLE: &str = "registry.terraform.io/providers/hashicorp/google/latest/docs (Changing this forces a new resource)";
const AZURE: &str = "registry.terraform.io/providers/hashicorp/azurerm/latest/docs (Changing this forces a new resource)";
// Stateful types: the same registry pages; a type is listed when it stores data or is a
// cluster whose recreation drops its workloads.
const AWS_STATE: &str = "AWS provider docs: stores data or runs a cluster";
const GOOGLE_STATE: &str = "Google provider docs: stores data or runs a cluster";
const AZURE_STATE: &str = "AzureRM provider docs: stores data or runs a cluster";

macro_rules! stateful {
    ($source:expr; $($ty:literal => $kind:literal),+ $(,)?) => {
        [$(StatefulType { resource_type: $ty, kind: $kind, source: $source }),+]
    };
}

const AWS_STATEFUL: [StatefulType; 22] = stateful![AWS_STATE;
    "aws_db_instance" => "a database",
    "aws_rds_cluster" => "a database cluster",
    "aws_rds_cluster_instance" => "a database instance",
    "aws_dynamodb_table" => "a database table",
    "aws_s3_bucket" => "a bucket",
    "aws_ebs_volume" => "a volume",
    "aws_efs_file_system" => "a file system",
    "aws_fsx_lustre_file_system" => "a file system",
    "aws_elasticache_cluster" => "a cache cluster",
    "aws_elasticache_replication_group" => "a cache cluster",
    "aws_sqs_queue" => "a queue",
    "aws_kinesis_stream" => "a stream",
    "aws_msk_cluster" => "a Kafka cluster",
    "aws_eks_cluster" => "a Kubernetes cluster",
    "aws_opensearch_domain" => "a search cluster",
    "aws_elasticsearch_domain" => "a search cluster",
    "aws_redshift_cluster" => "a data warehouse",
    "aws_docdb_cluster" => "a database cluster",
    "aws_neptune_cluster" => "a database cluster",
    "aws_backup_vault" => "a backup vault",
    "aws_kms_key" => "an encryption key",
    "aws_ecr_repository" => "an image repository",
];

const GOOGLE_STATEFUL: [StatefulType; 15] = stateful![GOOGLE_STATE;
    "google_sql_database_instance" => "a database",
    "google_sql_database" => "a database",
    "google_storage_bucket" => "a bucket",
    "google_compute_disk" => "a disk",
    "google_compute_regional_disk" => "a disk",
    "google_container_cluster" => "a Kubernetes cluster",
    "google_bigquery_dataset" => "a dataset",
    "google_bigquery_table" => "a table",
    "google_spanner_instance" => "a database instance",
    "google_spanner_database" => "a database",
    "google_pubsub_topic" => "a topic",
    "google_pubsub_subscription" => "a queue",
    "google_redis_instance" => "a cache",
    "google_filestore_instance" => "a file system",
    "google_kms_crypto_key" => "an encryption key",
];

const AZURE_STATEFUL: [StatefulType; 16] = stateful![AZURE_STATE;
    "azurerm_storage_account" => "a storage account",
    "azurerm_storage_container" => "a bucket",
    "azurerm_mssql_server" => "a database server",
    "azurerm_mssql_database" => "a database",
    "azurerm_postgresql_server" => "a database server",
    "azurerm_postgresql_flexible_server" => "a database server",
    "azurerm_mysql_flexible_server" => "a database server",
    "azurerm_cosmosdb_account" => "a database account",
    "azurerm_managed_disk" => "a disk",
    "azurerm_kubernetes_cluster" => "a Kubernetes cluster",
    "azurerm_servicebus_namespace" => "a queue namespace",
    "azurerm_servicebus_queue" => "a queue",
    "azurerm_eventhub_namespace" => "a stream namespace",
    "azurerm_redis_cache" => "a cache",
    "azurerm_key_vault" => "a key vault",
    "azurerm_recovery_services_vault" => "a backup vault",
];

/// Every built-in stateful type: AWS, Google Cloud, Azure.
pub static STATEFUL: &[&[StatefulType]] = &[&AWS_STATEFUL, &GOOGLE_STATEFUL, &AZURE_STATEFUL];

/// A row's own source (`@ "…"`), or its table's.
macro_rules! source {
    ($table:expr) => {
        $table
    };
    ($table:expr, $row:literal) => {
        $row
    };
}

macro_rules! force_new {
    ($source:expr; $($ty:literal => [$($attr:literal),+ $(,)?] $(@ $doc:literal)?),+ $(,)?) => {
        [$(ForceNew {
            resource_type: $ty,
            attributes: &[$($attr),+],
            source: source!($source $(, $doc)?),
        }),+]
    };
}

// A name may be an argument or a nested block type (`local_secondary_index`).
const AWS_FORCE_NEW: [ForceNew; 32] = force_new![AWS;
    "aws_db_instance" => ["identifier", "identifier_prefix", "engine", "availability_zone", "db_name", "username", "kms_key_id", "storage_encrypted", "character_set_name", "nchar_character_set_name", "snapshot_identifier", "timezone", "custom_iam_instance_profile", "backup_target"],
    "aws_rds_cluster" => ["cluster_identifier", "cluster_identifier_prefix", "engine", "engine_mode", "availability_zones", "database_name", "master_username", "kms_key_id", "storage_encrypted", "snapshot_identifier", "db_subnet_group_name"],
    "aws_rds_cluster_instance" => ["identifier", "identifier_prefix", "cluster_identifier", "engine", "availability_zone", "db_subnet_group_name", "custom_iam_instance_profile"]
        @ "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster_instance (Forces new resource)",
    "aws_dynamodb_table" => ["name", "hash_key", "range_key", "local_secondary_index"]
        @ "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table (Forces new resource; local_secondary_index: Optional, Forces new resource)",
    "aws_neptune_cluster" => ["cluster_identifier", "cluster_identifier_prefix", "engine", "availability_zones", "kms_key_arn", "storage_encrypted", "snapshot_identifier", "neptune_subnet_group_name", "port"]
        @ "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/neptune_cluster (Forces new resource)",
    "aws_kms_key" => ["customer_master_key_spec", "key_usage", "custom_key_store_id", "multi_region", "xks_key_id"]
        @ "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key (Forces new resource; the old key is scheduled for deletion)",
    "aws_elasticsearch_domain" => ["domain_name"]
        @ "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticsearch_domain (domain_name: Forces new resource)",
    "aws_fsx_lustre_file_system" => ["deployment_type", "subnet_ids", "storage_type", "kms_key_id", "import_path", "export_path", "imported_file_chunk_size", "security_group_ids", "backup_id", "drive_cache_type", "file_system_type_version"]
        @ "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_lustre_file_system (Forces new resource)",
    "aws_s3_bucket" => ["bucket", "bucket_prefix", "object_lock_enabled"],
    "aws_ebs_volume" => ["availability_zone", "encrypted", "kms_key_id", "snapshot_id"],
    "aws_efs_file_system" => ["creation_token", "encrypted", "kms_key_id", "performance_mode", "availability_zone_name"],
    "aws_instance" => ["ami", "availability_zone", "subnet_id", "key_name", "private_ip", "placement_group"],
    "aws_vpc" => ["cidr_block"],
    "aws_subnet" => ["vpc_id", "cidr_block", "availability_zone", "availability_zone_id"],
    "aws_security_group" => ["name", "name_prefix", "vpc_id", "description"],
    "aws_elasticache_cluster" => ["cluster_id", "engine", "availability_zone", "subnet_group_name", "port"],
    "aws_elasticache_replication_group" => ["replication_group_id", "at_rest_encryption_enabled", "kms_key_id", "subnet_group_name"],
    "aws_sqs_queue" => ["name", "name_prefix", "fifo_queue"],
    "aws_sns_topic" => ["name", "name_prefix", "fifo_topic"],
    "aws_kinesis_stream" => ["name"],
    "aws_msk_cluster" => ["cluster_name"],
    "aws_eks_cluster" => ["name", "role_arn"],
    "aws_lb" => ["name", "name_prefix", "internal", "load_balancer_type"],
    "aws_lambda_function" => ["function_name"],
    "aws_iam_role" => ["name", "name_prefix", "path"],
    "aws_opensearch_domain" => ["domain_name"],
    "aws_redshift_cluster" => ["cluster_identifier", "database_name"],
    "aws_docdb_cluster" => ["cluster_identifier", "engine", "master_username", "kms_key_id", "storage_encrypted"],
    "aws_ecr_repository" => ["name"],
    "aws_route53_zone" => ["name"],
    "aws_cloudwatch_log_group" => ["name", "name_prefix"],
    "aws_backup_vault" => ["name", "kms_key_arn"],
];

const GOOGLE_FORCE_NEW: [ForceNew; 21] = force_new![GOOGLE;
    "google_compute_regional_disk" => ["name", "region", "replica_zones", "type", "snapshot", "project"]
        @ "registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_region_disk (Changing this forces a new resource to be created)",
    "google_sql_database_instance" => ["name", "region", "project", "encryption_key_name"],
    "google_sql_database" => ["name", "instance", "project"],
    "google_storage_bucket" => ["name", "location", "project"],
    "google_compute_instance" => ["name", "zone", "project"],
    "google_compute_disk" => ["name", "zone", "image", "snapshot", "type", "project"],
    "google_compute_network" => ["name", "auto_create_subnetworks", "project"],
    "google_compute_subnetwork" => ["name", "network", "region", "project"],
    "google_compute_firewall" => ["name", "network", "direction", "project"],
    "google_container_cluster" => ["name", "location", "network", "subnetwork", "project"],
    "google_container_node_pool" => ["name", "cluster", "location", "project"],
    "google_bigquery_dataset" => ["dataset_id", "location", "project"],
    "google_bigquery_table" => ["table_id", "dataset_id", "project"],
    "google_spanner_instance" => ["name", "config", "project"],
    "google_spanner_database" => ["name", "instance", "project"],
    "google_pubsub_topic" => ["name", "project"],
    "google_pubsub_subscription" => ["name", "topic", "project"],
    "google_redis_instance" => ["name", "region", "tier", "location_id", "connect_mode", "project"],
    "google_filestore_instance" => ["name", "tier", "location", "zone", "project"],
    "google_kms_crypto_key" => ["name", "key_ring"],
    "google_service_account" => ["account_id", "project"],
];

const AZURE_FORCE_NEW: [ForceNew; 22] = force_new![AZURE;
    "azurerm_eventhub_namespace" => ["name", "resource_group_name", "location"]
        @ "registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/eventhub_namespace (Changing this forces a new resource to be created)",
    "azurerm_servicebus_queue" => ["name", "namespace_id"]
        @ "registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/servicebus_queue (Changing this forces a new resource to be created)",
    "azurerm_recovery_services_vault" => ["name", "resource_group_name", "location"]
        @ "registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/recovery_services_vault (Changing this forces a new resource to be created)",
    "azurerm_resource_group" => ["name", "location"],
    "azurerm_storage_account" => ["name", "resource_group_name", "location", "account_tier", "is_hns_enabled"],
    "azurerm_mssql_server" => ["name", "resource_group_name", "location"],
    "azurerm_mssql_database" => ["name", "server_id"],
    "azurerm_postgresql_server" => ["name", "resource_group_name", "location"],
    "azurerm_postgresql_flexible_server" => ["name", "resource_group_name", "location"],
    "azurerm_mysql_flexible_server" => ["name", "resource_group_name", "location"],
    "azurerm_cosmosdb_account" => ["name", "resource_group_name", "location", "kind"],
    "azurerm_managed_disk" => ["name", "resource_group_name", "location", "create_option", "zone"],
    "azurerm_kubernetes_cluster" => ["name", "resource_group_name", "location", "dns_prefix"],
    "azurerm_virtual_network" => ["name", "resource_group_name", "location"],
    "azurerm_subnet" => ["name", "resource_group_name", "virtual_network_name"],
    "azurerm_linux_virtual_machine" => ["name", "resource_group_name", "location", "admin_username", "zone"],
    "azurerm_windows_virtual_machine" => ["name", "resource_group_name", "location", "admin_username", "zone"],
    "azurerm_key_vault" => ["name", "resource_group_name", "location"],
    "azurerm_servicebus_namespace" => ["name", "resource_group_name", "location"],
    "azurerm_redis_cache" => ["name", "resource_group_name", "location"],
    "azurerm_network_security_group" => ["name", "resource_group_name", "location"],
    "azurerm_storage_container" => ["name", "storage_account_name"],
];

/// Every built-in replacement row: AWS, Google Cloud, Azure.
pub static FORCE_NEW: &[&[ForceNew]] = &[&AWS_FORCE_NEW, &GOOGLE_FORCE_NEW, &AZURE_FORCE_NEW];

/// Rows a policy adds to the built-in tables (owned: they come from a parsed file).
#[derive(Debug, Clone, Default)]
pub struct ExtraRows {
    /// `(resource type, what it is)` pairs, e.g. `("acme_database", "a database")`.
    pub stateful: Vec<(String, String)>,
    /// `(resource type, attributes)` pairs whose attributes force replacement.
    pub force_new: Vec<(String, Vec<String>)>,
}

/// The lookups the rules use: built-in rows plus a policy's extra rows.
#[derive(Debug, Clone)]
pub struct Tables {
    stateful: HashMap<String, String>,
    force_new: HashMap<String, Vec<String>>,
}

impl Tables {
    /// The built-in tables plus `extra` rows (extra rows add to, never remove, built-in ones).
    #[must_use]
    pub fn with_extra(extra: Option<&ExtraRows>) -> Self {
        let mut stateful: HashMap<String, String> = STATEFUL
            .iter()
            .flat_map(|rows| rows.iter())
            .map(|row| (row.resource_type.to_string(), row.kind.to_string()))
            .collect();
        let mut force_new: HashMap<String, Vec<String>> = HashMap::new();
        for row in FORCE_NEW.iter().flat_map(|rows| rows.iter()) {
            force_new
                .entry(row.resource_type.to_string())
                .or_default()
                .extend(row.attributes.iter().map(ToString::to_string));
        }
        if let Some(extra) = extra {
            stateful.extend(extra.stateful.iter().cloned());
            for (ty, attributes) in &extra.force_new {
                force_new
                    .entry(ty.clone())
                    .or_default()
                    .extend(attributes.iter().cloned());
            }
        }
        Self {
            stateful,
            force_new,
        }
    }

    /// The built-in tables, built once.
    #[must_use]
    pub fn builtin() -> &'static Self {
        static BUILTIN: LazyLock<Tables> = LazyLock::new(|| Tables::with_extra(None));
        &BUILTIN
    }

    /// What a stateful resource type is (`a database`), or `None` when it holds no state.
    #[must_use]
    pub fn stateful_kind(&self, resource_type: &str) -> Option<&str> {
        self.stateful.get(resource_type).map(String::as_str)
    }

    /// The attributes of `resource_type` that force replacement.
    #[must_use]
    pub fn force_new(&self, resource_type: &str) -> &[String] {
        self.force_new.get(resource_type).map_or(&[], Vec::as_slice)
    }
}

/// Replacement-forcing arguments that newer provider releases update in place: (resource
/// type, argument, the provider release from which it is renamed in place, source). Which
/// release a module uses is not read here, so a change of one of these alone is reported as
/// a possible replacement, not a certain one.
pub const IN_PLACE_SINCE: &[(&str, &str, &str, &str)] = &[
    (
        "aws_db_instance",
        "identifier",
        "AWS provider 5.0",
        "hashicorp/terraform-provider-aws#31232 (5.0.0: \"resource/aws_db_instance: identifier can be updated\"), internal/service/rds/instance.go has no ForceNew on identifier",
    ),
    (
        "aws_db_instance",
        "identifier_prefix",
        "AWS provider 5.0",
        "hashicorp/terraform-provider-aws#31232, as identifier",
    ),
];

/// The provider release from which `argument` of `resource_type` is updated in place, if a
/// row of [`IN_PLACE_SINCE`] says so.
#[must_use]
pub fn in_place_since(resource_type: &str, argument: &str) -> Option<&'static str> {
    IN_PLACE_SINCE
        .iter()
        .find(|(ty, name, ..)| *ty == resource_type && *name == argument)
        .map(|(_, _, since, _)| *since)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument renamed in place by newer providers is one the table says forces
    /// replacement (with older ones), and cites where the change was made.
    #[test]
    fn in_place_rows_name_forcing_arguments() {
        for (resource_type, argument, since, source) in IN_PLACE_SINCE {
            assert!(
                Tables::builtin()
                    .force_new(resource_type)
                    .iter()
                    .any(|name| name == argument),
                "{resource_type}.{argument}"
            );
            assert!(since.contains("provider") && !source.is_empty());
        }
    }

    /// Every row names a source, and no type is listed twice within a table.
    #[test]
    fn rows_are_sourced_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for row in STATEFUL.iter().flat_map(|rows| rows.iter()) {
            assert!(!row.source.is_empty());
            assert!(seen.insert(row.resource_type), "{}", row.resource_type);
        }
        seen.clear();
        for row in FORCE_NEW.iter().flat_map(|rows| rows.iter()) {
            assert!(!row.source.is_empty() && !row.attributes.is_empty());
            assert!(seen.insert(row.resource_type), "{}", row.resource_type);
        }
    }

    /// Every built-in stateful type has replacement-forcing arguments listed: a stateful type
    /// without a row would let a rename of its identifier replace it unseen.
    #[test]
    fn every_stateful_type_has_a_row() {
        let tables = Tables::builtin();
        for row in STATEFUL.iter().flat_map(|rows| rows.iter()) {
            assert!(
                !tables.force_new(row.resource_type).is_empty(),
                "{}",
                row.resource_type
            );
        }
    }

    /// A policy's extra rows extend the built-in ones.
    #[test]
    fn extra_rows_extend() {
        let extra = ExtraRows {
            stateful: vec![("acme_db".into(), "a database".into())],
            force_new: vec![("aws_vpc".into(), vec!["instance_tenancy".into()])],
        };
        let tables = Tables::with_extra(Some(&extra));
        assert_eq!(tables.stateful_kind("acme_db"), Some("a database"));
        assert_eq!(tables.stateful_kind("aws_s3_bucket"), Some("a bucket"));
        assert!(
            tables
                .force_new("aws_vpc")
                .iter()
                .any(|a| a == "instance_tenancy")
        );
        assert!(
            tables
                .force_new("aws_vpc")
                .iter()
                .any(|a| a == "cidr_block")
        );
        assert_eq!(Tables::with_extra(None).stateful_kind("aws_iam_role"), None);
    }
}
