//! The gateway's routes: one table, read by the worker's router and by `/healthz`.

use crate::provider::Provider;

/// What a path leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// A provider's callback endpoint (its path is in the provider table).
    Callback(Provider),
    /// `GET /healthz`.
    Health,
    /// The operator's API under `/admin/` (dead letters), when `ADMIN_TOKEN` is set.
    Admin,
}

/// The path of the health check.
pub const HEALTH_PATH: &str = "/healthz";
/// The prefix of the operator's API.
pub const ADMIN_PREFIX: &str = "/admin";

impl Route {
    /// The route for a URL path, if any.
    pub fn for_path(path: &str) -> Option<Route> {
        if let Some(p) = Provider::for_route(path) {
            return Some(Route::Callback(p));
        }
        match path.strip_prefix(ADMIN_PREFIX) {
            Some("") => Some(Route::Admin),
            Some(rest) if rest.starts_with('/') => Some(Route::Admin),
            _ => (path == HEALTH_PATH).then_some(Route::Health),
        }
    }

    /// The methods this route answers (for `405` and its `Allow` header).
    pub fn allowed_methods(self) -> &'static str {
        match self {
            Route::Callback(p) => p.allowed_methods(),
            Route::Health => "GET",
            Route::Admin => "GET, POST, DELETE",
        }
    }

    /// Whether `method` (any case) is one this route answers.
    pub fn allows_method(self, method: &str) -> bool {
        self.allowed_methods().split(", ").any(|m| m.eq_ignore_ascii_case(method))
    }
}
