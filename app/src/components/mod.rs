//! Pieces shared between screens.

mod code_field;
mod connectivity_badge;
mod error_panel;
mod form;
mod gate_card;
mod header;
mod lang_switch;
mod nav_menu;
mod require_role;
mod timeline_alert;
mod update_banner;

pub use code_field::CodeField;
pub use connectivity_badge::ConnectivityBadge;
pub use error_panel::ErrorPanel;
pub use form::{FormMessage, FormStatus, TextField};
pub use gate_card::GateCard;
pub use header::AppHeader;
pub use lang_switch::LangSwitch;
pub use nav_menu::{home_for, menu_for, NavMenu, SessionEndedBanner};
pub use require_role::RequireRole;
pub use timeline_alert::TimelineAlert;
pub use update_banner::UpdateBanner;
