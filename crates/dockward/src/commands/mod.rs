pub mod audit;
pub mod check;
pub mod cis;
pub mod debug;
pub mod output;
pub mod rules;
pub mod sbom;
pub mod settings;
