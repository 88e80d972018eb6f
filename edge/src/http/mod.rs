//! The HTTP layer: the only part of the edge that knows status codes.
//!
//! A request is checked for size, resolved to a [`Route`] (or handed to the static assets),
//! served by a thin handler, and every response leaves with the security headers.

mod body;
mod headers;
mod routes;
mod test_hooks;

pub use body::{parse_json_body, read_body_bytes, read_json_body};
pub use headers::SECURITY_HEADERS;
pub use routes::{resolve, Resolved, RouteId, RouteSpec, ROUTES};

use crate::accounts;
use crate::auth::{self, Authentication, Principal};
use crate::bindings::{ASSETS_BINDING, DB_BINDING};
use crate::bookings::{self, AvailabilityBody};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::queue;
use crate::rate_limits::{ClientAddress, Limits};
use crate::sms::{self, Sms};
use crate::yard_protocol::YardClient;
use crate::{audit, disabling, gates, passes, province, residents, sync, trips};
use shared::wire::v1::{HealthResponse, API_VERSION, MAX_BODY_BYTES};
use shared::YardId;
use worker::{D1Database, Env, Headers, Method, Request, Response};

/// Serves one request. Never fails: every error becomes a JSON error response.
pub async fn serve(req: Request, env: &Env) -> Response {
    let path = req.path();
    let api = path == "/api" || path.starts_with("/api/");
    let response = if api {
        serve_api(req, env)
            .await
            .unwrap_or_else(|e| e.into_response())
    } else {
        serve_asset(req, env)
            .await
            .unwrap_or_else(|e| ApiError::from(e).into_response())
    };
    headers::secure(response, api)
}

/// Size check → route → authentication → the route's declared access → its handler.
async fn serve_api(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    refuse_oversized(&req)?;
    let db = env.d1(DB_BINDING)?;
    let now = now_ms();
    if test_hooks::ENABLED && req.path() == test_hooks::PROVINCE_RUN_PATH {
        return province_run(env, &db, &req, now).await;
    }
    let route = resolve(&req.method(), &req.path())?;
    let auth = auth::authenticate(authorization(&req)?, &db, now).await?;
    // An unreadable yard id is nobody's yard here; the handler then reports it as invalid.
    let path_yard = route.yard_id().ok().flatten();
    auth::authorize(route.spec.access, &auth, path_yard.as_ref())?;

    let from = client_address(&req);
    let limits = rate_limits(env);
    match route.spec.id {
        RouteId::Health => health(&db).await,
        RouteId::Gates => json(&gates::list(&db).await?),
        RouteId::YardStatus => yard_status(env, &db, required_yard(&route)?).await,
        RouteId::SignUp => {
            let body = read_json_body(&mut req).await?;
            json(&accounts::sign_up(&db, body, &from, limits, now).await?)
        }
        RouteId::SignIn => {
            let body = read_json_body(&mut req).await?;
            let sms = Sms::from_env(env);
            json(&accounts::sign_in(&db, &sms, body, &from, limits, now).await?)
        }
        RouteId::RequestCode => {
            let body = read_json_body(&mut req).await?;
            let sms = Sms::from_env(env);
            json(&accounts::request_code(&db, &sms, body, &from, limits, now).await?)
        }
        RouteId::ResetPassword => {
            let body = read_json_body(&mut req).await?;
            json(&accounts::reset_password(&db, body, limits, &from, now).await?)
        }
        RouteId::DevSmsInbox => {
            if !Sms::from_env(env).is_local() || !loopback_host(&req) {
                return Err(ApiError::not_found(format!("no API route {}", req.path())));
            }
            json(&sms::dev_inbox(&db, query(&req, "phone")).await?)
        }
        RouteId::SignOut => json(&accounts::sign_out(&db, signed_in(&auth)?, now).await?),
        RouteId::SignOutEverywhere => {
            json(&accounts::sign_out_everywhere(&db, signed_in(&auth)?, now).await?)
        }
        RouteId::ChangePassword => {
            let body = read_json_body(&mut req).await?;
            let me = signed_in(&auth)?;
            json(&accounts::change_password(&db, me, body, &from, limits, now).await?)
        }
        RouteId::Me => json(&accounts::me(&db, signed_in(&auth)?).await?),
        RouteId::AdminListAccounts => json(&accounts::list(&db).await?),
        RouteId::AdminCreateAccount => {
            let body = read_json_body(&mut req).await?;
            json(&accounts::create_staff(&db, signed_in(&auth)?, body, now).await?)
        }
        RouteId::AdminDisableAccount | RouteId::AdminEnableAccount => {
            let disabled = route.spec.id == RouteId::AdminDisableAccount;
            let target = route.account_id()?;
            let me = signed_in(&auth)?;
            let account = accounts::set_disabled(&db, me, &target, disabled, now).await?;
            if disabled {
                // Its bookings go back to the yards, its queue entries are flagged for the
                // operators and its live sockets closed (again on a repeated disable).
                disabling::withdraw(env, &db, me, &target, now).await?;
            }
            json(&account)
        }
        RouteId::AdminAuditLog => json(&audit::latest(&db).await?),
        RouteId::Sync => {
            let body = read_json_body(&mut req).await?;
            let me = signed_in(&auth)?;
            sync::count_writes(&db, me, &body, limits.writes.sync, now).await?;
            let signer = passes::signer(env)?;
            let clock = booking_clock(env, &req, now);
            let synced = sync::sync(env, &db, &signer, me, body, clock).await?;
            // A cancelled trip gives its yard places back (never a no-show for its owner).
            bookings::release_for_trips(env, &db, me, &synced.cancelled_trips, now).await;
            json(&synced.response)
        }
        RouteId::Trips => json(&trips::list(&db, &signed_in(&auth)?.account_id).await?),
        RouteId::PassKeys => json(&passes::trust_list(&db, &passes::signer(env)?, now).await?),
        RouteId::PassRevocations => {
            let since = query(&req, "since")
                .map(|v| v.trim().parse::<i64>())
                .transpose()
                .map_err(|_| {
                    ApiError::from(shared::Error::new(
                        shared::ErrorCode::MalformedBody,
                        "`since` is an instant in milliseconds",
                    ))
                })?;
            json(&passes::deny_list(&db, now, since).await?)
        }
        RouteId::MyBookings => json(&bookings::mine(&db, signed_in(&auth)?).await?),
        RouteId::QueueCheckIn => {
            let body = read_json_body(&mut req).await?;
            let answer = yard_client(env, &db, &route, &req, now)?
                .check_in(body)
                .await?;
            Ok(json(&answer)?.with_status(201))
        }
        RouteId::YardQueue => json(&yard_client(env, &db, &route, &req, now)?.view().await?),
        RouteId::QueueCall => {
            let body = read_json_body(&mut req).await?;
            json(&yard_client(env, &db, &route, &req, now)?.call(body).await?)
        }
        RouteId::QueueServe => {
            let entry = route.entry_id()?;
            json(
                &yard_client(env, &db, &route, &req, now)?
                    .serve(entry)
                    .await?,
            )
        }
        RouteId::QueueAbsent => {
            let entry = route.entry_id()?;
            json(
                &yard_client(env, &db, &route, &req, now)?
                    .absent(entry)
                    .await?,
            )
        }
        RouteId::QueueMove => {
            let body = read_json_body(&mut req).await?;
            let (me, entry) = (signed_in(&auth)?, route.entry_id()?);
            let yard = yard_client(env, &db, &route, &req, now)?;
            json(&yard.move_entry(me, entry, body).await?)
        }
        RouteId::TripQueue => {
            let trip = route.trip_id()?;
            let yard = queue::yard_of_own_trip(&db, signed_in(&auth)?, trip.as_str()).await?;
            let yard = YardClient {
                env,
                db: &db,
                yard,
                now_ms: booking_clock(env, &req, now),
            };
            json(&yard.trip(trip.as_str()).await?)
        }
        RouteId::TripQueueLive => {
            let trip = route.trip_id()?;
            queue::live(env, &db, signed_in(&auth)?, trip.as_str(), &req).await
        }
        RouteId::Board => json(&queue::board(&db, now).await?),
        RouteId::VerifyVehicle => {
            let body = read_json_body(&mut req).await?;
            json(&crate::vehicles::verify(env, &db, signed_in(&auth)?, body, now).await?)
        }
        RouteId::YardAvailability => {
            let yard = yard_client(env, &db, &route, &req, now)?;
            // Anonymous callers at the real clock may get a few seconds' old answer.
            let public = auth.principal().is_none() && yard.now_ms == now;
            match yard.availability(query(&req, "date"), public).await? {
                AvailabilityBody::Answer(day) => json(&day),
                AvailabilityBody::Remembered { json, cache } => remembered_json(json, cache),
            }
        }
        RouteId::Book => {
            let yard = yard_client(env, &db, &route, &req, now)?;
            let me = signed_in(&auth)?;
            bookings::count_write(&db, me, limits.writes.booking, now).await?;
            let key = req.headers().get("idempotency-key")?;
            let body = read_json_body(&mut req).await?;
            json(&yard.book(me, key, body).await?)
        }
        RouteId::CancelBooking => {
            let yard = yard_client(env, &db, &route, &req, now)?;
            let me = signed_in(&auth)?;
            bookings::count_write(&db, me, limits.writes.booking, now).await?;
            let key = req.headers().get("idempotency-key")?;
            let booking = route.booking_id()?;
            json(&yard.cancel(me, booking, key).await?)
        }
        RouteId::RescheduleBooking => {
            let yard = yard_client(env, &db, &route, &req, now)?;
            let me = signed_in(&auth)?;
            bookings::count_write(&db, me, limits.writes.booking, now).await?;
            let key = req.headers().get("idempotency-key")?;
            let booking = route.booking_id()?;
            let body = read_json_body(&mut req).await?;
            json(&yard.reschedule(me, booking, key, body).await?)
        }
        RouteId::YardBookings => {
            let yard = yard_client(env, &db, &route, &req, now)?;
            json(&yard.day_bookings(query(&req, "date")).await?)
        }
        RouteId::YardConfig => json(&yard_client(env, &db, &route, &req, now)?.config().await?),
        RouteId::ProvinceStatusCallback => {
            json(&province::status::callback(env, &db, &mut req, now).await?)
        }
        RouteId::AdminProvinceSync => {
            let clock = booking_clock(env, &req, now);
            json(&province::health::health(env, &db, clock).await?)
        }
        RouteId::AdminRetryParkedRecord => {
            let id = route.record_id()?;
            let clock = booking_clock(env, &req, now);
            json(&province::health::retry_parked(&db, signed_in(&auth)?, id, clock).await?)
        }
        RouteId::ResidentApply => {
            let clock = booking_clock(env, &req, now);
            let body = read_json_body(&mut req).await?;
            let me = signed_in(&auth)?;
            let (created, resident) = residents::apply(env, &db, me, body, clock).await?;
            Ok(json(&resident)?.with_status(if created { 201 } else { 200 }))
        }
        RouteId::ResidentMe => {
            let clock = booking_clock(env, &req, now);
            json(&residents::me(&db, signed_in(&auth)?, clock).await?)
        }
        RouteId::Residents => {
            let clock = booking_clock(env, &req, now);
            let status = query(&req, "status");
            json(&residents::list(&db, signed_in(&auth)?, status, clock).await?)
        }
        RouteId::ResidentDecide => {
            let clock = booking_clock(env, &req, now);
            let id = route.resident_id()?;
            let body = read_json_body(&mut req).await?;
            let signer = passes::signer(env)?;
            let me = signed_in(&auth)?;
            json(&residents::decide(&db, &signer, me, &id, body, clock).await?)
        }
        RouteId::SetYardConfig => {
            let body = read_json_body(&mut req).await?;
            let yard = yard_client(env, &db, &route, &req, now)?;
            json(&yard.set_config(signed_in(&auth)?, body).await?)
        }
    }
}

/// The clock of a request that may have written something (any `POST` or `PUT` to the API
/// but sign-ins, the province's callbacks and the test switches), for the push that follows
/// it; `None` for the others.
pub fn write_clock(req: &Request) -> Option<i64> {
    let path = req.path();
    let writes = matches!(req.method(), Method::Post | Method::Put)
        && path.starts_with("/api/")
        && !["/api/auth/", "/api/province/", "/api/test/", "/api/dev/"]
            .iter()
            .any(|p| path.starts_with(p));
    writes.then(|| {
        if !test_hooks::ENABLED {
            // Not even the header's name is in a build without the test switches.
            return now_ms();
        }
        let header = req
            .headers()
            .get(test_hooks::TEST_NOW_HEADER)
            .ok()
            .flatten();
        test_hooks::clock(header.as_deref(), now_ms())
    })
}

/// `POST /api/test/province/run` (test builds only): one run of the province sync (push, then
/// pull) at the request's clock, waiting up to 20 s for a pusher that holds the lease.
async fn province_run(
    env: &Env,
    db: &D1Database,
    req: &Request,
    now: i64,
) -> Result<Response, ApiError> {
    if req.method() != Method::Post {
        return Err(ApiError::method_not_allowed());
    }
    let clock = booking_clock(env, req, now);
    let started = now_ms();
    loop {
        let report = crate::jobs::province(env, db, clock).await?;
        if report.push.outcome != "busy" || now_ms() - started > 20_000 {
            return json(&report);
        }
        worker::Delay::from(std::time::Duration::from_millis(200)).await;
    }
}

/// The client of the route's yard, at the request's clock.
fn yard_client<'a>(
    env: &'a Env,
    db: &'a D1Database,
    route: &Resolved,
    req: &Request,
    now: i64,
) -> Result<YardClient<'a>, ApiError> {
    Ok(YardClient {
        env,
        db,
        yard: required_yard(route)?,
        now_ms: booking_clock(env, req, now),
    })
}

/// "Now" for booking calls: the Worker's clock, or, in a Worker built with the `test-hooks`
/// feature (tests only, see [`test_hooks`]), the `x-test-now-ms` header.
fn booking_clock(_env: &Env, req: &Request, now_ms: i64) -> i64 {
    if !test_hooks::ENABLED {
        return now_ms;
    }
    let header = req
        .headers()
        .get(test_hooks::TEST_NOW_HEADER)
        .ok()
        .flatten();
    test_hooks::clock(header.as_deref(), now_ms)
}

/// The caller's credentials: the `Authorization` header, or, for a WebSocket (browsers cannot
/// set headers on one), a `bearer.<token>` entry among the offered subprotocols.
fn authorization(req: &Request) -> Result<Option<String>, ApiError> {
    if let Some(header) = req.headers().get("authorization")? {
        return Ok(Some(header));
    }
    let offered = req
        .headers()
        .get("sec-websocket-protocol")?
        .unwrap_or_default();
    Ok(offered
        .split(',')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("bearer."))
        .map(|token| format!("Bearer {token}")))
}

/// A query parameter of the request URL.
fn query(req: &Request, name: &str) -> Option<String> {
    let url = req.url().ok()?;
    let value = url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    value
}

/// The caller of a route whose access rule requires signing in (checked before handlers run).
fn signed_in(auth: &Authentication) -> Result<&Principal, ApiError> {
    auth.principal().ok_or_else(ApiError::internal)
}

fn required_yard(route: &Resolved) -> Result<YardId, ApiError> {
    route
        .yard_id()?
        .ok_or_else(|| ApiError::not_found("no yard in the path"))
}

/// Cloudflare sets `CF-Connecting-IP` to the client's address (overwriting any sent by the
/// client). Locally, wrangler keeps a client-sent value, which tests use to act as many phones.
fn client_address(req: &Request) -> ClientAddress {
    let address = req
        .headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .filter(|a| !a.is_empty() && a.len() <= 64)
        .unwrap_or_else(|| "unknown".into());
    ClientAddress(address)
}

/// Whether the request was addressed to this machine (`make dev`, the tests): a second lock,
/// with `SMS_ADAPTER=local`, on the local SMS inbox, so that a deployed Worker never serves it.
fn loopback_host(req: &Request) -> bool {
    let host = req.url().ok().and_then(|u| u.host_str().map(str::to_owned));
    matches!(
        host.as_deref(),
        Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
    )
}

/// The rate limits; in a `test-hooks` build, `RATE_LIMIT_WINDOW_MS` (a Worker variable)
/// shortens every window (see [`test_hooks`]). Other builds never read the variable.
fn rate_limits(env: &Env) -> Limits {
    let var = if test_hooks::ENABLED {
        env.var(test_hooks::WINDOW_VAR).ok().map(|v| v.to_string())
    } else {
        None
    };
    Limits::with_window_override(test_hooks::window_override(var.as_deref()))
}

/// Refuses a body over the limit before reading it. Handlers that read bodies go through
/// [`parse_json_body`], which also counts the bytes actually received.
fn refuse_oversized(req: &Request) -> Result<(), ApiError> {
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    match declared {
        Some(len) if len > MAX_BODY_BYTES => Err(ApiError::payload_too_large()),
        _ => Ok(()),
    }
}

async fn health(db: &D1Database) -> Result<Response, ApiError> {
    let last_cron_at_ms = crate::jobs::last_run_ms(db).await?;
    json(&HealthResponse {
        status: "ok".into(),
        api_version: API_VERSION,
        last_cron_at_ms,
    })
}

async fn yard_status(env: &Env, db: &D1Database, yard_id: YardId) -> Result<Response, ApiError> {
    if !gates::yard_exists(db, &yard_id).await? {
        return Err(ApiError::not_found(format!("no yard {yard_id}")));
    }
    json(&YardClient::status(env, &yard_id).await?)
}

async fn serve_asset(req: Request, env: &Env) -> worker::Result<Response> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return Ok(ApiError::method_not_allowed().into_response());
    }
    env.assets(ASSETS_BINDING)?.fetch_request(req).await
}

fn json<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    let mut response = Response::from_json(value)?;
    response
        .headers_mut()
        .set("cache-control", "no-store")
        .map_err(ApiError::from)?;
    Ok(response)
}

/// A JSON answer from the availability memory (`x-borderpass-cache` says whether it was
/// there already: `hit`, or just fetched: `miss`).
fn remembered_json(body: String, cache: &str) -> Result<Response, ApiError> {
    let mut response = Response::ok(body)?;
    let headers = response.headers_mut();
    headers.set("content-type", "application/json")?;
    headers.set("x-borderpass-cache", cache)?;
    Ok(response)
}

/// Copies a response's headers into a fresh, mutable set (fetched responses are immutable).
fn mutable_headers(from: &Headers) -> Headers {
    let headers = Headers::new();
    for (name, value) in from.entries() {
        // Appending to a fresh Headers only fails for invalid names, which `from` cannot have.
        let _ = headers.append(&name, &value);
    }
    headers
}
