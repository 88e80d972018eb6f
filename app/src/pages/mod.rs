//! One component per screen.
//!
//! A page imports no other page: what two screens share lives outside `pages/` (pieces of
//! view in [`crate::components`], names of domain values in [`crate::labels`], paths in
//! [`crate::routes`]); a page's folder (`trips/`, `operator_queue/`) holds its own parts.

mod account;
mod admin;
mod board;
mod book;
mod dev_sms;
mod forgot_password;
mod home;
mod not_found;
mod officer_residents;
mod operator;
mod operator_queue;
mod province_sync;
mod queue;
mod resident;
mod sign_in;
mod sign_up;
mod staff_homes;
mod trips;
mod verify;

pub use account::AccountPage;
pub use admin::AdminPage;
pub use board::BoardPage;
pub use book::BookPage;
pub use dev_sms::DevSmsPage;
pub use forgot_password::ForgotPasswordPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use officer_residents::OfficerResidentsPage;
pub use operator::OperatorHomePage;
pub use operator_queue::OperatorQueuePage;
pub use province_sync::ProvinceSyncPage;
pub use queue::QueuePage;
pub use resident::ResidentPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use staff_homes::OfficerHomePage;
pub use trips::{PassPage, TripsPage};
pub use verify::VerifyPage;
