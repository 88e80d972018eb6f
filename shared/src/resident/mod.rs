//! Border residents (cư dân biên giới): the citizen ID and its digest, the rules as dated
//! data, and the fold of a resident's crossings into the day's allowance, the month's
//! duty-free days and the ten-day stamp (issue 13).

pub mod communes;
pub mod crossing;
pub mod id;
pub mod rules;
pub mod status;
#[cfg(test)]
mod tests;

pub use communes::{BorderCommune, BorderCommunes};
pub use crossing::{
    Assessment, Crossing, CrossingDirection, CrossingId, GoodsLine, ResidentLedger,
};
pub use id::{HolderDigest, ResidentIdNumber};
pub use rules::{DatedSeries, ResidentRules};
pub use status::{DecisionReason, ResidentDecision, ResidentId, ResidentStatus};
