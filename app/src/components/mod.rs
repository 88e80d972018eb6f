//! Pieces shared between screens.

mod connectivity_badge;
mod error_panel;
mod gate_card;
mod header;
mod lang_switch;
mod update_banner;

pub use connectivity_badge::ConnectivityBadge;
pub use error_panel::ErrorPanel;
pub use gate_card::GateCard;
pub use header::AppHeader;
pub use lang_switch::LangSwitch;
pub use update_banner::UpdateBanner;
