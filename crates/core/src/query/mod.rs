//! The billing view every answer reads: the stored FOCUS rows with tag
//! rules, allocation keys and currency conversion applied, the dimensions
//! they group by, and SQL over them.

pub mod accounts;
pub mod dimension;
pub mod fx;
pub mod rules;
pub mod sql;
