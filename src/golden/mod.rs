//! Golden-output cases, shared by `pyl test` and the project's own suite.

pub mod cli;
