//! Azure: Cost Management exports in Blob storage, and the Cost Management
//! Query API.

pub mod export;
pub mod query;
