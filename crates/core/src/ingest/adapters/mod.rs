//! One adapter per provider family: how its header is recognized, how its
//! columns map to FOCUS, and its service categories.

pub mod aws;
pub mod azure;
pub mod focus;
pub mod gcp;
pub mod oci;
pub mod service_category;
