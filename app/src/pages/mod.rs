//! One component per screen.

mod home;
mod not_found;

pub use home::HomePage;
pub use not_found::NotFoundPage;
